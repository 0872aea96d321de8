// imapcheck: RFC 3339 timestamps for the reports' started_at (timestamp.hpp).
#include "imapcheck/timestamp.hpp"

#include <cstdio>
#include <ctime>

namespace imapcheck {

std::string seconds_text(double seconds) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g s", seconds);
    return buf;
}

std::string utc_now_rfc3339() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace imapcheck
