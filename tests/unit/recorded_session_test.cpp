// Regression test: a session recorded from the real sandbox Dovecot (the fuzz corpus'
// tests/fuzz/corpus/reader/dovecot-session-chunk1: the server's bytes, literals and all)
// replayed through the checks. Each of the recording's answers is given back to the command
// of ours it answers, so the real checks, pipelining included, judge a real server's bytes
// without a socket; the results must be the seeded account's.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "imapcheck/check.hpp"
#include "imapcheck/imap/reader.hpp"
#include "imapcheck/runner.hpp"
#include "scripted_connection.hpp"

namespace imapcheck {
namespace {

using testing::Exchange;
using testing::ScriptedConnection;

// The recording's responses, each whole (a line, and the literals it announces).
std::vector<std::string> responses(const std::string& bytes) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        std::string response;
        for (;;) {
            std::size_t end = bytes.find("\r\n", pos);
            if (end == std::string::npos) end = bytes.size() - 2;
            std::string line = bytes.substr(pos, end + 2 - pos);
            response += line;
            pos = end + 2;
            // "... {N}" at the line's end: N bytes of literal, then the line goes on.
            auto open = line.rfind('{');
            if (line.size() < 4 || line[line.size() - 3] != '}' || open == std::string::npos) break;
            std::size_t n = std::stoul(line.substr(open + 1, line.size() - 3 - open - 1));
            response += bytes.substr(pos, n);
            pos += n;
        }
        out.push_back(std::move(response));
    }
    return out;
}

// Which of our commands each recorded answer belongs to. The recording's own tags were sent
// by a client that pipelined differently: a1 AUTHENTICATE, a2 LIST, a3 STATUS, a4 EXAMINE,
// a5 SEARCH, a6 FETCH, a7 a FETCH of envelopes and a9 NOOP (no check sends either), a8
// GETQUOTAROOT, b1 LOGOUT. Untagged data goes with the command of its kind.
std::vector<Exchange> exchanges(const std::vector<std::string>& recorded) {
    const std::map<std::string, std::string> by_tag = {
        {"a1", "AUTHENTICATE"}, {"a2", "LIST"},  {"a3", "STATUS"},       {"a4", "EXAMINE"},
        {"a5", "SEARCH"},       {"a6", "FETCH"}, {"a8", "GETQUOTAROOT"}, {"b1", "LOGOUT"}};
    std::map<std::string, std::string> replies;
    std::string examine;  // EXAMINE's untagged data comes between STATUS's and its own answer
    bool after_status = false;
    for (std::size_t i = 1; i < recorded.size(); ++i) {  // [0] is the greeting: libcurl's part
        const std::string& r = recorded[i];
        if (r.rfind("* ", 0) != 0) {
            std::string tag = r.substr(0, r.find(' '));
            after_status = tag == "a3";
            if (by_tag.count(tag)) replies[by_tag.at(tag)] += "{tag}" + r.substr(tag.size());
            continue;
        }
        if (r.rfind("* LIST ", 0) == 0)
            replies["LIST"] += r;
        else if (r.rfind("* STATUS ", 0) == 0)
            replies["STATUS"] += r;
        else if (r.rfind("* SEARCH", 0) == 0)
            replies["SEARCH"] += r;
        else if (r.find(" FETCH (UID ") != std::string::npos)
            replies["FETCH"] += r;
        else if (r.find(" FETCH (") != std::string::npos)
            continue;  // a7's envelopes
        else if (r.rfind("* QUOTA", 0) == 0)
            replies["GETQUOTAROOT"] += r;
        else if (r.rfind("* BYE", 0) == 0)
            replies["LOGOUT"] += r;
        else if (after_status)
            replies["EXAMINE"] += r;
    }
    std::vector<Exchange> out;
    for (const auto& [verb, reply] : replies) {
        out.push_back({verb, reply, verb == "LOGOUT"});
    }
    // The recording's client sent no NAMESPACE or ID, which `list` asks for since the server
    // advertises them (RFC 2342, RFC 2971): the sandbox Dovecot's own answers, as its trace
    // shows them.
    out.push_back(
        {"NAMESPACE", "* NAMESPACE ((\"\" \".\")) NIL NIL\r\n{tag} OK Namespace completed.\r\n"});
    out.push_back({"ID", "* ID (\"name\" \"Dovecot\")\r\n{tag} OK ID completed.\r\n"});
    return out;
}

TEST(RecordedSession, DovecotsOwnBytesGiveTheSeededAccountsResults) {
    std::ifstream in(std::string(IMAPCHECK_FUZZ_CORPUS) + "/reader/dovecot-session-chunk1",
                     std::ios::binary);
    ASSERT_TRUE(in) << "the recorded session is missing";
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bytes.erase(0, 1);  // the fuzzer's chunk-size byte
    const std::vector<std::string> recorded = responses(bytes);
    ASSERT_GT(recorded.size(), 20u);
    const std::string greeting = recorded[0];

    TargetConfig config;
    config.host = "localhost";
    config.user = "alice";
    Transcript transcript;
    std::string sent;  // what the client sent, kept past the session's end
    // Stands in for connect, tls and capability: the connection libcurl would have handed
    // over, with the greeting's capabilities.
    Check opened{"connect", {}, false, [&](RunContext& ctx) {
                     auto c = std::make_unique<ScriptedConnection>(exchanges(recorded), "", &sent);
                     ctx.facts.tls.active = true;
                     ctx.session = std::make_unique<Session>(std::move(c), ctx.transcript,
                                                             std::chrono::milliseconds(2000));
                     auto parsed =
                         imap::parse_response_line(greeting.substr(0, greeting.size() - 2));
                     EXPECT_TRUE(parsed);
                     if (parsed) ctx.session->set_capabilities(imap::capability_list(*parsed));
                     return pass("replayed");
                 }};
    std::vector<Check> checks = {opened};
    for (const auto& c : check_registry())
        if (c.id != "connect" && c.id != "tls" && c.id != "capability") checks.push_back(c);
    Secret password("Sandbox pw \"7\" \\x");
    Report report = run_sequence(config, transcript, Clock::now(), checks,
                                 {.transport = nullptr, .password = &password});

    std::map<std::string, const CheckResult*> by_id;
    for (const auto& c : report.checks) by_id[c.id] = &c;
    for (const auto& [id, c] : by_id)
        EXPECT_EQ(c->status, CheckStatus::Pass) << id << ": " << c->summary;
    EXPECT_EQ(report.exit_code(), 0);
    EXPECT_EQ(by_id["login"]->summary, "logged in as alice (PLAIN)");
    EXPECT_EQ(by_id["list"]->details["count"], 4);
    EXPECT_EQ(by_id["list"]->details["namespace"]["personal"][0]["prefix"], "");
    EXPECT_EQ(by_id["list"]->details["mailboxes"][0]["name"], "Entwürfe");
    EXPECT_EQ(by_id["status"]->summary,
              "INBOX: MESSAGES 5 UNSEEN 2 UIDNEXT 6 UIDVALIDITY 1700000001");
    EXPECT_EQ(by_id["select"]->summary, "INBOX examined, 5 messages, read-only");
    EXPECT_EQ(by_id["search"]->details["matches"], Json::array({4, 5}));
    EXPECT_EQ(by_id["fetch"]->details["subject"], "Sandbox message 5");
    EXPECT_EQ(by_id["fetch"]->details["text_bytes"], 4096);
    EXPECT_EQ(by_id["fetch"]->details["header_bytes"], 288);
    EXPECT_EQ(by_id["quota"]->details["root"], "User quota");
    EXPECT_NE(by_id["quota"]->summary.find("STORAGE 0.1% used (9 KiB of 10.0 MiB)"),
              std::string::npos)
        << by_id["quota"]->summary;
    EXPECT_EQ(by_id["logout"]->summary, "BYE and OK: Logout completed (0.001 + 0.000 secs).");
    // What went out, in order: our own commands, pipelined as the runner does it.
    std::vector<std::string> verbs;
    for (std::size_t at = 0; at < sent.size();) {
        std::size_t end = sent.find("\r\n", at);
        std::string line = sent.substr(at, end - at);
        verbs.push_back(line.substr(5, line.find(' ', 5) - 5));
        at = end + 2;
    }
    EXPECT_EQ(verbs,
              (std::vector<std::string>{"AUTHENTICATE", "STATUS", "EXAMINE", "SEARCH", "NAMESPACE",
                                        "ID", "LIST", "FETCH", "GETQUOTAROOT", "LOGOUT"}));
    EXPECT_EQ(sent.find("Sandbox pw"), std::string::npos) << "the password went base64-encoded";
}

}  // namespace
}  // namespace imapcheck
