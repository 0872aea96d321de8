// imapcheck check `search`: SEARCH <criteria> (RFC 3501 §6.4.4) in the examined mailbox,
// default UNSEEN. Counts every hit; keeps the first 100 for the report and the newest
// for `fetch`.
#include <algorithm>

#include "imapcheck/check.hpp"

namespace imapcheck {

// Sent ahead with EXAMINE: a server answers commands in order, so SEARCH runs in the
// mailbox EXAMINE opened; if EXAMINE fails, SEARCH's answer is never looked at.
Plan plan_search(const RunContext& ctx) {
    auto command = std::make_unique<imap::Command>("SEARCH");
    command->raw(ctx.config.search);
    return Plan::of(std::move(command));
}

CheckResult run_search(RunContext& ctx) {
    auto reply = ctx.session->run(*plan_search(ctx).command, ctx.deadline);
    Json details = {{"criteria", ctx.config.search}};
    if (reply && reply->tagged.name == "BAD") {
        // The criteria are the user's input, not the server's fault: UNKNOWN, exit 3.
        ctx.report.unknown_causes.push_back("the server calls --search '" + ctx.config.search +
                                            "' invalid");
        return fail_reply("SEARCH " + ctx.config.search, reply, details)
            .because(
                {"search.bad",
                 "the server calls the --search criteria '" + ctx.config.search +
                     "' invalid (RFC 3501 §6.4.4 syntax)",
                 {"check the syntax: dates are d-Mon-yyyy (SINCE 1-Feb-2026), strings with "
                  "spaces are quoted (SUBJECT \"two words\"), keys are ALL, UNSEEN, FROM x, ...",
                  "try it by hand: imapcheck --trace FILE shows the exchange"},
                 reply->status_line()});
    }
    if (!reply || !reply->ok()) return fail_reply("SEARCH " + ctx.config.search, reply, details);

    // A SEARCH line that could not be read leaves the count unknown: no number is better
    // than a wrong one, and `fetch` then takes the newest message.
    for (const auto& a : reply->anomalies)
        if (a.name == "SEARCH")
            return deviation(
                fail("SEARCH answer could not be read (" + a.anomaly + "): " + a.sent, details));

    constexpr std::size_t kKept = 100;
    std::size_t count = 0;
    Json matches = Json::array();
    bool answered = false;
    for (const auto& r : reply->untagged) {
        if (r.name != "SEARCH") continue;
        answered = true;
        count += r.numbers.size();
        for (std::uint32_t n : r.numbers) {
            // Message numbers start at 1: a 0 is a server bug, and `fetch` must not ask for it.
            if (n == 0) {
                ctx.newest_hit.reset();
                return deviation(
                    fail("SEARCH answered with message number 0, which cannot exist", details));
            }
            if (matches.size() < kKept) matches.push_back(n);
            ctx.newest_hit = std::max(ctx.newest_hit.value_or(0), n);
        }
    }
    details["count"] = count;
    details["matches"] = std::move(matches);
    // RFC 3501 §7.2.5 wants "* SEARCH" even when nothing matches, but the tagged OK says the
    // search ran: some servers send nothing for no hits.
    if (!answered)
        ctx.session->note_deviation("SEARCH " + ctx.config.search +
                                    " answered OK without the * SEARCH response RFC 3501 "
                                    "requires even when nothing matches; taken as no matches");
    return judge_count(pass(std::to_string(count) + " message" + (count == 1 ? "" : "s") +
                                " match " + ctx.config.search,
                            details),
                       static_cast<double>(count), ctx.config.search_warn, ctx.config.search_crit,
                       "search");
}

}  // namespace imapcheck
