// imapcheck: what one probe checks, where and as whom (TargetConfig), apart from how the
// process reports (OutputSettings). Plain data, built and validated in one place
// (target_rules.cpp) from an option map, whatever filled it (docs/contract.md §4).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "imapcheck/credentials.hpp"
#include "imapcheck/range.hpp"

namespace imapcheck {

enum class TlsMode { Implicit, StartTls, None };
enum class IpVersion { Any, V4, V6 };
enum class AuthMechanism { Auto, Login, Plain, XOAuth2, OAuthBearer };
enum class OutputFormat { Text, Json, Nagios, Junit, Prometheus };

struct TargetConfig {
    std::string name;  // the config file's target name; empty for a single run
    // A fleet target whose configuration could not be applied (its password file is
    // missing, say), with the file position: probe() reports it UNKNOWN and connects
    // nowhere, and the fleet's other targets are still checked.
    std::string unusable;
    // imapcheck serve: the report and transcript may be read over HTTP (debug=true), so they
    // show the protocol, not the mail (no subject, sender or body) nor the password's shape.
    bool served_over_http = false;

    // Connection
    std::string host;
    std::uint16_t port = 0;  // resolved: 993 for implicit, else 143
    TlsMode tls = TlsMode::StartTls;
    std::string connect_to;  // ADDR:PORT as the rules normalise it, empty = connect to host
    // --resolve: "HOST:PORT:ADDR[,ADDR...]" as libcurl's CURLOPT_RESOLVE takes them, the
    // addresses without brackets' ambiguity (IPv6 in brackets); no DNS for that name.
    std::vector<std::string> resolve;
    std::string proxy;
    IpVersion ip_version = IpVersion::Any;
    std::string cacert;
    bool insecure = false;
    std::string min_tls;  // "", "1.2" or "1.3"
    std::chrono::milliseconds timeout{30000};
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds command_timeout{15000};

    // Auth: where the password comes from, not the password. probe() loads it for the run
    // and wipes it when the run ends.
    std::string user;
    CredentialSources credentials;
    AuthMechanism auth = AuthMechanism::Auto;
    bool allow_plaintext_auth = false;

    // Checks
    std::string mailbox = "INBOX";
    std::string search = "UNSEEN";
    std::uint64_t fetch_bytes = 4096;
    std::vector<std::string> expect_folders;
    // Part of the sequence (README, "In a deploy pipeline"): check ids, validated against
    // the registry. Empty: every check runs.
    std::vector<std::string> only_checks;  // --only: these and what they need, and logout
    std::vector<std::string> skip_checks;  // --skip: these, and what needs them
    std::string quit_after;                // --quit-after: nothing after it but logout
    // Baselines (README, "Baselines"): files, and the fields not compared.
    std::string save_baseline;  // --save-baseline FILE: written after the run
    std::string baseline;       // --baseline FILE: compared as the `baseline` check
    std::vector<std::string> baseline_ignore;

    // Thresholds
    double quota_warn = 80;
    double quota_crit = 95;
    int cert_warn_days = 14;
    int cert_crit_days = 3;
    std::optional<double> warn_time_ms;
    // A step that passed but took longer than this warns (slow.step); 0: never.
    std::chrono::milliseconds slow_step{5000};
    std::optional<double> crit_time_ms;
    // On the counts: SEARCH hits and the mailbox's STATUS MESSAGES (Monitoring Plugins ranges).
    std::optional<Range> search_warn, search_crit;
    std::optional<Range> messages_warn, messages_crit;

    // The server address connections are counted against (--per-host): the --connect-to
    // address when there is one, else host:port.
    std::string server_key() const;
};

// Process-wide: how the results of every target are written.
struct OutputSettings {
    OutputFormat format = OutputFormat::Text;
    std::string output;  // empty = stdout
    std::string trace;   // empty = none, "-" = stderr
    bool color = false;  // decided from --no-color, NO_COLOR and isatty
};

const char* to_string(TlsMode mode);
const char* to_string(AuthMechanism mechanism);

// How many probes a fleet runs at once, and against one server address.
struct FleetLimits {
    unsigned concurrency = 8;
    unsigned per_host = 4;
};

}  // namespace imapcheck
