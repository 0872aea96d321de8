// imapcheck: Monitoring Plugins threshold ranges (range.hpp). `[@]start:end`, where start
// defaults to 0 without a colon, `~` is minus infinity and an empty end is infinity.
#include "imapcheck/range.hpp"

#include <cmath>
#include <cstdlib>

namespace imapcheck {
namespace {

// A plain decimal, optionally negative: "10", "-2.5". Not "1e3", "0x10" or " 5".
std::optional<double> plain_number(std::string_view text) {
    std::string_view digits = text.starts_with('-') ? text.substr(1) : text;
    if (digits.empty() || digits.front() == '.' || digits.back() == '.') return std::nullopt;
    std::size_t dots = 0;
    for (char c : digits) {
        if (c == '.')
            ++dots;
        else if (c < '0' || c > '9')
            return std::nullopt;
    }
    if (dots > 1) return std::nullopt;
    double v = std::strtod(std::string(text).c_str(), nullptr);
    return std::isfinite(v) ? std::optional(v) : std::nullopt;
}

}  // namespace

bool Range::alerts(double value) const {
    const bool within = (!start || value >= *start) && (!end || value <= *end);
    return inside ? within : !within;
}

Result<Range> parse_range(std::string_view text) {
    Range r;
    r.text = std::string(text);
    auto bad = [&](const std::string& why) {
        return make_error(Error::Kind::Usage, "'" + r.text + "' is not a range (" + why +
                                                  "; use N, N:, ~:N, N:M or @N:M)");
    };
    std::string_view rest = text;
    if (rest.starts_with('@')) {
        r.inside = true;
        rest.remove_prefix(1);
    }
    if (rest.empty()) return bad("it is empty");
    auto colon = rest.find(':');
    if (colon == std::string_view::npos) {
        r.start = 0;  // "10" means 0:10
        r.end = plain_number(rest);
        if (!r.end) return bad("'" + std::string(rest) + "' is not a number");
    } else {
        std::string_view start = rest.substr(0, colon), end = rest.substr(colon + 1);
        if (start == "~") {
            r.start.reset();
        } else if (start.empty()) {
            r.start = 0;
        } else {
            r.start = plain_number(start);
            if (!r.start) return bad("'" + std::string(start) + "' is not a number or ~");
        }
        if (!end.empty()) {
            r.end = plain_number(end);
            if (!r.end) return bad("'" + std::string(end) + "' is not a number");
        }
        if (start == "~" && end.empty()) return bad("~: has no bound at all");
    }
    if (r.start && r.end && *r.start > *r.end) return bad("its start is above its end");
    return r;
}

}  // namespace imapcheck
