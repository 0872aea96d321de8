// imapcheck: runs the check sequence against one account and builds the report.
#pragma once

#include <vector>

#include "imapcheck/config.hpp"
#include "imapcheck/report.hpp"
#include "imapcheck/transcript.hpp"

namespace imapcheck {

// Runs every check of the registry in order. Never throws for network or server trouble:
// that is in the report. `started` is when the run's --timeout began.
Report run_checks(const Config& config, Transcript& transcript, Clock::time_point started);

struct Check;
// The same for any sequence of checks: the runner's rules, testable without a network.
Report run_sequence(const Config& config, Transcript& transcript, Clock::time_point started,
                    const std::vector<Check>& checks);

}  // namespace imapcheck
