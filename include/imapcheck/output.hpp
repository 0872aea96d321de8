// imapcheck: writing a report file atomically (temporary file + rename).
#pragma once

#include <string>
#include <string_view>

#include "imapcheck/expected.hpp"

namespace imapcheck {

Result<Unit> write_atomically(const std::string& path, std::string_view content);

// Whether write_atomically(path) can succeed: the folder exists and may be written, and
// `path` is not a folder. Asked before connecting, so that a typo in -o is not found
// only after a whole session.
Result<Unit> check_writable(const std::string& path);

}  // namespace imapcheck
