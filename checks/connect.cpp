// imapcheck check `connect`: TCP connect and the server greeting (RFC 3501 §7.1, greeting).
// Runs libcurl's connect phase for the whole run; `tls` and `capability` read its facts.
#include <stdexcept>

#include "imapcheck/check.hpp"
#include "imapcheck/imap/reader.hpp"
#include "imapcheck/transport.hpp"

namespace imapcheck {

CheckResult run_connect(RunContext& ctx) {
    if (!ctx.transport) throw std::logic_error("connect runs without a transport");
    auto connection = ctx.transport->connect(ctx.config, ctx.deadline, ctx.transcript);
    ctx.facts = connection->facts();
    const ConnectFacts& f = ctx.facts;
    ctx.duration_override = f.connect_ms;

    Json details = Json::object();
    if (!f.address.empty()) {
        details["address"] = f.address;
        details["port"] = f.port;
    }
    if (!f.greeting.empty()) details["greeting"] = f.greeting;
    std::string where = f.address.empty() ? ctx.config.host : f.address;
    where = (where.find(':') != std::string::npos ? "[" + where + "]" : where) + ":" +
            std::to_string(f.port ? f.port : ctx.config.port);
    // Through a proxy, libcurl's peer is the proxy: say so rather than pass it off as the server.
    if (!ctx.config.proxy.empty())
        where = ctx.config.host + ":" + std::to_string(ctx.config.port) + " via proxy " + where;

    using Stage = ConnectFacts::Stage;
    if (f.reached == Stage::Connect || f.reached == Stage::Greeting) {
        if (!f.diagnosis) return fail(f.error, details);
        return fail(f.error, details).because(*f.diagnosis);
    }

    if (f.reached == Stage::Done) {
        auto greeting = imap::parse_response_line(f.greeting);
        ctx.preauth = greeting && greeting->name == "PREAUTH";
        ctx.session =
            std::make_unique<Session>(std::move(connection), ctx.transcript, ctx.config.command_timeout);
        const auto& caps = f.caps_post_tls.empty() ? f.caps_pre_tls : f.caps_post_tls;
        ctx.session->set_capabilities(caps);
        std::string shown = f.greeting;
        // The summary keeps the greeting readable: its [CAPABILITY ...] list is in details.
        if (greeting && greeting->code == "CAPABILITY")
            shown = "* " + greeting->name + " " + greeting->text;
        return pass("connected to " + where + "  " + shown, details);
    }
    // TLS or CAPABILITY failed after TCP was up: connecting itself worked.
    std::string note = f.greeting.empty() ? " (greeting not read: TLS failed first)" : "  " + f.greeting;
    return pass("connected to " + where + note, details);
}

}  // namespace imapcheck
