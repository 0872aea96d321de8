// imapcheck: the health-check sequence of SPEC §2, in order, with what each step needs.
// The order is the contract; a step whose prerequisite failed is skipped with the reason.
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

const std::vector<Check>& check_registry() {
    static const std::vector<Check> checks = {
        {"connect", {}, false, run_connect},
        {"tls", {"connect"}, false, run_tls},
        {"capability", {"connect", "tls"}, false, run_capability},
        {"login", {"capability"}, true, run_login},
        {"list", {"login"}, true, run_list},
        {"status", {"login"}, true, run_status},
        {"select", {"login"}, true, run_select},
        {"search", {"select"}, true, run_search},
        {"fetch", {"select"}, true, run_fetch},
        {"quota", {"login"}, true, run_quota},
        {"logout", {"capability"}, true, run_logout},
    };
    return checks;
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

CheckResult fail_reply(std::string_view verb, const Result<Reply>& reply, Json details) {
    if (!reply) return fail(std::string(verb) + " failed: " + reply.error().message, std::move(details));
    return fail(std::string(verb) + " failed: " + reply->status_line(), std::move(details));
}

}  // namespace imapcheck
