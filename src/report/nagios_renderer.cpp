// imapcheck: Nagios/Icinga plugin output per the Monitoring Plugins development guidelines
// (monitoring-plugins.org/doc/guidelines.html): "IMAP <STATE> - <summary> | <perfdata>",
// then one line per check (long output). Perfdata items are
// 'label'=value[UOM];[warn];[crit];[min];[max], emitted only for values that are known.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <vector>

#include "imapcheck/render.hpp"
#include "report/machine_text.hpp"

namespace imapcheck {
namespace {

// One line of plugin output: valid UTF-8, no control characters, and no '|', which would
// start perfdata in the middle of a server's text.
std::string line(std::string_view text) {
    std::string out = printable(valid_utf8(text));
    for (char& c : out)
        if (c == '|') c = '/';
    return out;
}

// A label needs quotes unless it is plain; '=' cannot appear at all, a quote is doubled.
std::string perf_label(std::string_view name) {
    std::string label;
    bool plain = !name.empty();
    for (char c : printable(valid_utf8(name))) {
        if (c == '=') c = '_';
        plain = plain &&
                (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
        label += c;
        if (c == '\'') label += '\'';
    }
    return plain ? label : "'" + label + "'";
}

struct Perf {
    std::string label, value, uom, warn, crit, min, max;
};

std::string to_string(const Perf& p) {
    std::vector<std::string> fields = {p.warn, p.crit, p.min, p.max};
    while (!fields.empty() && fields.back().empty()) fields.pop_back();  // trailing ';' may go
    std::string out = perf_label(p.label) + "=" + p.value + p.uom;
    for (const auto& f : fields) out += ";" + f;
    return out;
}

std::string optional_seconds(const std::optional<double>& ms) {
    return ms ? seconds_from_ms(*ms) : "";
}

// A --search-warn style range as written: the perfdata warn/crit fields use the same syntax.
std::string range_text(const std::optional<Range>& range) {
    return range ? range->text : "";
}

std::string milliseconds(double ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f ms", ms);
    return buf;
}

void add_quota(std::vector<Perf>& perf, const CheckResult& quota, const Thresholds& t) {
    if (quota.status == CheckStatus::Skip) return;
    for (const auto& f : quota_figures(quota.details)) {
        if (!f.usage) continue;
        // Several quota roots may each limit the same resource: the root tells them apart.
        Perf p{"quota_" + (f.root ? *f.root + "_" : std::string()) + f.name,
               std::to_string(*f.usage), f.in_bytes ? "B" : "", "", "", "0", ""};
        if (f.limit && *f.limit > 0) {
            double limit = static_cast<double>(*f.limit);
            p.warn = decimal(std::floor(limit * t.quota_warn / 100.0));
            p.crit = decimal(std::floor(limit * t.quota_crit / 100.0));
            p.max = std::to_string(*f.limit);
        }
        perf.push_back(std::move(p));
    }
}

std::vector<Perf> perfdata(const Report& report, const Thresholds& t) {
    std::vector<Perf> perf;
    perf.push_back({"time", seconds_from_ms(report.duration_ms), "s", optional_seconds(t.warn_time_ms),
                    optional_seconds(t.crit_time_ms), "0", ""});
    for (const auto& c : report.checks)
        if (c.status != CheckStatus::Skip)
            perf.push_back({c.id + "_time", seconds_from_ms(c.duration_ms), "s", "", "", "0", ""});
    for (const auto& c : report.checks) {
        if (c.id == "status") {
            if (auto v = unsigned_at(c.details, "messages"))
                perf.push_back({"messages", std::to_string(*v), "", range_text(t.messages_warn),
                                range_text(t.messages_crit), "0", ""});
            if (auto v = unsigned_at(c.details, "unseen"))
                perf.push_back({"unseen", std::to_string(*v), "", "", "", "0", ""});
        } else if (c.id == "search" && c.status != CheckStatus::Skip) {
            if (auto v = unsigned_at(c.details, "count"))
                perf.push_back({"search", std::to_string(*v), "", range_text(t.search_warn),
                                range_text(t.search_crit), "0", ""});
        } else if (c.id == "quota") {
            add_quota(perf, c, t);
        } else if (c.id == "tls") {
            // Fewer days than the bound is the problem: the ranges are "N:" (alert below N).
            if (auto days = integer_at(c.details, "days_left"))
                perf.push_back({"cert_days_left", std::to_string(*days), "",
                                std::to_string(t.cert_warn_days) + ":",
                                std::to_string(t.cert_crit_days) + ":", "", ""});
        }
    }
    return perf;
}

const char* state_label(CheckStatus s) {
    switch (s) {
        case CheckStatus::Pass:
            return "[OK]";
        case CheckStatus::Warn:
            return "[WARNING]";
        case CheckStatus::Fail:
            return "[CRITICAL]";
        case CheckStatus::Skip:
            return "[SKIPPED]";
    }
    return "?";
}

// What the first line says: the failures, then the warnings, then run-level notes; or
// how many checks passed.
std::string short_summary(const Report& report) {
    std::string problems;
    // A diagnosed problem is said by its cause: shorter than the summary, and the why.
    for (CheckStatus wanted : {CheckStatus::Fail, CheckStatus::Warn})
        for (const auto& c : report.checks)
            if (c.status == wanted)
                problems += (problems.empty() ? "" : "; ") + c.id + ": " +
                            (c.diagnosis ? c.diagnosis->cause : c.summary);
    for (const auto& note : report.notes) problems += (problems.empty() ? "" : "; ") + note;
    if (!problems.empty()) return problems;

    std::size_t skipped = 0;
    for (const auto& c : report.checks) skipped += c.status == CheckStatus::Skip;
    std::string took = " in " + milliseconds(report.duration_ms);
    if (skipped == 0)
        return "all " + std::to_string(report.checks.size()) + " checks passed" + took;
    return std::to_string(report.checks.size() - skipped) + " of " +
           std::to_string(report.checks.size()) + " checks passed, " + std::to_string(skipped) +
           " skipped" + took;
}

}  // namespace

std::string render_nagios(const Report& report, const Thresholds& thresholds) {
    std::string out = std::string("IMAP ") + to_string(report.overall()) + " - " +
                      line(short_summary(report)) + " |";
    for (const auto& p : perfdata(report, thresholds)) out += " " + to_string(p);
    out += "\n";
    for (const auto& c : report.checks) {
        out += std::string(state_label(c.status)) + " " + c.id + " " + milliseconds(c.duration_ms) +
               ": " + line(c.summary) + "\n";
        if (!c.diagnosis || c.status == CheckStatus::Pass || c.status == CheckStatus::Skip)
            continue;
        out += "    " + c.diagnosis->id + ": " + line(c.diagnosis->cause) + "\n";
        for (const auto& t : c.diagnosis->tries) out += "    try: " + line(t) + "\n";
        if (!c.diagnosis->evidence.empty())
            out += "    seen: " + line(c.diagnosis->evidence) + "\n";
    }
    for (const auto& alert : report.alerts) out += "ALERT from the server: " + line(alert) + "\n";
    return out;
}

std::string render_nagios_unknown(std::string_view message) {
    return "IMAP UNKNOWN - " + line(message) + "\n";
}

}  // namespace imapcheck

namespace imapcheck {

std::string render_fleet_nagios(const FleetReport& fleet) {
    const Overall overall = fleet.overall();
    const Overall floor = overall == Overall::Warning ? Overall::Warning : Overall::Critical;
    std::string summary;
    if (overall == Overall::Ok) {
        summary = "all " + std::to_string(fleet.targets.size()) + " accounts OK";
    } else {
        summary = std::to_string(fleet.count_at_least(floor)) + " of " +
                  std::to_string(fleet.targets.size()) + " accounts: ";
        std::size_t listed = 0;
        for (const auto& r : fleet.targets) {
            if (r.overall() < floor) continue;
            if (listed == 3) {
                summary += ", ...";
                break;
            }
            // "bob@mail2 login: ..." cut short: the long output has each in full.
            std::string problem = r.first_problem();
            if (problem.size() > 80) problem = problem.substr(0, 77) + "...";
            summary += (listed++ ? ", " : "") + r.name + " " + problem;
        }
    }
    std::string out = std::string("IMAP ") + to_string(overall) + " - " + line(summary) + " |";
    out += " ok=" + std::to_string(fleet.count(Overall::Ok)) +
           " warning=" + std::to_string(fleet.count(Overall::Warning)) +
           " critical=" + std::to_string(fleet.count(Overall::Critical)) +
           " unknown=" + std::to_string(fleet.count(Overall::Unknown)) +
           " time=" + seconds_from_ms(fleet.duration_ms) + "s\n";
    for (const auto& r : fleet.targets) {
        if (r.overall() == Overall::Ok) continue;
        out += "[" + std::string(to_string(r.overall())) + "] " + line(r.name) + " " +
               milliseconds(r.duration_ms) + ": " + line(r.first_problem()) + "\n";
    }
    return out;
}

}  // namespace imapcheck
