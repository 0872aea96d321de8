// imapcheck: wall-clock time as the reports write it (RFC 3339, UTC, whole seconds).
#pragma once

#include <string>

namespace imapcheck {

std::string utc_now_rfc3339();

}  // namespace imapcheck
