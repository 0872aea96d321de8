// imapcheck: time as the reports write it: wall-clock time (RFC 3339, UTC, whole seconds)
// and a limit's length in words ("5 s", "0.5 s"), the one formatter of both.
#pragma once

#include <string>

namespace imapcheck {

std::string utc_now_rfc3339();

// "5 s", "2.5 s": a bound in seconds as messages name it (%g, no trailing zeros).
std::string seconds_text(double seconds);

}  // namespace imapcheck
