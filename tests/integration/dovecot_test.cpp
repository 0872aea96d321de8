// Integration tests: the real imapcheck binary against a real Dovecot, started by the
// fixture from scripts/dovecot-sandbox on 127.0.0.1 with a seeded account. Asserts every
// check's numbers, the failure reasons an administrator sees, and that no flag changes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "dovecot_fixture.hpp"
#include "run_process.hpp"

namespace imapcheck {
namespace {

using nlohmann::json;
using testing::ProcessResult;

const std::vector<std::string> kAllChecks = {"connect", "tls",    "capability", "login", "list",  "status",
                                             "select",  "search", "fetch",      "quota", "logout"};

void expect_seeded_inbox(const json& j) {
    std::vector<std::string> ids;
    for (const auto& c : j["checks"]) ids.push_back(c["id"]);
    EXPECT_EQ(ids, kAllChecks);
    for (const auto& c : j["checks"]) EXPECT_EQ(c["status"], "pass") << c["id"] << ": " << c["summary"];
    EXPECT_EQ(j["status"], "OK");
    EXPECT_EQ(j["exit_code"], 0);

    const json& status = find_check(j, "status");
    EXPECT_EQ(status["details"]["messages"], 5);
    EXPECT_EQ(status["details"]["unseen"], 2);
    EXPECT_EQ(status["details"]["uidnext"], 6);
    const json& select = find_check(j, "select");
    EXPECT_EQ(select["details"]["exists"], 5);
    EXPECT_EQ(select["details"]["read_only"], true);
    EXPECT_EQ(select["details"]["uidvalidity"], status["details"]["uidvalidity"]);
    const json& search = find_check(j, "search");
    EXPECT_EQ(search["details"]["count"], 2);
    EXPECT_EQ(search["details"]["matches"], json::array({4, 5}));
    const json& fetch = find_check(j, "fetch");
    EXPECT_EQ(fetch["details"]["message"], 5);
    EXPECT_EQ(fetch["details"]["uid"], 5);
    EXPECT_EQ(fetch["details"]["subject"], "Sandbox message 5");
    EXPECT_EQ(fetch["details"]["from"], "Sender Five <five@example.test>");
    EXPECT_EQ(fetch["details"]["text_bytes"], 4096) << "a partial fetch of --fetch-bytes";
    EXPECT_GT(fetch["details"]["size"].get<int>(), fetch["details"]["header_bytes"].get<int>() + 4096)
        << "message 5's text is longer than the part fetched";
    const json& list = find_check(j, "list");
    std::vector<std::string> names;
    for (const auto& m : list["details"]["mailboxes"]) names.push_back(m["name"]);
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"Archive", "Entwürfe", "INBOX", "Sent"}));
    const json& quota = find_check(j, "quota");
    EXPECT_EQ(quota["details"]["root"], "User quota");
    bool storage = false, message = false;
    for (const auto& r : quota["details"]["resources"]) {
        if (r["name"] == "STORAGE") storage = r["limit"] == 10240;
        if (r["name"] == "MESSAGE") message = r["limit"] == 1000 && r["usage"] == 8;
    }
    EXPECT_TRUE(storage && message) << quota["details"].dump();
    const json& caps = find_check(j, "capability");
    const auto& after = caps["details"]["after_login"];
    EXPECT_NE(std::find(after.begin(), after.end(), "QUOTA"), after.end());
}

TEST_F(DovecotTest, StartTlsRunPassesAllElevenChecksWithTheSeededNumbers) {
    std::string before = flags();
    ProcessResult r = run({"--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    json j = report(r);
    expect_seeded_inbox(j);
    EXPECT_EQ(find_check(j, "tls")["details"]["mode"], "starttls");
    EXPECT_EQ(find_check(j, "tls")["details"]["verified"], true);
    EXPECT_EQ(flags(), before) << "a health check must not change any flag";
    expect_no_password(r);
}

TEST_F(DovecotTest, ImplicitTlsRunPassesAllElevenChecks) {
    std::string before = flags();
    ProcessResult r = run({"--format", "json", "--tls", "implicit"}, "IMAPS_PORT");
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    json j = report(r);
    expect_seeded_inbox(j);
    EXPECT_EQ(find_check(j, "tls")["details"]["mode"], "implicit");
    EXPECT_EQ(flags(), before);
}

TEST_F(DovecotTest, TextReportShowsElevenPassLines) {
    ProcessResult r = run({"--no-color"});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    std::size_t passes = 0;
    for (std::size_t pos = 0; (pos = r.out.find("\n  PASS  ", pos)) != std::string::npos; ++pos) ++passes;
    EXPECT_EQ(passes, 11u) << r.out;
    EXPECT_NE(r.out.find("\nOK  all 11 checks passed"), std::string::npos) << r.out;
}

TEST_F(DovecotTest, WrongPasswordFailsLoginWithTheServersReason) {
    std::string before = flags();
    auto args = std::vector<std::string>{testing::imapcheck_binary(), "--host", "localhost", "--port",
                                         env("IMAP_PORT"), "--user", env("IMAP_USER"), "--cacert",
                                         env("CA_FILE"), "--format", "json"};
    ProcessResult r = testing::run_process(args, {{"IMAPCHECK_PASSWORD", "not the password"}});
    EXPECT_EQ(r.exit_code, 2);
    json j = report(r);
    EXPECT_EQ(find_check(j, "login")["status"], "fail");
    EXPECT_NE(summary(j, "login").find("[AUTHENTICATIONFAILED]"), std::string::npos) << summary(j, "login");
    EXPECT_EQ(summary(j, "fetch"), "login failed");
    EXPECT_EQ(find_check(j, "logout")["status"], "pass");
    EXPECT_EQ(flags(), before);
}

TEST_F(DovecotTest, UnreachablePortFailsConnect) {
    // Port 1 on loopback: nothing listens there (tcpmux is never run on test machines).
    ProcessResult r = testing::run_process({testing::imapcheck_binary(), "--host", "127.0.0.1", "--port", "1",
                                            "--user", "alice", "--format", "json"},
                                           {{"IMAPCHECK_PASSWORD", "x"}});
    EXPECT_EQ(r.exit_code, 2);
    json j = report(r);
    EXPECT_EQ(find_check(j, "connect")["status"], "fail");
    EXPECT_NE(summary(j, "connect").find("cannot connect to 127.0.0.1:1"), std::string::npos);
    EXPECT_EQ(summary(j, "tls"), "connect failed");
}

TEST_F(DovecotTest, WrongCaFailsTlsAsUnknownIssuer) {
    std::vector<std::string> argv = {testing::imapcheck_binary(), "--host", "localhost", "--port", env("IMAPS_PORT"),
                                     "--tls", "implicit", "--user", env("IMAP_USER"), "--cacert",
                                     env("SANDBOX_DIR") + "/tls/other-ca.pem", "--format", "json"};
    ProcessResult r = testing::run_process(argv, {{"IMAPCHECK_PASSWORD", env("IMAP_PASSWORD")}});
    EXPECT_EQ(r.exit_code, 2);
    json j = report(r);
    EXPECT_EQ(find_check(j, "tls")["status"], "fail");
    EXPECT_NE(summary(j, "tls").find("issuer is unknown"), std::string::npos) << summary(j, "tls");
    EXPECT_EQ(summary(j, "login"), "tls failed");
}

TEST_F(DovecotTest, ConnectToKeepsTheNameForVerification) {
    std::vector<std::string> argv = {testing::imapcheck_binary(), "--host", "wrong.example", "--connect-to",
                                     "127.0.0.1:" + env("IMAPS_PORT"), "--port", "993", "--user",
                                     env("IMAP_USER"), "--cacert", env("CA_FILE"), "--format", "json"};
    ProcessResult r = testing::run_process(argv, {{"IMAPCHECK_PASSWORD", env("IMAP_PASSWORD")}});
    EXPECT_EQ(r.exit_code, 2);
    json j = report(r);
    EXPECT_EQ(find_check(j, "connect")["details"]["address"], "127.0.0.1");
    EXPECT_NE(summary(j, "tls").find("does not match the host name 'wrong.example'"), std::string::npos)
        << summary(j, "tls");
}

// The sandbox serves broken certificates to clients asking (SNI) for these names.
ProcessResult run_with_sni(const std::map<std::string, std::string>& env, const std::string& name) {
    return testing::run_process({testing::imapcheck_binary(), "--host", name, "--connect-to",
                                 "127.0.0.1:" + env.at("IMAPS_PORT"), "--port", "993", "--user", env.at("IMAP_USER"),
                                 "--cacert", env.at("CA_FILE"), "--format", "json"},
                                {{"IMAPCHECK_PASSWORD", env.at("IMAP_PASSWORD")}});
}

TEST_F(DovecotTest, ExpiredCertificateFailsTlsAndSaysSo) {
    ProcessResult r = run_with_sni(*env_, "expired.localhost");
    EXPECT_EQ(r.exit_code, 2);
    json j = report(r);
    EXPECT_EQ(find_check(j, "tls")["status"], "fail");
    EXPECT_NE(summary(j, "tls").find("certificate has expired"), std::string::npos) << summary(j, "tls");
    EXPECT_LT(find_check(j, "tls")["details"]["days_left"].get<int>(), 0);
    EXPECT_EQ(summary(j, "login"), "tls failed");
}

TEST_F(DovecotTest, CertificateForAnotherNameFailsTlsAndSaysSo) {
    ProcessResult r = run_with_sni(*env_, "wrong-name.localhost");
    EXPECT_EQ(r.exit_code, 2);
    json j = report(r);
    EXPECT_NE(summary(j, "tls").find("does not match the host name 'wrong-name.localhost'"), std::string::npos)
        << summary(j, "tls");
    EXPECT_EQ(find_check(j, "tls")["details"]["subject"], "CN=wrong.example");
}

TEST_F(DovecotTest, Ipv6OnlyAndIpv6ConnectToAndIpv6LiteralHost) {
    if (env("IMAP_HOST6").empty()) GTEST_SKIP() << "this machine's loopback has no ::1";
    ProcessResult v6 = run({"--format", "json", "-6"});
    EXPECT_EQ(v6.exit_code, 0) << v6.out;
    EXPECT_EQ(find_check(report(v6), "connect")["details"]["address"], "::1");
    ProcessResult via = run({"--format", "json", "--connect-to", "[::1]:" + env("IMAP_PORT")});
    EXPECT_EQ(via.exit_code, 0) << via.out;
    EXPECT_EQ(find_check(report(via), "connect")["details"]["address"], "::1");
    ProcessResult literal = testing::run_process(
        {testing::imapcheck_binary(), "--host", "::1", "--port", env("IMAP_PORT"), "--user", env("IMAP_USER"),
         "--insecure", "--no-color"},
        {{"IMAPCHECK_PASSWORD", env("IMAP_PASSWORD")}});
    EXPECT_EQ(literal.exit_code, 1) << literal.out;  // the certificate names localhost, not ::1
    EXPECT_NE(literal.out.find("alice@[::1]:" + env("IMAP_PORT")), std::string::npos) << literal.out;
    EXPECT_NE(literal.out.find("PASS  fetch"), std::string::npos) << literal.out;
}

TEST_F(DovecotTest, Ipv4OnlyConnectsOverIpv4) {
    ProcessResult r = run({"--format", "json", "-4"});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(find_check(report(r), "connect")["details"]["address"], "127.0.0.1");
}

TEST_F(DovecotTest, InsecureIsAWarningThatStillReportsTheFacts) {
    std::vector<std::string> argv = {testing::imapcheck_binary(), "--host", "localhost", "--port", env("IMAPS_PORT"),
                                     "--tls", "implicit", "--user", env("IMAP_USER"), "--insecure",
                                     "--format", "json"};
    ProcessResult r = testing::run_process(argv, {{"IMAPCHECK_PASSWORD", env("IMAP_PASSWORD")}});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    json j = report(r);
    EXPECT_EQ(find_check(j, "tls")["status"], "warn");
    EXPECT_EQ(find_check(j, "tls")["details"]["verified"], false);
    EXPECT_EQ(find_check(j, "tls")["details"]["version"].get<std::string>().rfind("TLSv1.", 0), 0u);
    EXPECT_EQ(find_check(j, "fetch")["status"], "pass");
}

TEST_F(DovecotTest, CertWarnDaysBeyondTheRealExpiryWarns) {
    ProcessResult r = run({"--format", "json", "--cert-warn-days", "365"});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    json j = report(r);
    EXPECT_EQ(find_check(j, "tls")["status"], "warn");
    EXPECT_GT(find_check(j, "tls")["details"]["days_left"].get<int>(), 80);
}

TEST_F(DovecotTest, ExpectedFoldersAreFoundInUtf8AndMissingOnesFailList) {
    ProcessResult ok = run({"--format", "json", "--expect-folder", "Entwürfe", "--expect-folder", "inbox"});
    EXPECT_EQ(ok.exit_code, 0) << ok.out;
    ProcessResult missing = run({"--format", "json", "--expect-folder", "Entwürfe", "--expect-folder", "Nope"});
    EXPECT_EQ(missing.exit_code, 2);
    json j = report(missing);
    EXPECT_EQ(find_check(j, "list")["details"]["missing"], json::array({"Nope"}));
    EXPECT_EQ(find_check(j, "status")["status"], "pass") << "a missing folder blocks nothing else";
}

TEST_F(DovecotTest, NonAsciiMailboxIsExaminedByItsUtf8Name) {
    std::string before = flags();
    ProcessResult r = run({"--format", "json", "--mailbox", "Entwürfe"});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    json j = report(r);
    EXPECT_EQ(find_check(j, "status")["details"]["messages"], 1);
    EXPECT_EQ(find_check(j, "status")["details"]["unseen"], 1);
    EXPECT_EQ(find_check(j, "select")["details"]["mailbox"], "Entwürfe");
    EXPECT_EQ(find_check(j, "fetch")["status"], "pass");
    EXPECT_EQ(flags(), before) << "fetching the unseen draft must not mark it \\Seen";
}

TEST_F(DovecotTest, EmptyMailboxSkipsFetch) {
    ProcessResult r = run({"--format", "json"}, "IMAP_PORT", "EMPTY_USER", "EMPTY_PASSWORD");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    json j = report(r);
    EXPECT_EQ(find_check(j, "select")["details"]["exists"], 0);
    EXPECT_EQ(find_check(j, "search")["details"]["count"], 0);
    EXPECT_EQ(find_check(j, "fetch")["status"], "skip");
}

TEST_F(DovecotTest, SearchAllFetchesTheNewestMessage) {
    ProcessResult r = run({"--format", "json", "--search", "ALL", "--fetch-bytes", "0"});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    json j = report(r);
    EXPECT_EQ(find_check(j, "search")["details"]["count"], 5);
    EXPECT_EQ(find_check(j, "fetch")["details"]["message"], 5);
    EXPECT_FALSE(find_check(j, "fetch")["details"].contains("text_bytes"));
}

TEST_F(DovecotTest, TraceShowsTheConversationButNoPassword) {
    std::string trace = env("SANDBOX_DIR") + "/trace.txt";
    ProcessResult r = run({"--trace", trace, "--auth", "login"});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    std::ifstream in(trace);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("C: A002 STARTTLS"), std::string::npos) << text;
    EXPECT_NE(text.find(" LOGIN \"alice\" ***"), std::string::npos) << text;
    EXPECT_NE(text.find("S: C010 OK"), std::string::npos) << "our own LOGOUT, answered";
    EXPECT_EQ(text.find(env("IMAP_PASSWORD")), std::string::npos);
    EXPECT_EQ(text.find("Sandbox pw"), std::string::npos);
}

// Each machine-read format on a passing run and on a failing one (a wrong password), written
// with -o and then read by the parser its consumer uses (tests/formats/validate.py: jsonschema,
// ElementTree, the plugin guidelines' grammar, prometheus_client and promtool). The failing
// check must be visible in every format.
TEST_F(DovecotTest, EveryFormatPassesItsParserOnAPassingAndAFailingRun) {
    const std::string dir = env("SANDBOX_DIR");
    for (const char* format : {"json", "nagios", "junit", "prometheus"}) {
        for (bool failing : {false, true}) {
            std::string file = dir + "/report-" + format + (failing ? "-failing" : "-passing");
            std::vector<std::string> argv = {testing::imapcheck_binary(),
                                             "--host",
                                             "localhost",
                                             "--port",
                                             env("IMAP_PORT"),
                                             "--user",
                                             env("IMAP_USER"),
                                             "--cacert",
                                             env("CA_FILE"),
                                             "--format",
                                             format,
                                             "-o",
                                             file};
            ProcessResult r = testing::run_process(
                argv,
                {{"IMAPCHECK_PASSWORD", failing ? "not the password" : env("IMAP_PASSWORD")}});
            ASSERT_EQ(r.exit_code, failing ? 2 : 0) << format << ": " << r.err;
            EXPECT_TRUE(r.out.empty()) << "-o writes the report to the file only";
            std::vector<std::string> check = {
                std::getenv("IMAPCHECK_PYTHON") ? std::getenv("IMAPCHECK_PYTHON")
                                                : "/usr/bin/python3",
                std::string(IMAPCHECK_SOURCE_DIR) + "/tests/formats/validate.py",
                format,
                file,
                "--exit",
                failing ? "2" : "0"};
            if (failing) check.insert(check.end(), {"--failed", "login"});
            ProcessResult v = testing::run_process(check, {}, std::chrono::seconds(30));
            EXPECT_EQ(v.exit_code, 0)
                << format << (failing ? " failing" : " passing") << ": " << v.err << v.out;
        }
    }
}

// After login the steps whose commands are known go out together (RFC 3501 §5.5): STATUS,
// EXAMINE and SEARCH in one round trip, LIST alone once they are answered (see the
// registry), then FETCH (which needs SEARCH's answer) and GETQUOTAROOT together, and LOGOUT
// alone once every answer is in: a server may answer LOGOUT on sight and close with a FETCH
// still in flight (issue 10). Four round trips, counted as the client's batches in the trace;
// the report keeps the order of docs/contract.md §2 and the numbers.
TEST_F(DovecotTest, StepsAfterLoginTakeFourRoundTripsWithLogoutLastAndAlone) {
    std::string before = flags();
    std::string trace = env("SANDBOX_DIR") + "/pipelined-trace.txt";
    ProcessResult r = run({"--format", "json", "--trace", trace});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    expect_seeded_inbox(report(r));
    std::ifstream in(trace);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    auto at = [&](const std::string& needle) {
        for (std::size_t i = 0; i < lines.size(); ++i)
            if (lines[i].find(needle) != std::string::npos) return static_cast<long>(i);
        ADD_FAILURE() << "no trace line with '" << needle << "'";
        return -1L;
    };
    const long status_done = at("S: C002 OK Status completed");
    for (const char* sent : {"C: C003 EXAMINE", "C: C004 SEARCH"})
        EXPECT_LT(at(sent), status_done) << sent << " waits for STATUS's answer";
    // NAMESPACE (RFC 2342) and ID (RFC 2971), both advertised, go with them, for `list`.
    EXPECT_LT(at("C: C005 NAMESPACE"), status_done) << "NAMESPACE goes with STATUS";
    EXPECT_LT(at("C: C006 ID NIL"), status_done) << "ID goes with STATUS";
    for (const char* answered : {"S: C002 OK Status", "S: C003 OK [READ-ONLY] Examine",
                                 "S: C004 OK Search", "S: C005 OK Namespace", "S: C006 OK ID"})
        EXPECT_LT(at(answered), at("C: C007 LIST")) << "LIST goes alone, after " << answered;
    EXPECT_GT(at("C: C008 FETCH"), at("S: C007 OK List completed"))
        << "FETCH needs SEARCH's answer";
    EXPECT_LT(at("C: C009 GETQUOTAROOT"), at("S: C008 OK Fetch completed"))
        << "GETQUOTAROOT goes with FETCH";
    for (const char* answered : {"S: C008 OK Fetch completed", "S: C009 OK Getquotaroot"})
        EXPECT_LT(at(answered), at("C: C010 LOGOUT")) << "LOGOUT goes alone, after " << answered;

    // A round trip is a batch of client lines the server answers before the next batch.
    int round_trips = 0;
    bool in_batch = false;
    for (long i = at("S: C001 OK") + 1; i > 0 && i < static_cast<long>(lines.size()); ++i) {
        const bool client = lines[i].find(" C: ") != std::string::npos;
        if (client && !in_batch) ++round_trips;
        if (lines[i].find(" S: ") != std::string::npos) in_batch = false;
        if (client) in_batch = true;
    }
    EXPECT_EQ(round_trips, 4)
        << "STATUS+EXAMINE+SEARCH+NAMESPACE+ID, LIST, FETCH+GETQUOTAROOT, LOGOUT";
    EXPECT_EQ(flags(), before);
}

TEST_F(DovecotTest, BadOptionExitsThreeWithOneLine) {
    ProcessResult r = testing::run_process({testing::imapcheck_binary(), "--host", "localhost", "--bogus"}, {});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_TRUE(r.out.empty());
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace imapcheck
