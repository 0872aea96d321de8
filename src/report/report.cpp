// imapcheck: overall status and exit code (docs/contract.md §3, the Nagios plugin convention):
// the worst check wins; --warn-time/--crit-time can raise it further.
#include "imapcheck/report.hpp"

#include <algorithm>

namespace imapcheck {

Overall Report::overall() const {
    Overall worst = Overall::Ok;
    for (const auto& c : checks) {
        if (c.status == CheckStatus::Fail) worst = std::max(worst, Overall::Critical);
        if (c.status == CheckStatus::Warn) worst = std::max(worst, Overall::Warning);
    }
    if (time_status) worst = std::max(worst, *time_status);
    if (!unknown_causes.empty()) worst = Overall::Unknown;
    return worst;
}

CheckResult* Report::find(std::string_view id) {
    for (auto& c : checks)
        if (c.id == id) return &c;
    return nullptr;
}

std::string Report::first_problem() const {
    if (const CheckResult* c = root_cause())
        return c->id + ": " + (c->diagnosis ? c->diagnosis->cause : c->summary);
    return notes.empty() ? "" : notes.front();
}

const CheckResult* Report::root_cause() const {
    for (CheckStatus wanted : {CheckStatus::Fail, CheckStatus::Warn})
        for (const auto& c : checks)
            if (c.status == wanted) return &c;
    return nullptr;
}

const char* to_string(CheckStatus status) {
    switch (status) {
        case CheckStatus::Pass: return "pass";
        case CheckStatus::Warn: return "warn";
        case CheckStatus::Fail: return "fail";
        case CheckStatus::Skip: return "skip";
    }
    return "?";
}

const char* to_string(Overall overall) {
    switch (overall) {
        case Overall::Ok: return "OK";
        case Overall::Warning: return "WARNING";
        case Overall::Critical: return "CRITICAL";
        case Overall::Unknown: return "UNKNOWN";
    }
    return "?";
}

Overall FleetReport::overall() const {
    Overall worst = Overall::Ok;
    for (const auto& r : targets) worst = std::max(worst, r.overall());
    return worst;
}

std::size_t FleetReport::count(Overall status) const {
    return static_cast<std::size_t>(std::count_if(
        targets.begin(), targets.end(), [&](const Report& r) { return r.overall() == status; }));
}

std::size_t FleetReport::count_at_least(Overall status) const {
    return static_cast<std::size_t>(std::count_if(
        targets.begin(), targets.end(), [&](const Report& r) { return r.overall() >= status; }));
}

}  // namespace imapcheck
