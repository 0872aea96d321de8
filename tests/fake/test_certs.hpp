// imapcheck fake server: a throwaway PKI generated at test time (X.509 per RFC 5280, EC P-256),
// so TLS tests need no checked-in keys and never expire. All fields are paths to PEM files.
#pragma once

#include <string>

namespace imapcheck::fake {

struct TestPki {
    std::string dir;
    std::string ca_pem;  // the CA certificate to trust
    // DNS:localhost + IP:127.0.0.1, valid from 1 hour ago for 90 days, signed by the CA.
    std::string server_cert, server_key;
    // DNS:wrong.example only, otherwise valid and CA-signed: fails hostname checks.
    std::string wrong_name_cert, wrong_name_key;
    // localhost names, CA-signed, but notBefore -30 days and notAfter -1 day.
    std::string expired_cert, expired_key;
    // localhost names and valid dates, but self-signed: fails chain verification.
    std::string self_signed_cert, self_signed_key;
    // localhost names, CA-signed, but notBefore in 10 days.
    std::string future_cert, future_key;
    // localhost names, signed by an intermediate CA that the CA signed; the file holds the
    // leaf only, so a server using it sends no intermediate (an incomplete chain).
    std::string leaf_only_cert, leaf_only_key;
    // localhost names, CA-signed, notAfter in 2 days: inside the default warning windows.
    std::string expiring_cert, expiring_key;
};

// Creates `dir` if needed and writes ca.pem, server.pem/server-key.pem, wrong-name*.pem,
// expired*.pem, self-signed*.pem, future*.pem, leaf-only*.pem and expiring*.pem into it. Throws
// std::runtime_error on failure.
TestPki make_test_pki(const std::string& dir);

}  // namespace imapcheck::fake
