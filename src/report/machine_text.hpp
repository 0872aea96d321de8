// imapcheck: text and numbers for the machine-read formats (Nagios perfdata, JUnit XML,
// Prometheus): server text made valid UTF-8, numbers written as plain decimals.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imapcheck/report.hpp"

namespace imapcheck {

// `text` with every byte that does not start a well-formed UTF-8 sequence (RFC 3629: no
// overlongs, no surrogates, nothing above U+10FFFF) replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

// `value` as a plain decimal, never in exponent notation, with at most `decimals` digits
// after the point and no trailing zeros: 0.00123, 5, 41.7.
std::string decimal(double value, int decimals = 6);

// A Prometheus label value (text format 0.0.4): valid UTF-8, with backslash, double quote
// and line feed escaped, other control characters as spaces. The renderer's and the
// exporter's one escaper.
std::string prometheus_label_value(std::string_view raw);

// Milliseconds as seconds, the unit Nagios perfdata and Prometheus want: decimal(ms / 1000).
std::string seconds_from_ms(double ms);

// An integer in a check's details, when it is there and is one (and, for the first, is
// not negative).
std::optional<std::uint64_t> unsigned_at(const Json& details, const char* key);
std::optional<std::int64_t> integer_at(const Json& details, const char* key);

// One resource of the quota check's details, in base units: bytes for STORAGE and
// ANNOTATION-STORAGE (RFC 9208 counts them in KiB), the server's units for the rest (what the formats that read numbers
// want). A figure too large for 64 bits is capped, not wrapped.
struct QuotaFigure {
    std::string name;
    std::optional<std::string> root;  // its own root, when the details name several
    bool in_bytes = false;
    std::optional<std::uint64_t> usage, limit;
};
std::vector<QuotaFigure> quota_figures(const Json& quota_details);

}  // namespace imapcheck
