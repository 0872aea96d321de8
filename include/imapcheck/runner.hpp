// imapcheck: runs a check sequence against one account and builds the report.
#pragma once

#include <optional>
#include <vector>

#include "imapcheck/config.hpp"
#include "imapcheck/report.hpp"
#include "imapcheck/secret.hpp"
#include "imapcheck/transcript.hpp"

namespace imapcheck {

struct Check;
class Transport;

// What a run uses besides its config: a sequence of checks without a network needs none.
struct RunResources {
    Transport* transport = nullptr;
    const Secret* password = nullptr;
    // Ends the run before the target's --timeout would (the exporter's scrape budget).
    std::optional<Clock::time_point> deadline = std::nullopt;
};

// Runs `checks` in order: the runner's rules (skips, pipelining, the deadline), testable
// without a network. Never throws: an exception from a check is caught, reported as that
// check's failure, and makes the run UNKNOWN. `started` is when the run's --timeout began.
Report run_sequence(const TargetConfig& config, Transcript& transcript, Clock::time_point started,
                    const std::vector<Check>& checks, const RunResources& resources = {});

}  // namespace imapcheck
