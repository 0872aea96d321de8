// imapcheck: the probe engine (probe.hpp): one target's password loaded for its run only,
// the registry's sequence run under the target's deadline, the password wiped after.
#include "imapcheck/probe.hpp"

#include "imapcheck/check.hpp"
#include "imapcheck/credentials.hpp"
#include "imapcheck/runner.hpp"
#include "imapcheck/trace_frame.hpp"

namespace imapcheck {

Report probe(const TargetConfig& config, Transport& transport, const ProbeOptions& options) {
    const auto started = Clock::now();
    Transcript discard;
    Transcript& transcript = options.transcript ? *options.transcript : discard;
    RunResources resources{.transport = &transport};
    if (options.budget) resources.deadline = started + *options.budget;
    trace_header(transcript, config);

    // Read again for this run: the source was checked when the config was built, but the
    // password is kept no longer than one run (a fleet holds many targets at once).
    std::string user = config.user;
    auto secret = load_secret(config.credentials, config.host, user, options.getenv);
    if (!secret) {
        Report report = run_sequence(config, transcript, started, {}, resources);
        report.unknown_causes.push_back(secret.error().message);
        report.notes.push_back("not run: " + secret.error().message);
        trace_result(transcript, report);
        return report;
    }
    resources.password = &secret.value();
    Report report = run_sequence(config, transcript, started, check_registry(), resources);
    secret->wipe();
    trace_result(transcript, report);
    return report;
}

}  // namespace imapcheck
