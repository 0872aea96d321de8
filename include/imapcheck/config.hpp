// imapcheck: the run's configuration, as parsed from the command line (SPEC §4).
// Plain data; cli.cpp fills it and validates it, everything else only reads it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "imapcheck/secret.hpp"

namespace imapcheck {

enum class TlsMode { Implicit, StartTls, None };
enum class IpVersion { Any, V4, V6 };
enum class AuthMechanism { Auto, Login, Plain, XOAuth2, OAuthBearer };
enum class OutputFormat { Text, Json, Nagios, Junit, Prometheus };

struct Config {
    // Connection
    std::string host;
    std::uint16_t port = 0;  // resolved: 993 for implicit, else 143
    TlsMode tls = TlsMode::StartTls;
    std::string connect_to;  // ADDR[:PORT], empty = connect to host
    std::string proxy;
    IpVersion ip_version = IpVersion::Any;
    std::string cacert;
    bool insecure = false;
    std::string min_tls;  // "", "1.2" or "1.3"
    std::chrono::milliseconds timeout{30000};
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds command_timeout{15000};

    // Auth
    std::string user;
    Secret password;
    AuthMechanism auth = AuthMechanism::Auto;
    bool allow_plaintext_auth = false;

    // Checks
    std::string mailbox = "INBOX";
    std::string search = "UNSEEN";
    std::uint64_t fetch_bytes = 4096;
    std::vector<std::string> expect_folders;

    // Thresholds
    double quota_warn = 80;
    double quota_crit = 95;
    int cert_warn_days = 14;
    int cert_crit_days = 3;
    std::optional<double> warn_time_ms;
    std::optional<double> crit_time_ms;

    // Output
    OutputFormat format = OutputFormat::Text;
    std::string output;  // empty = stdout
    std::string trace;   // empty = none, "-" = stderr
    bool color = false;  // decided from --no-color, NO_COLOR and isatty
};

const char* to_string(TlsMode mode);
const char* to_string(AuthMechanism mechanism);

}  // namespace imapcheck
