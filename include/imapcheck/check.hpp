// imapcheck: what a check is, and what checks share while a run goes on (SPEC §2).
// Each check is one function in checks/; the ordered registry and the runner decide when it
// runs and when it is skipped because something it needs failed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imapcheck/config.hpp"
#include "imapcheck/connection.hpp"
#include "imapcheck/report.hpp"
#include "imapcheck/session.hpp"

namespace imapcheck {

// Shared state of one run: the session, and what earlier checks learned for later ones.
struct RunContext {
    const Config& config;
    Deadline deadline;
    Transcript& transcript;
    Report& report;

    std::unique_ptr<Session> session;  // set by `connect` once libcurl's phase succeeded
    ConnectFacts facts;                // what the connect phase established
    bool preauth = false;              // greeting was PREAUTH: already logged in
    std::optional<std::uint32_t> newest_hit;  // highest sequence number SEARCH returned
    // A check may report its own duration (e.g. from libcurl's timers) instead of wall time.
    std::optional<double> duration_override;
};

struct Check {
    std::string_view id;
    // Checks that must have passed (or warned, or skipped for a harmless reason).
    std::vector<std::string_view> requires_checks;
    bool needs_session;  // skip when the connection is gone
    std::function<CheckResult(RunContext&)> run;
};

// The sequence, in SPEC order.
const std::vector<Check>& check_registry();

// Result constructors, so checks read as their outcome.
CheckResult pass(std::string summary, Json details = Json::object());
CheckResult warn(std::string summary, Json details = Json::object());
CheckResult fail(std::string summary, Json details = Json::object());
CheckResult skip(std::string summary, Json details = Json::object());
// "<VERB> failed: NO [CODE] text", or the transport's words when there was no reply.
CheckResult fail_reply(std::string_view verb, const Result<Reply>& reply, Json details = Json::object());

}  // namespace imapcheck
