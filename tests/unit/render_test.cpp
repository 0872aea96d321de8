// Unit tests for the text and JSON renderers (docs/contract.md §5, §6) against golden files in
// golden/. Set IMAPCHECK_UPDATE_GOLDEN=1 to rewrite them after an intended change, then
// read the diff before committing it.
#include <gtest/gtest.h>

#include "golden.hpp"
#include "imapcheck/render.hpp"
#include "sample_report.hpp"

namespace imapcheck {
namespace {

using testing::expect_golden;
using testing::sample_report;

TEST(RenderTest, TextReportMatchesGolden) {
    expect_golden("report.txt", render_text(sample_report(), false));
}

TEST(RenderTest, JsonReportMatchesGolden) {
    expect_golden("report.json", render_json(sample_report()));
}

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
