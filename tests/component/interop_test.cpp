// Interoperability component tests (issue 10): the real imapcheck binary against scripted
// servers that send, byte for byte, what real servers and proxies were seen to send: LOGOUT
// answered mid-FETCH, a STATUS line that breaks the grammar, SEARCH without "* SEARCH", and
// capability lists spelt and repeated oddly. README's "What imapcheck tolerates" lists them.
#include <atomic>
#include <fstream>
#include <iterator>

#include "component_fixture.hpp"

namespace imapcheck {
namespace {

using namespace std::chrono_literals;
using fake::Command;
using fake::Session;

class InteropTest : public ComponentTest {
  protected:
    // The real binary with short deadlines against 127.0.0.1:port (STARTTLS, the test CA).
    ProcessResult run_on(uint16_t port, std::vector<std::string> extra = {},
                         const char* format = "json") {
        return run_on_port(port, std::move(extra), format, {5, 2, 2});
    }

    static json expect_report(const ProcessResult& r, int exit_code) {
        EXPECT_FALSE(r.timed_out);
        EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
        EXPECT_TRUE(json::accept(r.out)) << "not JSON: " << r.out << r.err;
        json j = json::accept(r.out) ? json::parse(r.out) : json::object();
        expect_no_password(r);
        return j;
    }

    static void expect_check(const json& j, const std::string& id, const std::string& status,
                             const std::string& words = "") {
        const json& c = find_check(j, id);
        EXPECT_EQ(c["status"], status) << id << ": " << c["summary"];
        EXPECT_NE(c["summary"].get<std::string>().find(words), std::string::npos)
            << id << " summary lacks '" << words << "': " << c["summary"];
    }

    // The one note that contains every one of `words`, or "" (and a failure).
    static std::string note_with(const json& j, std::vector<std::string> words) {
        for (const auto& n : j.value("notes", json::array())) {
            const std::string note = n.get<std::string>();
            bool all = true;
            for (const auto& w : words) all = all && note.find(w) != std::string::npos;
            if (all) return note;
        }
        ADD_FAILURE() << "no note with '" << words.front() << "'...: " << j.value("notes", json());
        return "";
    }

    std::string temp_file(const std::string& name) {
        if (dir_.empty()) dir_ = testing::make_temp_dir("imapcheck-interop");
        return dir_ + "/" + name;
    }
    static std::string slurp(const std::string& path) {
        std::ifstream in(path);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
    void TearDown() override {
        std::error_code ignored;
        if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
    }

    std::string dir_;
};

// Logs in as the fake does, but without [CAPABILITY] in the tagged OK, as the servers of these
// reports did: imapcheck then asks CAPABILITY (C002), so the tags are theirs (SEARCH C005,
// LOGOUT C009) and the bytes below are exactly the ones they sent.
void login_without_capabilities(Session& s, const Command& c) {
    if (!c.args.starts_with("PLAIN ")) return s.tagged(c, "NO only PLAIN here");
    s.state().phase = fake::Phase::Authenticated;
    s.state().user = s.options().user;
    s.tagged(c, "OK Logged in");
}

// --- 1. LOGOUT pipelined behind FETCH ----------------------------------------------------------

// A caching proxy answers LOGOUT as soon as it reads it and closes, with the FETCH literal
// still in flight. imapcheck used to send LOGOUT ahead with FETCH and GETQUOTAROOT, and every
// run failed `fetch`. LOGOUT now goes only once every answer a check needs has arrived.
TEST_F(InteropTest, ProxyAnsweringLogoutOnSightNoLongerCutsTheFetchShort) {
    ServerOptions o = quota_options();
    fake::Mailbox inbox{"INBOX", {}, 1234, {}};
    const std::string header_start = "Subject: proxy\r\nFrom: Sender <s@example.test>\r\nX-Pad: ";
    const std::string header =
        header_start + std::string(303 - header_start.size() - 4, 'p') + "\r\n\r\n";
    const std::string text = "Hello through the proxy.\r\n";
    for (uint32_t uid = 1; uid <= 18; ++uid)
        inbox.messages.push_back({uid, {uid < 18 ? "\\Seen" : ""}, header, text});
    inbox.messages.back().flags.clear();
    o.mailboxes = {inbox};
    FakeImapServer server(o);
    server.on("AUTHENTICATE", login_without_capabilities);
    std::atomic<bool> answered_logout_early{false};
    server.on("FETCH", [&](Session& s, const Command& c) {
        ASSERT_EQ(header.size(), 303u);
        s.send("* 18 FETCH (UID 18 FLAGS () RFC822.SIZE " +
               std::to_string(header.size() + text.size()) + " BODY[HEADER] {303}\r\n" +
               header.substr(0, 120));
        if (s.pending_input_contains("LOGOUT\r\n", 300ms)) {  // what the proxy did
            std::string line, tag;
            while (!line.ends_with(" LOGOUT")) {
                line = s.read_line();
                tag = line.substr(0, line.find(' '));
            }
            answered_logout_early = true;
            s.send("* BYE LOGOUT received\r\n" + tag + " OK Completed\r\n");
            s.close_gracefully();
            return;
        }
        s.send(header.substr(120) + " BODY[TEXT]<0> {" + std::to_string(text.size()) + "}\r\n" +
               text + ")\r\n");
        s.tagged(c, "OK FETCH completed");
    });
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 0);
    EXPECT_FALSE(answered_logout_early) << "LOGOUT went out with the FETCH still unanswered";
    expect_check(j, "fetch", "pass", "newest match 18 (UID 18, 329 B) \"proxy\"");
    expect_check(j, "quota", "pass");
    expect_check(j, "logout", "pass", "BYE and OK");
    ASSERT_TRUE(server.wait_for_connections_done(1));
    EXPECT_FALSE(server.saw_mutating_command());
    auto commands = server.commands();
    ASSERT_FALSE(commands.empty());
    EXPECT_EQ(commands.back().name, "LOGOUT");
    EXPECT_EQ(commands.back().tag, "C009") << "the proxy's exchange, tag for tag";
}

// --- 2, 3 and 5. A complete line that breaks the grammar ---------------------------------------

// The mailbox name of a STATUS reply sent unquoted. The line was framed completely, so it must
// not end the session; the list at its end still says everything: read leniently, noted. It
// arrives while LIST is being run (STATUS went ahead), and LIST is not blamed for it. The
// trace shows the line.
TEST_F(InteropTest, UnquotedStatusMailboxIsReadLenientlyNotedAndBlamesNobodyElse) {
    const std::string line =
        "* STATUS Paren(x) (MESSAGES 0 UNSEEN 0 UIDNEXT 1 UIDVALIDITY 1796161557)";
    ServerOptions o = quota_options();
    o.mailboxes.push_back({"Paren(x)", {}, 1796161557, {"\\HasNoChildren"}});
    FakeImapServer server(o);
    server.on("STATUS", [&](Session& s, const Command& c) {
        s.send(line + "\r\n");
        s.tagged(c, "OK STATUS completed");
    });
    const std::string trace = temp_file("trace.txt");
    ProcessResult r = run_on(server.port(), {"--mailbox", "Paren(x)", "--trace", trace});
    json j = expect_report(r, 0);
    expect_check(j, "list", "pass", "3 mailboxes");
    expect_check(j, "status", "pass",
                 "Paren(x): MESSAGES 0 UNSEEN 0 UIDNEXT 1 UIDVALIDITY 1796161557");
    EXPECT_EQ(find_check(j, "status")["details"]["uidvalidity"], 1796161557u);
    expect_check(j, "select", "pass", "Paren(x) examined, 0 messages");
    expect_check(j, "search", "pass", "0 messages match UNSEEN");
    expect_check(j, "fetch", "skip", "is empty");
    expect_check(j, "quota", "pass");
    expect_check(j, "logout", "pass", "BYE and OK");
    note_with(j, {"server deviation: a STATUS response to C002 STATUS does not follow the IMAP "
                  "grammar (unexpected data before the end of the line",
                  "read leniently: " + line});
    const std::string t = slurp(trace);
    EXPECT_NE(t.find("S: " + line + "\n"), std::string::npos) << t;
    EXPECT_NE(t.find(" OK LOGOUT completed\n"), std::string::npos) << "the session went on";
    ASSERT_TRUE(server.wait_for_connections_done(1));
    EXPECT_FALSE(server.saw_mutating_command());
}

// A SEARCH line whose hits cannot be read, answered while LIST runs: `search` fails with the
// server's bytes, every other check is judged on its own answer, and fetch takes the newest
// message instead of a half-read hit.
TEST_F(InteropTest, UnreadableSearchLineFailsSearchAloneAndTheSessionGoesOn) {
    FakeImapServer server(quota_options());
    server.on("SEARCH", [](Session& s, const Command& c) {
        s.send("* SEARCH 2 x3\r\n");
        s.tagged(c, "OK SEARCH completed");
    });
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 2);
    for (const char* id :
         {"connect", "tls", "capability", "login", "list", "status", "select", "quota", "logout"})
        expect_check(j, id, "pass");
    expect_check(j, "search", "fail",
                 "SEARCH answer could not be read (SEARCH result is not a number: 'x3'");
    expect_check(j, "search", "fail", "): * SEARCH 2 x3");
    expect_check(j, "fetch", "pass", "newest message 3 (UID 14");
    note_with(j,
              {"server deviation: a SEARCH response to C004 SEARCH", "set aside: * SEARCH 2 x3"});
}

// What broke a session is in the trace, not only in the report: the bytes of a FETCH the
// server hung up in the middle of.
TEST_F(InteropTest, TraceShowsTheBytesOfAResponseCutShort) {
    FakeImapServer server(quota_options());
    server.on("FETCH", [](Session& s, const Command&) {
        s.send("* 3 FETCH (UID 14 RFC822.SIZE 1200 BODY[HEADER] {1000}\r\nSubject: cut\r\n" +
               std::string(386, 'h'));
        // Hung up once GETQUOTAROOT (sent ahead with FETCH) is in: no send of imapcheck's
        // fails first, so what it reads is what ends the session.
        s.pending_input_contains("GETQUOTAROOT", 2s);
        s.close();
    });
    const std::string trace = temp_file("trace.txt");
    ProcessResult r = run_on(server.port(), {"--trace", trace});
    json j = expect_report(r, 2);
    expect_check(j, "fetch", "fail", "FETCH 3 failed: server closed the connection");
    const std::string t = slurp(trace);
    EXPECT_NE(t.find("S: * 3 FETCH (UID 14 RFC822.SIZE 1200 BODY[HEADER] {1000}\n"),
              std::string::npos)
        << t;
    EXPECT_NE(t.find("S: | Subject: cut\n"), std::string::npos) << t;
    EXPECT_NE(t.find("S: | ... (400 of 1000 bytes received)\n"), std::string::npos) << t;
}

// --- 4. SEARCH answered with the tagged OK alone -----------------------------------------------

// RFC 3501 §7.2.5 wants "* SEARCH" even when nothing matches; this server sends only the
// tagged OK. The search ran: no hits, a pass, and a note of the deviation.
TEST_F(InteropTest, SearchAnsweredOkWithoutASearchLineIsNoHitsAndANote) {
    ServerOptions o = quota_options();
    for (auto& m : o.mailboxes[0].messages) m.flags = {"\\Seen"};
    FakeImapServer server(o);
    server.on("AUTHENTICATE", login_without_capabilities);
    server.on("SEARCH",
              [](Session& s, const Command& c) { s.send(c.tag + " OK SEARCH completed\r\n"); });
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 0);
    expect_check(j, "status", "pass", "INBOX: MESSAGES 3 UNSEEN 0");
    expect_check(j, "search", "pass", "0 messages match UNSEEN");
    EXPECT_EQ(find_check(j, "search")["details"]["count"], 0);
    expect_check(j, "fetch", "pass", "newest message 3 (UID 14");
    note_with(j, {"server deviation: SEARCH UNSEEN answered OK without the * SEARCH response"});
    ASSERT_TRUE(server.wait_for_connections_done(1));
    bool seen = false;
    for (const auto& c : server.commands())
        if (c.name == "SEARCH") {
            seen = true;
            EXPECT_EQ(c.tag, "C005") << "the server's exchange, tag for tag";
        }
    EXPECT_TRUE(seen);
}

// --- smaller: the header, and capabilities repeated or spelt in lower case -----------------

TEST_F(InteropTest, UserNameWithAnAtSignIsShownApartFromTheHost) {
    ServerOptions o = quota_options();
    o.user = user = "dave@example.test";
    FakeImapServer server(o);
    ProcessResult r = run_on(server.port(), {}, "text");
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    const std::string header = r.out.substr(0, r.out.find('\n'));
    EXPECT_NE(header.find("  dave@example.test on localhost:" + std::to_string(server.port()) +
                          " (STARTTLS)"),
              std::string::npos)
        << header;
}

TEST_F(InteropTest, CapabilitiesKeepTheServersSpellingCountOnceAndCompareCaseInsensitively) {
    ServerOptions o = quota_options();
    o.capabilities_post_tls = {"IMAP4rev1", "Auth=Plain", "AUTH=GSSAPI", "AUTH=GSSAPI", "sasl-ir"};
    o.capabilities_post_login = {"IMAP4rev1", "Literal+"};
    FakeImapServer server(o);
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 0);
    expect_check(j, "capability", "pass", "IMAP4rev1, 4 capabilities");
    const json& d = find_check(j, "capability")["details"];
    EXPECT_EQ(d["before_login"],
              json::array({"IMAP4rev1", "Auth=Plain", "AUTH=GSSAPI", "sasl-ir"}));
    EXPECT_EQ(d["after_login"], json::array({"IMAP4rev1", "Literal+", "QUOTA"}));
    expect_check(j, "login", "pass", "(PLAIN)");  // "Auth=Plain" is AUTH=PLAIN
    expect_check(j, "quota", "pass");
    ASSERT_TRUE(server.wait_for_connections_done(1));
    bool sasl_ir = false;
    for (const auto& c : server.commands())
        if (c.name == "AUTHENTICATE") sasl_ir = c.args.find(' ') != std::string::npos;
    EXPECT_TRUE(sasl_ir) << "\"sasl-ir\" is SASL-IR: the initial response went with the command";
}

}  // namespace
}  // namespace imapcheck
