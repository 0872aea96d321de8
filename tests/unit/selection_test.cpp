// Unit tests of part of the sequence (--only, --skip, --quit-after; selection.hpp) through
// the runner, on checks shaped like the registry's: what runs, what is skipped and why.
#include <gtest/gtest.h>

#include "imapcheck/check.hpp"
#include "imapcheck/runner.hpp"

namespace imapcheck {
namespace {

class SelectionTest : public ::testing::Test {
  protected:
    // The registry's ids and prerequisites; each check records that it ran.
    std::vector<Check> sequence() {
        auto check = [this](std::string_view id, std::vector<std::string_view> needs) {
            return Check{id, std::move(needs), false, [this, id](RunContext&) {
                             ran_.emplace_back(id);
                             return pass("ran");
                         }};
        };
        return {check("connect", {}),
                check("tls", {"connect"}),
                check("capability", {"connect", "tls"}),
                check("login", {"capability"}),
                check("list", {"login"}),
                check("status", {"login"}),
                check("select", {"login"}),
                check("search", {"select"}),
                check("fetch", {"select"}),
                check("quota", {"login"}),
                check("logout", {"capability"})};
    }
    Report run() { return run_sequence(config_, transcript_, Clock::now(), sequence()); }
    static std::string summary(const Report& r, std::string_view id) {
        for (const auto& c : r.checks)
            if (c.id == id) return std::string(to_string(c.status)) + ": " + c.summary;
        return "missing";
    }

    TargetConfig config_;
    Transcript transcript_;
    std::vector<std::string> ran_;
};

using Ids = std::vector<std::string>;

TEST_F(SelectionTest, WithoutSelectionEverythingRuns) {
    Report r = run();
    EXPECT_EQ(ran_.size(), 11u);
    EXPECT_EQ(r.exit_code(), 0);
}

TEST_F(SelectionTest, OnlyRunsTheChecksTheirPrerequisitesAndLogout) {
    config_.only_checks = {"quota"};
    Report r = run();
    EXPECT_EQ(ran_, (Ids{"connect", "tls", "capability", "login", "quota", "logout"}));
    ASSERT_EQ(r.checks.size(), 11u) << "every check is reported, none silently missing";
    EXPECT_EQ(summary(r, "list"), "skip: not selected by --only");
    EXPECT_EQ(summary(r, "fetch"), "skip: not selected by --only");
    EXPECT_EQ(summary(r, "login"), "pass: ran") << "a prerequisite is reported too";
    EXPECT_EQ(r.exit_code(), 0) << "leaving checks out is not a problem";
}

TEST_F(SelectionTest, OnlyTakesSeveralAndFollowsPrerequisitesTransitively) {
    config_.only_checks = {"fetch", "tls"};
    run();
    EXPECT_EQ(ran_, (Ids{"connect", "tls", "capability", "login", "select", "fetch", "logout"}));
}

TEST_F(SelectionTest, SkipLeavesOutTheCheckAndWhatNeedsItWithThatReason) {
    config_.skip_checks = {"select"};
    Report r = run();
    EXPECT_EQ(ran_,
              (Ids{"connect", "tls", "capability", "login", "list", "status", "quota", "logout"}));
    EXPECT_EQ(summary(r, "select"), "skip: --skip select");
    EXPECT_EQ(summary(r, "search"), "skip: --skip select");
    EXPECT_EQ(summary(r, "fetch"), "skip: --skip select");
    EXPECT_EQ(r.exit_code(), 0);
}

TEST_F(SelectionTest, SkipOfAPrerequisiteOfOnlyExplainsTheSkip) {
    config_.only_checks = {"list"};
    config_.skip_checks = {"login"};
    Report r = run();
    EXPECT_EQ(ran_, (Ids{"connect", "tls", "capability", "logout"}));
    EXPECT_EQ(summary(r, "list"), "skip: --skip login");
    EXPECT_EQ(summary(r, "status"), "skip: --skip login") << "the root cause wins over --only";
}

TEST_F(SelectionTest, QuitAfterTlsRunsNothingAfterItButLogout) {
    config_.quit_after = "tls";
    Report r = run();
    EXPECT_EQ(ran_, (Ids{"connect", "tls", "logout"}));
    EXPECT_EQ(summary(r, "capability"), "skip: --quit-after tls");
    EXPECT_EQ(summary(r, "login"), "skip: --quit-after tls");
    EXPECT_EQ(summary(r, "quota"), "skip: --quit-after tls");
    EXPECT_EQ(r.exit_code(), 0);
}

TEST_F(SelectionTest, QuitAfterLoginStillLogsOut) {
    config_.quit_after = "login";
    run();
    EXPECT_EQ(ran_, (Ids{"connect", "tls", "capability", "login", "logout"}));
}

TEST_F(SelectionTest, SkipLogoutSendsNoLogout) {
    config_.skip_checks = {"logout"};
    config_.quit_after = "capability";
    Report r = run();
    EXPECT_EQ(ran_, (Ids{"connect", "tls", "capability"}));
    EXPECT_EQ(summary(r, "logout"), "skip: --skip logout");
}

}  // namespace
}  // namespace imapcheck
