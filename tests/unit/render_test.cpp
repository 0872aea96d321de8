// Unit tests for the text and JSON renderers (SPEC §5, §6) against golden files in
// golden/. Set IMAPCHECK_UPDATE_GOLDEN=1 to rewrite them after an intended change, then
// read the diff before committing it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "imapcheck/render.hpp"

namespace imapcheck {
namespace {

Report sample_report() {
    Report r;
    r.target = {"mail.example.com", 993, "implicit", "alice", "INBOX"};
    r.started_at = "2026-11-25T17:00:00Z";
    r.duration_ms = 41.74;
    auto add = [&](const char* id, CheckStatus s, double ms, const char* summary, Json details) {
        r.checks.push_back({id, s, ms, summary, std::move(details)});
    };
    add("connect", CheckStatus::Pass, 1.23, "connected to 127.0.0.1:993  * OK Dovecot ready.",
        {{"address", "127.0.0.1"}, {"port", 993}, {"greeting", "* OK Dovecot ready."}});
    add("tls", CheckStatus::Pass, 6.8, "TLSv1.3 TLS_AES_256_GCM_SHA384, CN=mail.example.com, 87 days left",
        {{"mode", "implicit"}, {"version", "TLSv1.3"}, {"verified", true}, {"days_left", 87}});
    add("login", CheckStatus::Fail, 501.0, "login as alice (PLAIN) failed: NO [AUTHENTICATIONFAILED] Authentication failed.",
        {{"mechanism", "PLAIN"}});
    add("list", CheckStatus::Skip, 0, "login failed", Json::object());
    add("quota", CheckStatus::Warn, 0.44, "STORAGE 86.6% used (822.9 MiB of 950.0 MiB)",
        {{"root", "user"},
         {"resources", Json::array({{{"name", "STORAGE"}, {"usage", 842637}, {"limit", 972800}, {"percent", 86.6}}})}});
    r.alerts.push_back("Maintenance tonight at 22:00");
    return r;
}

std::string golden_path(const char* name) { return std::string(IMAPCHECK_GOLDEN_DIR) + "/" + name; }

void expect_golden(const char* name, const std::string& actual) {
    if (std::getenv("IMAPCHECK_UPDATE_GOLDEN")) {
        std::ofstream(golden_path(name), std::ios::binary) << actual;
        GTEST_SKIP() << "rewrote " << name;
    }
    std::ifstream in(golden_path(name), std::ios::binary);
    ASSERT_TRUE(in) << "missing golden file " << golden_path(name);
    std::stringstream expected;
    expected << in.rdbuf();
    EXPECT_EQ(actual, expected.str()) << "differs from " << name;
}

TEST(RenderTest, TextReportMatchesGolden) { expect_golden("report.txt", render_text(sample_report(), false)); }

TEST(RenderTest, JsonReportMatchesGolden) { expect_golden("report.json", render_json(sample_report())); }

TEST(RenderTest, JsonHasStableTopLevelKeysAndConsistentStatus) {
    auto j = nlohmann::json::parse(render_json(sample_report()));
    EXPECT_EQ(j["schema"], "imapcheck.report/1");
    EXPECT_EQ(j["status"], "CRITICAL");
    EXPECT_EQ(j["exit_code"], 2);
    ASSERT_EQ(j["checks"].size(), 5u);
    EXPECT_EQ(j["checks"][2]["status"], "fail");
    EXPECT_DOUBLE_EQ(j["checks"][0]["duration_ms"].get<double>(), 1.2);
}

TEST(RenderTest, ColourOnlyWhenAsked) {
    std::string plain = render_text(sample_report(), false);
    std::string coloured = render_text(sample_report(), true);
    EXPECT_EQ(plain.find('\033'), std::string::npos);
    EXPECT_NE(coloured.find("\033[31mFAIL"), std::string::npos);
}

TEST(RenderTest, ServerControlCharactersNeverReachTheTerminal) {
    Report r = sample_report();
    r.checks[0].summary = "evil\033]0;title\007 greeting\r\nINJECTED";
    std::string text = render_text(r, false);
    EXPECT_EQ(text.find('\033'), std::string::npos);
    EXPECT_EQ(text.find('\007'), std::string::npos);
    EXPECT_EQ(text.find("\r"), std::string::npos);
    EXPECT_EQ(text.find("\nINJECTED"), std::string::npos);
}

TEST(RenderTest, InvalidUtf8FromTheServerStillGivesValidJson) {
    Report r = sample_report();
    r.checks[0].summary = "bad \xff\xfe bytes";
    std::string json = render_json(r);
    EXPECT_TRUE(nlohmann::json::accept(json));
}

TEST(RenderTest, AllPassingRunSaysSo) {
    Report r = sample_report();
    r.checks.erase(r.checks.begin() + 2, r.checks.end());
    r.alerts.clear();
    std::string text = render_text(r, false);
    EXPECT_NE(text.find("OK  all 2 checks passed"), std::string::npos) << text;
}

}  // namespace
}  // namespace imapcheck
