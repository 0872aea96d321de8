// imapcheck: the health-check sequence of docs/contract.md §2, in order, with what each step needs.
// The order is the contract; a step whose prerequisite failed is skipped with the reason.
#include <algorithm>
#include <cstdio>

#include "checks/checks.hpp"
#include "imapcheck/check.hpp"
#include "imapcheck/diagnosis.hpp"

namespace imapcheck {

// LIST goes alone, after STATUS, EXAMINE and SEARCH were sent ahead and answered: Dovecot
// 2.3 (Maildir) refreshes its mailbox list index on LIST, and a STATUS, EXAMINE or SEARCH
// of a 200 000-message INBOX run after or beside it took 200 ms more (BENCHMARKS.md).
// LOGOUT goes alone too, once every answer a check needs has arrived: a server or proxy
// may answer it on sight and hang up with a FETCH literal still in flight (README, "What
// imapcheck tolerates"). That costs one round trip (BENCHMARKS.md).
// The report keeps the order of docs/contract.md §2.
const std::vector<Check>& check_registry() {
    static const std::vector<Check> checks = {
        {"connect", {}, false, run_connect},
        {"tls", {"connect"}, false, run_tls},
        {"capability", {"connect", "tls"}, false, run_capability},
        {"login", {"capability"}, true, run_login},
        {"list", {"login"}, true, run_list, plan_list, /*alone=*/true},
        {"status", {"login"}, true, run_status, plan_status},
        {"select", {"login"}, true, run_select, plan_select},
        {"search", {"select"}, true, run_search, plan_search},
        {"fetch", {"select"}, true, run_fetch, plan_fetch},
        {"quota", {"login"}, true, run_quota, plan_quota},
        {"logout", {"capability"}, true, run_logout, plan_logout, /*alone=*/true},
    };
    return checks;
}

bool RunContext::finished_check(std::string_view id) const {
    return std::find(finished.begin(), finished.end(), id) != finished.end();
}

CheckResult pass(std::string summary, Json details) {
    return {"", CheckStatus::Pass, 0, std::move(summary), std::move(details), std::nullopt};
}
CheckResult warn(std::string summary, Json details) {
    return {"", CheckStatus::Warn, 0, std::move(summary), std::move(details), std::nullopt};
}
CheckResult fail(std::string summary, Json details) {
    return {"", CheckStatus::Fail, 0, std::move(summary), std::move(details), std::nullopt};
}
CheckResult skip(std::string summary, Json details) {
    return {"", CheckStatus::Skip, 0, std::move(summary), std::move(details), std::nullopt};
}

Diagnosis diagnose_reply(std::string_view verb, const Result<Reply>& reply) {
    const std::string command(verb);
    if (!reply) {
        const Error& e = reply.error();
        if (e.kind == Error::Kind::Timeout)
            return {"command.timeout",
                    command +
                        " got no complete answer in time (--command-timeout, or what "
                        "was left of --timeout)",
                    {"check the server's load and log", "raise --command-timeout"},
                    e.message};
        // Broken while waiting for a command that went ahead: that one is to blame.
        const auto waiting = e.message.find("while waiting for the answer to");
        if (e.kind == Error::Kind::Closed)
            return {"connection.lost",
                    waiting != std::string::npos
                        ? "the connection broke " +
                              e.message.substr(waiting, e.message.size() - waiting - 1)
                        : "the connection broke while " + command + " was in flight",
                    {"check the server's log and any proxy or load balancer on the way"},
                    e.message};
        return {"command.failed",
                "the answer to " + command + " could not be read",
                {"run with --trace FILE and look at the last lines"},
                e.message};
    }
    const imap::Response& tagged = reply->tagged;
    std::string id(class_of_code(tagged.code));
    if (id.empty()) id = "command.failed";
    std::string cause = "the server answered " + command + " with " + tagged.name +
                        (tagged.code.empty() ? "" : " [" + tagged.code + "]") + ": " + tagged.text;
    return {id, cause, {"read the server's words; its log has the details"}, reply->status_line()};
}

Diagnosis protocol_deviation(std::string cause, std::string evidence) {
    return {"server.protocol",
            "the server's answer breaks the IMAP protocol: " + std::move(cause),
            {"report it to the server's vendor with the --trace output",
             "README, \"What imapcheck tolerates\", says what imapcheck lets pass"},
            std::move(evidence)};
}

CheckResult deviation(CheckResult result, std::string evidence) {
    result.diagnosis = protocol_deviation(result.summary, std::move(evidence));
    return result;
}

namespace {
// What a count on the wrong side of its range usually means, by the side it fell on.
std::string count_hint(bool messages, const Range& crossed, double value) {
    const bool too_many = !crossed.inside && crossed.end && value > *crossed.end;
    const bool too_few = !crossed.inside && crossed.start && value < *crossed.start;
    if (messages && too_many)
        return "a mailbox that fills up: see what lands in it (a bounce box, a queue)";
    if (messages && too_few)
        return "fewer messages than expected: mail does not arrive, or something removes it "
               "(a cleanup job, a client that deletes)";
    if (too_few) return "a delivery probe that finds nothing: check that mail arrives";
    if (too_many)
        return "more hits than expected: mail piles up (a probe box nobody empties, a bounce "
               "storm)";
    return "the count is inside the range marked as wrong: see what changed in the mailbox";
}
}  // namespace

CheckResult judge_count(CheckResult result, double value, const std::optional<Range>& warn_range,
                        const std::optional<Range>& crit_range, const std::string& option) {
    auto broke = [&](const Range& r, const char* level) {
        char shown[32];
        std::snprintf(shown, sizeof shown, "%g", value);
        return std::string(shown) + (r.inside ? " is inside" : " is outside") + " --" + option +
               "-" + level + " " + r.text;
    };
    if (result.status == CheckStatus::Fail || result.status == CheckStatus::Skip) return result;
    const Range* crossed = crit_range && crit_range->alerts(value)   ? &*crit_range
                           : warn_range && warn_range->alerts(value) ? &*warn_range
                                                                     : nullptr;
    if (!crossed) return result;
    const bool critical = crossed == &*crit_range;
    const std::string words = broke(*crossed, critical ? "crit" : "warn");
    result.status = critical ? CheckStatus::Fail : CheckStatus::Warn;
    result.summary += ": " + words;
    result.diagnosis =
        Diagnosis{"count.range",
                  "the " +
                      std::string(option == "messages" ? "mailbox's message count"
                                                       : "number of SEARCH hits") +
                      " " + words,
                  {count_hint(option == "messages", *crossed, value),
                   "--" + option + "-warn / --" + option + "-crit RANGE to set the bounds"},
                  words};
    return result;
}

CheckResult fail_reply(std::string_view verb, const Result<Reply>& reply, Json details) {
    if (reply && !reply->tagged.code.empty()) details["code"] = reply->tagged.code;
    Diagnosis d = diagnose_reply(verb, reply);
    if (!reply)
        return fail(std::string(verb) + " failed: " + reply.error().message, std::move(details))
            .because(std::move(d));
    return fail(std::string(verb) + " failed: " + reply->status_line(), std::move(details))
        .because(std::move(d));
}

}  // namespace imapcheck
