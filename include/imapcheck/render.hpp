// imapcheck: report renderers (SPEC §5 JSON, §6 text): pure functions Report -> string.
#pragma once

#include <string>

#include "imapcheck/report.hpp"

namespace imapcheck {

inline constexpr const char* kVersion = "0.1.0";

std::string render_text(const Report& report, bool color);
std::string render_json(const Report& report);

// Server-supplied text made safe for a terminal or a one-line summary.
std::string printable(std::string_view text);

}  // namespace imapcheck
