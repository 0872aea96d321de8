// imapcheck: threshold ranges in the Monitoring Plugins syntax (monitoring-plugins.org,
// "Threshold and ranges"): `10` (alert outside 0..10), `10:` (below 10), `~:10` (above 10),
// `10:20` (outside 10..20), `@10:20` (inside 10..20). Ends are inclusive.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "imapcheck/expected.hpp"

namespace imapcheck {

struct Range {
    std::optional<double> start;  // nullopt: minus infinity (`~`)
    std::optional<double> end;    // nullopt: infinity (`10:`)
    bool inside = false;          // `@`: alert when the value is inside start..end
    std::string text;             // as written, for perfdata and messages

    // True when `value` is one the range alerts on.
    bool alerts(double value) const;
};

// Parses one range; the error says what is wrong in words (the caller names the option).
Result<Range> parse_range(std::string_view text);

}  // namespace imapcheck
