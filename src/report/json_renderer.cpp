// imapcheck: the JSON report, schema "imapcheck.report/1" (docs/contract.md §5), and the fleet's,
// "imapcheck.fleet/1" (one report/1 object per target). Keys are stable; new keys may be
// added, none renamed.
#include <cmath>

#include "imapcheck/render.hpp"

namespace imapcheck {
namespace {

double tenth(double ms) { return std::round(ms * 10.0) / 10.0; }

}  // namespace

Json report_to_json(const Report& report) {
    Json j;
    j["schema"] = "imapcheck.report/1";
    if (!report.name.empty()) j["name"] = report.name;
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
        Json check = {{"id", c.id},
                      {"status", to_string(c.status)},
                      {"duration_ms", tenth(c.duration_ms)},
                      {"summary", c.summary},
                      {"details", c.details}};
        if (c.diagnosis)
            check["diagnosis"] = {{"class", c.diagnosis->id},
                                  {"cause", c.diagnosis->cause},
                                  {"try", c.diagnosis->tries},
                                  {"evidence", c.diagnosis->evidence}};
        checks.push_back(std::move(check));
    }
    j["checks"] = std::move(checks);
    if (!report.alerts.empty()) j["alerts"] = report.alerts;
    if (!report.notes.empty()) j["notes"] = report.notes;
    return j;
}

std::string render_json(const Report& report) {
    return dump_json(report_to_json(report));
}

std::string dump_json(const Json& j) {
    // Server text may hold invalid UTF-8: replace it rather than fail the whole report.
    return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace imapcheck

namespace imapcheck {

std::string render_fleet_json(const FleetReport& fleet) {
    Json j;
    j["schema"] = "imapcheck.fleet/1";
    j["tool"] = {{"name", "imapcheck"}, {"version", kVersion}};
    j["status"] = to_string(fleet.overall());
    j["exit_code"] = fleet.exit_code();
    j["started_at"] = fleet.started_at;
    j["duration_ms"] = tenth(fleet.duration_ms);
    j["summary"] = {{"targets", fleet.targets.size()},
                    {"ok", fleet.count(Overall::Ok)},
                    {"warning", fleet.count(Overall::Warning)},
                    {"critical", fleet.count(Overall::Critical)},
                    {"unknown", fleet.count(Overall::Unknown)}};
    Json targets = Json::array();
    for (const auto& report : fleet.targets) targets.push_back(report_to_json(report));
    j["targets"] = std::move(targets);
    return dump_json(j);
}

}  // namespace imapcheck
