// imapcheck: UTF-8 validation with replacement (RFC 3629 §4 byte ranges) and plain decimal
// numbers, so a report in a machine-read format stays parseable whatever the server sent.
#include "report/machine_text.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>

namespace imapcheck {
namespace {

// Length of the well-formed sequence starting at text[i], or 0 when there is none.
std::size_t sequence_length(std::string_view text, std::size_t i) {
    auto byte = [&](std::size_t k) -> unsigned {
        return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0x100u;
    };
    auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
        return byte(k) >= lo && byte(k) <= hi;
    };
    unsigned b0 = byte(0);
    if (b0 < 0x80) return 1;
    if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
    if (b0 == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
    if (b0 == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;  // no surrogates
    if (b0 >= 0xE1 && b0 <= 0xEF) return cont(1) && cont(2) ? 3 : 0;
    if (b0 == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
    if (b0 >= 0xF1 && b0 <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
    if (b0 == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
    return 0;
}

// Bytes per unit of a quota resource as RFC 9208 counts it: 1024 for STORAGE and
// ANNOTATION-STORAGE (KiB), 1 for MESSAGE, MAILBOX and the rest.
std::uint64_t quota_unit_bytes(std::string_view resource) {
    return resource == "STORAGE" || resource == "ANNOTATION-STORAGE" ? 1024 : 1;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        std::size_t n = sequence_length(text, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
            ++i;
        } else {
            out.append(text, i, n);
            i += n;
        }
    }
    return out;
}

std::string decimal(double value, int decimals) {
    if (!std::isfinite(value)) return "0";
    char buf[512];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    std::string out = buf;
    if (out.find('.') != std::string::npos) {
        out.erase(out.find_last_not_of('0') + 1);
        if (out.back() == '.') out.pop_back();
    }
    return out == "-0" ? "0" : out;
}

std::string seconds_from_ms(double ms) {
    return decimal(ms / 1000.0);
}

std::optional<std::uint64_t> unsigned_at(const Json& details, const char* key) {
    if (!details.is_object()) return std::nullopt;
    auto it = details.find(key);
    if (it == details.end() || !it->is_number_integer()) return std::nullopt;
    if (it->is_number_unsigned()) return it->get<std::uint64_t>();
    auto v = it->get<std::int64_t>();
    return v < 0 ? std::nullopt : std::optional<std::uint64_t>(static_cast<std::uint64_t>(v));
}

std::optional<std::int64_t> integer_at(const Json& details, const char* key) {
    if (!details.is_object()) return std::nullopt;
    auto it = details.find(key);
    if (it == details.end() || !it->is_number_integer()) return std::nullopt;
    if (it->is_number_unsigned() && it->get<std::uint64_t>() > INT64_MAX) return std::nullopt;
    return it->get<std::int64_t>();
}

std::vector<QuotaFigure> quota_figures(const Json& details) {
    std::vector<QuotaFigure> out;
    if (!details.is_object() || !details.contains("resources") || !details["resources"].is_array())
        return out;
    for (const auto& r : details["resources"]) {
        if (!r.is_object() || !r.contains("name") || !r["name"].is_string()) continue;
        QuotaFigure f;
        f.name = r["name"].get<std::string>();
        if (r.contains("root") && r["root"].is_string()) f.root = r["root"].get<std::string>();
        const std::uint64_t unit = quota_unit_bytes(f.name);
        f.in_bytes = unit > 1;
        auto base = [unit](std::uint64_t v) { return v > UINT64_MAX / unit ? UINT64_MAX : v * unit; };
        if (auto v = unsigned_at(r, "usage")) f.usage = base(*v);
        if (auto v = unsigned_at(r, "limit")) f.limit = base(*v);
        out.push_back(std::move(f));
    }
    return out;
}

// Label values: valid UTF-8 with backslash, double quote and line feed escaped; other
// control characters become spaces.
std::string prometheus_label_value(std::string_view raw) {
    std::string out;
    for (char c : valid_utf8(raw)) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += static_cast<unsigned char>(c) < 0x20 || c == '\x7f' ? ' ' : c;
    }
    return out;
}

}  // namespace imapcheck
