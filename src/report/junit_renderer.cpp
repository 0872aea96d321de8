// imapcheck: JUnit XML as GitLab (artifacts:reports:junit) and Jenkins (junit step) read it,
// the Ant/Surefire dialect: <testsuites><testsuite> with one <testcase> per check; fail is
// <failure>, skip is <skipped>, warn is <system-out>WARN: ...</system-out> plus a suite
// property. Text is XML 1.0-safe: escaped, valid UTF-8, forbidden characters stripped.
#include <cstdio>

#include "imapcheck/render.hpp"
#include "report/machine_text.hpp"

namespace imapcheck {
namespace {

// XML 1.0 allows #x9 #xA #xD, #x20-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF: after
// valid_utf8 only C0 controls and U+FFFE/U+FFFF remain to strip. In attributes, tab and
// line breaks become references, or parsers would normalise them to spaces.
std::string xml(std::string_view raw, bool attribute) {
    std::string text = valid_utf8(raw), out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\xEF' && text.compare(i, 2, "\xEF\xBF") == 0 && i + 2 < text.size() &&
            (text[i + 2] == '\xBE' || text[i + 2] == '\xBF')) {
            i += 2;
            continue;
        }
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            case '\t':
                out += attribute ? "&#9;" : "\t";
                break;
            case '\n':
                out += attribute ? "&#10;" : "\n";
                break;
            case '\r':
                out += "&#13;";
                break;
            default:
                if (static_cast<unsigned char>(c) >= 0x20) out += c;
        }
    }
    return out;
}

std::string seconds(double ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", ms / 1000.0);
    return buf;
}

std::string property(const std::string& name, std::string_view value) {
    return "      <property name=\"" + xml(name, true) + "\" value=\"" + xml(value, true) +
           "\"/>\n";
}

struct Case {
    std::string name;
    double ms = 0;
    CheckStatus status = CheckStatus::Pass;
    std::string summary;
    std::optional<Diagnosis> diagnosis = std::nullopt;
};

// A failure's message is its class, cause and what to try (a CI's one-line view shows only
// the message); the body adds the summary and what was seen.
std::string failure(const Case& c) {
    if (!c.diagnosis)
        return "      <failure message=\"" + xml(c.summary, true) + "\" type=\"fail\">" +
               xml(c.summary, false) + "</failure>\n";
    std::string body = c.summary + "\n" + c.diagnosis->id + ": " + c.diagnosis->cause + "\n";
    for (const auto& t : c.diagnosis->tries) body += "try: " + t + "\n";
    if (!c.diagnosis->evidence.empty()) body += "seen: " + c.diagnosis->evidence + "\n";
    std::string message = c.diagnosis->id + ": " + c.diagnosis->cause;
    for (const auto& t : c.diagnosis->tries) message += " Try: " + t + ".";
    return "      <failure message=\"" + xml(message, true) + "\" type=\"fail\">" +
           xml(body, false) + "</failure>\n";
}

std::string testcase(const Case& c, const std::string& classname) {
    std::string out = "    <testcase name=\"" + xml(c.name, true) + "\" classname=\"" +
                      xml(classname, true) + "\" time=\"" + seconds(c.ms) + "\">\n";
    switch (c.status) {
        case CheckStatus::Fail:
            out += failure(c);
            break;
        case CheckStatus::Skip:
            out += "      <skipped message=\"" + xml(c.summary, true) + "\"/>\n";
            break;
        case CheckStatus::Warn:
            out += "      <system-out>WARN: " + xml(c.summary, false) +
                   (c.diagnosis ? "\n" + xml(c.diagnosis->id + ": " + c.diagnosis->cause, false)
                                : "") +
                   "</system-out>\n";
            break;
        case CheckStatus::Pass:
            out += "      <system-out>PASS: " + xml(c.summary, false) + "</system-out>\n";
            break;
    }
    return out + "    </testcase>\n";
}

// With --warn-time or --crit-time the run's wall time is a test of its own, so a CRITICAL
// caused by time alone still shows as a failure in the CI's test view.
std::optional<Case> duration_case(const Report& report, const Thresholds& t) {
    if (!t.warn_time_ms && !t.crit_time_ms) return std::nullopt;
    Case c{"duration", report.duration_ms, CheckStatus::Pass, ""};
    if (report.time_status == Overall::Critical) c.status = CheckStatus::Fail;
    if (report.time_status == Overall::Warning) c.status = CheckStatus::Warn;
    for (const auto& note : report.notes) c.summary += (c.summary.empty() ? "" : "; ") + note;
    if (c.summary.empty()) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "run took %.1f ms, within", report.duration_ms);
        c.summary = buf;
        if (t.warn_time_ms) c.summary += " --warn-time " + decimal(*t.warn_time_ms) + " ms";
        if (t.crit_time_ms)
            c.summary += std::string(t.warn_time_ms ? " and" : "") + " --crit-time " +
                         decimal(*t.crit_time_ms) + " ms";
    }
    return c;
}

struct Suite {
    std::string xml;
    std::size_t tests = 0, failures = 0, skipped = 0;
};

std::string counts(std::size_t tests, std::size_t failures, std::size_t skipped, double ms) {
    return "tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
           "\" errors=\"0\" skipped=\"" + std::to_string(skipped) + "\" time=\"" + seconds(ms) +
           "\"";
}

// One <testsuite>: a test case per check (and the run's time when bounded); `name` is
// "imapcheck" for a single run, the target's name in a fleet.
Suite testsuite(const Report& report, const Thresholds& thresholds, const std::string& name) {
    std::vector<Case> cases;
    for (const auto& c : report.checks)
        cases.push_back({c.id, c.duration_ms, c.status, c.summary, c.diagnosis});
    if (auto d = duration_case(report, thresholds)) cases.push_back(*d);

    Suite suite;
    suite.tests = cases.size();
    for (const auto& c : cases) {
        suite.failures += c.status == CheckStatus::Fail;
        suite.skipped += c.status == CheckStatus::Skip;
    }
    // The Ant schema's timestamp has no zone designator; started_at is UTC.
    std::string timestamp = report.started_at;
    if (!timestamp.empty() && timestamp.back() == 'Z') timestamp.pop_back();
    const std::string target =
        report.target.user + "@" + report.target.host + ":" + std::to_string(report.target.port);

    std::string& out = suite.xml;
    out += "  <testsuite name=\"" + xml(name, true) + "\" " +
           counts(suite.tests, suite.failures, suite.skipped, report.duration_ms) +
           " timestamp=\"" + xml(timestamp, true) + "\">\n";
    out += "    <properties>\n";
    out += property("target", target) + property("tls", report.target.tls) +
           property("mailbox", report.target.mailbox);
    out += property("status", to_string(report.overall())) +
           property("exit_code", std::to_string(report.exit_code()));
    for (const auto& c : cases)
        if (c.status == CheckStatus::Warn) out += property("warn." + c.name, c.summary);
    for (const auto& alert : report.alerts) out += property("alert", alert);
    out += "    </properties>\n";
    for (const auto& c : cases) out += testcase(c, target);
    if (!report.alerts.empty()) {
        out += "    <system-out>";
        for (const auto& alert : report.alerts)
            out += "ALERT from the server: " + xml(alert, false) + "\n";
        out += "</system-out>\n";
    }
    out += "  </testsuite>\n";
    return suite;
}

const char* kXmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

}  // namespace

std::string render_junit(const Report& report, const Thresholds& thresholds) {
    Suite suite = testsuite(report, thresholds, "imapcheck");
    return std::string(kXmlDeclaration) + "<testsuites name=\"imapcheck\" " +
           counts(suite.tests, suite.failures, suite.skipped, report.duration_ms) + ">\n" +
           suite.xml + "</testsuites>\n";
}

std::string render_fleet_junit(const FleetReport& fleet) {
    std::string suites;
    std::size_t tests = 0, failures = 0, skipped = 0;
    for (const auto& report : fleet.targets) {
        Suite suite = testsuite(report, report.thresholds, report.name);
        tests += suite.tests;
        failures += suite.failures;
        skipped += suite.skipped;
        suites += suite.xml;
    }
    return std::string(kXmlDeclaration) + "<testsuites name=\"imapcheck\" " +
           counts(tests, failures, skipped, fleet.duration_ms) + ">\n" + suites + "</testsuites>\n";
}

}  // namespace imapcheck
