// imapcheck: --only, --skip and --quit-after as causes per check (selection.hpp). Names are
// validated when the config is built (target_rules.cpp); here an unknown one matches nothing.
#include "imapcheck/selection.hpp"

#include <algorithm>
#include <set>

namespace imapcheck {
namespace {

bool named(const std::vector<std::string>& names, std::string_view id) {
    return std::find(names.begin(), names.end(), id) != names.end();
}

// The --only checks with everything they need, through requires_checks, and logout with
// what it needs.
std::set<std::string_view> kept_by_only(const std::vector<std::string>& only,
                                        const std::vector<CheckShape>& checks) {
    std::set<std::string_view> kept;
    std::vector<std::string_view> todo;
    for (const auto& c : checks)
        if (named(only, c.id) || c.id == "logout") todo.push_back(c.id);
    while (!todo.empty()) {
        std::string_view id = todo.back();
        todo.pop_back();
        if (!kept.insert(id).second) continue;
        for (const auto& c : checks)
            if (c.id == id)
                for (auto needed : c.requires_checks) todo.push_back(needed);
    }
    return kept;
}

// The --skip cause of a check this one needs, known here (checks come after what they
// need), so that pipelining does not send ahead the command of a check that will be skipped.
std::string needs_skipped(const CheckShape& check, const std::vector<CheckShape>& checks,
                          const std::vector<Deselection>& so_far) {
    for (auto needed : check.requires_checks)
        for (std::size_t j = 0; j < checks.size() && j < so_far.size(); ++j)
            if (checks[j].id == needed && so_far[j].blocks) return so_far[j].cause;
    return "";
}

}  // namespace

const std::vector<CheckShape>& check_sequence() {
    static const std::vector<CheckShape> sequence = {
        {"connect", {}},           {"tls", {"connect"}},      {"capability", {"connect", "tls"}},
        {"login", {"capability"}}, {"list", {"login"}},       {"status", {"login"}},
        {"select", {"login"}},     {"search", {"select"}},    {"fetch", {"select"}},
        {"quota", {"login"}},      {"logout", {"capability"}}};
    return sequence;
}

std::vector<Deselection> deselect(const TargetConfig& config,
                                  const std::vector<CheckShape>& checks) {
    std::vector<Deselection> out(checks.size());
    std::set<std::string_view> kept;
    if (!config.only_checks.empty()) kept = kept_by_only(config.only_checks, checks);
    bool past_quit = false;
    for (std::size_t i = 0; i < checks.size(); ++i) {
        const std::string_view id = checks[i].id;
        if (named(config.skip_checks, id)) {
            out[i] = {"--skip " + std::string(id), true};
        } else if (auto cause = needs_skipped(checks[i], checks, out); !cause.empty()) {
            out[i] = {cause, true};
        } else if (past_quit && id != "logout") {
            out[i] = {"--quit-after " + config.quit_after, false};
        } else if (!config.only_checks.empty() && !kept.count(id)) {
            out[i] = {"not selected by --only", false};
        }
        if (id == config.quit_after) past_quit = true;
    }
    return out;
}

bool selection_logs_in(const TargetConfig& config) {
    const auto& checks = check_sequence();
    const std::vector<Deselection> out = deselect(config, checks);
    for (std::size_t i = 0; i < checks.size(); ++i)
        if (checks[i].id == "login") return out[i].cause.empty();
    return true;
}

std::optional<std::string> selection_conflict(const TargetConfig& config) {
    const auto& checks = check_sequence();
    const std::vector<Deselection> out = deselect(config, checks);
    // A check --only names must run: a skipped prerequisite would skip it (the runner passes
    // the cause down), and --quit-after before it would end the run first.
    for (const auto& wanted : config.only_checks) {
        for (std::size_t i = 0; i < checks.size(); ++i) {
            if (checks[i].id != wanted) continue;
            const std::string& cause = out[i].cause;
            if (cause.rfind("--skip ", 0) == 0)
                return "--only " + wanted + " needs " + cause.substr(7) + ", which " + cause +
                       " leaves out";
            if (cause.rfind("--quit-after ", 0) == 0)
                return "--only " + wanted + " comes after " + cause + ", so it would not run";
        }
    }
    // Every check left out (only --skip connect does it: everything needs connect): nothing
    // would be checked, and an empty run must not read as OK.
    for (const auto& d : out)
        if (d.cause.empty()) return std::nullopt;
    const std::string& first = out.front().cause;
    return first + " leaves nothing to check: every check needs " +
           first.substr(first.find(' ') + 1);
}

}  // namespace imapcheck
