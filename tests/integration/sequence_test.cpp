// Integration tests of part of the sequence (--only, --skip, --quit-after) and of the count
// thresholds (--search-*, --messages-*) against the real sandbox Dovecot: what the trace
// shows was sent, and one real run per range boundary on the seeded INBOX (5 messages,
// 2 unseen).
#include <gtest/gtest.h>

#include <fstream>

#include "dovecot_fixture.hpp"

namespace imapcheck {
namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The IMAP verbs the client sent, in order, from a --trace file ("... C: A001 VERB ...").
std::vector<std::string> sent_verbs(const std::string& trace) {
    std::vector<std::string> verbs;
    std::istringstream in(trace);
    for (std::string line; std::getline(in, line);) {
        auto c = line.find(" C: ");
        if (c == std::string::npos) continue;
        std::istringstream words(line.substr(c + 4));
        std::string tag, verb;
        words >> tag >> verb;
        verbs.push_back(verb);
    }
    return verbs;
}

using Verbs = std::vector<std::string>;

TEST_F(DovecotTest, QuitAfterTlsSendsNoCredentialsButLogsOut) {
    const std::string trace = env("SANDBOX_DIR") + "/quit-after-tls.txt";
    ProcessResult r = run({"--format", "json", "--quit-after", "tls", "--trace", trace});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    json j = report(r);
    EXPECT_EQ(find_check(j, "tls")["status"], "pass");
    for (const char* id : {"capability", "login", "list", "fetch", "quota"}) {
        EXPECT_EQ(find_check(j, id)["status"], "skip") << id;
        EXPECT_EQ(summary(j, id), "--quit-after tls") << id;
    }
    EXPECT_EQ(find_check(j, "logout")["status"], "pass") << summary(j, "logout");
    const std::string text = read_file(trace);
    EXPECT_EQ(sent_verbs(text), (Verbs{"CAPABILITY", "STARTTLS", "CAPABILITY", "LOGOUT"})) << text;
    EXPECT_EQ(text.find("C: C001 LOGIN"), std::string::npos) << text;
    EXPECT_EQ(text.find("AUTHENTICATE"), std::string::npos) << text;
    expect_no_password(r);
}

TEST_F(DovecotTest, QuitAfterLoginStillSendsLogout) {
    const std::string trace = env("SANDBOX_DIR") + "/quit-after-login.txt";
    ProcessResult r = run({"--format", "json", "--quit-after", "login", "--trace", trace});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    json j = report(r);
    EXPECT_EQ(find_check(j, "login")["status"], "pass");
    EXPECT_EQ(summary(j, "status"), "--quit-after login");
    const std::string text = read_file(trace);
    EXPECT_EQ(sent_verbs(text),
              (Verbs{"CAPABILITY", "STARTTLS", "CAPABILITY", "AUTHENTICATE", "LOGOUT"}))
        << text;
}

TEST_F(DovecotTest, OnlyQuotaRunsItsPrerequisitesAndNothingElse) {
    const std::string trace = env("SANDBOX_DIR") + "/only-quota.txt";
    ProcessResult r = run({"--format", "json", "--only", "quota", "--trace", trace});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    json j = report(r);
    for (const char* id : {"connect", "tls", "capability", "login", "quota", "logout"})
        EXPECT_EQ(find_check(j, id)["status"], "pass") << id << ": " << summary(j, id);
    for (const char* id : {"list", "status", "select", "search", "fetch"})
        EXPECT_EQ(summary(j, id), "not selected by --only") << id;
    const std::string text = read_file(trace);
    EXPECT_EQ(sent_verbs(text), (Verbs{"CAPABILITY", "STARTTLS", "CAPABILITY", "AUTHENTICATE",
                                       "GETQUOTAROOT", "LOGOUT"}))
        << text;
}

TEST_F(DovecotTest, SkipSelectLeavesOutWhatNeedsItAndSendsNoneOfIt) {
    const std::string trace = env("SANDBOX_DIR") + "/skip-select.txt";
    ProcessResult r =
        run({"--format", "json", "--skip", "select", "--skip", "list", "--trace", trace});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    json j = report(r);
    for (const char* id : {"select", "search", "fetch"})
        EXPECT_EQ(summary(j, id), "--skip select") << id;
    EXPECT_EQ(summary(j, "list"), "--skip list");
    EXPECT_EQ(find_check(j, "status")["status"], "pass");
    const std::string text = read_file(trace);
    EXPECT_EQ(sent_verbs(text), (Verbs{"CAPABILITY", "STARTTLS", "CAPABILITY", "AUTHENTICATE",
                                       "STATUS", "GETQUOTAROOT", "LOGOUT"}))
        << text;
}

TEST_F(DovecotTest, UnknownCheckNameIsExitThreeWithASuggestion) {
    ProcessResult r = run({"--skip", "serach"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("--skip 'serach' is not a check (did you mean search?)"),
              std::string::npos)
        << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
}

struct CountCase {
    const char* name;
    std::vector<std::string> args;
    int exit_code;
    const char* check;
    const char* status;
};

class CountThresholds : public DovecotTest, public ::testing::WithParamInterface<CountCase> {};

// The seeded INBOX: 5 messages (status), 2 of them unseen (search UNSEEN).
TEST_P(CountThresholds, JudgeTheRealCountAtEachBoundary) {
    const CountCase& c = GetParam();
    std::vector<std::string> args = {"--format", "json"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    ProcessResult r = run(args);
    EXPECT_EQ(r.exit_code, c.exit_code) << r.out << r.err;
    json j = report(r);
    EXPECT_EQ(find_check(j, c.check)["status"], c.status) << summary(j, c.check);
}

INSTANTIATE_TEST_SUITE_P(
    Dovecot, CountThresholds,
    ::testing::Values(
        CountCase{"SearchAtTopOfZeroToN", {"--search-crit", "2"}, 0, "search", "pass"},
        CountCase{"SearchAboveZeroToN", {"--search-crit", "1"}, 2, "search", "fail"},
        CountCase{"SearchAtLowerBound", {"--search-crit", "2:"}, 0, "search", "pass"},
        CountCase{"SearchBelowLowerBound", {"--search-crit", "3:"}, 2, "search", "fail"},
        CountCase{"SearchAtUpperBound", {"--search-warn", "~:2"}, 0, "search", "pass"},
        CountCase{"SearchAboveUpperBound", {"--search-warn", "~:1"}, 1, "search", "warn"},
        CountCase{"SearchInsideAt", {"--search-crit", "@2:3"}, 2, "search", "fail"},
        CountCase{"SearchBelowAt", {"--search-crit", "@3:9"}, 0, "search", "pass"},
        CountCase{"CritWinsOverWarn",
                  {"--search-warn", "5:", "--search-crit", "9:"},
                  2,
                  "search",
                  "fail"},
        CountCase{"MessagesInsideWindow", {"--messages-crit", "5:5"}, 0, "status", "pass"},
        CountCase{"MessagesBelowWindow", {"--messages-crit", "6:10"}, 2, "status", "fail"},
        CountCase{"MessagesAboveWindow", {"--messages-warn", "1:4"}, 1, "status", "warn"},
        CountCase{"MessagesInsideAt", {"--messages-warn", "@5"}, 1, "status", "warn"}),
    [](const ::testing::TestParamInfo<CountCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace imapcheck
