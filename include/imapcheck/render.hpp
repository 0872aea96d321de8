// imapcheck: report renderers (docs/contract.md §5 JSON, §6 text; Nagios plugin output, JUnit XML,
// Prometheus text format for the tools administrators already run): pure functions
// Report -> string.
#pragma once

#include <optional>
#include <string>

#include "imapcheck/config.hpp"
#include "imapcheck/report.hpp"
#include "imapcheck/version.hpp"

namespace imapcheck {

std::string render_text(const Report& report, bool color);
std::string render_json(const Report& report);
// The imapcheck.report/1 object, for reports that hold several (the fleet's).
Json report_to_json(const Report& report);
// Indented, with invalid UTF-8 from servers replaced, and a final line break.
std::string dump_json(const Json& j);

// Monitoring Plugins output: "IMAP <STATE> - summary | perfdata", then one line per check.
std::string render_nagios(const Report& report, const Thresholds& thresholds);
// The plugin line for a run that never started (a usage error): "IMAP UNKNOWN - message".
std::string render_nagios_unknown(std::string_view message);
// JUnit XML: one <testsuite>, one <testcase> per check, as GitLab and Jenkins read it.
std::string render_junit(const Report& report, const Thresholds& thresholds);
// Prometheus text exposition format 0.0.4, for node_exporter's textfile collector.
std::string render_prometheus(const Report& report);

struct FleetReport;
// The fleet's reports (fleet.hpp) in each format: the same shapes with a target in each.
std::string render_fleet_text(const FleetReport& fleet, bool color);
std::string render_fleet_json(const FleetReport& fleet);
std::string render_fleet_nagios(const FleetReport& fleet);
std::string render_fleet_junit(const FleetReport& fleet);
std::string render_fleet_prometheus(const FleetReport& fleet);
std::string render(const FleetReport& fleet, const OutputSettings& settings);

// The report in the format the settings ask for, judged by the report's own thresholds.
std::string render(const Report& report, const OutputSettings& settings);

// Server-supplied text made safe for a terminal or a one-line summary.
std::string printable(std::string_view text);

}  // namespace imapcheck
