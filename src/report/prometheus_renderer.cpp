// imapcheck: Prometheus text exposition format 0.0.4, for node_exporter's textfile
// collector (-o /var/lib/node_exporter/textfile_collector/imapcheck.prom): gauges with
// # HELP and # TYPE, no timestamps, labels host and user on every sample. HELP texts are
// fixed, so files from several accounts merge in one collector.
#include <unordered_set>
#include <vector>

#include "imapcheck/render.hpp"
#include "report/machine_text.hpp"

namespace imapcheck {
namespace {

struct Family {
    const char* name;
    const char* help;
    std::vector<std::pair<std::string, std::string>> samples;  // labels, value
    std::unordered_set<std::string> seen = {};  // the label sets of `samples` (a fleet has many)

    // A series appears once: a repeated label set (a server listing a resource twice) is dropped.
    void add(std::string labels, std::string value) {
        if (!seen.insert(labels).second) return;
        samples.emplace_back(std::move(labels), std::move(value));
    }
};

std::string label(const char* name, std::string_view value) {
    return std::string(",") + name + "=\"" + prometheus_label_value(value) + "\"";
}

int status_number(CheckStatus s) {
    switch (s) {
        case CheckStatus::Pass:
            return 0;
        case CheckStatus::Warn:
            return 1;
        case CheckStatus::Fail:
            return 2;
        case CheckStatus::Skip:
            return 3;
    }
    return 3;
}

// The families of the single-run format, in the order they are written. HELP texts are
// fixed, so files from several accounts merge in one collector.
struct Families {
    Family up{"imapcheck_up",
              "1 when the last run ended OK or WARNING (exit code 0 or 1), 0 when it did not.",
              {}};
    Family exit_code{"imapcheck_exit_code",
                     "Exit code of the last run: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (Nagios "
                     "plugin convention).",
                     {}};
    Family duration{"imapcheck_duration_seconds", "Wall time of the whole run in seconds.", {}};
    Family status{
        "imapcheck_check_status", "Result of each check: 0 pass, 1 warn, 2 fail, 3 skip.", {}};
    Family check_duration{"imapcheck_check_duration_seconds",
                          "Wall time of each check in seconds (about 0 when skipped).",
                          {}};
    Family messages{"imapcheck_mailbox_messages", "Messages in the mailbox (STATUS MESSAGES).", {}};
    Family unseen{
        "imapcheck_mailbox_unseen", "Unseen messages in the mailbox (STATUS UNSEEN).", {}};
    Family search_matches{
        "imapcheck_search_matches", "Messages in the mailbox that match --search (SEARCH).", {}};
    Family quota_usage{
        "imapcheck_quota_usage",
        "Quota usage per resource from GETQUOTAROOT: STORAGE and ANNOTATION-STORAGE in bytes (the "
        "server's KiB times 1024), MESSAGE in messages, others in the server's units.",
        {}};
    Family quota_limit{
        "imapcheck_quota_limit",
        "Quota limit per resource from GETQUOTAROOT: STORAGE and ANNOTATION-STORAGE in bytes (the "
        "server's KiB times 1024), MESSAGE in messages, others in the server's units.",
        {}};
    Family problem{"imapcheck_check_problem_info",
                   "1 for each check that warned or failed, labelled with the class of its "
                   "diagnosis (README, Diagnosing a server).",
                   {}};
    Family error{"imapcheck_error_info",
                 "1 for each reason the run could not be judged (UNKNOWN): a configuration "
                 "that could not be applied, a run that could not start, an internal error.",
                 {}};
    Family cert_expiry{"imapcheck_certificate_expiry_timestamp_seconds",
                       "Unix time at which the server's TLS certificate expires (its notAfter).",
                       {}};

    std::vector<Family*> all() {
        return {&up,          &exit_code,   &duration,   &status, &check_duration,
                &problem,     &error,       &messages,   &unseen, &search_matches,
                &quota_usage, &quota_limit, &cert_expiry};
    }
};

// Adds one report's samples; every label set begins with `base` (host, user, and a fleet's
// target), written without a leading comma.
void collect(const Report& report, const std::string& base, Families& f) {
    f.up.add(base, report.exit_code() <= 1 ? "1" : "0");
    f.exit_code.add(base, std::to_string(report.exit_code()));
    f.duration.add(base, seconds_from_ms(report.duration_ms));
    for (const auto& cause : report.unknown_causes) f.error.add(base + label("cause", cause), "1");
    for (const auto& c : report.checks) {
        f.status.add(base + label("check", c.id), std::to_string(status_number(c.status)));
        f.check_duration.add(base + label("check", c.id), seconds_from_ms(c.duration_ms));
        if (c.status == CheckStatus::Skip) continue;
        if (c.diagnosis && c.status != CheckStatus::Pass)
            f.problem.add(base + label("check", c.id) + label("class", c.diagnosis->id), "1");
        const Json& d = c.details;
        if (c.id == "status") {
            std::string mailbox = label("mailbox", d.contains("mailbox") && d["mailbox"].is_string()
                                                       ? d["mailbox"].get<std::string>()
                                                       : report.target.mailbox);
            if (auto v = unsigned_at(d, "messages"))
                f.messages.add(base + mailbox, std::to_string(*v));
            if (auto v = unsigned_at(d, "unseen")) f.unseen.add(base + mailbox, std::to_string(*v));
        } else if (c.id == "search") {
            if (auto v = unsigned_at(d, "count"))
                f.search_matches.add(base + label("mailbox", report.target.mailbox),
                                     std::to_string(*v));
        } else if (c.id == "tls") {
            if (auto v = integer_at(d, "not_after_epoch"))
                f.cert_expiry.add(base, std::to_string(*v));
        } else if (c.id == "quota") {
            std::string root =
                d.contains("root") && d["root"].is_string() ? d["root"].get<std::string>() : "";
            for (const auto& q : quota_figures(d)) {
                std::string labels =
                    base + label("resource", q.name) + label("root", q.root.value_or(root));
                if (q.usage) f.quota_usage.add(labels, std::to_string(*q.usage));
                if (q.limit) f.quota_limit.add(labels, std::to_string(*q.limit));
            }
        }
    }
}

std::string base_labels(const Report& report, bool with_target) {
    std::string base = "host=\"" + prometheus_label_value(report.target.host) + "\",user=\"" +
                       prometheus_label_value(report.target.user) + "\"";
    return with_target ? "target=\"" + prometheus_label_value(report.name) + "\"," + base : base;
}

std::string write(Families& families) {
    std::string out;
    for (const Family* f : families.all()) {
        if (f->samples.empty()) continue;
        out += std::string("# HELP ") + f->name + " " + f->help + "\n";
        out += std::string("# TYPE ") + f->name + " gauge\n";
        for (const auto& [labels, value] : f->samples)
            out += std::string(f->name) + "{" + labels + "} " + value + "\n";
    }
    return out;
}

}  // namespace

std::string render_prometheus(const Report& report) {
    Families families;
    collect(report, base_labels(report, false), families);
    return write(families);
}

std::string render_fleet_prometheus(const FleetReport& fleet) {
    Families families;
    for (const auto& report : fleet.targets) collect(report, base_labels(report, true), families);
    return write(families);
}

}  // namespace imapcheck
