// Hostile-server component tests: the real imapcheck binary against servers that never greet,
// greet late or in another protocol, hang up mid-response, stall, drip, flood, refuse every
// command, or hide protocol-looking text in data. Every run has short deadlines; every test
// checks the broken step, the exit code, a valid JSON report, the wall time and read-only-ness.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "component_fixture.hpp"
#include "loopback.hpp"
#include "raw_server.hpp"

namespace imapcheck {
namespace {

using namespace std::chrono_literals;
using fake::Command;
using fake::Session;
using testing::RawServer;

// The deadlines every run gets (seconds): whole run, TCP+TLS+greeting, each command.
constexpr double kRunTimeout = 3, kConnectTimeout = 1, kCommandTimeout = 1;

// Sends nothing more until the client hangs up. Commands it sent ahead (pipelining) are read
// and left unanswered, so they cannot end the stall.
void stall_until_the_client_leaves(Session& s) {
    for (;;) (void)s.read_line();  // ends with the client's close
}

class HostileTest : public ComponentTest {
  protected:
    // The real binary with short deadlines against 127.0.0.1:port (STARTTLS, the test CA).
    ProcessResult run_on(uint16_t port, std::vector<std::string> extra = {},
                         const char* format = "json") {
        return run_on_port(port, std::move(extra), format, {kRunTimeout, kConnectTimeout, kCommandTimeout});
    }

    // What every hostile run must show: the exit code, a valid JSON report that agrees with
    // it, and a wall time within `max_seconds`.
    static json expect_report(const ProcessResult& r, int exit_code, double max_seconds) {
        EXPECT_FALSE(r.timed_out);
        EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
        EXPECT_LT(r.seconds, max_seconds) << r.out;
        EXPECT_TRUE(json::accept(r.out)) << "not JSON: " << r.out << r.err;
        json j = json::accept(r.out) ? json::parse(r.out) : json::object();
        EXPECT_EQ(j.value("exit_code", -1), exit_code);
        expect_no_password(r);
        return j;
    }

    // A check's status, and a summary that contains `words` (every call names them).
    static void expect_check(const json& j, const std::string& id, const std::string& status,
                             const std::string& words) {
        ASSERT_FALSE(words.empty()) << "name the words the summary must contain";
        const json& c = find_check(j, id);
        EXPECT_EQ(c["status"], status) << id << ": " << c["summary"];
        EXPECT_NE(c["summary"].get<std::string>().find(words), std::string::npos)
            << id << " summary lacks '" << words << "': " << c["summary"];
    }
    // Only a check's status (and that it says something), where the words vary.
    static void expect_status(const json& j, const std::string& id, const std::string& status) {
        const json& c = find_check(j, id);
        EXPECT_EQ(c["status"], status) << id << ": " << c["summary"];
        EXPECT_FALSE(c["summary"].get<std::string>().empty()) << id << " has no summary";
    }

    static void expect_read_only(FakeImapServer& server) {
        ASSERT_TRUE(server.wait_for_connections_done(1));
        EXPECT_FALSE(server.saw_mutating_command());
    }
};

// Sends `before`, then answers as the fake server normally would.
fake::Handler prefixed(std::string command, std::string before) {
    return [command, before](Session& s, const Command& c) {
        s.send(before);
        FakeImapServer::default_handler(command)(s, c);
    };
}

// Answers every command with the same tagged status line.
fake::Handler refuse(std::string status_line) {
    return [status_line](Session& s, const Command& c) { s.tagged(c, status_line); };
}

// --- before the greeting -----------------------------------------------------------------

TEST_F(HostileTest, ServerThatNeverGreetsFailsConnectAtTheConnectTimeout) {
    RawServer server({});
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 2, kConnectTimeout + 1);
    expect_check(j, "connect", "fail", "no greeting in time");
    expect_check(j, "login", "skip", "connect failed");
    expect_check(j, "logout", "skip", "connect failed");
    EXPECT_EQ(server.received(), "") << "nothing may be sent before a greeting";
}

TEST_F(HostileTest, GreetingAfterTheConnectTimeoutIsTooLate) {
    RawServer server({{1500ms, "* OK [CAPABILITY IMAP4rev1 STARTTLS] late\r\n"}});
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 2, kConnectTimeout + 1);
    expect_check(j, "connect", "fail", "no greeting in time");
    EXPECT_EQ(server.received(), "");
}

TEST_F(HostileTest, HttpAnswerInsteadOfAGreetingFailsConnectAndShowsIt) {
    ServerOptions o = quota_options();
    o.greeting = "HTTP/1.1 400 Bad Request";
    FakeImapServer server(o);
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 2, kConnectTimeout + 1);
    expect_check(j, "connect", "fail", "HTTP/1.1 400 Bad Request");
    expect_check(j, "tls", "skip", "connect failed");
    expect_read_only(server);
    EXPECT_TRUE(server.commands().empty());
}

TEST_F(HostileTest, BinaryJunkLineInsteadOfAGreetingFailsConnectAndShowsIt) {
    const char junk[] = "\x15\x03\x03\x00\x02\x02\x50\xff\xfe\x00junk\r\n";
    RawServer server({{0ms, std::string(junk, sizeof junk - 1)}});
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 2, kConnectTimeout + 1);
    expect_check(j, "connect", "fail", "unexpected greeting: ");
    expect_check(j, "connect", "fail", "junk");
    EXPECT_EQ(server.received(), "");
}

TEST_F(HostileTest, BinaryJunkWithoutALineEndIsNoGreeting) {
    // What a TLS-only port sends a plaintext client: a TLS alert, no line at all.
    RawServer server({{0ms, std::string("\x15\x03\x03\x00\x02\x02\x46", 7)}});
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 2, kConnectTimeout + 1);
    expect_check(j, "connect", "fail", "no greeting in time");
    EXPECT_EQ(server.received(), "");
}

TEST_F(HostileTest, ByeGreetingFailsConnectWithTheServersReason) {
    ServerOptions o = quota_options();
    o.greeting = "* BYE Too many connections from your address";
    FakeImapServer server(o);
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 2, kConnectTimeout + 1);
    expect_check(j, "connect", "fail", "server refused the connection: * BYE Too many connections");
    expect_read_only(server);
    EXPECT_TRUE(server.commands().empty());
}

TEST_F(HostileTest, ServerThatAcceptsButNeverAnswersIsCutOffByTimeoutAlone) {
    RawServer server({});
    std::vector<std::string> argv = {testing::imapcheck_binary(), "--host", "127.0.0.1", "--port",
                                     std::to_string(server.port())};
    argv.insert(argv.end(),
                {"--user", "alice", "--timeout", "5", "--format", "json"});  // no other bound
    ProcessResult r = testing::run_process(argv, {{"IMAPCHECK_PASSWORD", kPassword}}, 20s);
    json j = expect_report(r, 2, 6);
    expect_check(j, "connect", "fail", "greeting");
    EXPECT_GT(r.seconds, 4) << "the run timeout, not something shorter, ended it";
}

// --- hanging up ----------------------------------------------------------------------------

TEST_F(HostileTest, HangUpRightAfterLoginFailsListAndSkipsTheRest) {
    FakeImapServer server(quota_options());
    server.on("AUTHENTICATE", [](Session& s, const Command& c) {
        FakeImapServer::default_handler("AUTHENTICATE")(s, c);
        s.close();
    });
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 2, kRunTimeout + 1);
    expect_check(j, "login", "pass", "logged in as");
    expect_check(j, "list", "fail", "LIST failed: ");
    for (const char* id : {"status", "select", "search", "fetch", "quota", "logout"})
        expect_check(j, id, "skip", "connection lost");
    expect_read_only(server);
}

TEST_F(HostileTest, ResetInTheMiddleOfAFetchLiteralFailsFetch) {
    FakeImapServer server(quota_options());
    server.on("FETCH", [](Session& s, const Command&) {
        s.send("* 3 FETCH (UID 14 RFC822.SIZE 1200 BODY[HEADER] {1000}\r\n" +
               std::string(400, 'h'));
        s.close();
    });
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 2, kRunTimeout + 1);
    expect_check(j, "search", "pass", "match");
    expect_check(j, "fetch", "fail", "FETCH 3 failed: ");
    expect_check(j, "quota", "skip", "connection lost");
    expect_check(j, "logout", "skip", "connection lost");
    expect_read_only(server);
}

// --- stalling, dripping, flooding ----------------------------------------------------------

TEST_F(HostileTest, StallInTheMiddleOfALineFailsListAtTheCommandTimeout) {
    FakeImapServer server(quota_options());
    server.on("LIST", [](Session& s, const Command&) {
        s.send("* LIST (\\HasNoChildren) \"/\" \"Arch");
        stall_until_the_client_leaves(s);
    });
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 2, kCommandTimeout + 2);
    expect_check(j, "list", "fail", "no answer to LIST within 1 s (--command-timeout)");
    expect_check(j, "list", "fail", "the end of a line");
    // STATUS, EXAMINE and SEARCH went ahead of LIST and were answered before it stalled:
    // their answers are judged; what had not been answered is skipped.
    for (const char* id : {"status", "select", "search"}) expect_status(j, id, "pass");
    for (const char* id : {"fetch", "quota", "logout"})
        expect_check(j, id, "skip", "connection abandoned after list failed mid-answer");
    expect_read_only(server);
}

// Issue 19 §3: a LIST that stalled under --timeout (not --command-timeout) left STATUS,
// EXAMINE and SEARCH "skip ... --timeout used up", though their pipelined answers had come
// within a millisecond, and LIST's own time read 0 ms. Every answer that came is judged, and
// LIST's time is the time it waited.
TEST_F(HostileTest, StallUnderTheRunTimeoutStillJudgesTheAnswersThatCame) {
    FakeImapServer server(quota_options());
    server.on("LIST", [](Session& s, const Command&) { stall_until_the_client_leaves(s); });
    ProcessResult r = run_on_port(server.port(), {}, "json", {2, 1, 10});
    json j = expect_report(r, 2, 2 + 2);
    expect_check(j, "list", "fail", "LIST");
    for (const char* id : {"status", "select", "search"}) expect_status(j, id, "pass");
    EXPECT_GT(find_check(j, "list")["duration_ms"].get<double>(), 1000) << "the time it waited";
    expect_read_only(server);
}

TEST_F(HostileTest, LineDrippedByteByByteIsCutOffAtTheCommandTimeout) {
    FakeImapServer server(quota_options());
    server.on("FETCH", [](Session& s, const Command&) {
        s.send("* 3 FETCH (UID 14 FLAGS (");
        for (int i = 0; i < 50; ++i) {  // 5 s at most; throws once the client hung up
            std::this_thread::sleep_for(100ms);
            s.send("x");
        }
    });
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 2, kCommandTimeout + 2);
    expect_check(j, "fetch", "fail", "no answer to FETCH within 1 s");
    expect_check(j, "quota", "skip", "connection abandoned after fetch failed mid-answer");
    expect_check(j, "logout", "skip", "connection abandoned after fetch failed mid-answer");
    expect_read_only(server);
}

TEST_F(HostileTest, LineLongerThanTheReaderLimitFailsInsteadOfGrowing) {
    FakeImapServer server(quota_options());
    server.on("LIST", [](Session& s, const Command&) {
        s.send("* LIST () \"/\" " + std::string(17u << 20, 'a'));
        stall_until_the_client_leaves(s);
    });
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 2, kRunTimeout + 1);
    expect_check(j, "list", "fail", "LIST failed: server line longer than 16777216 bytes");
    // STATUS was answered before LIST went out: its answer is judged.
    expect_status(j, "status", "pass");
    expect_check(j, "quota", "skip", "connection abandoned after list failed mid-answer");
    expect_read_only(server);
}

TEST_F(HostileTest, HugeAnnouncedLiteralIsRefusedNotAllocated) {
    FakeImapServer server(quota_options());
    server.on("FETCH", [](Session& s, const Command&) {
        s.send("* 3 FETCH (UID 14 RFC822.SIZE 107374182400 BODY[TEXT]<0> {107374182400}\r\n" +
               std::string(8192, 'x'));
        stall_until_the_client_leaves(s);
    });
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 2, kRunTimeout + 1);
    expect_check(
        j, "fetch", "fail",
        "FETCH 3 failed: server announced a literal of 107374182400 bytes, over the limit");
    expect_check(j, "logout", "skip", "connection abandoned after fetch failed mid-answer");
    expect_read_only(server);
}

// --- NO and BAD, one command at a time --------------------------------------------------------

struct Refusal {
    const char* command;  // what the server refuses
    const char* check;    // the check that must fail with the server's words
    std::vector<std::pair<const char*, const char*>> then;  // other checks whose status changes
};

class RefusedCommandTest : public HostileTest,
                           public ::testing::WithParamInterface<std::tuple<Refusal, const char*>> {
};

TEST_P(RefusedCommandTest, FailingCheckShowsTheServersWordsAndDependentsFollowTheRules) {
    const auto& [refusal, answer] = GetParam();
    FakeImapServer server(quota_options());
    const std::string words =
        std::string(answer) + " [UNAVAILABLE] " + refusal.command + " is out of order";
    server.on(refusal.command, refuse(words));
    ProcessResult r = run_on(server.port());
    // A SEARCH the server calls BAD is the user's --search: UNKNOWN, not the server's failure.
    const bool users_input =
        refusal.command == std::string("SEARCH") && answer == std::string("BAD");
    json j = expect_report(r, users_input ? 3 : 2, kRunTimeout + 1);
    expect_check(j, refusal.check, "fail", words);
    if (users_input) {
        EXPECT_EQ(find_check(j, "search")["diagnosis"]["class"], "search.bad");
    }
    for (const char* id : {"connect", "tls", "capability", "login", "list", "status", "select",
                           "search", "fetch", "quota", "logout"}) {
        if (id == std::string(refusal.check)) continue;
        std::string status = "pass";
        for (const auto& [other, changed] : refusal.then)
            if (id == std::string(other)) status = changed;
        if (status == "skip")
            expect_check(j, id, status, std::string(refusal.check) + " failed");
        else
            expect_status(j, id, status);
    }
    expect_read_only(server);
}

const Refusal kRefusals[] = {
    {"LIST", "list", {}},
    {"STATUS", "status", {}},
    {"EXAMINE", "select", {{"search", "skip"}, {"fetch", "skip"}}},
    {"SEARCH", "search", {}},  // fetch then takes the newest message instead of the newest hit
    {"FETCH", "fetch", {}},
    {"GETQUOTAROOT", "quota", {}},
    {"LOGOUT", "logout", {}},
};

INSTANTIATE_TEST_SUITE_P(EachCommand, RefusedCommandTest,
                         ::testing::Combine(::testing::ValuesIn(kRefusals),
                                            ::testing::Values("NO", "BAD")),
                         [](const auto& info) {
                             return std::string(std::get<0>(info.param).command) + "_" +
                                    std::get<1>(info.param);
                         });

TEST_F(HostileTest, BadToEverythingAfterLoginFailsEachCheckThatAsked) {
    FakeImapServer server(quota_options());
    for (const char* command :
         {"LIST", "STATUS", "EXAMINE", "SEARCH", "FETCH", "GETQUOTAROOT", "LOGOUT", "NOOP"})
        server.on(command, refuse("BAD Command unrecognized"));
    server.on("CAPABILITY", [](Session& s, const Command& c) {  // libcurl asks before login
        if (s.state().phase == fake::Phase::NotAuthenticated)
            return FakeImapServer::default_handler("CAPABILITY")(s, c);
        s.tagged(c, "BAD Command unrecognized");
    });
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 2, kRunTimeout + 1);
    expect_check(j, "login", "pass", "logged in as");
    expect_check(j, "list", "fail", "LIST failed: BAD Command unrecognized");
    expect_check(j, "status", "fail", "BAD Command unrecognized");
    expect_check(j, "select", "fail", "EXAMINE INBOX failed: BAD Command unrecognized");
    expect_check(j, "search", "skip", "select failed");
    expect_check(j, "fetch", "skip", "select failed");
    expect_check(j, "quota", "fail", "BAD Command unrecognized");
    expect_check(j, "logout", "fail", "LOGOUT failed: BAD Command unrecognized");
    expect_read_only(server);
}

// --- unsolicited responses -------------------------------------------------------------------

TEST_F(HostileTest, UnsolicitedResponsesBeforeEveryReplyLeaveCountsRightAndShowTheAlert) {
    const std::string alert = "Maintenance tonight at 23:00 UTC";
    const std::string noise =
        "* 4 EXISTS\r\n* 1 RECENT\r\n* 4 EXPUNGE\r\n* FLAGS (\\Seen \\Draft)\r\n"
        "* OK [ALERT] " +
        alert + "\r\n";
    auto make_server = [&] {
        auto server = std::make_unique<FakeImapServer>(quota_options());
        for (const char* command : {"AUTHENTICATE", "LIST", "STATUS", "EXAMINE", "SEARCH", "FETCH",
                                    "GETQUOTAROOT", "LOGOUT"})
            server->on(command, prefixed(command, noise));
        return server;
    };
    auto server = make_server();
    ProcessResult r = run_on(server->port());
    json j = expect_report(r, 0, kRunTimeout + 1);
    EXPECT_EQ(find_check(j, "list")["details"]["count"], 2);
    EXPECT_EQ(find_check(j, "status")["details"]["messages"], 3);
    EXPECT_EQ(find_check(j, "status")["details"]["unseen"], 2);
    EXPECT_EQ(find_check(j, "select")["details"]["exists"], 3);
    EXPECT_EQ(find_check(j, "search")["details"]["count"], 2);
    EXPECT_EQ(find_check(j, "search")["details"]["matches"], json::array({2, 3}));
    EXPECT_EQ(find_check(j, "fetch")["details"]["message"], 3);
    EXPECT_EQ(find_check(j, "fetch")["details"]["uid"], 14);
    expect_check(j, "logout", "pass", "BYE and OK");
    EXPECT_EQ(j["alerts"], json::array({alert})) << "shown once, however often it was sent";
    expect_read_only(*server);

    auto text_server = make_server();
    ProcessResult text = run_on(text_server->port(), {}, "text");
    EXPECT_EQ(text.exit_code, 0) << text.out;
    EXPECT_NE(text.out.find("ALERT from the server: " + alert), std::string::npos) << text.out;
    expect_read_only(*text_server);
}

TEST_F(HostileTest, UnsolicitedExistsBeforeExamineIsNotTakenForTheMailboxSize) {
    FakeImapServer server(quota_options());
    server.on("LIST", prefixed("LIST", "* 7 EXISTS\r\n"));   // nothing is selected yet
    server.on("EXAMINE", [](Session& s, const Command& c) {  // and EXAMINE leaves EXISTS out
        s.line("* OK [UIDVALIDITY 1234] UIDs valid");
        s.tagged(c, "OK [READ-ONLY] EXAMINE completed");
    });
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 2, kRunTimeout + 1);
    expect_check(j, "select", "fail", "EXAMINE answered OK without an EXISTS count");
    expect_check(j, "fetch", "skip", "select failed");
    expect_read_only(server);
    for (const auto& c : server.commands()) EXPECT_NE(c.name, "FETCH") << c.raw;
}

// --- odd but legal data ------------------------------------------------------------------------

TEST_F(HostileTest, EndlessUntaggedResponsesAreCutOffNotStored) {
    FakeImapServer server(quota_options());
    std::string flood;
    // One more than Session::kMaxUntaggedPerCommand (100 000).
    for (int i = 0; i <= 100000; ++i) flood += "* 1 EXISTS\r\n";
    server.on("LIST", prefixed("LIST", flood));
    // Bounds wide enough that the count, not a deadline, stops it even in a sanitizer build
    // (SessionTest covers a flood cut off by the deadline).
    ProcessResult r = run_on(server.port(), {"--command-timeout", "20", "--timeout", "25"});
    json j = expect_report(r, 2, 25);
    expect_check(j, "list", "fail", "more than 100000 responses to LIST");
    // STATUS was answered before LIST went out: its answer is judged.
    expect_status(j, "status", "pass");
    expect_check(j, "quota", "skip", "connection abandoned after list failed mid-answer");
    expect_read_only(server);
}

TEST_F(HostileTest, UnexpectedContinuationRequestIsAnErrorNotAnswered) {
    FakeImapServer server(quota_options());
    server.on("LIST", [](Session& s, const Command&) { s.line("+ go on"); });
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 2, kRunTimeout + 1);
    expect_check(j, "list", "fail", "server asked to continue a LIST command");
    ASSERT_TRUE(server.wait_for_connections_done(1));
    EXPECT_EQ(server.received().find("\r\n*\r\n"), std::string::npos) << "no blind '*' answer";
}

TEST_F(HostileTest, EmptyMailboxSkipsFetchAndNeverAsksForMessageZero) {
    ServerOptions o = quota_options();
    o.mailboxes = {fake::Mailbox{"INBOX", {}, 99, {}}};
    FakeImapServer server(o);
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 0, kRunTimeout + 1);
    expect_check(j, "select", "pass", "INBOX examined, 0 messages");
    expect_check(j, "search", "pass", "0 messages match UNSEEN");
    expect_check(j, "fetch", "skip", "INBOX is empty");
    expect_read_only(server);
    for (const auto& c : server.commands()) EXPECT_NE(c.name, "FETCH") << c.raw;
}

TEST_F(HostileTest, SearchNamingMessageZeroFailsSearchAndNothingFetchesIt) {
    ServerOptions o = quota_options();
    o.mailboxes = {fake::Mailbox{"INBOX", {}, 99, {}}};
    FakeImapServer server(o);
    server.on("SEARCH", [](Session& s, const Command& c) {
        s.line("* SEARCH 0");
        s.tagged(c, "OK SEARCH completed");
    });
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 2, kRunTimeout + 1);
    expect_check(j, "search", "fail", "message number 0");
    expect_check(j, "fetch", "skip", "INBOX is empty");
    expect_check(j, "logout", "pass", "BYE and OK");
    expect_read_only(server);
    for (const auto& c : server.commands()) EXPECT_NE(c.name, "FETCH") << c.raw;
}

TEST_F(HostileTest, SearchWithTwoHundredThousandHitsIsCountedAndTheHighestFetched) {
    constexpr std::uint32_t kHits = 200000;
    FakeImapServer server(quota_options());
    server.on("EXAMINE", [](Session& s, const Command& c) {
        s.line("* " + std::to_string(kHits) + " EXISTS");
        s.line("* OK [UIDVALIDITY 1234] UIDs valid");
        s.tagged(c, "OK [READ-ONLY] EXAMINE completed");
    });
    server.on("SEARCH", [](Session& s, const Command& c) {
        // The highest hit sits in the middle: the newest is the largest, not the last one.
        std::string line = "* SEARCH";
        for (std::uint32_t i = 0; i < kHits; ++i)
            line += " " + std::to_string((i + kHits / 2) % kHits + 1);
        s.line(line);
        s.tagged(c, "OK SEARCH completed");
    });
    server.on("FETCH", [](Session& s, const Command& c) {
        if (!c.args.starts_with(std::to_string(kHits) + " "))
            return s.tagged(c, "BAD wrong message");
        const std::string header = "Subject: needle\r\n\r\n", text = "found\r\n";
        s.send("* " + std::to_string(kHits) + " FETCH (UID 999999 FLAGS () RFC822.SIZE " +
               std::to_string(header.size() + text.size()) + " BODY[HEADER] {" +
               std::to_string(header.size()) + "}\r\n" + header + " BODY[TEXT]<0> {" +
               std::to_string(text.size()) + "}\r\n" + text + ")\r\n");
        s.tagged(c, "OK FETCH completed");
    });
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 0, kRunTimeout + 1);
    expect_check(j, "search", "pass", "200000 messages match UNSEEN");
    EXPECT_EQ(find_check(j, "search")["details"]["count"], kHits);
    json first = json::array();
    for (std::uint32_t n = kHits / 2 + 1; n <= kHits / 2 + 100; ++n) first.push_back(n);
    EXPECT_EQ(find_check(j, "search")["details"]["matches"], first);
    expect_check(j, "fetch", "pass", "newest match 200000 (UID 999999");
    EXPECT_EQ(find_check(j, "fetch")["details"]["subject"], "needle");
    expect_read_only(server);
}

TEST_F(HostileTest, FolderNamesAsLiteralsQuotedEscapedMutf7AndNilDelimiterAreDecoded) {
    FakeImapServer server(quota_options());
    server.on("LIST", [](Session& s, const Command& c) {
        s.send("* LIST (\\Noselect) NIL \"Flat\"\r\n");
        s.send("* LIST (\\HasNoChildren) \"/\" INBOX\r\n");
        s.send("* LIST () \"/\" {13}\r\nWith \"quotes\"\r\n");
        s.send("* LIST () \"/\" \"Back\\\\slash \\\"and\\\" quote\"\r\n");
        s.send("* LIST (\\HasChildren) \"/\" \"K&AOQ-se/Entw&APw-rfe\"\r\n");
        s.send("* LIST () \"/\" {10}\r\n&ZeVnLIqe-\r\n");
        s.tagged(c, "OK LIST completed");
    });
    ProcessResult r =
        run_on(server.port(), {"--expect-folder", "K\xC3\xA4se/Entw\xC3\xBCrfe", "--expect-folder",
                               "With \"quotes\"", "--expect-folder", "Back\\slash \"and\" quote"});
    json j = expect_report(r, 0, kRunTimeout + 1);
    expect_check(j, "list", "pass", "6 mailboxes, delimiter \"/\"");
    const json& d = find_check(j, "list")["details"];
    EXPECT_EQ(d["delimiter"], "/");
    std::vector<std::string> names;
    for (const auto& m : d["mailboxes"]) names.push_back(m["name"]);
    EXPECT_EQ(names, (std::vector<std::string>{
                         "Flat", "INBOX", "With \"quotes\"", "Back\\slash \"and\" quote",
                         "K\xC3\xA4se/Entw\xC3\xBCrfe", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"}));
    EXPECT_EQ(d["mailboxes"][0]["flags"], json::array({"\\Noselect"}));
    EXPECT_EQ(d["missing"], json::array());
    expect_read_only(server);
}

TEST_F(HostileTest, MessageTextThatLooksLikeOurTaggedReplyIsReadAsData) {
    FakeImapServer server(quota_options());
    std::mutex mutex;
    std::string fetch_tag, sent_text;
    server.on("FETCH", [&](Session& s, const Command& c) {
        // The message quotes this command's tag and the next one, a BYE, a lone ')' and a
        // literal marker: only byte-exact literal framing keeps the stream in step.
        char next_tag[16];
        std::snprintf(next_tag, sizeof next_tag, "C%03d", std::stoi(c.tag.substr(1)) + 1);
        const std::string header = "Subject: " + c.tag + " OK\r\nFrom: x@example.test\r\n\r\n";
        const std::string text = c.tag + " OK FETCH completed\r\n* BYE shutting down\r\n)\r\n" +
                                 next_tag + " NO quota {12}\r\n* 3 FETCH (FLAGS (\\Deleted))\r\n";
        {
            std::lock_guard lock(mutex);
            fetch_tag = c.tag;
            sent_text = text;
        }
        s.send("* 3 FETCH (UID 14 FLAGS (\\Flagged) RFC822.SIZE " +
               std::to_string(header.size() + text.size()) + " BODY[HEADER] {" +
               std::to_string(header.size()) + "}\r\n" + header + " BODY[TEXT]<0> {" +
               std::to_string(text.size()) + "}\r\n" + text + ")\r\n");
        s.tagged(c, "OK FETCH completed");
    });
    ProcessResult r = run_on(server.port());
    json j = expect_report(r, 0, kRunTimeout + 1);
    expect_read_only(server);
    std::lock_guard lock(mutex);
    EXPECT_EQ(fetch_tag, "C006") << "AUTHENTICATE is C001, then LIST, STATUS, EXAMINE, SEARCH";
    expect_check(j, "fetch", "pass", "newest match 3 (UID 14");
    const json& d = find_check(j, "fetch")["details"];
    EXPECT_EQ(d["subject"], fetch_tag + " OK");
    EXPECT_EQ(d["text_bytes"], sent_text.size());
    EXPECT_EQ(d["flags"], json::array({"\\Flagged"}));
    expect_check(j, "quota", "pass", "used");  // the next reply was read as a reply: still in step
    expect_check(j, "logout", "pass", "BYE and OK");
}

}  // namespace
}  // namespace imapcheck
