// imapcheck: the JSON report, schema "imapcheck.report/1" (SPEC §5). Keys are stable;
// new keys may be added, none renamed.
#include <cmath>

#include "imapcheck/render.hpp"

namespace imapcheck {
namespace {

double tenth(double ms) { return std::round(ms * 10.0) / 10.0; }

}  // namespace

std::string render_json(const Report& report) {
    Json j;
    j["schema"] = "imapcheck.report/1";
    j["tool"] = {{"name", "imapcheck"}, {"version", kVersion}};
    j["target"] = {{"host", report.target.host},
                   {"port", report.target.port},
                   {"tls", report.target.tls},
                   {"user", report.target.user},
                   {"mailbox", report.target.mailbox}};
    j["status"] = to_string(report.overall());
    j["exit_code"] = report.exit_code();
    j["started_at"] = report.started_at;
    j["duration_ms"] = tenth(report.duration_ms);
    Json checks = Json::array();
    for (const auto& c : report.checks) {
        checks.push_back({{"id", c.id},
                          {"status", to_string(c.status)},
                          {"duration_ms", tenth(c.duration_ms)},
                          {"summary", c.summary},
                          {"details", c.details}});
    }
    j["checks"] = std::move(checks);
    if (!report.alerts.empty()) j["alerts"] = report.alerts;
    if (!report.notes.empty()) j["notes"] = report.notes;
    // Server text may hold invalid UTF-8: replace it rather than fail the whole report.
    return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace imapcheck
