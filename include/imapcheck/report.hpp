// imapcheck: check results and the run's report (SPEC §3, §5): per-check status, the
// overall status (the worst one wins) and the exit code monitoring systems act on.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace imapcheck {

using Json = nlohmann::ordered_json;

enum class CheckStatus { Pass, Warn, Fail, Skip };
enum class Overall { Ok = 0, Warning = 1, Critical = 2, Unknown = 3 };

struct CheckResult {
    std::string id;
    CheckStatus status = CheckStatus::Pass;
    double duration_ms = 0;
    std::string summary;
    Json details = Json::object();
};

struct Target {
    std::string host;
    unsigned port = 0;
    std::string tls;
    std::string user;
    std::string mailbox;
};

struct Report {
    Target target;
    std::string started_at;  // RFC 3339, UTC
    double duration_ms = 0;
    std::vector<CheckResult> checks;
    // Run-level findings that are not one check's (the --warn-time/--crit-time bounds).
    std::vector<std::string> notes;
    std::optional<Overall> time_status;
    // Texts the server flagged with [ALERT]: RFC 3501 says they must reach the user.
    std::vector<std::string> alerts;

    Overall overall() const;
    int exit_code() const { return static_cast<int>(overall()); }
    CheckResult* find(std::string_view id);
};

const char* to_string(CheckStatus status);  // "pass", "warn", "fail", "skip"
const char* to_string(Overall overall);     // "OK", "WARNING", "CRITICAL", "UNKNOWN"

}  // namespace imapcheck
