// imapcheck fake server self-tests: drive FakeImapServer with a plain loopback client and an
// OpenSSL client (RFC 3501/9051 flows, RFC 4616 PLAIN, RFC 7888 LITERAL+, STARTTLS), so tests
// of imapcheck can trust the fake. Every test is bounded by client and server I/O timeouts.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "fake_base64.hpp"
#include "fake_imap_server.hpp"
#include "test_certs.hpp"
#include "test_client.hpp"

namespace imapcheck::fake {
namespace {

using namespace std::chrono_literals;

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// The tagged (last) line of a response, without CRLF.
std::string tagged_line(const std::string& response) {
    std::string body = response.substr(0, response.size() - 2);
    return body.substr(body.rfind("\r\n") == std::string::npos ? 0 : body.rfind("\r\n") + 2);
}

class FakeServerTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        char tmpl[] = "/tmp/imapcheck-fake-pki-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        pki_ = std::make_unique<TestPki>(make_test_pki(tmpl));
    }
    static void TearDownTestSuite() {
        std::filesystem::remove_all(pki_->dir);
        pki_.reset();
    }

    static ServerOptions tls_options(TlsMode mode, const std::string& cert,
                                     const std::string& key) {
        ServerOptions o;
        o.tls = mode;
        o.cert_file = cert;
        o.key_file = key;
        return o;
    }
    static ServerOptions tls_options(TlsMode mode) {
        return tls_options(mode, pki_->server_cert, pki_->server_key);
    }

    // Connects, consumes the greeting and logs in with the default credentials.
    static std::unique_ptr<TestClient> logged_in(const FakeImapServer& server) {
        auto c = std::make_unique<TestClient>(server.port());
        c->read_line();
        EXPECT_TRUE(c->command("L1", "LOGIN alice secret").starts_with("L1 OK"));
        return c;
    }

    static std::unique_ptr<TestPki> pki_;
};

std::unique_ptr<TestPki> FakeServerTest::pki_;

TEST_F(FakeServerTest, PlainGreetingCapabilitiesAndLogout) {
    FakeImapServer server;
    TestClient c(server.port());
    EXPECT_EQ(c.read_line(), "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR LITERAL+] fake ready");
    EXPECT_EQ(
        c.command("a1", "CAPABILITY"),
        "* CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR LITERAL+\r\na1 OK CAPABILITY completed\r\n");
    EXPECT_EQ(c.command("a2", "STARTTLS"), "a2 BAD STARTTLS not available\r\n");
    EXPECT_EQ(c.command("a3", "LOGOUT"),
              "* BYE fake server logging out\r\na3 OK LOGOUT completed\r\n");
    EXPECT_TRUE(c.wait_eof());
    ASSERT_TRUE(server.wait_for_connections_done(1));
    EXPECT_EQ(server.commands().size(), 3u);
    EXPECT_EQ(server.received(), server.received_plaintext_before_tls());
}

TEST_F(FakeServerTest, StartTlsModeGreetingIsTheDocumentedDefault) {
    FakeImapServer server(tls_options(TlsMode::StartTls));
    TestClient c(server.port());
    EXPECT_EQ(c.read_line(),
              "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN SASL-IR LITERAL+] fake ready");
}

TEST_F(FakeServerTest, LoginWithQuotedPasswordContainingSpaceQuoteAndBackslash) {
    ServerOptions o;
    o.password = R"(p a"ss\word)";
    FakeImapServer server(o);
    TestClient c(server.port());
    c.read_line();
    EXPECT_EQ(c.command("a1", R"(LOGIN alice "p a\"ss\\word-wrong")"),
              "a1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n");
    // A lone backslash before a normal character is not a valid quoted-string escape.
    EXPECT_TRUE(c.command("a2", R"(LOGIN alice "p a\"ss\word")").starts_with("a2 BAD"));
    EXPECT_EQ(c.command("a3", R"(LOGIN "alice" "p a\"ss\\word")"),
              "a3 OK [CAPABILITY IMAP4rev1 LITERAL+] Logged in\r\n");
    EXPECT_TRUE(c.command("a4", "LOGIN alice x").starts_with("a4 BAD"));  // already logged in
}

TEST_F(FakeServerTest, LoginWithSynchronizingLiteral) {
    ServerOptions o;
    o.password = "p a\"ss\\word";
    FakeImapServer server(o);
    TestClient c(server.port());
    c.read_line();
    c.send("a1 LOGIN alice {11}\r\n");
    EXPECT_EQ(c.read_line(), "+ go ahead");
    c.send(o.password + "\r\n");
    EXPECT_EQ(c.read_response("a1"), "a1 OK [CAPABILITY IMAP4rev1 LITERAL+] Logged in\r\n");
    auto cmds = server.commands();
    ASSERT_EQ(cmds.size(), 1u);
    EXPECT_EQ(cmds[0].name, "LOGIN");
    EXPECT_EQ(cmds[0].args, "alice {11}");
    EXPECT_EQ(cmds[0].literals, std::vector<std::string>{o.password});
    EXPECT_EQ(cmds[0].raw, "a1 LOGIN alice {11}\r\n" + o.password + "\r\n");
}

TEST_F(FakeServerTest, LoginWithNonSynchronizingLiterals) {
    FakeImapServer server;
    TestClient c(server.port());
    c.read_line();
    // LITERAL+: all bytes at once, and the server must not send a continuation.
    EXPECT_EQ(c.command("a1", "LOGIN {5+}\r\nalice {6+}\r\nsecret"),
              "a1 OK [CAPABILITY IMAP4rev1 LITERAL+] Logged in\r\n");
    EXPECT_EQ(server.commands().at(0).literals, (std::vector<std::string>{"alice", "secret"}));
}

TEST_F(FakeServerTest, AuthenticatePlainWithInitialResponse) {
    FakeImapServer server;
    TestClient c(server.port());
    c.read_line();
    std::string bad = base64_encode(std::string("\0alice\0nope", 11));
    EXPECT_EQ(c.command("a1", "AUTHENTICATE PLAIN " + bad),
              "a1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n");
    std::string good = base64_encode(std::string("\0alice\0secret", 13));
    EXPECT_EQ(c.command("a2", "AUTHENTICATE PLAIN " + good),
              "a2 OK [CAPABILITY IMAP4rev1 LITERAL+] Authenticated\r\n");
}

TEST_F(FakeServerTest, AuthenticatePlainWithContinuationAndCancel) {
    FakeImapServer server;
    TestClient c(server.port());
    c.read_line();
    c.send("a1 AUTHENTICATE PLAIN\r\n");
    EXPECT_EQ(c.read_line(), "+ ");
    c.send("*\r\n");
    EXPECT_EQ(c.read_response("a1"), "a1 BAD AUTHENTICATE cancelled\r\n");

    c.send("a2 authenticate plain\r\n");
    EXPECT_EQ(c.read_line(), "+ ");
    c.send(base64_encode(std::string("alice\0alice\0secret", 18)) + "\r\n");
    EXPECT_EQ(c.read_response("a2"), "a2 OK [CAPABILITY IMAP4rev1 LITERAL+] Authenticated\r\n");
}

TEST_F(FakeServerTest, StartTlsThenLoginKeepsPasswordOutOfPlaintext) {
    FakeImapServer server(tls_options(TlsMode::StartTls));
    TestClient c(server.port());
    c.read_line();
    EXPECT_TRUE(contains(c.command("a1", "CAPABILITY"), " STARTTLS "));
    EXPECT_EQ(c.command("a2", "STARTTLS"), "a2 OK Begin TLS negotiation now\r\n");
    c.start_tls(pki_->ca_pem);
    EXPECT_FALSE(contains(c.command("a3", "CAPABILITY"), "STARTTLS"));
    EXPECT_TRUE(c.command("a4", "LOGIN alice secret").starts_with("a4 OK"));
    EXPECT_EQ(c.command("a5", "STARTTLS"), "a5 BAD TLS already active\r\n");
    EXPECT_EQ(server.received_plaintext_before_tls(), "a1 CAPABILITY\r\na2 STARTTLS\r\n");
    EXPECT_FALSE(contains(server.received_plaintext_before_tls(), "secret"));
    EXPECT_TRUE(contains(server.received(), "a4 LOGIN alice secret\r\n"));
    EXPECT_EQ(server.tls_handshake_count(), 1u);
}

TEST_F(FakeServerTest, PlaintextPipelinedAfterStartTlsIsDiscarded) {
    FakeImapServer server(tls_options(TlsMode::StartTls));
    TestClient c(server.port());
    c.read_line();
    // One write, so the server reads both lines before it starts the handshake.
    c.send("a1 STARTTLS\r\na2 LOGIN alice secret\r\n");
    EXPECT_EQ(c.read_response("a1"), "a1 OK Begin TLS negotiation now\r\n");
    c.start_tls(pki_->ca_pem);
    EXPECT_EQ(c.command("a3", "NOOP"), "a3 OK NOOP completed\r\n");  // no answer to a2
    ASSERT_EQ(server.commands().size(), 2u);
    EXPECT_TRUE(contains(server.received_plaintext_before_tls(), "a2 LOGIN"));
}

TEST_F(FakeServerTest, ImplicitTls) {
    FakeImapServer server(tls_options(TlsMode::Implicit));
    TestClient c(server.port());
    c.start_tls(pki_->ca_pem, "127.0.0.1");
    EXPECT_EQ(c.read_line(), "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR LITERAL+] fake ready");
    EXPECT_TRUE(c.command("a1", "LOGIN alice secret").starts_with("a1 OK"));
    EXPECT_EQ(server.received_plaintext_before_tls(), "");
    EXPECT_EQ(server.received(), "a1 LOGIN alice secret\r\n");
}

TEST_F(FakeServerTest, BadCertificatesAreRejectedByAVerifyingClient) {
    struct Case {
        std::string cert, key, reason;
    };
    for (const Case& k : {Case{pki_->wrong_name_cert, pki_->wrong_name_key, "mismatch"},
                          Case{pki_->expired_cert, pki_->expired_key, "expired"},
                          Case{pki_->self_signed_cert, pki_->self_signed_key, "self-signed"}}) {
        FakeImapServer server(tls_options(TlsMode::Implicit, k.cert, k.key));
        TestClient c(server.port());
        try {
            c.start_tls(pki_->ca_pem);
            ADD_FAILURE() << "handshake succeeded with " << k.cert;
        } catch (const std::runtime_error& e) {
            EXPECT_TRUE(contains(e.what(), k.reason)) << e.what();
        }
    }
}

TEST_F(FakeServerTest, FetchLiteralContainingATaggedLookalikeIsIntact) {
    ServerOptions o;
    Message m{1, {}, "Subject: tricky\r\n\r\n", "first\r\nA005 OK fake\r\nlast\r\n"};
    o.mailboxes = {Mailbox{"INBOX", {m}, 42, {"\\HasNoChildren"}}};
    FakeImapServer server(o);
    auto c = logged_in(server);
    EXPECT_EQ(tagged_line(c->command("A004", "EXAMINE INBOX")),
              "A004 OK [READ-ONLY] EXAMINE completed");
    EXPECT_EQ(c->command("A005", "FETCH 1 (UID BODY.PEEK[TEXT])"),
              "* 1 FETCH (UID 1 BODY[TEXT] {27}\r\nfirst\r\nA005 OK fake\r\nlast\r\n)\r\n"
              "A005 OK FETCH completed\r\n");
    EXPECT_EQ(c->command("A006", "FETCH 1 BODY.PEEK[TEXT]<0.9>"),
              "* 1 FETCH (BODY[TEXT]<0> {9}\r\nfirst\r\nA0)\r\nA006 OK FETCH completed\r\n");
    EXPECT_FALSE(server.saw_mutating_command());
}

TEST_F(FakeServerTest, NonPeekFetchSetsSeenAndCountsAsMutation) {
    FakeImapServer server;
    auto c = logged_in(server);
    c->command("a1", "EXAMINE INBOX");
    EXPECT_EQ(c->command("a2", "FETCH 2 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])"),
              "* 2 FETCH (FLAGS () BODY[HEADER.FIELDS (SUBJECT)] {29}\r\n"
              "Subject: Quarterly report\r\n\r\n)\r\na2 OK FETCH completed\r\n");
    EXPECT_FALSE(server.saw_mutating_command());
    std::string r = c->command("a3", "FETCH 2 BODY[HEADER]");
    EXPECT_TRUE(contains(r, " FLAGS (\\Seen))\r\n")) << r;
    EXPECT_TRUE(server.saw_mutating_command());
    EXPECT_EQ(server.mailboxes().at(0).messages.at(1).flags, std::vector<std::string>{"\\Seen"});
}

TEST_F(FakeServerTest, DefaultDataThroughListStatusExamineSearchFetchAndQuota) {
    ServerOptions o;
    o.storage_quota = std::make_pair(1024u, 4096u);
    FakeImapServer server(o);
    auto c = logged_in(server);
    EXPECT_EQ(c->command("b1", "CAPABILITY"),
              "* CAPABILITY IMAP4rev1 LITERAL+ QUOTA\r\nb1 OK CAPABILITY completed\r\n");
    EXPECT_EQ(c->command("b2", "LIST \"\" \"*\""),
              "* LIST (\\HasNoChildren) \"/\" INBOX\r\n* LIST (\\HasNoChildren) \"/\" Archive\r\n"
              "b2 OK LIST completed\r\n");
    EXPECT_EQ(c->command("b3", "STATUS inbox (MESSAGES UNSEEN UIDNEXT UIDVALIDITY)"),
              "* STATUS INBOX (MESSAGES 3 UNSEEN 2 UIDNEXT 15 UIDVALIDITY 1234)\r\n"
              "b3 OK STATUS completed\r\n");
    EXPECT_EQ(c->command("b4", "EXAMINE INBOX"),
              "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* 3 EXISTS\r\n"
              "* 0 RECENT\r\n* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n"
              "* OK [UIDVALIDITY 1234] UIDs valid\r\n* OK [UIDNEXT 15] Predicted next UID\r\n"
              "b4 OK [READ-ONLY] EXAMINE completed\r\n");
    EXPECT_EQ(c->command("b5", "SEARCH UNSEEN"), "* SEARCH 2 3\r\nb5 OK SEARCH completed\r\n");
    EXPECT_EQ(c->command("b6", "UID SEARCH UNSEEN"),
              "* SEARCH 12 14\r\nb6 OK UID SEARCH completed\r\n");
    EXPECT_EQ(c->command("b7", "FETCH 1:* (UID FLAGS RFC822.SIZE)"),
              "* 1 FETCH (UID 11 FLAGS (\\Seen) RFC822.SIZE 180)\r\n"
              "* 2 FETCH (UID 12 FLAGS () RFC822.SIZE 398)\r\n"
              "* 3 FETCH (UID 14 FLAGS (\\Flagged) RFC822.SIZE 176)\r\n"
              "b7 OK FETCH completed\r\n");
    EXPECT_EQ(c->command("b8", "GETQUOTAROOT INBOX"),
              "* QUOTAROOT INBOX \"User quota\"\r\n* QUOTA \"User quota\" (STORAGE 1024 4096)\r\n"
              "b8 OK GETQUOTAROOT completed\r\n");
    EXPECT_EQ(c->command("b9", "FETCH 4 UID"), "b9 BAD invalid message sequence set\r\n");
    EXPECT_FALSE(server.saw_mutating_command());
}

TEST_F(FakeServerTest, UidFetchCarriesUidAndSkipsMissingUids) {
    FakeImapServer server;
    auto c = logged_in(server);
    EXPECT_TRUE(c->command("a1", "FETCH 1 UID").starts_with("a1 BAD"));  // nothing selected
    c->command("a2", "EXAMINE INBOX");
    EXPECT_EQ(c->command("a3", "UID FETCH 12:13,20 FLAGS"),
              "* 2 FETCH (UID 12 FLAGS ())\r\na3 OK UID FETCH completed\r\n");
    EXPECT_EQ(
        c->command("a4", "UID FETCH 14 BODY.PEEK[HEADER.FIELDS.NOT (FROM TO DATE MESSAGE-ID)]"),
        "* 3 FETCH (UID 14 BODY[HEADER.FIELDS.NOT (FROM TO DATE MESSAGE-ID)] {19}\r\n"
        "Subject: Lunch?\r\n\r\n)\r\na4 OK UID FETCH completed\r\n");
    EXPECT_TRUE(c->command("a5", "UID STORE 12 +FLAGS (\\Seen)").starts_with("a5 BAD"));
    EXPECT_TRUE(server.saw_mutating_command());
}

TEST_F(FakeServerTest, NoQuotaMeansNoQuotaCommands) {
    FakeImapServer server;
    auto c = logged_in(server);
    EXPECT_EQ(c->command("a1", "GETQUOTAROOT INBOX"), "a1 BAD unknown command\r\n");
}

TEST_F(FakeServerTest, MutatingCommandsAreRefusedAndRecorded) {
    FakeImapServer server;
    auto c = logged_in(server);
    EXPECT_FALSE(server.saw_mutating_command());
    EXPECT_TRUE(c->command("a1", "SELECT INBOX").starts_with("a1 BAD"));
    EXPECT_TRUE(server.saw_mutating_command());
    EXPECT_EQ(server.commands().back().name, "SELECT");
}

TEST_F(FakeServerTest, HandlerOverride) {
    FakeImapServer server;
    int calls = 0;
    server.on("login", [&calls](Session& s, const Command& cmd) {
        ++calls;
        s.tagged(cmd, "NO [UNAVAILABLE] try later");
    });
    server.on("NOOP", [](Session& s, const Command& cmd) {
        s.line("* 7 EXISTS");
        FakeImapServer::default_handler("NOOP")(s, cmd);  // then the usual answer
    });
    TestClient c(server.port());
    c.read_line();
    EXPECT_EQ(c.command("a1", "LOGIN alice secret"), "a1 NO [UNAVAILABLE] try later\r\n");
    EXPECT_EQ(c.command("a2", "NOOP"), "* 7 EXISTS\r\na2 OK NOOP completed\r\n");
    EXPECT_EQ(c.command("a3", "XYZZY"), "a3 BAD unknown command\r\n");
    EXPECT_EQ(calls, 1);
}

TEST_F(FakeServerTest, OversizedLiteralsAreRefused) {
    ServerOptions o;
    o.max_literal = 16;
    FakeImapServer server(o);
    TestClient c(server.port());
    c.read_line();
    EXPECT_EQ(c.command("a1", "LOGIN alice {17}"), "a1 BAD [TOOBIG] literal too large\r\n");
    c.send("a2 LOGIN alice {99999999999999999999999+}\r\n");
    EXPECT_EQ(c.read_line(), "* BYE literal too large");
    EXPECT_TRUE(c.wait_eof());
}

TEST_F(FakeServerTest, IdleClientIsDisconnectedAfterTheIoTimeout) {
    ServerOptions o;
    o.io_timeout = 200ms;
    FakeImapServer server(o);
    TestClient c(server.port());
    c.read_line();
    EXPECT_TRUE(c.wait_eof());
    ASSERT_TRUE(server.wait_for_connections_done(1));
    EXPECT_TRUE(contains(server.events().back(), "timed out"));
}

TEST_F(FakeServerTest, DestructionDoesNotHangWithAnIdleClient) {
    auto server = std::make_unique<FakeImapServer>();
    TestClient c(server->port());
    c.read_line();
    auto start = std::chrono::steady_clock::now();
    server.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    EXPECT_TRUE(c.wait_eof());
}

TEST_F(FakeServerTest, DestructionDoesNotHangDuringATlsHandshake) {
    auto server = std::make_unique<FakeImapServer>(tls_options(TlsMode::Implicit));
    TestClient c(server->port());  // connects but never sends a ClientHello
    std::this_thread::sleep_for(50ms);
    auto start = std::chrono::steady_clock::now();
    server.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

}  // namespace
}  // namespace imapcheck::fake
