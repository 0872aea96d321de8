// imapcheck: the health-check sequence of SPEC §2, in order, with what each step needs.
// The order is the contract; a step whose prerequisite failed is skipped with the reason.
#include <algorithm>
#include <cstdio>

#include "imapcheck/check.hpp"

namespace imapcheck {

CheckResult run_connect(RunContext&);
CheckResult run_tls(RunContext&);
CheckResult run_capability(RunContext&);
CheckResult run_login(RunContext&);
CheckResult run_list(RunContext&);
CheckResult run_status(RunContext&);
CheckResult run_select(RunContext&);
CheckResult run_search(RunContext&);
CheckResult run_fetch(RunContext&);
CheckResult run_quota(RunContext&);
CheckResult run_logout(RunContext&);
Plan plan_list(const RunContext&);
Plan plan_status(const RunContext&);
Plan plan_select(const RunContext&);
Plan plan_search(const RunContext&);
Plan plan_fetch(const RunContext&);
Plan plan_quota(const RunContext&);
Plan plan_logout(const RunContext&);

// LIST goes alone, after STATUS, EXAMINE and SEARCH were sent ahead and answered: Dovecot
// 2.3 (Maildir) refreshes its mailbox list index on LIST, and a STATUS, EXAMINE or SEARCH
// of a 200 000-message INBOX run after or beside it took 200 ms more (BENCHMARKS.md).
// LOGOUT goes alone too, once every answer a check needs has arrived: a server or proxy
// may answer it on sight and hang up with a FETCH literal still in flight (README, "What
// imapcheck tolerates"). That costs one round trip (BENCHMARKS.md).
// The report keeps the order of SPEC §2.
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
    return {"", CheckStatus::Pass, 0, std::move(summary), std::move(details)};
}
CheckResult warn(std::string summary, Json details) {
    return {"", CheckStatus::Warn, 0, std::move(summary), std::move(details)};
}
CheckResult fail(std::string summary, Json details) {
    return {"", CheckStatus::Fail, 0, std::move(summary), std::move(details)};
}
CheckResult skip(std::string summary, Json details) {
    return {"", CheckStatus::Skip, 0, std::move(summary), std::move(details)};
}

CheckResult judge_count(CheckResult result, double value, const std::optional<Range>& warn_range,
                        const std::optional<Range>& crit_range, const std::string& option) {
    auto broke = [&](const Range& r, const char* level) {
        char shown[32];
        std::snprintf(shown, sizeof shown, "%g", value);
        return std::string(shown) + (r.inside ? " is inside" : " is outside") + " --" + option +
               "-" + level + " " + r.text;
    };
    if (result.status == CheckStatus::Fail || result.status == CheckStatus::Skip) return result;
    if (crit_range && crit_range->alerts(value)) {
        result.status = CheckStatus::Fail;
        result.summary += ": " + broke(*crit_range, "crit");
    } else if (warn_range && warn_range->alerts(value)) {
        result.status = CheckStatus::Warn;
        result.summary += ": " + broke(*warn_range, "warn");
    }
    return result;
}

CheckResult fail_reply(std::string_view verb, const Result<Reply>& reply, Json details) {
    if (!reply) return fail(std::string(verb) + " failed: " + reply.error().message, std::move(details));
    return fail(std::string(verb) + " failed: " + reply->status_line(), std::move(details));
}

}  // namespace imapcheck
