// imapcheck: runs the check sequence against one account and builds the report.
#pragma once

#include "imapcheck/config.hpp"
#include "imapcheck/report.hpp"
#include "imapcheck/transcript.hpp"

namespace imapcheck {

// Runs every check of the registry in order. Never throws for network or server trouble:
// that is in the report. `started` is when the run's --timeout began.
Report run_checks(const Config& config, Transcript& transcript, Clock::time_point started);

// The SPEC §2 skip rule on its own, for tests: given each earlier check's outcome, why the
// next one cannot run ("login failed"), or "" when it can.
std::string blocked_by(const std::vector<std::string_view>& requires_checks,
                       const std::vector<std::pair<std::string, std::string>>& broken);

}  // namespace imapcheck
