// imapcheck: the probe engine (probe.hpp): one target's password loaded for its run only,
// the registry's sequence run under the target's deadline, the password wiped after.
#include "imapcheck/probe.hpp"

#include "imapcheck/baseline.hpp"
#include "imapcheck/check.hpp"
#include "imapcheck/credentials.hpp"
#include "imapcheck/output.hpp"
#include "imapcheck/runner.hpp"
#include "imapcheck/selection.hpp"
#include "imapcheck/trace_frame.hpp"

namespace imapcheck {
namespace {

// --baseline: the `baseline` check, after the sequence (it judges what the sequence saw);
// --save-baseline: this run's baseline, written atomically. A file that cannot be read or
// written makes the run UNKNOWN: the comparison the pipeline asked for did not happen.
void apply_baselines(const TargetConfig& config, Report& report) {
    // No baseline document nobody asked for (it cost 0.41 M instructions a run: issue 24).
    if (config.baseline.empty() && config.save_baseline.empty()) return;
    const Json current = baseline_of(report);
    if (!config.baseline.empty()) {
        const auto begun = Clock::now();
        auto saved = load_baseline(config.baseline);
        if (!saved) {
            report.unknown_causes.push_back(saved.error().message);
            report.notes.push_back("baseline not compared: " + saved.error().message);
        } else {
            CheckResult r =
                compare_baseline(*saved, current, config.baseline_ignore, config.baseline);
            r.id = "baseline";
            r.duration_ms = elapsed_ms(begun);
            report.checks.push_back(std::move(r));
        }
    }
    // A baseline is what a working server looks like: never saved from a run that failed
    // (its fields would be missing, and a later comparison would pass on nothing).
    if (!config.save_baseline.empty() && report.overall() >= Overall::Critical) {
        const std::string why = report.first_problem();
        report.notes.push_back("baseline not saved: the run failed (" +
                               (why.empty() ? std::string("see above") : why) + "); " +
                               config.save_baseline + " was left as it was");
    } else if (!config.save_baseline.empty() && current["fields"].empty()) {
        report.unknown_causes.push_back("--save-baseline: this run read no baseline field");
        report.notes.push_back("baseline not saved: this run read no baseline field; " +
                               config.save_baseline + " was left as it was");
    } else if (!config.save_baseline.empty()) {
        if (auto written = write_atomically(config.save_baseline, current.dump(2) + "\n");
            !written) {
            report.unknown_causes.push_back(written.error().message);
            report.notes.push_back("baseline not saved: " + written.error().message);
        }
    }
}

}  // namespace

Report probe(const TargetConfig& config, Transport& transport, const ProbeOptions& options) {
    const auto started = Clock::now();
    Transcript discard;
    Transcript& transcript = options.transcript ? *options.transcript : discard;
    RunResources resources{.transport = &transport};
    if (options.budget) resources.deadline = started + *options.budget;
    trace_header(transcript, config);
    if (!config.unusable.empty()) {
        Report report = run_sequence(config, transcript, started, {}, resources);
        report.unknown_causes.push_back(config.unusable);
        report.notes.push_back("not run: " + config.unusable);
        trace_result(transcript, report);
        return report;
    }

    // A run that stops before login (--quit-after tls) reads no password at all.
    Report report;
    if (!selection_logs_in(config)) {
        report = run_sequence(config, transcript, started, check_registry(), resources);
    } else {
        // Read again for this run: the source was checked when the config was built, but
        // the password is kept no longer than one run (a fleet holds many targets at once).
        std::string user = config.user;
        auto secret = load_secret(config.credentials, config.host, user, options.getenv);
        if (!secret) {
            report = run_sequence(config, transcript, started, {}, resources);
            report.unknown_causes.push_back(secret.error().message);
            report.notes.push_back("not run: " + secret.error().message);
            trace_result(transcript, report);
            return report;
        }
        resources.password = &secret.value();
        report = run_sequence(config, transcript, started, check_registry(), resources);
        secret->wipe();
    }
    apply_baselines(config, report);
    trace_result(transcript, report);
    return report;
}

}  // namespace imapcheck
