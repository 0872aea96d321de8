// imapcheck check `status`: STATUS "<mailbox>" (MESSAGES UNSEEN UIDNEXT UIDVALIDITY)
// (RFC 3501 §6.3.10): the mailbox's counters without selecting it.
#include "imapcheck/check.hpp"

namespace imapcheck {

Plan plan_status(const RunContext& ctx) {
    auto command = std::make_unique<imap::Command>("STATUS");
    command->mailbox(ctx.config.mailbox).raw("(MESSAGES UNSEEN UIDNEXT UIDVALIDITY)");
    return Plan::of(std::move(command));
}

CheckResult run_status(RunContext& ctx) {
    auto reply = ctx.session->run(*plan_status(ctx).command, ctx.deadline);
    Json details = {{"mailbox", ctx.config.mailbox}};
    if (!reply || !reply->ok()) return fail_reply("STATUS " + ctx.config.mailbox, reply, details);

    const imap::Value* attrs = nullptr;
    for (const auto& r : reply->untagged)  // * STATUS name (MESSAGES n ...)
        if (r.name == "STATUS" && r.data.size() >= 2 && r.data.back().kind == imap::Value::Kind::List)
            attrs = &r.data.back();
    if (!attrs) {
        for (const auto& a : reply->anomalies)
            if (a.name == "STATUS")
                return fail("STATUS answer could not be read (" + a.anomaly + "): " + a.sent,
                            details);
        return fail("STATUS answered OK but sent no STATUS data", details);
    }

    std::string summary = ctx.config.mailbox + ":";
    bool complete = true;
    for (const char* key : {"MESSAGES", "UNSEEN", "UIDNEXT", "UIDVALIDITY"}) {
        const imap::Value* v = attrs->value_after(key);
        std::string json_key(key);
        for (char& c : json_key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!v || v->kind != imap::Value::Kind::Number) {
            complete = false;
            continue;
        }
        details[json_key] = v->number;
        summary += " " + std::string(key) + " " + std::to_string(v->number);
    }
    CheckResult result =
        complete ? pass(summary, details)
                 : warn(summary + " (server left out some of the items asked for)", details);
    // --messages-warn/--messages-crit: a bounce box that fills up, a probe box that stays empty.
    // Without MESSAGES the check already warns that the server left it out.
    if (details.contains("messages"))
        return judge_count(std::move(result), details["messages"].get<double>(),
                           ctx.config.messages_warn, ctx.config.messages_crit, "messages");
    return result;
}

}  // namespace imapcheck
