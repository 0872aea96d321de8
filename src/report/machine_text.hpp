// imapcheck: text and numbers for the machine-read formats (Nagios perfdata, JUnit XML,
// Prometheus): server text made valid UTF-8, numbers written as plain decimals.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "imapcheck/report.hpp"

namespace imapcheck {

// `text` with every byte that does not start a well-formed UTF-8 sequence (RFC 3629: no
// overlongs, no surrogates, nothing above U+10FFFF) replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

// `value` as a plain decimal, never in exponent notation, with at most `decimals` digits
// after the point and no trailing zeros: 0.00123, 5, 41.7.
std::string decimal(double value, int decimals = 6);

// An integer in a check's details, when it is there and is one (and, for the first, is
// not negative).
std::optional<std::uint64_t> unsigned_at(const Json& details, const char* key);
std::optional<std::int64_t> integer_at(const Json& details, const char* key);

// Bytes per unit of a quota resource as RFC 9208 counts it: 1024 for STORAGE and
// ANNOTATION-STORAGE (KiB), 1 for MESSAGE, MAILBOX and the rest.
std::uint64_t quota_unit_bytes(std::string_view resource);

}  // namespace imapcheck
