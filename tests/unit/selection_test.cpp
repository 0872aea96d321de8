// Unit tests of part of the sequence (--only, --skip, --quit-after; selection.hpp) through
// the runner, on checks shaped like the registry's: what runs, what is skipped and why.
#include <gtest/gtest.h>

#include <set>

#include "imapcheck/check.hpp"
#include "imapcheck/runner.hpp"
#include "imapcheck/selection.hpp"
#include "parsed_cli.hpp"

namespace imapcheck {
namespace {

class SelectionTest : public ::testing::Test {
  protected:
    // The registry's ids and prerequisites; each check records that it ran. A check named
    // in `harmless_` finds nothing to judge (as quota on a server without QUOTA does).
    std::vector<Check> sequence() {
        auto check = [this](std::string_view id, std::vector<std::string_view> needs) {
            return Check{id, std::move(needs), false, [this, id](RunContext&) {
                             ran_.emplace_back(id);
                             if (harmless_.count(std::string(id)))
                                 return skip("nothing to judge here");
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
    std::set<std::string> harmless_;
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

// The runner stays safe with a selection the rules reject (a config built by hand): the
// root cause is named, nothing of list is sent.
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

// Issue 19 §1: `--skip connect` ended "OK 0 warnings, 0 failures, 11 skipped" and
// `--only quota --skip login` was OK without quota ever running. Both are usage errors now.
TEST(SelectionConflict, SkippingWhatEveryCheckNeedsLeavesNothingToCheck) {
    TargetConfig c;
    c.skip_checks = {"connect"};
    EXPECT_EQ(selection_conflict(c),
              "--skip connect leaves nothing to check: every check needs connect");
}

TEST(SelectionConflict, SkippingAPrerequisiteOfAnOnlyCheckIsNamed) {
    TargetConfig c;
    c.only_checks = {"quota"};
    c.skip_checks = {"login"};
    EXPECT_EQ(selection_conflict(c), "--only quota needs login, which --skip login leaves out");
    c.only_checks = {"fetch"};
    c.skip_checks = {"capability"};
    EXPECT_EQ(selection_conflict(c),
              "--only fetch needs capability, which --skip capability leaves out");
}

TEST(SelectionConflict, QuitAfterBeforeAnOnlyCheckIsNamed) {
    TargetConfig c;
    c.only_checks = {"quota"};
    c.quit_after = "login";
    EXPECT_EQ(selection_conflict(c),
              "--only quota comes after --quit-after login, so it would not run");
}

TEST(SelectionConflict, SelectionsThatCheckSomethingAreFine) {
    for (auto [only, skip, quit] :
         std::vector<std::tuple<Ids, Ids, std::string>>{{{}, {}, ""},
                                                        {{"list", "quota"}, {}, ""},
                                                        {{}, {"select"}, ""},
                                                        {{}, {"quota", "logout"}, ""},
                                                        {{}, {}, "tls"},
                                                        {{"tls"}, {}, "tls"},
                                                        {{"login"}, {"list"}, ""}}) {
        TargetConfig c;
        c.only_checks = only;
        c.skip_checks = skip;
        c.quit_after = quit;
        EXPECT_EQ(selection_conflict(c), std::nullopt)
            << testing::PrintToString(only) << " " << testing::PrintToString(skip) << " " << quit;
    }
}

TEST(SelectionConflict, IsAUsageErrorOnTheCommandLine) {
    auto out = parse_args({"--host", "h", "--user", "u", "--only", "quota", "--skip", "login"},
                          {{"IMAPCHECK_PASSWORD", "pw"}});
    ASSERT_EQ(out.kind, CliOutcome::Kind::UsageError);
    EXPECT_NE(out.message.find("--only quota needs login, which --skip login leaves out"),
              std::string::npos)
        << out.message;
    out = parse_args({"--host", "h", "--user", "u", "--skip", "connect"},
                     {{"IMAPCHECK_PASSWORD", "pw"}});
    ASSERT_EQ(out.kind, CliOutcome::Kind::UsageError);
    EXPECT_NE(out.message.find("leaves nothing to check"), std::string::npos) << out.message;
}

// A check --only asks for that found nothing to judge was not checked: UNKNOWN, not OK.
TEST_F(SelectionTest, AnOnlyCheckThatDidNotRunIsNeverOk) {
    config_.only_checks = {"quota"};
    harmless_ = {"quota"};
    Report r = run();
    EXPECT_EQ(r.overall(), Overall::Unknown);
    ASSERT_FALSE(r.unknown_causes.empty());
    EXPECT_EQ(r.unknown_causes.front(),
              "--only quota asked for a check that did not run: nothing to judge here");
}

// The property (issue 19): over every --only (none, one id), --skip (none, one id) and
// --quit-after (none, one id) combination, and every pair of --only ids, on a server where
// every check passes or where one finds nothing to judge, the exit code is 0 only if every check
// that was asked for ran and passed. Asked for: the --only ids when given, else every check the
// selection did not leave out; a default run's check that found nothing to judge (quota on a server
// without QUOTA) counts as run, an --only check's does not. Rejected selections exit 3.
TEST_F(SelectionTest, ExitIsZeroOnlyWhenEveryCheckAskedForRanAndPassed) {
    std::vector<std::string> ids;
    for (const auto& c : check_sequence()) ids.emplace_back(c.id);
    struct Selection {
        Ids only, skip;
        std::string quit;
    };
    std::vector<Selection> selections;
    std::vector<Ids> onlies = {{}}, skips = {{}};
    for (const auto& a : ids) {
        onlies.push_back({a});
        skips.push_back({a});
    }
    std::vector<std::string> quits = {""};
    quits.insert(quits.end(), ids.begin(), ids.end());
    for (const auto& only : onlies)
        for (const auto& skip : skips)
            for (const auto& quit : quits) selections.push_back({only, skip, quit});
    for (const auto& a : ids)
        for (const auto& b : ids)
            if (a < b) selections.push_back({{a, b}, {}, ""});
    int runs = 0, rejected = 0, ok = 0;
    for (const auto& harmless :
         std::vector<std::set<std::string>>{{}, {"quota"}, {"fetch"}, {"login"}})
        for (const auto& [only, skip, quit] : selections) {
            std::vector<std::string> args = {"--host", "h", "--user", "u"};
            for (const auto& id : only) args.insert(args.end(), {"--only", id});
            for (const auto& id : skip) args.insert(args.end(), {"--skip", id});
            if (!quit.empty()) args.insert(args.end(), {"--quit-after", quit});
            auto parsed = parse_args(args, {{"IMAPCHECK_PASSWORD", "pw"}});
            const std::string what = testing::PrintToString(args);
            if (parsed.kind == CliOutcome::Kind::UsageError) {
                ++rejected;
                continue;
            }
            ASSERT_EQ(parsed.kind, CliOutcome::Kind::Run) << what << parsed.message;
            config_ = parsed.target;
            harmless_ = harmless;
            ran_.clear();
            Report r = run();
            ++runs;
            if (r.exit_code() != 0) continue;
            ++ok;
            std::vector<Deselection> left_out;
            {
                TargetConfig c = config_;
                left_out = deselect(c, check_sequence());
            }
            for (std::size_t i = 0; i < ids.size(); ++i) {
                const bool named = std::find(only.begin(), only.end(), ids[i]) != only.end();
                const bool asked = only.empty() ? left_out[i].cause.empty() : named;
                if (!asked) continue;
                const std::string status = summary(r, ids[i]);
                const bool passed = status == "pass: ran" ||
                                    (only.empty() && status == "skip: nothing to judge here");
                EXPECT_TRUE(passed) << what << " exits 0, but " << ids[i] << " is " << status;
            }
        }
    // The property held over real variety: most selections run, some are refused, many pass.
    EXPECT_GT(runs, 3000);
    EXPECT_GT(rejected, 100);
    EXPECT_GT(ok, 2000);
}

}  // namespace
}  // namespace imapcheck
