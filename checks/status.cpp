// imapcheck check `status`: STATUS "<mailbox>" (MESSAGES UNSEEN UIDNEXT UIDVALIDITY)
// (RFC 3501 §6.3.10): the mailbox's counters without selecting it.
#include "diagnosis/mailbox_diagnosis.hpp"
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
    if (!reply || !reply->ok()) {
        CheckResult r = fail_reply("STATUS " + ctx.config.mailbox, reply, details);
        // LIST has already answered whether the mailbox is there: say so once, with what
        // was probably meant, and let the checks that need it skip.
        const std::string& mailbox = ctx.config.mailbox;
        const ListedMailbox* listed = ctx.listed ? ctx.listed->find(mailbox) : nullptr;
        if (reply && ctx.listed && !listed) {
            r.diagnosis =
                diagnosis::missing("mailbox.missing", mailbox, *ctx.listed, reply->status_line());
            ctx.mailbox_problem = "mailbox " + mailbox + " does not exist";
        } else if (reply && listed && has_flag(*listed, "\\Noselect")) {
            r.diagnosis = diagnosis::noselect(mailbox, *ctx.listed);
            ctx.mailbox_problem = "mailbox " + mailbox + " is \\Noselect";
        } else if (reply && listed && r.diagnosis && r.diagnosis->id == "mailbox.missing") {
            // LIST listed it and STATUS says it is not there: the server contradicts itself.
            // That is this answer's problem only: EXAMINE, SEARCH and GETQUOTAROOT are still
            // judged on their own answers.
            r.diagnosis =
                Diagnosis{"server.protocol",
                          "STATUS says " + mailbox +
                              " does not exist, but LIST lists it: the server "
                              "contradicts itself",
                          {"check the server's log and its index of the mailbox (Dovecot: doveadm "
                           "force-resync -u " +
                           ctx.config.user + " " + mailbox + ")"},
                          reply->status_line()};
        } else if (r.diagnosis && r.diagnosis->id == "mailbox.missing") {
            ctx.mailbox_problem = "mailbox " + mailbox + " does not exist";
        }
        return r;
    }

    const imap::Value* attrs = nullptr;
    for (const auto& r : reply->untagged)  // * STATUS name (MESSAGES n ...)
        if (r.name == "STATUS" && r.data.size() >= 2 && r.data.back().kind == imap::Value::Kind::List)
            attrs = &r.data.back();
    if (!attrs) {
        for (const auto& a : reply->anomalies)
            if (a.name == "STATUS")
                return fail("STATUS answer could not be read (" + a.anomaly + "): " + a.sent,
                            details)
                    .because(protocol_deviation(
                        "a STATUS line that cannot be read (" + a.anomaly + ")", a.sent));
        return fail("STATUS answered OK but sent no STATUS data", details)
            .because(protocol_deviation("STATUS answered OK without a * STATUS line",
                                        reply->status_line()));
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
                 : warn(summary + " (server left out some of the items asked for)", details)
                       .because(protocol_deviation("STATUS left out items that were asked for",
                                                   summary));
    // --messages-warn/--messages-crit: a bounce box that fills up, a probe box that stays empty.
    // Without MESSAGES the check already warns that the server left it out.
    if (details.contains("messages"))
        return judge_count(std::move(result), details["messages"].get<double>(),
                           ctx.config.messages_warn, ctx.config.messages_crit, "messages");
    return result;
}

}  // namespace imapcheck
