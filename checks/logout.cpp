// imapcheck check `logout`: LOGOUT (RFC 3501 §6.1.3): the server says BYE, then OK, then
// closes. libcurl's cleanup sends no LOGOUT in CONNECT_ONLY mode, so we always do.
#include "imapcheck/check.hpp"

namespace imapcheck {

Plan plan_logout(const RunContext&) {
    return Plan::of(std::make_unique<imap::Command>("LOGOUT"));
}

CheckResult run_logout(RunContext& ctx) {
    Session& session = *ctx.session;
    auto reply = session.run(*plan_logout(ctx).command, ctx.deadline);
    const bool said_bye = session.bye().has_value();
    session.close();
    if (reply && reply->ok())
        return said_bye ? pass("BYE and OK: " + reply->tagged.text)
                        : deviation(warn("LOGOUT answered OK without the BYE RFC 3501 requires"),
                                    reply->status_line());
    // A server that says BYE and hangs up before the tagged OK is a clean close too.
    if (!reply && reply.error().kind == Error::Kind::Closed && said_bye)
        return pass("BYE, then the server closed the connection");
    return fail_reply("LOGOUT", reply);
}

}  // namespace imapcheck
