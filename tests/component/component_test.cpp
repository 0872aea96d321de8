// Component tests: the real imapcheck binary, driven through libcurl, against the scripted
// fake server on 127.0.0.1 (tests/fake): happy paths in plain, STARTTLS and implicit TLS,
// NO on login, no QUOTA, an empty mailbox, and the rules that keep a password off the wire.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_imap_server.hpp"
#include "run_process.hpp"
#include "test_certs.hpp"

namespace imapcheck {
namespace {

using fake::FakeImapServer;
using fake::ServerOptions;
using fake::TlsMode;
using nlohmann::json;
using testing::ProcessResult;

// Deliberately needs IMAP quoting: space, double quote, backslash.
const std::string kPassword = "pa ss\"wo\\rd";

class ComponentTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { pki_ = new fake::TestPki(fake::make_test_pki(testing::make_temp_dir("imapcheck-pki"))); }
    static void TearDownTestSuite() { delete pki_; }

    static ServerOptions options(TlsMode tls) {
        ServerOptions o;
        o.tls = tls;
        o.cert_file = pki_->server_cert;
        o.key_file = pki_->server_key;
        o.password = kPassword;
        return o;
    }

    ProcessResult run(const FakeImapServer& server, std::vector<std::string> extra,
                      const std::string& password = kPassword) {
        std::vector<std::string> argv = {testing::imapcheck_binary(), "--host", "localhost", "--port",
                                         std::to_string(server.port()), "--user", "alice", "--cacert",
                                         pki_->ca_pem, "--timeout", "10", "--format", "json"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        return testing::run_process(argv, {{"IMAPCHECK_PASSWORD", password}}, std::chrono::seconds(20));
    }

    static json report(const ProcessResult& r) {
        EXPECT_FALSE(r.timed_out);
        return json::parse(r.out);
    }
    static const json& check(const json& report, const std::string& id) {
        for (const auto& c : report["checks"])
            if (c["id"] == id) return c;
        throw std::runtime_error("no check " + id);
    }
    static void expect_no_password(const ProcessResult& r) {
        EXPECT_EQ(r.out.find(kPassword), std::string::npos);
        EXPECT_EQ(r.err.find(kPassword), std::string::npos);
    }

    static fake::TestPki* pki_;
};

fake::TestPki* ComponentTest::pki_ = nullptr;

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
        EXPECT_EQ(check(j, id)["status"], "pass") << id << ": " << check(j, id)["summary"];
    EXPECT_EQ(check(j, "tls")["details"]["verified"], true);
    EXPECT_EQ(check(j, "login")["details"]["mechanism"], "PLAIN");
    EXPECT_EQ(check(j, "status")["details"]["messages"], 3);
    EXPECT_EQ(check(j, "status")["details"]["unseen"], 2);
    EXPECT_EQ(check(j, "status")["details"]["uidnext"], 15);
    EXPECT_EQ(check(j, "select")["details"]["exists"], 3);
    EXPECT_EQ(check(j, "search")["details"]["count"], 2);
    EXPECT_EQ(check(j, "search")["details"]["matches"], json::array({2, 3}));
    EXPECT_EQ(check(j, "fetch")["details"]["message"], 3);
    EXPECT_EQ(check(j, "fetch")["details"]["uid"], 14) << "UID and sequence number differ on purpose";
    EXPECT_EQ(check(j, "fetch")["details"]["subject"], "Lunch?");
    EXPECT_EQ(check(j, "quota")["status"], "warn");
    EXPECT_EQ(check(j, "quota")["details"]["resources"][0]["percent"], 90.0);
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
    EXPECT_EQ(check(j, "quota")["status"], "skip");
    EXPECT_EQ(check(j, "quota")["summary"], "server does not advertise QUOTA");
    EXPECT_EQ(check(j, "tls")["details"]["mode"], "implicit");
}

TEST_F(ComponentTest, LoginRejectedFailsLoginSkipsTheRestButStillLogsOut) {
    FakeImapServer server(options(TlsMode::StartTls));
    ProcessResult r = run(server, {}, "wrong password");
    json j = report(r);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(check(j, "login")["status"], "fail");
    EXPECT_NE(check(j, "login")["summary"].get<std::string>().find("[AUTHENTICATIONFAILED]"), std::string::npos);
    for (const char* id : {"list", "status", "select", "search", "fetch", "quota"}) {
        EXPECT_EQ(check(j, id)["status"], "skip") << id;
        EXPECT_EQ(check(j, id)["summary"], "login failed") << id;
    }
    EXPECT_EQ(check(j, "logout")["status"], "pass");
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
    EXPECT_EQ(check(j, "search")["details"]["count"], 0);
    EXPECT_EQ(check(j, "fetch")["status"], "skip");
    ASSERT_TRUE(server.wait_for_connections_done(1));
    for (const auto& c : server.commands()) EXPECT_NE(c.name, "FETCH") << "no FETCH of message 0";
}

TEST_F(ComponentTest, LoginCommandQuotesAPasswordWithSpaceQuoteAndBackslash) {
    FakeImapServer server(options(TlsMode::StartTls));
    ProcessResult r = run(server, {"--auth", "login", "--trace", "-"});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(check(j, "login")["details"]["mechanism"], "LOGIN");
    EXPECT_NE(r.err.find("LOGIN \"alice\" ***"), std::string::npos) << r.err;
    expect_no_password(r);
}

TEST_F(ComponentTest, PlaintextWithoutPermissionNeverSendsThePassword) {
    FakeImapServer server(options(TlsMode::None));
    ProcessResult r = run(server, {"--tls", "none"});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(check(j, "tls")["status"], "skip");
    EXPECT_EQ(check(j, "login")["status"], "fail");
    EXPECT_NE(check(j, "login")["summary"].get<std::string>().find("--allow-plaintext-auth"), std::string::npos);
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
    EXPECT_EQ(check(j, "tls")["status"], "fail");
    EXPECT_NE(check(j, "tls")["summary"].get<std::string>().find("STARTTLS"), std::string::npos);
    EXPECT_EQ(check(j, "login")["summary"], "tls failed");
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
    EXPECT_EQ(check(j, "tls")["status"], "fail");
    EXPECT_NE(check(j, "tls")["summary"].get<std::string>().find("issuer is unknown"), std::string::npos)
        << check(j, "tls")["summary"];
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
    EXPECT_EQ(check(j, "fetch")["details"]["text_bytes"], msg.text.size());
    EXPECT_EQ(check(j, "logout")["status"], "pass") << "the stream stayed in step";
}

}  // namespace
}  // namespace imapcheck
