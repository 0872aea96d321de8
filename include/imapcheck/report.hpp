// imapcheck: check results and the run's report (docs/contract.md §3, §5): per-check status, the
// overall status (the worst one wins) and the exit code monitoring systems act on.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "imapcheck/range.hpp"

namespace imapcheck {

using Json = nlohmann::ordered_json;

enum class CheckStatus { Pass, Warn, Fail, Skip };
enum class Overall { Ok = 0, Warning = 1, Critical = 2, Unknown = 3 };

// Why a check warned or failed, as an expert at the telnet prompt would say it (README,
// "Diagnosing a server"). `id` is one of the stable classes of diagnosis.hpp.
struct Diagnosis {
    std::string id;                  // "tls.expired"
    std::string cause;               // one sentence
    std::vector<std::string> tries;  // concrete next steps, most likely first
    std::string evidence;            // what was seen: bytes, a wire line, a certificate field
};

struct CheckResult {
    std::string id;
    CheckStatus status = CheckStatus::Pass;
    double duration_ms = 0;
    std::string summary;
    Json details = Json::object();
    std::optional<Diagnosis> diagnosis;  // on every warn and fail

    // `return fail(...).because({...})`: the result with its diagnosis.
    CheckResult because(Diagnosis d) && {
        diagnosis = std::move(d);
        return std::move(*this);
    }
};

// The bounds the run was judged by, for formats that carry them beside the values
// (Nagios perfdata warn/crit, the JUnit `duration` test case).
struct Thresholds {
    double quota_warn = 80;  // percent
    double quota_crit = 95;
    int cert_warn_days = 14;
    int cert_crit_days = 3;
    std::optional<double> warn_time_ms;
    std::optional<double> crit_time_ms;
    std::optional<Range> search_warn, search_crit;      // on the search check's count
    std::optional<Range> messages_warn, messages_crit;  // on the status check's MESSAGES
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
    // Why the run is UNKNOWN rather than judged: an internal error caught while a check ran
    // (that check failed), or a configuration that could not be applied (the password
    // source became unreadable). Not the server's fault, so not CRITICAL.
    std::vector<std::string> unknown_causes;
    std::string name;  // the target's name in a fleet; empty for a single run
    Thresholds thresholds;

    Overall overall() const;
    int exit_code() const { return static_cast<int>(overall()); }
    CheckResult* find(std::string_view id);
    // The first failure, else the first warning, as "check: summary"; else the first note;
    // "" when there is nothing to say. What a one-line view of many runs shows.
    std::string first_problem() const;
    // The first failing check's diagnosis, else the first warning's; null when none.
    const CheckResult* root_cause() const;
};

// The fleet's reports and how the whole fleet stands: the worst target's status.
struct FleetReport {
    std::vector<Report> targets;
    std::string started_at;  // RFC 3339, UTC
    double duration_ms = 0;

    Overall overall() const;
    int exit_code() const { return static_cast<int>(overall()); }
    std::size_t count(Overall status) const;
    std::size_t count_at_least(Overall status) const;
};

const char* to_string(CheckStatus status);  // "pass", "warn", "fail", "skip"
const char* to_string(Overall overall);     // "OK", "WARNING", "CRITICAL", "UNKNOWN"

}  // namespace imapcheck
