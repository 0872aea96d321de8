// imapcheck: the runner. Checks run in registry order; a check whose prerequisite failed is
// `skip` with the root cause ("login failed"), never silently missing (docs/contract.md §2).
// A harmless skip (no QUOTA, empty mailbox, PREAUTH) blocks nothing.
#include "imapcheck/runner.hpp"

#include <algorithm>
#include <ctime>
#include <utility>

#include "imapcheck/check.hpp"
#include "imapcheck/selection.hpp"
#include "imapcheck/timestamp.hpp"

namespace imapcheck {
namespace {

std::string seconds(std::chrono::milliseconds ms) { return seconds_text(ms.count() / 1000.0); }

void apply_time_thresholds(const TargetConfig& config, Report& report) {
    char buf[128];
    if (config.crit_time_ms && report.duration_ms > *config.crit_time_ms) {
        report.time_status = Overall::Critical;
        std::snprintf(buf, sizeof buf, "run took %.1f ms, over --crit-time %g ms", report.duration_ms,
                      *config.crit_time_ms);
        report.notes.emplace_back(buf);
    } else if (config.warn_time_ms && report.duration_ms > *config.warn_time_ms) {
        report.time_status = Overall::Warning;
        std::snprintf(buf, sizeof buf, "run took %.1f ms, over --warn-time %g ms", report.duration_ms,
                      *config.warn_time_ms);
        report.notes.emplace_back(buf);
    }
}

// The check's command went ahead and was answered before the connection broke: it is
// judged on that answer rather than skipped (pipelining must not lose what arrived).
bool answered_before_the_break(const Check& check, const RunContext& ctx) {
    if (!ctx.session || !check.plan) return false;
    Plan plan = check.plan(ctx);
    return plan.kind == Plan::Kind::Command && ctx.session->answered(*plan.command);
}

// A step that passed but took longer than --slow-step: the server works, and something
// about it (load, a slow authentication back end, DNS on its side) will soon not.
void flag_slow_step(const TargetConfig& config, CheckResult& result) {
    const auto bound = static_cast<double>(config.slow_step.count());
    if (result.status != CheckStatus::Pass || bound <= 0 || result.duration_ms <= bound) return;
    char took[96];
    std::snprintf(took, sizeof took, "%s took %.1f s, over --slow-step %g s", result.id.c_str(),
                  result.duration_ms / 1000, bound / 1000);
    result.status = CheckStatus::Warn;
    result.summary += std::string(" (") + took + ")";
    std::vector<std::string> tries = {"check the server's load and log around this step"};
    // Only a login waits on the authentication back end; a slow greeting or LIST does not.
    if (result.id == "login")
        tries.push_back("a slow login is often the authentication back end (LDAP, SQL)");
    tries.push_back("--slow-step SECONDS to set the bound, 0 to turn it off");
    result.diagnosis = Diagnosis{"slow.step", took, std::move(tries), took};
}

bool named_by_only(const TargetConfig& config, std::string_view id) {
    return std::find(config.only_checks.begin(), config.only_checks.end(), id) !=
           config.only_checks.end();
}

// Why a check with these prerequisites cannot run ("login failed"), or "" when it can.
std::string blocked_by(const std::vector<std::string_view>& requires_checks,
                       const std::vector<std::pair<std::string, std::string>>& broken) {
    for (auto needed : requires_checks)
        for (const auto& [id, cause] : broken)
            if (id == needed) return cause;
    return "";
}

// Pipelining (RFC 3501 §5.5): before check `from` runs, its command and those of the checks
// after it that are already known go out together, so that they cost one round trip, not
// one each. It stops at the first check whose command depends on an answer still to come
// (fetch needs search's), that may send anything (no plan), or that goes `alone` (unless
// it is the one about to run: then the others go ahead of it). A check that will be
// skipped sends nothing; a command whose check is skipped later is answered and unread.
void send_ahead(RunContext& ctx, const std::vector<Check>& checks, std::size_t from,
                const std::vector<std::pair<std::string, std::string>>& broken,
                const std::vector<Deselection>& left_out) {
    for (std::size_t i = from; i < checks.size(); ++i) {
        const Check& next = checks[i];
        if (!left_out[i].cause.empty()) continue;
        if (!blocked_by(next.requires_checks, broken).empty()) continue;
        if (next.alone && i == from) continue;
        if (!next.plan || next.alone) return;
        Plan plan = next.plan(ctx);
        if (plan.kind == Plan::Kind::Unknown) return;
        if (plan.kind == Plan::Kind::Command &&
            !ctx.session->send_ahead(*plan.command, ctx.deadline))
            return;
    }
}

// A check that throws is imapcheck's bug, not the server's: that check fails with what was
// thrown, the run goes on without the session (its state is unknown), and the report is
// UNKNOWN in every format.
CheckResult run_guarded(const Check& check, RunContext& ctx) {
    std::string what;
    try {
        return check.run(ctx);
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
        what = "unknown exception";
    }
    ctx.report.unknown_causes.push_back(std::string(check.id) + ": " + what);
    ctx.report.notes.push_back("internal error in check " + std::string(check.id) + ": " + what);
    if (ctx.session) ctx.session->close();
    return fail("internal error in imapcheck: " + what + " (please report it)")
        .because({"imapcheck.bug",
                  "imapcheck failed inside check " + std::string(check.id),
                  {"report it with the --trace output (passwords are masked there)"},
                  what});
}

}  // namespace

Report run_sequence(const TargetConfig& config, Transcript& transcript, Clock::time_point started,
                    const std::vector<Check>& checks, const RunResources& resources) {
    Report report;
    report.target = {config.host, config.port, to_string(config.tls), config.user, config.mailbox};
    report.name = config.name;
    report.thresholds = {config.quota_warn,     config.quota_crit,   config.cert_warn_days,
                         config.cert_crit_days, config.warn_time_ms, config.crit_time_ms,
                         config.search_warn,    config.search_crit,  config.messages_warn,
                         config.messages_crit};
    report.started_at = utc_now_rfc3339();
    Deadline deadline(started + config.timeout);
    if (resources.deadline) deadline = deadline.earlier(Deadline(*resources.deadline));
    RunContext ctx(config, deadline, transcript, report, resources.transport, resources.password);

    // Checks that failed, or were skipped because of a failure, with the root cause.
    std::vector<std::pair<std::string, std::string>> broken;
    std::string abandoned_in;  // the check during which the session stopped being usable
    bool timed_out_reported = false;  // the first step the run's time never reached failed
    // --only, --skip, --quit-after: what this run leaves out, and why.
    std::vector<CheckShape> shapes;
    for (const auto& c : checks) shapes.push_back({c.id, c.requires_checks});
    const std::vector<Deselection> left_out = deselect(config, shapes);
    for (std::size_t index = 0; index < checks.size(); ++index) {
        const Check& check = checks[index];
        auto check_start = Clock::now();
        ctx.duration_override.reset();
        CheckResult result;
        std::string cause = blocked_by(check.requires_checks, broken);
        if (!cause.empty()) {
            result = skip(cause);
        } else if (!left_out[index].cause.empty()) {
            result = skip(left_out[index].cause);
            if (left_out[index].blocks) cause = left_out[index].cause;
        } else if (check.needs_session && (!ctx.session || !ctx.session->open()) &&
                   !answered_before_the_break(check, ctx)) {
            cause = "connection lost";
            // Still connected, but a timeout or an unreadable answer left the stream out of
            // step, so imapcheck stopped using it: "lost" would blame the network or the server.
            if (ctx.session && ctx.session->connection().open() && !abandoned_in.empty())
                cause = "connection abandoned after " + abandoned_in + " failed mid-answer";
            if (ctx.session && ctx.session->bye())
                cause += " (server said BYE " + ctx.session->bye()->status_text() + ")";
            result = skip(cause);
        } else if (check.needs_session && ctx.deadline.expired() &&
                   !answered_before_the_break(check, ctx)) {
            // An answer that went ahead and arrived in time is judged, though the run's time
            // ran out later (a stalled LIST must not erase what came before it); connect, tls
            // and capability only read what the connect phase saw, so they always run. A step
            // the run's time never reached was not checked: a failure, never a quiet skip.
            cause = "--timeout of " + seconds(config.timeout) + " used up before this step";
            if (!timed_out_reported) {
                timed_out_reported = true;
                result = fail(cause).because(
                    {"command.timeout",
                     "the run's --timeout of " + seconds(config.timeout) +
                         " ran out before " + std::string(check.id) + " could run",
                     {"see which step took the time (the times beside each check)",
                      "raise --timeout if the server is slow but working"},
                     cause});
            } else {
                result = skip(cause);
            }
        } else {
            const bool was_usable = ctx.session && ctx.session->open();
            if (was_usable) {
                send_ahead(ctx, checks, index, broken, left_out);
                ctx.session->take_command_ms();  // count only this check's replies
            }
            ctx.blocks.reset();
            ctx.failure_blocks = true;
            result = run_guarded(check, ctx);
            if (was_usable && !ctx.session->open()) abandoned_in = std::string(check.id);
            if (result.status == CheckStatus::Fail && ctx.failure_blocks)
                cause = std::string(check.id) + " failed";
            if (result.status == CheckStatus::Skip && ctx.blocks) cause = *ctx.blocks;
            // A check --only asked for that found nothing to judge (no QUOTA, PREAUTH, an
            // empty mailbox) was not checked: the run must not read as OK.
            if (result.status == CheckStatus::Skip && named_by_only(config, check.id)) {
                report.unknown_causes.push_back(
                    "--only " + std::string(check.id) +
                    " asked for a check that did not run: " + result.summary);
                report.notes.push_back(report.unknown_causes.back());
            }
            // A command that went ahead was partly answered before its check began: the
            // step's time is its replies' own time (Reply::elapsed_ms), not the wait.
            if (ctx.session && !ctx.duration_override)
                ctx.duration_override = ctx.session->take_command_ms();
        }
        result.id = std::string(check.id);
        result.duration_ms = ctx.duration_override.value_or(elapsed_ms(check_start));
        flag_slow_step(config, result);
        ctx.finished.push_back(check.id);
        if (!cause.empty()) broken.emplace_back(result.id, cause);
        report.checks.push_back(std::move(result));
    }
    if (ctx.session) {
        report.alerts = ctx.session->alerts();
        // README, "What imapcheck tolerates": what the server got wrong and imapcheck let pass.
        for (const auto& d : ctx.session->deviations())
            report.notes.push_back("server deviation: " + d);
        ctx.session->close();
    }
    report.duration_ms = elapsed_ms(started);
    apply_time_thresholds(config, report);
    return report;
}

}  // namespace imapcheck
