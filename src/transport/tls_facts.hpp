// imapcheck: reads TLS facts (version, cipher, peer certificate) from an OpenSSL SSL*.
// Internal to src/transport; the SSL* comes from libcurl's CURLINFO_TLS_SSL_PTR.
#pragma once

#include "imapcheck/connection.hpp"

typedef struct ssl_st SSL;
#include <openssl/x509.h>

namespace imapcheck::transport {

// Fills version, cipher and the certificate; leaves `verified` to the caller, who knows
// whether libcurl was asked to verify.
void read_tls_facts(SSL* ssl, TlsFacts& facts);
// Subject, issuer, SANs and expiry of one certificate.
CertificateFacts certificate_facts(X509* cert);
// The X.509 verification result of the handshake, in words, or "" when it verified.
std::string verify_problem(SSL* ssl, const std::string& host);
// Words for an X509_V_ERR_* code, e.g. "certificate has expired".
std::string x509_error_words(long code);

// Verifies `leaf` with the certificates the server sent (`sent`, may hold the leaf too)
// against `store` again, offline, noting every problem rather than stopping at the first,
// and checks `host` against the leaf: what the tls check's diagnosis lists. Fills
// facts.problems, facts.name_matches, facts.chain_sent and facts.chain.
void audit_chain(X509_STORE* store, X509* leaf, STACK_OF(X509) * sent, const std::string& host,
                 TlsFacts& facts);

}  // namespace imapcheck::transport
