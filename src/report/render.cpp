// imapcheck: picks the renderer for --format and hands it the thresholds the run was
// judged by (the formats that show bounds beside values need them).
#include "imapcheck/render.hpp"

namespace imapcheck {

Thresholds Thresholds::from(const Config& config) {
    return {config.quota_warn,     config.quota_crit,   config.cert_warn_days,
            config.cert_crit_days, config.warn_time_ms, config.crit_time_ms};
}

std::string render(const Report& report, const Config& config) {
    switch (config.format) {
        case OutputFormat::Json:
            return render_json(report);
        case OutputFormat::Nagios:
            return render_nagios(report, Thresholds::from(config));
        case OutputFormat::Junit:
            return render_junit(report, Thresholds::from(config));
        case OutputFormat::Prometheus:
            return render_prometheus(report);
        case OutputFormat::Text:
            break;
    }
    return render_text(report, config.color);
}

}  // namespace imapcheck
