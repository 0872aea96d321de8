// imapcheck: picks the renderer for --format and hands it the thresholds the run was
// judged by (the formats that show bounds beside values need them).
#include "imapcheck/render.hpp"

namespace imapcheck {

std::string render(const Report& report, const OutputSettings& settings) {
    switch (settings.format) {
        case OutputFormat::Json:
            return render_json(report);
        case OutputFormat::Nagios:
            return render_nagios(report, report.thresholds);
        case OutputFormat::Junit:
            return render_junit(report, report.thresholds);
        case OutputFormat::Prometheus:
            return render_prometheus(report);
        case OutputFormat::Text:
            break;
    }
    return render_text(report, settings.color);
}

std::string render(const FleetReport& fleet, const OutputSettings& settings) {
    switch (settings.format) {
        case OutputFormat::Json:
            return render_fleet_json(fleet);
        case OutputFormat::Nagios:
            return render_fleet_nagios(fleet);
        case OutputFormat::Junit:
            return render_fleet_junit(fleet);
        case OutputFormat::Prometheus:
            return render_fleet_prometheus(fleet);
        case OutputFormat::Text:
            break;
    }
    return render_fleet_text(fleet, settings.color);
}

}  // namespace imapcheck
