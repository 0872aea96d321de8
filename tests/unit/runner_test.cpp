// Unit tests for the runner's rules (docs/contract.md §2-§3): order, skip-with-reason when a
// prerequisite failed, harmless skips that block nothing, a lost connection, the deadline,
// and how the overall status and exit code follow from the checks.
#include <gtest/gtest.h>

#include <thread>

#include "imapcheck/check.hpp"
#include "imapcheck/check_ids.hpp"
#include "imapcheck/runner.hpp"
#include "imapcheck/session.hpp"
#include "scripted_connection.hpp"

namespace imapcheck {
namespace {

// A connection that is already gone: what a session looks like after the server hung up.
class ClosedConnection : public Connection {
public:
    const ConnectFacts& facts() const override { return facts_; }
    bool open() const override { return false; }
    Result<Unit> send(std::string_view, const Deadline&) override {
        return make_error(Error::Kind::Closed, "closed");
    }
    Result<std::size_t> receive(char*, std::size_t, const Deadline&) override {
        return make_error(Error::Kind::Closed, "closed");
    }
    void close() override {}

private:
    ConnectFacts facts_;
};

Check returning(std::string_view id, std::vector<std::string_view> needs, CheckStatus status,
                bool needs_session = false) {
    return {id, std::move(needs), needs_session, [status](RunContext&) {
                CheckResult r;
                r.status = status;
                r.summary = std::string("ran with ") + to_string(status);
                return r;
            }};
}

class RunnerTest : public ::testing::Test {
protected:
    Report run(const std::vector<Check>& checks) {
        return run_sequence(config, transcript, Clock::now(), checks);
    }
    static const CheckResult& get(const Report& r, std::string_view id) {
        for (const auto& c : r.checks)
            if (c.id == id) return c;
        throw std::runtime_error("no check " + std::string(id));
    }
    TargetConfig config;
    Transcript transcript;
};

TEST_F(RunnerTest, AllPassingChecksRunInOrderAndGiveOkExitZero) {
    Report r = run({returning("a", {}, CheckStatus::Pass), returning("b", {"a"}, CheckStatus::Pass),
                    returning("c", {"b"}, CheckStatus::Pass)});
    ASSERT_EQ(r.checks.size(), 3u);
    EXPECT_EQ(r.checks[0].id, "a");
    EXPECT_EQ(r.checks[1].id, "b");
    EXPECT_EQ(r.checks[2].id, "c");
    EXPECT_EQ(r.overall(), Overall::Ok);
    EXPECT_EQ(r.exit_code(), 0);
}

TEST_F(RunnerTest, FailureSkipsDependentsWithTheRootCauseTransitively) {
    Report r = run({returning("connect", {}, CheckStatus::Pass),
                    returning("login", {"connect"}, CheckStatus::Fail),
                    returning("select", {"login"}, CheckStatus::Pass),
                    returning("search", {"select"}, CheckStatus::Pass),
                    returning("logout", {"connect"}, CheckStatus::Pass)});
    EXPECT_EQ(get(r, "login").status, CheckStatus::Fail);
    EXPECT_EQ(get(r, "select").status, CheckStatus::Skip);
    EXPECT_EQ(get(r, "select").summary, "login failed");
    EXPECT_EQ(get(r, "search").status, CheckStatus::Skip);
    EXPECT_EQ(get(r, "search").summary, "login failed");
    EXPECT_EQ(get(r, "logout").status, CheckStatus::Pass) << "independent of login, so it runs";
    EXPECT_EQ(r.overall(), Overall::Critical);
    EXPECT_EQ(r.exit_code(), 2);
}

TEST_F(RunnerTest, HarmlessSkipBlocksNothing) {
    Report r = run({returning("login", {}, CheckStatus::Skip), returning("list", {"login"}, CheckStatus::Pass)});
    EXPECT_EQ(get(r, "list").status, CheckStatus::Pass);
    EXPECT_EQ(r.exit_code(), 0);
}

TEST_F(RunnerTest, WarningGivesExitOneAndFailureOutranksIt) {
    Report warned = run({returning("a", {}, CheckStatus::Warn), returning("b", {}, CheckStatus::Pass)});
    EXPECT_EQ(warned.overall(), Overall::Warning);
    EXPECT_EQ(warned.exit_code(), 1);
    Report both = run({returning("a", {}, CheckStatus::Warn), returning("b", {}, CheckStatus::Fail)});
    EXPECT_EQ(both.exit_code(), 2);
}

TEST_F(RunnerTest, ChecksNeedingTheSessionAreSkippedWhenTheConnectionIsGone) {
    Check connect{"connect", {}, false, [this](RunContext& ctx) {
                      ctx.session = std::make_unique<Session>(std::make_unique<ClosedConnection>(), transcript,
                                                              std::chrono::seconds(1));
                      return pass("connected");
                  }};
    bool ran = false;
    Check list{"list", {"connect"}, true, [&ran](RunContext&) {
                   ran = true;
                   return pass("listed");
               }};
    Report r = run({connect, list, returning("status", {"list"}, CheckStatus::Pass)});
    EXPECT_FALSE(ran);
    EXPECT_EQ(get(r, "list").status, CheckStatus::Skip);
    EXPECT_EQ(get(r, "list").summary, "connection lost");
    EXPECT_EQ(get(r, "status").summary, "connection lost") << "the cause propagates";
}

// Issue 19 §3: a step that used up --timeout left every later step "skip ... --timeout used
// up", and the run OK. The first session step the run's time never reached fails (those
// after it skip with the same cause); a check that only reads the connect phase's facts
// still runs.
TEST_F(RunnerTest, ChecksAfterTheRunDeadlineAreNotRunAndTheRunIsNotOk) {
    config.timeout = std::chrono::milliseconds(20);
    bool ran = false;
    Check slow{"slow", {}, false, [this](RunContext& ctx) {
                   ctx.session = std::make_unique<Session>(
                       std::make_unique<testing::ScriptedConnection>(std::vector<testing::Exchange>{}), transcript,
                       std::chrono::seconds(1));
                   std::this_thread::sleep_for(std::chrono::milliseconds(40));
                   return pass("slow but done");
               }};
    Check later{"later", {}, true, [&ran](RunContext&) {
                    ran = true;
                    return pass("ran");
                }};
    Report r = run({slow, returning("facts", {}, CheckStatus::Pass), later,
                    returning("last", {}, CheckStatus::Pass, true)});
    EXPECT_FALSE(ran);
    EXPECT_EQ(get(r, "facts").status, CheckStatus::Pass) << "it only reads what is known";
    EXPECT_EQ(get(r, "later").status, CheckStatus::Fail);
    ASSERT_TRUE(get(r, "later").diagnosis);
    EXPECT_EQ(get(r, "later").diagnosis->id, "command.timeout");
    EXPECT_NE(get(r, "later").summary.find("--timeout"), std::string::npos) << get(r, "later").summary;
    EXPECT_EQ(get(r, "last").status, CheckStatus::Skip);
    EXPECT_EQ(r.overall(), Overall::Critical);
}

// Issue 19 §6: a slow greeting got the login's hint (LDAP, SQL).
TEST_F(RunnerTest, OnlyASlowLoginIsBlamedOnTheAuthenticationBackEnd) {
    config.slow_step = std::chrono::milliseconds(1);
    auto slow = [](std::string_view id) {
        return Check{id, {}, false, [](RunContext&) {
                         std::this_thread::sleep_for(std::chrono::milliseconds(5));
                         return pass("slow");
                     }};
    };
    Report r = run({slow("connect"), slow("login")});
    ASSERT_TRUE(get(r, "connect").diagnosis);
    ASSERT_TRUE(get(r, "login").diagnosis);
    EXPECT_EQ(::testing::PrintToString(get(r, "connect").diagnosis->tries).find("LDAP"),
              std::string::npos);
    EXPECT_NE(::testing::PrintToString(get(r, "login").diagnosis->tries).find("LDAP"),
              std::string::npos);
}

TEST_F(RunnerTest, CheckMayReportItsOwnDuration) {
    Check timed{"timed", {}, false, [](RunContext& ctx) {
                    ctx.duration_override = 12.5;
                    return pass("timed");
                }};
    Report r = run({timed, returning("other", {}, CheckStatus::Pass)});
    EXPECT_DOUBLE_EQ(get(r, "timed").duration_ms, 12.5);
    EXPECT_LT(get(r, "other").duration_ms, 12.5) << "the override applies to its own check only";
}

TEST_F(RunnerTest, CritTimeRaisesOverallAndSaysWhy) {
    config.crit_time_ms = 0.0;
    Report r = run({returning("a", {}, CheckStatus::Pass)});
    EXPECT_EQ(r.overall(), Overall::Critical);
    ASSERT_EQ(r.notes.size(), 1u);
    EXPECT_NE(r.notes[0].find("--crit-time"), std::string::npos);
}

TEST_F(RunnerTest, WarnTimeBelowTheRunTimeWarnsButAGenerousOneDoesNot) {
    config.warn_time_ms = 0.0;
    EXPECT_EQ(run({returning("a", {}, CheckStatus::Pass)}).overall(), Overall::Warning);
    config.warn_time_ms = 60000.0;
    Report r = run({returning("a", {}, CheckStatus::Pass)});
    EXPECT_EQ(r.overall(), Overall::Ok);
    EXPECT_TRUE(r.notes.empty());
}

TEST(RegistryTest, SequenceIsTheSpecOrder) {
    std::vector<std::string> ids;
    for (const auto& c : check_registry()) ids.emplace_back(c.id);
    EXPECT_EQ(ids, (std::vector<std::string>{"connect", "tls", "capability", "login", "list", "status",
                                             "select", "search", "fetch", "quota", "logout"}));
}

// Configuration validates selections against check_sequence() without seeing the registry:
// the two must be one list, prerequisites included.
TEST(RegistryTest, CheckIdsAreTheRegistrysIdsInOrder) {
    const auto& sequence = check_sequence();
    const auto& registry = check_registry();
    ASSERT_EQ(registry.size(), sequence.size());
    for (std::size_t i = 0; i < registry.size(); ++i) {
        EXPECT_EQ(registry[i].id, sequence[i].id);
        EXPECT_EQ(registry[i].requires_checks, sequence[i].requires_checks) << registry[i].id;
    }
}

// An exception from a check is imapcheck's own bug: that check fails with what was thrown,
// the run goes on, and the report is UNKNOWN (exit 3), not CRITICAL.
TEST_F(RunnerTest, AThrowingCheckFailsAndMakesTheRunUnknown) {
    Check throwing{"boom", {}, false, [](RunContext&) -> CheckResult {
                       throw std::runtime_error("index out of range");
                   }};
    Report r = run({returning("a", {}, CheckStatus::Pass), throwing,
                    returning("after", {"boom"}, CheckStatus::Pass),
                    returning("independent", {"a"}, CheckStatus::Pass)});
    EXPECT_EQ(get(r, "boom").status, CheckStatus::Fail);
    EXPECT_NE(get(r, "boom").summary.find("internal error in imapcheck: index out of range"),
              std::string::npos)
        << get(r, "boom").summary;
    EXPECT_EQ(get(r, "after").status, CheckStatus::Skip);
    EXPECT_EQ(get(r, "independent").status, CheckStatus::Pass) << "the run goes on";
    EXPECT_EQ(r.overall(), Overall::Unknown);
    EXPECT_EQ(r.exit_code(), 3);
    ASSERT_EQ(r.notes.size(), 1u) << "every format shows the notes";
    EXPECT_NE(r.notes[0].find("boom"), std::string::npos);
}

}  // namespace
}  // namespace imapcheck
