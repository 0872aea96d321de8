// imapcheck: the probe engine. One run of the check sequence against one target, the same
// for the command line, a fleet of targets and the exporter. Re-entrant: all it shares
// between runs is the Transport, which is safe to use from several threads at once.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "imapcheck/config.hpp"
#include "imapcheck/connection.hpp"
#include "imapcheck/environment.hpp"
#include "imapcheck/report.hpp"
#include "imapcheck/transcript.hpp"
#include "imapcheck/transport.hpp"

namespace imapcheck {

// What a front-end may add to a run.
struct ProbeOptions {
    Transcript* transcript = nullptr;  // --trace, or the exporter's debug output
    GetEnv getenv = process_getenv;    // where --password-env looks
    // A bound below the target's --timeout (the exporter's scrape timeout).
    std::optional<std::chrono::milliseconds> budget = std::nullopt;
};

// Runs every check against `config`. Loads the password from its source for this run and
// wipes it at the end. Never throws: network and server trouble is in the checks, and an
// internal error in a check is that check's failure and makes the report UNKNOWN.
Report probe(const TargetConfig& config, Transport& transport, const ProbeOptions& options = {});

}  // namespace imapcheck
