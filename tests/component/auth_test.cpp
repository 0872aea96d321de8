// Component tests for authentication and the plaintext rules (RFC 3501 §6.2, RFC 4959
// SASL-IR, RFC 7628 OAuth): which mechanism is chosen, how arguments are quoted, PREAUTH,
// LOGINDISABLED before and after TLS, PRIVACYREQUIRED, and XOAUTH2 success and failure.
#include "component_fixture.hpp"
#include "fake_base64.hpp"

namespace imapcheck {
namespace {

std::vector<fake::Command> commands_named(const FakeImapServer& server, const std::string& name) {
    std::vector<fake::Command> out;
    for (const auto& c : server.commands())
        if (c.name == name) out.push_back(c);
    return out;
}

TEST_F(ComponentTest, PlainUsesSaslIrWhenOffered) {
    FakeImapServer server(options(TlsMode::StartTls));
    ProcessResult r = run(server, {});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    ASSERT_TRUE(server.wait_for_connections_done(1));
    auto auths = commands_named(server, "AUTHENTICATE");
    ASSERT_EQ(auths.size(), 1u);
    EXPECT_EQ(auths[0].args.rfind("PLAIN ", 0), 0u) << "initial response on the command line: " << auths[0].args;
}

TEST_F(ComponentTest, PlainUsesAContinuationWithoutSaslIr) {
    ServerOptions o = options(TlsMode::StartTls);
    o.capabilities_post_tls = {"IMAP4rev1", "AUTH=PLAIN", "LITERAL+"};
    FakeImapServer server(o);
    ProcessResult r = run(server, {});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    ASSERT_TRUE(server.wait_for_connections_done(1));
    auto auths = commands_named(server, "AUTHENTICATE");
    ASSERT_EQ(auths.size(), 1u);
    EXPECT_EQ(auths[0].args, "PLAIN");
}

TEST_F(ComponentTest, AutoFallsBackToLoginWithoutAuthPlain) {
    ServerOptions o = options(TlsMode::StartTls);
    o.capabilities_post_tls = {"IMAP4rev1", "LITERAL+"};
    FakeImapServer server(o);
    ProcessResult r = run(server, {});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(find_check(j, "login")["details"]["mechanism"], "LOGIN");
}

TEST_F(ComponentTest, UserWithAtSignAndAwkwardPasswordLogInBothWays) {
    ServerOptions o = options(TlsMode::StartTls);
    o.user = "alice@example.test";
    user = o.user;
    for (const char* mech : {"login", "plain"}) {
        FakeImapServer server(o);
        ProcessResult r = run(server, {"--auth", mech});
        EXPECT_EQ(r.exit_code, 0) << mech << ": " << r.out;
        expect_no_password(r);
    }
}

TEST_F(ComponentTest, NonAsciiPasswordGoesAsALiteralWithAndWithoutLiteralPlus) {
    const std::string password = "Pässwörd";
    for (bool literal_plus : {true, false}) {
        ServerOptions o = options(TlsMode::StartTls);
        o.password = password;
        o.capabilities_post_tls = literal_plus ? std::vector<std::string>{"IMAP4rev1", "LITERAL+"}
                                               : std::vector<std::string>{"IMAP4rev1"};
        FakeImapServer server(o);
        ProcessResult r = run(server, {"--auth", "login"}, password);
        EXPECT_EQ(r.exit_code, 0) << "LITERAL+ " << literal_plus << ": " << r.out;
        ASSERT_TRUE(server.wait_for_connections_done(1));
        auto logins = commands_named(server, "LOGIN");
        ASSERT_EQ(logins.size(), 1u);
        ASSERT_EQ(logins[0].literals.size(), 1u);
        EXPECT_EQ(logins[0].literals[0], password);
        EXPECT_NE(logins[0].args.find(literal_plus ? "{10+}" : "{10}"), std::string::npos) << logins[0].args;
    }
}

TEST_F(ComponentTest, LoginDisabledBeforeStartTlsIsNormal) {
    ServerOptions o = options(TlsMode::StartTls);
    o.capabilities_pre_tls = {"IMAP4rev1", "STARTTLS", "LOGINDISABLED"};
    o.capabilities_post_tls = {"IMAP4rev1", "LITERAL+"};
    FakeImapServer server(o);
    ProcessResult r = run(server, {});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(find_check(j, "login")["details"]["mechanism"], "LOGIN");
    ASSERT_TRUE(server.wait_for_connections_done(1));
    EXPECT_EQ(server.received_plaintext_before_tls().find("LOGIN"), std::string::npos);
}

TEST_F(ComponentTest, LoginDisabledAfterTlsIsReportedAndNothingIsSent) {
    ServerOptions o = options(TlsMode::StartTls);
    o.capabilities_post_tls = {"IMAP4rev1", "LOGINDISABLED"};
    FakeImapServer server(o);
    ProcessResult r = run(server, {});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(find_check(j, "login")["summary"].get<std::string>().find("LOGINDISABLED"), std::string::npos);
    ASSERT_TRUE(server.wait_for_connections_done(1));
    EXPECT_TRUE(commands_named(server, "LOGIN").empty());
    EXPECT_TRUE(commands_named(server, "AUTHENTICATE").empty());
}

TEST_F(ComponentTest, PrivacyRequiredAnswerIsShownWithItsCode) {
    FakeImapServer server(options(TlsMode::StartTls));
    server.on("LOGIN", [](fake::Session& s, const fake::Command& c) {
        s.tagged(c, "NO [PRIVACYREQUIRED] Connection is not secure enough");
    });
    ProcessResult r = run(server, {"--auth", "login"});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(find_check(j, "login")["summary"].get<std::string>().find("[PRIVACYREQUIRED]"), std::string::npos);
}

TEST_F(ComponentTest, PreauthGreetingSkipsLoginAndTheRestRuns) {
    ServerOptions o = options(TlsMode::Implicit);
    o.greeting = "* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] already in";
    FakeImapServer server(o);
    ProcessResult r = run(server, {"--tls", "implicit"});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(find_check(j, "login")["status"], "skip");
    EXPECT_EQ(find_check(j, "status")["status"], "pass");
    ASSERT_TRUE(server.wait_for_connections_done(1));
    EXPECT_EQ(server.received().find("alice"), std::string::npos) << "no credentials needed, none sent";
}

TEST_F(ComponentTest, PreauthOnAPlainConnectionCannotBeUpgradedAndFailsTls) {
    ServerOptions o = options(TlsMode::StartTls);
    o.greeting = "* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] already in";
    FakeImapServer server(o);
    ProcessResult r = run(server, {});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_EQ(find_check(j, "tls")["status"], "fail");
    EXPECT_NE(find_check(j, "tls")["summary"].get<std::string>().find("PREAUTH"), std::string::npos)
        << find_check(j, "tls")["summary"];
}

// An XOAUTH2 server: "good-token" logs in; anything else gets the RFC 7628-style error.
void xoauth2_handler(fake::Session& s, const fake::Command& c) {
    if (c.args.rfind("XOAUTH2 ", 0) != 0) return FakeImapServer::default_handler("AUTHENTICATE")(s, c);
    auto decoded = fake::base64_decode(c.args.substr(8));
    if (decoded && decoded->find("auth=Bearer good-token\x01") != std::string::npos) {
        s.state().phase = fake::Phase::Authenticated;
        s.tagged(c, "OK [CAPABILITY IMAP4rev1] Logged in");
        return;
    }
    s.line("+ " + fake::base64_encode(R"({"status":"401","schemes":"bearer","scope":"https://mail.example/"})"));
    (void)s.read_line();  // the client's empty acknowledgement
    s.tagged(c, "NO [AUTHENTICATIONFAILED] Invalid credentials");
}

TEST_F(ComponentTest, XOAuth2SucceedsWithAGoodToken) {
    ServerOptions o = options(TlsMode::StartTls);
    o.capabilities_post_tls = {"IMAP4rev1", "AUTH=XOAUTH2", "SASL-IR"};
    FakeImapServer server(o);
    server.on("AUTHENTICATE", xoauth2_handler);
    ProcessResult r = run(server, {"--auth", "xoauth2"}, "good-token");
    json j = report(r);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(find_check(j, "login")["details"]["mechanism"], "XOAUTH2");
}

TEST_F(ComponentTest, XOAuth2FailureShowsTheDecodedServerError) {
    ServerOptions o = options(TlsMode::StartTls);
    o.capabilities_post_tls = {"IMAP4rev1", "AUTH=XOAUTH2", "SASL-IR"};
    FakeImapServer server(o);
    server.on("AUTHENTICATE", xoauth2_handler);
    ProcessResult r = run(server, {"--auth", "xoauth2", "--trace", "-"}, "expired-token");
    json j = report(r);
    EXPECT_EQ(r.exit_code, 2);
    std::string summary = find_check(j, "login")["summary"];
    EXPECT_NE(summary.find("\"status\":\"401\""), std::string::npos) << summary;
    EXPECT_NE(summary.find("[AUTHENTICATIONFAILED]"), std::string::npos) << summary;
    EXPECT_EQ(r.err.find("expired-token"), std::string::npos) << "the token never reaches the trace";
    EXPECT_EQ(r.out.find("expired-token"), std::string::npos);
}

TEST_F(ComponentTest, MechanismTheServerDoesNotOfferIsNotTried) {
    FakeImapServer server(options(TlsMode::StartTls));
    ProcessResult r = run(server, {"--auth", "xoauth2"});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(find_check(j, "login")["summary"].get<std::string>().find("AUTH=XOAUTH2"), std::string::npos);
    ASSERT_TRUE(server.wait_for_connections_done(1));
    EXPECT_TRUE(commands_named(server, "AUTHENTICATE").empty());
}

}  // namespace
}  // namespace imapcheck
