// imapcheck check `login`: authentication done by imapcheck itself, exactly one attempt.
// LOGIN (RFC 3501 §6.2.3), AUTHENTICATE PLAIN (RFC 4616) with SASL-IR (RFC 4959) or a "+"
// continuation, XOAUTH2 and OAUTHBEARER (RFC 7628). Never sends a secret without TLS unless
// --allow-plaintext-auth says so.
#include <openssl/crypto.h>

#include <stdexcept>

#include "diagnosis/login_diagnosis.hpp"
#include "imapcheck/base64.hpp"
#include "imapcheck/check.hpp"

namespace imapcheck {
namespace {

// Wipes a string that held a secret when it goes out of scope.
struct Wiped {
    std::string value;
    ~Wiped() { OPENSSL_cleanse(value.data(), value.size()); }
};

std::optional<AuthMechanism> choose(const TargetConfig& config, const Session& session,
                                    std::string& why_not) {
    switch (config.auth) {
        case AuthMechanism::Auto:
            if (session.has_capability("AUTH=PLAIN")) return AuthMechanism::Plain;
            if (session.has_capability("LOGINDISABLED")) {
                why_not = "server disables LOGIN (LOGINDISABLED) and offers no AUTH=PLAIN";
                return std::nullopt;
            }
            return AuthMechanism::Login;
        case AuthMechanism::Login:
            if (session.has_capability("LOGINDISABLED")) {
                why_not = "server disables LOGIN (LOGINDISABLED)";
                return std::nullopt;
            }
            return AuthMechanism::Login;
        case AuthMechanism::Plain:
            if (!session.has_capability("AUTH=PLAIN")) why_not = "server does not offer AUTH=PLAIN";
            break;
        case AuthMechanism::XOAuth2:
            if (!session.has_capability("AUTH=XOAUTH2")) why_not = "server does not offer AUTH=XOAUTH2";
            break;
        case AuthMechanism::OAuthBearer:
            if (!session.has_capability("AUTH=OAUTHBEARER"))
                why_not = "server does not offer AUTH=OAUTHBEARER";
            break;
    }
    if (!why_not.empty()) return std::nullopt;
    return config.auth;
}

// The SASL message for a mechanism, before base64.
std::string sasl_message(const TargetConfig& config, std::string_view secret,
                         AuthMechanism mechanism) {
    switch (mechanism) {
        case AuthMechanism::Plain:  // authzid NUL authcid NUL passwd
            return std::string("\0", 1) + config.user + std::string("\0", 1) + std::string(secret);
        case AuthMechanism::XOAuth2:
            return "user=" + config.user + "\x01" + "auth=Bearer " + std::string(secret) + "\x01\x01";
        case AuthMechanism::OAuthBearer:
            return "n,a=" + config.user + ",\x01host=" + config.host + "\x01port=" +
                   std::to_string(config.port) + "\x01" + "auth=Bearer " + std::string(secret) +
                   "\x01\x01";
        default:
            return {};
    }
}

const char* sasl_name(AuthMechanism mechanism) {
    switch (mechanism) {
        case AuthMechanism::Plain: return "PLAIN";
        case AuthMechanism::XOAuth2: return "XOAUTH2";
        case AuthMechanism::OAuthBearer: return "OAUTHBEARER";
        default: return "";
    }
}

std::string_view password(const RunContext& ctx) {
    if (!ctx.password) throw std::logic_error("login runs without a password");
    return ctx.password->reveal();
}

Result<Reply> authenticate(RunContext& ctx, AuthMechanism mechanism, std::string& oauth_error) {
    Session& session = *ctx.session;
    Wiped encoded{base64_encode(Wiped{sasl_message(ctx.config, password(ctx), mechanism)}.value)};
    imap::Command command("AUTHENTICATE");
    command.raw(sasl_name(mechanism));
    bool initial_sent = session.has_capability("SASL-IR");
    if (initial_sent) command.raw(encoded.value, true);
    bool answered = false;
    // Continuations: the first asks for the initial response (without SASL-IR); a later one
    // carries an OAuth error as base64 JSON, which RFC 7628 says to acknowledge.
    auto on_continuation = [&](const imap::Response& r) -> std::optional<std::string> {
        if (!initial_sent && !answered) {
            answered = true;
            return encoded.value;
        }
        if (auto decoded = base64_decode(r.text)) oauth_error = *decoded;
        return std::string(mechanism == AuthMechanism::OAuthBearer ? "AQ==" : "");
    };
    return session.run(command, ctx.deadline, on_continuation);
}

}  // namespace

CheckResult run_login(RunContext& ctx) {
    const TargetConfig& config = ctx.config;
    Session& session = *ctx.session;
    if (ctx.preauth) return skip("server greeted PREAUTH: already authenticated");

    Json details = Json::object();
    // The server refuses cleartext logins on purpose (RFC 3501 §6.2.3): the remedy is TLS,
    // never a way around its refusal.
    if (config.tls == TlsMode::None && session.has_capability("LOGINDISABLED"))
        return fail(
                   "the server disables LOGIN without TLS (LOGINDISABLED), and --tls none "
                   "asks for none",
                   details)
            .because({"auth.logindisabled",
                      "the server refuses logins over an unencrypted connection "
                      "(LOGINDISABLED), as it should",
                      {"--tls starttls or --tls implicit"},
                      "CAPABILITY includes LOGINDISABLED; --tls none"});
    if (config.tls == TlsMode::None && !config.allow_plaintext_auth)
        return fail(
                   "refusing to send the password without TLS (--tls none); add "
                   "--allow-plaintext-auth to allow it",
                   details)
            .because({"auth.cleartext",
                      "imapcheck will not send the password unencrypted (--tls none)",
                      {"--tls starttls or --tls implicit",
                       "--allow-plaintext-auth, only on a network you trust"},
                      "--tls none"});
    if (config.tls != TlsMode::None && !ctx.facts.tls.active)
        return fail("TLS is not active: refusing to send the password", details)
            .because({"auth.cleartext",
                      "TLS is not active, so imapcheck will not send the password",
                      {"see the tls check"},
                      ""});

    std::string why_not;
    auto mechanism = choose(config, session, why_not);
    if (!mechanism) {
        std::string offered;
        for (const auto& c : session.capabilities())
            if (c.rfind("AUTH=", 0) == 0 || c == "LOGINDISABLED")
                offered += (offered.empty() ? "" : " ") + c;
        const bool disabled = why_not.find("LOGINDISABLED") != std::string::npos;
        return fail("cannot log in: " + why_not, details)
            .because(
                {disabled ? "auth.logindisabled" : "auth.mechanism",
                 disabled ? "the server disables LOGIN on this connection (LOGINDISABLED) and "
                            "offers no mechanism imapcheck can use"
                          : "the server does not offer the mechanism --auth asks for",
                 disabled && config.tls == TlsMode::None
                     ? std::vector<std::string>{"--tls starttls or --tls implicit: servers "
                                                "enable LOGIN once the connection is encrypted"}
                 : disabled
                     ? std::vector<std::string>{"the server disables LOGIN even over TLS: "
                                                "enable AUTH=PLAIN or LOGIN there"}
                     : std::vector<std::string>{"--auth auto, or a mechanism the server offers"},
                 "the server offers: " +
                     (offered.empty() ? std::string("no AUTH= mechanism") : offered)});
    }
    const char* mech_name = *mechanism == AuthMechanism::Login ? "LOGIN" : sasl_name(*mechanism);
    details["mechanism"] = mech_name;

    std::string oauth_error;
    Result<Reply> reply = make_error(Error::Kind::Protocol, "not run");
    if (*mechanism == AuthMechanism::Login) {
        imap::Command command("LOGIN");
        command.string(config.user).string(password(ctx), true);
        reply = session.run(command, ctx.deadline);
    } else {
        reply = authenticate(ctx, *mechanism, oauth_error);
    }
    if (reply && !reply->ok()) {
        // As the server said it (RFC 5530 codes are read as codes, not words): what the
        // exporter's back-off and the diagnosis act on.
        details["response"] = reply->tagged.name;
        if (!reply->tagged.code.empty()) details["code"] = reply->tagged.code;
    }
    if (!reply || !reply->ok()) {
        CheckResult r = fail_reply(std::string("login as ") + config.user + " (" + mech_name + ")",
                                   reply, details);
        if (!oauth_error.empty()) r.summary += " (server said: " + oauth_error + ")";
        if (reply)
            r.diagnosis = diagnosis::login_refused(
                {config, mech_name, ctx.password, ctx.facts.greeting}, *reply);
        if (reply && !oauth_error.empty()) r.diagnosis->evidence += " (OAuth: " + oauth_error + ")";
        return r;
    }

    // Capabilities change after login (RFC 3501 §6.2.3); most servers say so in the reply.
    // Only when they did not do we ask, so no round trip is spent on what is already known.
    bool told = !imap::capability_list(reply->tagged).empty();
    for (const auto& u : reply->untagged) told = told || !imap::capability_list(u).empty();
    if (!told) {
        auto caps = session.run(imap::Command("CAPABILITY"), ctx.deadline);
        if (!caps || !caps->ok()) return fail_reply("CAPABILITY after login", caps, details);
    }
    if (CheckResult* capability = ctx.report.find("capability"))
        capability->details["after_login"] = session.capabilities();
    return pass("logged in as " + config.user + " (" + mech_name + ")", details);
}

}  // namespace imapcheck
