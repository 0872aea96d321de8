// imapcheck: writing a report file atomically (temporary file + rename).
#pragma once

#include <string>
#include <string_view>

#include "imapcheck/expected.hpp"

namespace imapcheck {

Result<Unit> write_atomically(const std::string& path, std::string_view content);

}  // namespace imapcheck
