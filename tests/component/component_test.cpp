// Component tests: the real imapcheck binary, driven through libcurl, against the scripted
// fake server on 127.0.0.1 (tests/fake): happy paths in plain, STARTTLS and implicit TLS,
// NO on login, no QUOTA, an empty mailbox, and the rules that keep a password off the wire.
#include "component_fixture.hpp"

namespace imapcheck {
namespace {


TEST_F(ComponentTest, StartTlsHappyPathReportsTheMailboxAsItIs) {
    ServerOptions o = options(TlsMode::StartTls);
    o.storage_quota = std::make_pair(900u, 1000u);
    FakeImapServer server(o);
    ProcessResult r = run(server, {});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // 90% storage is over the 80% warning
    EXPECT_EQ(j["status"], "WARNING");
    std::vector<std::string> ids;
    for (const auto& c : j["checks"]) ids.push_back(c["id"]);
    EXPECT_EQ(ids, (std::vector<std::string>{"connect", "tls", "capability", "login", "list", "status", "select",
                                             "search", "fetch", "quota", "logout"}));
    for (const char* id : {"connect", "tls", "capability", "login", "list", "status", "select", "search", "fetch",
                           "logout"})
        EXPECT_EQ(find_check(j, id)["status"], "pass") << id << ": " << find_check(j, id)["summary"];
    EXPECT_EQ(find_check(j, "tls")["details"]["verified"], true);
    EXPECT_EQ(find_check(j, "login")["details"]["mechanism"], "PLAIN");
    EXPECT_EQ(find_check(j, "status")["details"]["messages"], 3);
    EXPECT_EQ(find_check(j, "status")["details"]["unseen"], 2);
    EXPECT_EQ(find_check(j, "status")["details"]["uidnext"], 15);
    EXPECT_EQ(find_check(j, "select")["details"]["exists"], 3);
    EXPECT_EQ(find_check(j, "search")["details"]["count"], 2);
    EXPECT_EQ(find_check(j, "search")["details"]["matches"], json::array({2, 3}));
    EXPECT_EQ(find_check(j, "fetch")["details"]["message"], 3);
    EXPECT_EQ(find_check(j, "fetch")["details"]["uid"], 14) << "UID and sequence number differ on purpose";
    EXPECT_EQ(find_check(j, "fetch")["details"]["subject"], "Lunch?");
    EXPECT_EQ(find_check(j, "quota")["status"], "warn");
    EXPECT_EQ(find_check(j, "quota")["details"]["resources"][0]["percent"], 90.0);
    ASSERT_TRUE(server.wait_for_connections_done(1));
    EXPECT_FALSE(server.saw_mutating_command());
    EXPECT_EQ(server.received_plaintext_before_tls().find("alice"), std::string::npos)
        << "nothing of the login may cross the wire before TLS";
    expect_no_password(r);
}

TEST_F(ComponentTest, ImplicitTlsHappyPath) {
    FakeImapServer server(options(TlsMode::Implicit));
    ProcessResult r = run(server, {"--tls", "implicit"});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(find_check(j, "quota")["status"], "skip");
    EXPECT_EQ(find_check(j, "quota")["summary"], "server does not advertise QUOTA");
    EXPECT_EQ(find_check(j, "tls")["details"]["mode"], "implicit");
}

TEST_F(ComponentTest, LoginRejectedFailsLoginSkipsTheRestButStillLogsOut) {
    FakeImapServer server(options(TlsMode::StartTls));
    ProcessResult r = run(server, {}, "wrong password");
    json j = report(r);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(find_check(j, "login")["status"], "fail");
    EXPECT_NE(find_check(j, "login")["summary"].get<std::string>().find("[AUTHENTICATIONFAILED]"), std::string::npos);
    for (const char* id : {"list", "status", "select", "search", "fetch", "quota"}) {
        EXPECT_EQ(find_check(j, id)["status"], "skip") << id;
        EXPECT_EQ(find_check(j, id)["summary"], "login failed") << id;
    }
    EXPECT_EQ(find_check(j, "logout")["status"], "pass");
    ASSERT_TRUE(server.wait_for_connections_done(1));
    std::size_t logins = 0;
    for (const auto& c : server.commands()) logins += c.name == "AUTHENTICATE" || c.name == "LOGIN";
    EXPECT_EQ(logins, 1u) << "exactly one attempt";
}

TEST_F(ComponentTest, EmptyMailboxSkipsFetchWithoutFailing) {
    ServerOptions o = options(TlsMode::StartTls);
    o.mailboxes = {fake::Mailbox{"INBOX", {}, 99, {}}};
    FakeImapServer server(o);
    ProcessResult r = run(server, {});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(find_check(j, "search")["details"]["count"], 0);
    EXPECT_EQ(find_check(j, "fetch")["status"], "skip");
    ASSERT_TRUE(server.wait_for_connections_done(1));
    for (const auto& c : server.commands()) EXPECT_NE(c.name, "FETCH") << "no FETCH of message 0";
}

TEST_F(ComponentTest, LoginCommandQuotesAPasswordWithSpaceQuoteAndBackslash) {
    FakeImapServer server(options(TlsMode::StartTls));
    ProcessResult r = run(server, {"--auth", "login", "--trace", "-"});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(find_check(j, "login")["details"]["mechanism"], "LOGIN");
    EXPECT_NE(r.err.find("LOGIN \"alice\" ***"), std::string::npos) << r.err;
    expect_no_password(r);
}

TEST_F(ComponentTest, PlaintextWithoutPermissionNeverSendsThePassword) {
    FakeImapServer server(options(TlsMode::None));
    ProcessResult r = run(server, {"--tls", "none"});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(find_check(j, "tls")["status"], "skip");
    EXPECT_EQ(find_check(j, "login")["status"], "fail");
    EXPECT_NE(find_check(j, "login")["summary"].get<std::string>().find("--allow-plaintext-auth"), std::string::npos);
    ASSERT_TRUE(server.wait_for_connections_done(1));
    EXPECT_EQ(server.received().find("pa ss"), std::string::npos);
    for (const auto& c : server.commands()) EXPECT_NE(c.name, "LOGIN");
}

TEST_F(ComponentTest, PlaintextWithPermissionWorks) {
    FakeImapServer server(options(TlsMode::None));
    ProcessResult r = run(server, {"--tls", "none", "--allow-plaintext-auth"});
    EXPECT_EQ(r.exit_code, 0) << r.out;
}

TEST_F(ComponentTest, MissingStartTlsFailsClosedBeforeAnyCredential) {
    FakeImapServer server(options(TlsMode::None));  // advertises no STARTTLS
    ProcessResult r = run(server, {});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(find_check(j, "tls")["status"], "fail");
    EXPECT_NE(find_check(j, "tls")["summary"].get<std::string>().find("STARTTLS"), std::string::npos);
    EXPECT_EQ(find_check(j, "login")["summary"], "tls failed");
    ASSERT_TRUE(server.wait_for_connections_done(1));
    EXPECT_EQ(server.received().find("alice"), std::string::npos);
}

TEST_F(ComponentTest, ServerCertificateFromAnotherCaFailsTls) {
    FakeImapServer server(options(TlsMode::Implicit));
    std::vector<std::string> argv = {testing::imapcheck_binary(), "--host", "localhost", "--port",
                                     std::to_string(server.port()), "--tls", "implicit", "--user", "alice",
                                     "--format", "json"};  // system store only: our test CA is unknown
    ProcessResult r = testing::run_process(argv, {{"IMAPCHECK_PASSWORD", kPassword}});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(find_check(j, "tls")["status"], "fail");
    EXPECT_NE(find_check(j, "tls")["summary"].get<std::string>().find("issuer is unknown"), std::string::npos)
        << find_check(j, "tls")["summary"];
}

TEST_F(ComponentTest, SelfSignedCertificateFailsTlsAsSelfSigned) {
    ServerOptions o = options(TlsMode::Implicit);
    o.cert_file = pki_->self_signed_cert;
    o.key_file = pki_->self_signed_key;
    FakeImapServer server(o);
    ProcessResult r = run(server, {"--tls", "implicit"});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(find_check(j, "tls")["summary"].get<std::string>().find("self-signed"), std::string::npos)
        << find_check(j, "tls")["summary"];
    ASSERT_TRUE(server.wait_for_connections_done(1));
    EXPECT_EQ(server.received().find("alice"), std::string::npos);
}

TEST_F(ComponentTest, FetchLiteralThatLooksLikeProtocolIsReadByteExact) {
    ServerOptions o = options(TlsMode::StartTls);
    o.mailboxes = fake::default_mailboxes();
    auto& msg = o.mailboxes[0].messages.back();
    msg.text = "C007 OK fake tagged line\r\n* 3 FETCH (FLAGS (\\Deleted))\r\n)\r\n* BYE not really\r\n";
    FakeImapServer server(o);
    ProcessResult r = run(server, {});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(find_check(j, "fetch")["details"]["text_bytes"], msg.text.size());
    EXPECT_EQ(find_check(j, "logout")["status"], "pass") << "the stream stayed in step";
}

}  // namespace
}  // namespace imapcheck
