// imapcheck: the text report (docs/contract.md §6): a header line, one line per check (status, id,
// time, summary), any server [ALERT]s, then the overall line. Colour only when asked. For a
// fleet: a line per target, then the failing targets' failing checks, then the verdict.
#include <algorithm>
#include <cstdio>

#include "imapcheck/render.hpp"

namespace imapcheck {
namespace {

const char* label(CheckStatus s) {
    switch (s) {
        case CheckStatus::Pass: return "PASS";
        case CheckStatus::Warn: return "WARN";
        case CheckStatus::Fail: return "FAIL";
        case CheckStatus::Skip: return "SKIP";
    }
    return "?";
}

const char* colour(CheckStatus s) {
    switch (s) {
        case CheckStatus::Pass: return "\033[32m";
        case CheckStatus::Warn: return "\033[33m";
        case CheckStatus::Fail: return "\033[31m";
        case CheckStatus::Skip: return "\033[2m";
    }
    return "";
}

const char* colour(Overall o) {
    switch (o) {
        case Overall::Ok: return "\033[1;32m";
        case Overall::Warning: return "\033[1;33m";
        default: return "\033[1;31m";
    }
}

const char* tls_words(const std::string& mode) {
    if (mode == "implicit") return "implicit TLS";
    if (mode == "starttls") return "STARTTLS";
    return "no TLS";
}

std::string plural(std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// "  PASS  connect        1.9 ms  connected to ..." with its line break; the `baseline`
// check's ndiff-style -/+ lines (details "diff") follow it, indented.
std::string check_line(const CheckResult& c, bool color) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%-11s %7.1f ms  ", c.id.c_str(), c.duration_ms);
    std::string out = "  " + std::string(color ? colour(c.status) : "") + label(c.status) +
                      (color ? "\033[0m" : "") + "  " + buf + printable(c.summary) + "\n";
    if (c.id == "baseline" && c.details.contains("diff") && c.details["diff"].is_array())
        for (const auto& line : c.details["diff"])
            if (line.is_string()) out += "        " + printable(line.get<std::string>()) + "\n";
    return out;
}

// `text` broken at spaces into lines of at most 80 columns: the first after `first`
// ("        try: "), the others after `indent`. A word longer than a line stands alone.
std::string wrapped(std::string_view text, const std::string& first, const std::string& indent) {
    constexpr std::size_t kWidth = 80;
    std::string out, line = first;
    bool line_empty = true;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = std::min(text.find(' ', start), text.size());
        std::string word = printable(text.substr(start, end - start));
        start = end + 1;
        if (word.empty()) continue;
        if (!line_empty && line.size() + 1 + word.size() > kWidth) {
            out += line + "\n";
            line = indent;
            line_empty = true;
        }
        line += (line_empty ? "" : " ") + word;
        line_empty = false;
    }
    return out + line + "\n";
}

// Under a warning or failure: its cause, what to try, and what was seen.
std::string diagnosis_lines(const CheckResult& c) {
    if (!c.diagnosis || c.status == CheckStatus::Pass || c.status == CheckStatus::Skip) return "";
    const std::string indent(8, ' ');
    std::string out = wrapped(c.diagnosis->cause, indent, indent);
    std::string tries;
    for (const auto& t : c.diagnosis->tries) tries += (tries.empty() ? "" : "; ") + t;
    if (!tries.empty()) out += wrapped(tries, indent + "try: ", indent + "     ");
    return out;
}

std::string elapsed(double ms) {
    char buf[32];
    if (ms < 10000)
        std::snprintf(buf, sizeof buf, "%.1f ms", ms);
    else
        std::snprintf(buf, sizeof buf, "%.1f s", ms / 1000);
    return buf;
}

}  // namespace

std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
    }
    return out;
}

std::string render_text(const Report& report, bool color) {
    const char* reset = color ? "\033[0m" : "";
    const std::string& host = report.target.host;
    std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;  // IPv6
    // "dave@example.test@localhost" would leave the reader to guess where the user ends.
    const std::string& user = report.target.user;
    const char* at = user.find('@') != std::string::npos ? " on " : "@";
    std::string out = std::string("imapcheck ") + kVersion + "  " + printable(user) + at +
                      printable(shown_host) + ":" + std::to_string(report.target.port) + " (" +
                      tls_words(report.target.tls) + ")\n";
    std::size_t warns = 0, fails = 0, skips = 0;
    char buf[64];
    const auto& checks = report.checks;
    for (std::size_t i = 0; i < checks.size(); ++i) {
        const CheckResult& c = checks[i];
        warns += c.status == CheckStatus::Warn;
        fails += c.status == CheckStatus::Fail;
        skips += c.status == CheckStatus::Skip;
        // A run of checks skipped for the same reason is one line: the reason is said once.
        std::size_t run = 1;
        while (c.status == CheckStatus::Skip && i + run < checks.size() &&
               checks[i + run].status == CheckStatus::Skip && checks[i + run].summary == c.summary)
            ++run;
        if (run >= 3) {
            std::string ids;
            for (std::size_t k = i; k < i + run; ++k)
                ids += (ids.empty() ? "" : ", ") + checks[k].id;
            out += "  " + std::string(color ? colour(c.status) : "") + "SKIP" +
                   (color ? "\033[0m" : "") + "  " + ids + "  " + printable(c.summary) + "\n";
            skips += run - 1;
            i += run - 1;
            continue;
        }
        out += check_line(c, color) + diagnosis_lines(c);
    }
    for (const auto& alert : report.alerts) out += "  ALERT from the server: " + printable(alert) + "\n";
    for (const auto& note : report.notes) out += "  " + note + "\n";

    Overall overall = report.overall();
    std::string counts = overall == Overall::Ok && skips == 0
                             ? "all " + std::to_string(report.checks.size()) + " checks passed"
                             : plural(warns, "warning") + ", " + plural(fails, "failure") +
                                   (skips ? ", " + std::to_string(skips) + " skipped" : "");
    std::snprintf(buf, sizeof buf, "%.1f ms", report.duration_ms);
    // The overall line repeats the root cause: often the only line a reader looks at.
    std::string root;
    if (const CheckResult* c = report.root_cause(); c && c->diagnosis)
        root = "  " + c->id + ": " + printable(c->diagnosis->cause);
    out += std::string(color ? colour(overall) : "") + to_string(overall) + reset + "  " + counts +
           "  " + buf + root + "\n";
    return out;
}

}  // namespace imapcheck

namespace imapcheck {

std::string render_fleet_text(const FleetReport& fleet, bool color) {
    const char* reset = color ? "\033[0m" : "";
    std::size_t width = 4;
    for (const auto& r : fleet.targets)
        width = std::max(width, std::min<std::size_t>(r.name.size(), 40));
    std::string out =
        std::string("imapcheck ") + kVersion + "  " + plural(fleet.targets.size(), "target") + "\n";
    for (const auto& r : fleet.targets) {
        std::size_t passed = 0;
        for (const auto& c : r.checks) passed += c.status == CheckStatus::Pass;
        char counts[48];
        std::snprintf(counts, sizeof counts, "%2zu/%-2zu passed", passed, r.checks.size());
        std::string name = printable(r.name);
        name.resize(std::max(name.size(), width), ' ');
        std::string problem = r.first_problem();
        out += "  " + std::string(color ? colour(r.overall()) : "") + to_string(r.overall()) +
               reset + std::string(10 - std::string(to_string(r.overall())).size(), ' ') + name +
               "  " + counts + "  " + elapsed(r.duration_ms) +
               (problem.empty() ? "" : "  " + printable(problem)) + "\n";
    }
    // Then what failed or warned, check by check, for the targets that did not pass.
    for (const auto& r : fleet.targets) {
        if (r.overall() == Overall::Ok) continue;
        out += "\n" + printable(r.name) + " (" + printable(r.target.user) + " on " +
               printable(r.target.host) + ":" + std::to_string(r.target.port) + "):\n";
        for (const auto& c : r.checks)
            if (c.status == CheckStatus::Fail || c.status == CheckStatus::Warn)
                out += check_line(c, color) + diagnosis_lines(c);
        for (const auto& alert : r.alerts)
            out += "  ALERT from the server: " + printable(alert) + "\n";
        for (const auto& note : r.notes) out += "  " + printable(note) + "\n";
    }

    const Overall overall = fleet.overall();
    // A CRITICAL fleet names its failed targets; a WARNING one, the targets that warned.
    const Overall floor = overall == Overall::Warning ? Overall::Warning : Overall::Critical;
    const std::size_t bad = fleet.count_at_least(floor);
    std::string line;
    if (overall == Overall::Ok) {
        line = "all " + plural(fleet.targets.size(), "target") + " passed";
    } else {
        const char* verb = overall == Overall::Warning ? " warned: " : " failed: ";
        line = std::to_string(bad) + " of " + plural(fleet.targets.size(), "target") + verb;
        std::size_t listed = 0;
        for (const auto& r : fleet.targets) {
            if (r.overall() < floor) continue;
            if (listed == 5) {
                line += ", and " + std::to_string(bad - listed) + " more";
                break;
            }
            line += (listed++ ? ", " : "") + printable(r.name);
        }
    }
    out += (fleet.targets.empty() ? "" : "\n") + std::string(color ? colour(overall) : "") +
           to_string(overall) + reset + "  " + line + "  " + elapsed(fleet.duration_ms) + "\n";
    return out;
}

}  // namespace imapcheck
