// Unit tests for Session pipelining (RFC 3501 §5.5): commands sent ahead go out at once and
// are not sent again; each reply gets its own untagged responses, also from a server that
// answers independent commands out of order; a command run normally first collects what
// went ahead; what cannot go ahead (secrets, synchronizing literals) is refused.
#include <gtest/gtest.h>

#include <cstdio>

#include "imapcheck/session.hpp"
#include "scripted_connection.hpp"

namespace imapcheck {
namespace {

// The shared scripted server (tests/support), given what the server will have said up
// front: handed out as it is read, so that pipelined answers arrive together.
std::unique_ptr<testing::ScriptedConnection> scripted(std::string server) {
    return std::make_unique<testing::ScriptedConnection>(std::vector<testing::Exchange>{},
                                                         std::move(server));
}

// A server that never stops sending untagged LIST lines of `line_bytes` each, faster than
// they are read: receive() always has data, so no wait ever sees a deadline.
class EndlessConnection : public Connection {
public:
    explicit EndlessConnection(std::size_t line_bytes)
        : line_("* LIST () \"/\" " + std::string(line_bytes, 'x') + "\r\n") {}
    const ConnectFacts& facts() const override { return facts_; }
    bool open() const override { return true; }
    Result<Unit> send(std::string_view, const Deadline&) override { return Unit{}; }
    Result<std::size_t> receive(char* buffer, std::size_t capacity, const Deadline&) override {
        for (std::size_t i = 0; i < capacity; ++i) buffer[i] = line_[(offset_ + i) % line_.size()];
        offset_ = (offset_ + capacity) % line_.size();
        return capacity;
    }
    void close() override {}

private:
    ConnectFacts facts_;
    std::string line_;
    std::size_t offset_ = 0;
};

class SessionTest : public ::testing::Test {
  protected:
    Session& session_with(std::string server) {
        session_ = std::make_unique<Session>(
            [&] {
                auto c = scripted(std::move(server));
                connection_ = c.get();
                return c;
            }(),
            transcript_, std::chrono::milliseconds(1000));
        return *session_;
    }
    static const imap::Command& list() {
        static const std::unique_ptr<imap::Command> command = [] {
            auto c = std::make_unique<imap::Command>("LIST");
            c->string("").string("*");
            return c;
        }();
        return *command;
    }
    Deadline deadline_ = Deadline::after(std::chrono::seconds(5));
    Transcript transcript_;
    testing::ScriptedConnection* connection_ = nullptr;  // owned by session_
    std::string sent() const { return connection_->sent(); }
    std::unique_ptr<Session> session_;
};

TEST_F(SessionTest, CommandsSentAheadGoOutAtOnceAndAreNotSentAgain) {
    Session& s = session_with(
        "* LIST () \"/\" INBOX\r\nC001 OK List done\r\n"
        "* STATUS INBOX (MESSAGES 3)\r\nC002 OK Status done\r\n");
    imap::Command status("STATUS");
    status.mailbox("INBOX").raw("(MESSAGES)");
    ASSERT_TRUE(s.send_ahead(list(), deadline_));
    ASSERT_TRUE(s.send_ahead(status, deadline_));
    ASSERT_TRUE(s.send_ahead(list(), deadline_)) << "already on its way";
    EXPECT_EQ(sent(), "C001 LIST \"\" \"*\"\r\nC002 STATUS \"INBOX\" (MESSAGES)\r\n");

    auto l = s.run(list(), deadline_);
    ASSERT_TRUE(l) << l.error().message;
    EXPECT_EQ(l->tagged.text, "List done");
    ASSERT_EQ(l->untagged.size(), 1u);
    EXPECT_EQ(l->untagged[0].name, "LIST");
    auto st = s.run(status, deadline_);
    ASSERT_TRUE(st) << st.error().message;
    ASSERT_EQ(st->untagged.size(), 1u);
    EXPECT_EQ(st->untagged[0].name, "STATUS");
    EXPECT_EQ(sent(), "C001 LIST \"\" \"*\"\r\nC002 STATUS \"INBOX\" (MESSAGES)\r\n")
        << "nothing was sent twice";
    EXPECT_TRUE(s.take_command_ms().has_value());
    EXPECT_FALSE(s.take_command_ms().has_value()) << "taken once";
}

TEST_F(SessionTest, DataGoesToTheCommandThatAskedForItEvenOutOfOrder) {
    // A server may run independent commands at once: QUOTA data before LIST's, an EXISTS
    // for nobody in particular, and GETQUOTAROOT finished first.
    Session& s = session_with(
        "* QUOTAROOT INBOX \"\"\r\n* 4 EXISTS\r\n* QUOTA \"\" (STORAGE 1 10)\r\n"
        "C002 OK Quota done\r\n* LIST () \"/\" INBOX\r\nC001 OK List done\r\n");
    imap::Command quota("GETQUOTAROOT");
    quota.mailbox("INBOX");
    ASSERT_TRUE(s.send_ahead(list(), deadline_));
    ASSERT_TRUE(s.send_ahead(quota, deadline_));
    auto l = s.run(list(), deadline_);
    ASSERT_TRUE(l) << l.error().message;
    ASSERT_EQ(l->untagged.size(), 2u);
    EXPECT_EQ(l->untagged[0].name, "EXISTS") << "unasked-for data goes to the oldest command";
    EXPECT_EQ(l->untagged[1].name, "LIST");
    auto q = s.run(quota, deadline_);
    ASSERT_TRUE(q) << q.error().message;
    ASSERT_EQ(q->untagged.size(), 2u);
    EXPECT_EQ(q->untagged[0].name, "QUOTAROOT");
    EXPECT_EQ(q->untagged[1].name, "QUOTA");
    EXPECT_EQ(s.exists(), 4u);
    EXPECT_EQ(q->elapsed_ms, 0.0) << "answered before LIST, sent before it: LIST's time covers both";
    EXPECT_GT(l->elapsed_ms, 0.0);
}

TEST_F(SessionTest, NamespaceDataGoesToNamespaceNotToTheOldestCommand) {
    // `list` sends NAMESPACE while STATUS is still in flight (RFC 2342 with RFC 3501 §5.5).
    Session& s = session_with(
        "* STATUS INBOX (MESSAGES 1)\r\nC001 OK Status done\r\n"
        "* NAMESPACE ((\"INBOX.\" \".\")) NIL NIL\r\nC002 OK Namespace done\r\n");
    imap::Command status("STATUS");
    status.mailbox("INBOX").raw("(MESSAGES)");
    const imap::Command ns("NAMESPACE");
    ASSERT_TRUE(s.send_ahead(status, deadline_));
    ASSERT_TRUE(s.send_ahead(ns, deadline_));
    auto n = s.run(ns, deadline_);
    ASSERT_TRUE(n) << n.error().message;
    ASSERT_EQ(n->untagged.size(), 1u);
    EXPECT_EQ(n->untagged[0].name, "NAMESPACE");
    auto st = s.run(status, deadline_);
    ASSERT_TRUE(st) << st.error().message;
    ASSERT_EQ(st->untagged.size(), 1u);
    EXPECT_EQ(st->untagged[0].name, "STATUS");
}

TEST_F(SessionTest, ACommandNotSentAheadWaitsForWhatWentAndLeavesItsReply) {
    Session& s = session_with(
        "* LIST () \"/\" INBOX\r\nC001 OK List done\r\n"
        "* CAPABILITY IMAP4rev1\r\nC002 OK Capability done\r\n");
    ASSERT_TRUE(s.send_ahead(list(), deadline_));
    auto caps = s.run(imap::Command("CAPABILITY"), deadline_);
    ASSERT_TRUE(caps) << caps.error().message;
    ASSERT_EQ(caps->untagged.size(), 1u) << "LIST's data is not CAPABILITY's";
    EXPECT_EQ(caps->untagged[0].name, "CAPABILITY");
    auto l = s.run(list(), deadline_);
    ASSERT_TRUE(l) << l.error().message;
    ASSERT_EQ(l->untagged.size(), 1u);
    EXPECT_EQ(l->untagged[0].name, "LIST");
    EXPECT_EQ(sent(), "C001 LIST \"\" \"*\"\r\nC002 CAPABILITY\r\n") << "LIST was not sent again";
}

TEST_F(SessionTest, SecretsAndSynchronizingLiteralsDoNotGoAhead) {
    Session& s = session_with("");
    imap::Command login("LOGIN");
    login.string("alice").string("secret", true);
    EXPECT_FALSE(s.send_ahead(login, deadline_));
    imap::Command examine("EXAMINE");
    examine.string("caf\xC3\xA9 \r\n");  // needs a literal; the server has no LITERAL+
    EXPECT_FALSE(s.send_ahead(examine, deadline_));
    EXPECT_EQ(sent(), "");
}

TEST_F(SessionTest, AContinuationRequestToACommandSentAheadIsAnError) {
    Session& s = session_with("+ go on\r\n");
    ASSERT_TRUE(s.send_ahead(list(), deadline_));
    auto l = s.run(list(), deadline_);
    ASSERT_FALSE(l);
    EXPECT_NE(l.error().message.find("server asked to continue a LIST command"), std::string::npos);
    EXPECT_FALSE(s.open()) << "the stream is out of step";
}

TEST_F(SessionTest, AServerSendingFasterThanWeReadIsStillCutOffAtTheDeadline) {
    Transcript transcript;
    Session s(std::make_unique<EndlessConnection>(40), transcript, std::chrono::milliseconds(20));
    const auto start = Clock::now();
    auto l = s.run(list(), Deadline::after(std::chrono::seconds(10)));
    ASSERT_FALSE(l);
    EXPECT_EQ(l.error().kind, Error::Kind::Timeout) << l.error().message;
    EXPECT_NE(l.error().message.find("no answer to LIST within 0.02 s"), std::string::npos)
        << l.error().message;
    EXPECT_LT(elapsed_ms(start), 2000) << "the deadline was not seen while data kept coming";
    EXPECT_FALSE(s.open()) << "a late answer would arrive out of step";
}

TEST_F(SessionTest, UntaggedDataIsKeptWithinAMemoryBudget) {
    // 4 KiB lines: the memory budget (64 MiB) ends it long before the count (100 000).
    Transcript transcript;
    Session s(std::make_unique<EndlessConnection>(4096), transcript, std::chrono::seconds(60));
    auto l = s.run(list(), Deadline::after(std::chrono::seconds(60)));
    ASSERT_FALSE(l);
    EXPECT_EQ(l.error().kind, Error::Kind::Limit) << l.error().message;
    EXPECT_EQ(l.error().message, "server sent more than 64 MiB of responses to LIST");
}

// A line that breaks the grammar while another command is being run belongs to the command
// of its kind, is set aside there and noted, and the session goes on (issue 10).
TEST_F(SessionTest, ABadLineGoesToTheCommandOfItsKindAndTheSessionGoesOn) {
    Session& s = session_with(
        "* STATUS Paren(x) (MESSAGES 0 UNSEEN 0)\r\nC001 OK Status done\r\n"
        "* SEARCH 2 x3\r\nC002 OK Search done\r\n"
        "* LIST () \"/\" INBOX\r\nC003 OK List done\r\n");
    imap::Command status("STATUS"), search("SEARCH");
    status.mailbox("Paren(x)").raw("(MESSAGES UNSEEN)");
    search.raw("UNSEEN");
    ASSERT_TRUE(s.send_ahead(status, deadline_));
    ASSERT_TRUE(s.send_ahead(search, deadline_));
    auto l = s.run(list(), deadline_);
    ASSERT_TRUE(l) << l.error().message;
    EXPECT_TRUE(l->ok());
    EXPECT_TRUE(l->anomalies.empty()) << "nothing of LIST's was wrong";
    EXPECT_TRUE(s.open());

    auto st = s.run(status, deadline_);
    ASSERT_TRUE(st) << st.error().message;
    ASSERT_EQ(st->untagged.size(), 1u) << "read leniently: kept as data";
    EXPECT_EQ(st->untagged[0].data[0].text, "Paren(x)");
    auto se = s.run(search, deadline_);
    ASSERT_TRUE(se) << se.error().message;
    EXPECT_TRUE(se->untagged.empty());
    ASSERT_EQ(se->anomalies.size(), 1u) << "set aside, for SEARCH to judge";
    EXPECT_EQ(se->anomalies[0].sent, "* SEARCH 2 x3");

    auto d = s.deviations();
    ASSERT_EQ(d.size(), 2u);
    EXPECT_NE(d[0].find("a STATUS response to C001 STATUS does not follow the IMAP grammar"),
              std::string::npos)
        << d[0];
    EXPECT_NE(d[0].find("read leniently: * STATUS Paren(x) (MESSAGES 0 UNSEEN 0)"),
              std::string::npos)
        << d[0];
    EXPECT_NE(d[1].find("a SEARCH response to C002 SEARCH"), std::string::npos) << d[1];
    EXPECT_NE(d[1].find("set aside: * SEARCH 2 x3"), std::string::npos) << d[1];
}

TEST_F(SessionTest, ATaggedReplyThatIsNotAStatusEndsItsCommandAsAFailure) {
    Session& s = session_with("C001 FETCH done\r\nC002 OK List done\r\n");
    imap::Command noop("NOOP");
    ASSERT_TRUE(s.send_ahead(noop, deadline_));
    auto n = s.run(noop, deadline_);
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_FALSE(n->ok());
    EXPECT_EQ(n->status_line(), "FETCH done");
    auto l = s.run(list(), deadline_);
    ASSERT_TRUE(l) << l.error().message;
    EXPECT_TRUE(l->ok()) << "still in step";
    ASSERT_EQ(s.deviations().size(), 1u);
    EXPECT_NE(s.deviations()[0].find("the tagged reply to C001 NOOP"), std::string::npos);
}

TEST_F(SessionTest, DeviationsAreNotedOnceAndBounded) {
    std::string server;
    for (int i = 0; i < 30; ++i) server += "* " + std::to_string(i) + " FETCH (\x01\r\n";
    Session& s = session_with(server + "C001 OK List done\r\n");
    auto l = s.run(list(), deadline_);
    ASSERT_TRUE(l) << l.error().message;
    EXPECT_EQ(l->anomalies.size(), 30u);
    auto d = s.deviations();
    ASSERT_EQ(d.size(), Session::kMaxDeviations + 1);
    EXPECT_EQ(d.back(), "and 20 more like these");
    for (const auto& note : d) EXPECT_EQ(note.find('\x01'), std::string::npos) << "neutralised";
}

// Every byte read reaches --trace before it is parsed, also when the response is never
// finished: the bytes that broke the session are in the trace, not only in the report.
TEST_F(SessionTest, TheTraceShowsAResponseCutShortAndALineThatBreaksTheGrammar) {
    std::FILE* sink = std::tmpfile();
    ASSERT_NE(sink, nullptr);
    Transcript transcript(sink, Clock::now());
    Session s(scripted("* STATUS Paren(x) (MESSAGES 0)\r\nC001 OK done\r\n* "
                       "3 FETCH (UID 14 BODY[HEADER] {100}\r\nSubject: x"),
              transcript, std::chrono::milliseconds(1000));
    imap::Command status("STATUS");
    status.mailbox("Paren(x)").raw("(MESSAGES)");
    ASSERT_TRUE(s.run(status, deadline_));
    ASSERT_FALSE(s.run(list(), deadline_));  // the script ends mid-literal: a timeout
    std::rewind(sink);
    std::string text;
    for (int c; (c = std::fgetc(sink)) != EOF;) text.push_back(static_cast<char>(c));
    std::fclose(sink);
    EXPECT_NE(text.find("S: * STATUS Paren(x) (MESSAGES 0)\n"), std::string::npos) << text;
    EXPECT_NE(text.find("S: * 3 FETCH (UID 14 BODY[HEADER] {100}\n"), std::string::npos) << text;
    EXPECT_NE(text.find("S: | Subject: x\n"), std::string::npos) << text;
    EXPECT_NE(text.find("S: | ... (10 of 100 bytes received)\n"), std::string::npos) << text;
    EXPECT_LT(text.find("S: | ... (10 of 100"),
              text.find("*: a literal (10 of 100 bytes received)"))
        << text;
}

TEST_F(SessionTest, CapabilitiesKeepTheServersSpellingAndCompareCaseInsensitively) {
    Session& s = session_with("");
    s.set_capabilities({"IMAP4rev1", "Literal+", "auth=plain"});
    EXPECT_EQ(s.capabilities(), (std::vector<std::string>{"IMAP4rev1", "Literal+", "auth=plain"}));
    EXPECT_TRUE(s.has_capability("LITERAL+"));
    EXPECT_TRUE(s.has_capability("AUTH=PLAIN"));
    EXPECT_FALSE(s.has_capability("AUTH=PLAI"));
}

}  // namespace
}  // namespace imapcheck
