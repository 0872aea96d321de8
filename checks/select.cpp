// imapcheck check `select`: EXAMINE "<mailbox>" (RFC 3501 §6.3.2), the read-only SELECT:
// a health check must never change \Recent, \Seen or anything else.
#include "imapcheck/check.hpp"

namespace imapcheck {

Plan plan_select(const RunContext& ctx) {
    auto command = std::make_unique<imap::Command>("EXAMINE");
    command->mailbox(ctx.config.mailbox);
    return Plan::of(std::move(command));
}

CheckResult run_select(RunContext& ctx) {
    Json details = {{"mailbox", ctx.config.mailbox}};
    // `status` told why it is not there; its EXAMINE, if it went ahead, is answered unread.
    if (!ctx.mailbox_problem.empty()) {
        ctx.blocks = ctx.mailbox_problem;
        return skip(ctx.mailbox_problem + " (see status)", details);
    }
    auto reply = ctx.session->run(*plan_select(ctx).command, ctx.deadline);
    if (!reply || !reply->ok()) return fail_reply("EXAMINE " + ctx.config.mailbox, reply, details);

    std::optional<std::uint64_t> exists = ctx.session->exists(), uidvalidity;
    bool told_exists = false;
    for (const auto& r : reply->untagged) {
        told_exists = told_exists || r.name == "EXISTS";
        if (r.name == "OK" && r.code == "UIDVALIDITY") {
            try {
                uidvalidity = std::stoull(r.code_args);
            } catch (const std::exception&) {
            }
        }
    }
    // Only an EXISTS in this reply describes this mailbox: one sent earlier, unsolicited and
    // before anything was selected, must not pass for its size (nor make `fetch` ask for it).
    if (!told_exists) exists.reset();
    const bool read_only = reply->tagged.code == "READ-ONLY";
    details["read_only"] = read_only;
    if (exists) details["exists"] = *exists;
    if (uidvalidity) details["uidvalidity"] = *uidvalidity;
    if (!exists)
        return fail("EXAMINE answered OK without an EXISTS count", details)
            .because(protocol_deviation("EXAMINE answered OK without * n EXISTS (RFC 3501 §6.3.1)",
                                        reply->status_line()));

    std::string summary = ctx.config.mailbox + " examined, " + std::to_string(*exists) + " message" +
                          (*exists == 1 ? "" : "s");
    if (!read_only)
        return warn(summary + ", but the server did not confirm [READ-ONLY]", details)
            .because(protocol_deviation("EXAMINE answered without [READ-ONLY] (RFC 3501 §6.3.2): "
                                        "the server may treat the mailbox as selected read-write",
                                        reply->status_line()));
    return pass(summary + ", read-only", details);
}

}  // namespace imapcheck
