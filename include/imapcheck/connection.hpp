// imapcheck: the connection to the server. libcurl does TCP, implicit TLS or STARTTLS,
// certificate verification, the greeting and CAPABILITY (CONNECT_ONLY); after that this
// carries raw IMAP bytes both ways under a deadline. The implementation is the only code
// that includes <curl/curl.h> (src/transport/).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imapcheck/deadline.hpp"
#include "imapcheck/expected.hpp"
#include "imapcheck/report.hpp"

namespace imapcheck {

struct CertificateFacts {
    std::string subject, issuer;
    std::vector<std::string> sans;
    std::string not_before, not_after;  // RFC 3339, UTC
    std::optional<long long> not_before_epoch, not_after_epoch;
    std::string sha256;             // fingerprint of the DER certificate, hex with colons
    std::string key_sha256;         // of the public key (SubjectPublicKeyInfo, DER), hex
    bool names_issuer_url = false;  // has an AIA caIssuers URL: issued under an intermediate
};

// One X.509 verification error (X509_V_ERR_*) and the depth of the certificate it is about
// (0: the server's own).
struct CertificateProblem {
    long code = 0;
    int depth = 0;
};

struct TlsFacts {
    bool active = false;
    std::string version, cipher;
    bool verified = false;        // chain and host name checked, and they passed
    std::string verify_problem;   // why not, in words (also set with --insecure)
    std::optional<CertificateFacts> certificate;
    // When verification failed or was not asked for (--insecure): every problem the chain
    // has against the configured trust store, found by verifying it again offline.
    std::vector<CertificateProblem> problems;
    std::optional<bool> name_matches;     // the host name against the certificate, when checked
    int chain_sent = 0;                   // certificates the server sent, its own included
    std::vector<CertificateFacts> chain;  // what the server sent, its own first
};

// Everything the connect phase established, whether it succeeded or not.
struct ConnectFacts {
    enum class Stage { Connect, Tls, Greeting, Capability, Done };
    Stage reached = Stage::Connect;  // the stage that failed, or Done
    std::string error;               // why it failed, in words

    std::string address;  // peer IP as connected
    unsigned port = 0;
    std::string greeting;  // the raw greeting line
    std::vector<std::string> caps_pre_tls, caps_post_tls;

    TlsFacts tls;
    // Why the failing stage failed, as a diagnosis, when the transport could tell; the
    // certificate's problems are in `tls` for the tls check to judge.
    std::optional<Diagnosis> diagnosis;

    // Milliseconds spent in each stage, from libcurl's timers and the debug callback.
    double connect_ms = 0, tls_ms = 0, capability_ms = 0;
};

class Connection {
public:
    virtual ~Connection() = default;
    virtual const ConnectFacts& facts() const = 0;
    // True while bytes can still be exchanged.
    virtual bool open() const = 0;
    virtual Result<Unit> send(std::string_view bytes, const Deadline& deadline) = 0;
    // Some bytes (at most `capacity`); Closed when the server hung up.
    virtual Result<std::size_t> receive(char* buffer, std::size_t capacity,
                                        const Deadline& deadline) = 0;
    virtual void close() = 0;
};

// Libraries' process-wide set-up; make_curl_transport() calls it once. A program that
// starts threads before its first transport calls it first.
void global_transport_init();

}  // namespace imapcheck
