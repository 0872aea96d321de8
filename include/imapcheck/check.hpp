// imapcheck: what a check is, and what checks share while a run goes on (docs/contract.md §2).
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
#include "imapcheck/mailbox_list.hpp"
#include "imapcheck/report.hpp"
#include "imapcheck/session.hpp"

namespace imapcheck {

class Transport;

// Shared state of one run: the session, and what earlier checks learned for later ones.
struct RunContext {
    RunContext(const TargetConfig& config, Deadline deadline, Transcript& transcript,
               Report& report, Transport* transport, const Secret* password)
        : config(config),
          deadline(deadline),
          transcript(transcript),
          report(report),
          transport(transport),
          password(password) {}

    const TargetConfig& config;
    Deadline deadline;
    Transcript& transcript;
    Report& report;
    Transport* transport;    // what `connect` opens the connection with
    const Secret* password;  // loaded for this run only; what `login` sends

    std::unique_ptr<Session> session;  // set by `connect` once libcurl's phase succeeded
    ConnectFacts facts;                // what the connect phase established
    bool preauth = false;              // greeting was PREAUTH: already logged in
    std::optional<std::uint32_t> newest_hit;  // highest sequence number SEARCH returned
    std::optional<MailboxList> listed;        // what LIST returned, once `list` ran
    // Set by `status` when --mailbox is missing or \Noselect: the checks that need the
    // mailbox skip with this reason instead of failing again.
    std::string mailbox_problem;
    // A check that skips for a reason the checks after it share sets this: the runner
    // skips those that require it with the same reason. Reset before each check.
    std::optional<std::string> blocks;
    // A check that fails on a fact that does not stop the checks after it clears this (an
    // expired certificate under --insecure: the channel works, the run goes on, and the
    // report is still CRITICAL). Reset before each check.
    bool failure_blocks = true;
    // A check may report its own duration (e.g. from libcurl's timers) instead of wall time.
    std::optional<double> duration_override;
    // Checks the runner is done with (run or skipped), in order.
    std::vector<std::string_view> finished;

    bool finished_check(std::string_view id) const;
};

// The one command a check will send, told before the check runs, so that the runner can
// send it ahead with the commands of the checks after it (pipelining, RFC 3501 §5.5).
struct Plan {
    enum class Kind {
        Unknown,  // depends on an answer still to come: nothing after it goes ahead either
        Nothing,  // the check will send no command
        Command,  // the check will send exactly `command`
    };
    Kind kind = Kind::Unknown;
    std::unique_ptr<imap::Command> command;

    static Plan unknown() { return {}; }
    static Plan nothing() { return {Kind::Nothing, nullptr}; }
    static Plan of(std::unique_ptr<imap::Command> command) {
        return {Kind::Command, std::move(command)};
    }
};

struct Check {
    std::string_view id;
    // Checks that must have passed (or warned, or skipped for a harmless reason).
    std::vector<std::string_view> requires_checks;
    bool needs_session;  // skip when the connection is gone
    std::function<CheckResult(RunContext&)> run;
    // Empty for a check that may send anything: no command after it goes ahead.
    std::function<Plan(const RunContext&)> plan = {};
    // Its command never goes ahead: when the check runs, what is in flight is answered
    // first and it goes by itself. The commands of the checks after it may go ahead of it.
    bool alone = false;
};

// The sequence, in the order of docs/contract.md §2.
const std::vector<Check>& check_registry();

// Result constructors, so checks read as their outcome.
CheckResult pass(std::string summary, Json details = Json::object());
CheckResult warn(std::string summary, Json details = Json::object());
CheckResult fail(std::string summary, Json details = Json::object());
CheckResult skip(std::string summary, Json details = Json::object());
// A count judged by --<option>-warn/--<option>-crit ranges: a crit alert fails, a warn alert
// warns (neither lowers a status already worse), and the summary says which bound it broke.
CheckResult judge_count(CheckResult result, double value, const std::optional<Range>& warn_range,
                        const std::optional<Range>& crit_range, const std::string& option);
// "<VERB> failed: NO [CODE] text", or the transport's words when there was no reply; with
// details.code and the diagnosis: the code's class (RFC 5530), command.timeout,
// connection.lost, or command.failed.
CheckResult fail_reply(std::string_view verb, const Result<Reply>& reply, Json details = Json::object());
Diagnosis diagnose_reply(std::string_view verb, const Result<Reply>& reply);
// The server's answer broke the protocol and imapcheck could not judge what it needed.
Diagnosis protocol_deviation(std::string cause, std::string evidence);
// `result` (a warn or fail about such an answer) with that diagnosis, its summary the cause.
CheckResult deviation(CheckResult result, std::string evidence = "");

}  // namespace imapcheck
