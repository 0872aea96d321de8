// imapcheck check `quota`: GETQUOTAROOT "<mailbox>" (RFC 9208, formerly RFC 2087).
// Usage against --quota-warn/--quota-crit percent. Servers name roots as they like ("",
// "User quota", "user.alice"), may list several, or a root with no resources.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "imapcheck/check.hpp"

namespace imapcheck {
namespace {

struct Resource {
    std::string root, name;
    std::uint64_t usage = 0, limit = 0;
    double percent = 0;
};

std::string human_kib(std::uint64_t kib) {
    char buf[32];
    if (kib < 1024) return std::to_string(kib) + " KiB";
    double v = static_cast<double>(kib) / 1024.0;
    const char* unit = "MiB";
    if (v >= 1024) {
        v /= 1024;
        unit = "GiB";
    }
    std::snprintf(buf, sizeof buf, "%.1f %s", v, unit);
    return buf;
}

std::string describe(const Resource& r) {
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.1f%%", r.percent);
    std::string amounts;
    if (r.name == "STORAGE")
        amounts = human_kib(r.usage) + " of " + human_kib(r.limit);
    else if (r.name == "MESSAGE")
        amounts = std::to_string(r.usage) + " of " + std::to_string(r.limit) + " messages";
    else
        amounts = std::to_string(r.usage) + " of " + std::to_string(r.limit);
    return r.name + " " + pct + " used (" + amounts + ")";
}

}  // namespace

Plan plan_quota(const RunContext& ctx) {
    if (!ctx.session->has_capability("QUOTA")) return Plan::nothing();
    auto command = std::make_unique<imap::Command>("GETQUOTAROOT");
    command->mailbox(ctx.config.mailbox);
    return Plan::of(std::move(command));
}

CheckResult run_quota(RunContext& ctx) {
    const TargetConfig& config = ctx.config;
    Plan plan = plan_quota(ctx);
    if (plan.kind == Plan::Kind::Nothing) return skip("server does not advertise QUOTA");
    // A missing mailbox has no quota root; `status` said so once already.
    if (!ctx.mailbox_problem.empty()) return skip(ctx.mailbox_problem + " (see status)");
    auto reply = ctx.session->run(*plan.command, ctx.deadline);
    if (!reply || !reply->ok()) return fail_reply("GETQUOTAROOT " + config.mailbox, reply);

    std::vector<std::string> roots;
    std::vector<Resource> resources;
    for (const auto& r : reply->untagged) {
        if (r.name == "QUOTAROOT") {  // * QUOTAROOT mailbox root...
            for (std::size_t i = 1; i < r.data.size(); ++i)
                if (r.data[i].is_string_like()) roots.push_back(r.data[i].text);
        } else if (r.name == "QUOTA" && r.data.size() >= 2 &&
                   r.data[1].kind == imap::Value::Kind::List) {  // * QUOTA root (NAME use limit ...)
            const auto& items = r.data[1].items;
            for (std::size_t i = 0; i + 2 < items.size(); i += 3) {
                if (items[i + 1].kind != imap::Value::Kind::Number ||
                    items[i + 2].kind != imap::Value::Kind::Number)
                    continue;
                Resource res{r.data[0].text, items[i].text, items[i + 1].number, items[i + 2].number, 0};
                for (char& c : res.name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                res.percent = res.limit > 0 ? 100.0 * static_cast<double>(res.usage) / static_cast<double>(res.limit)
                                            : (res.usage > 0 ? 100.0 : 0.0);
                resources.push_back(res);
            }
        }
    }

    Json details = Json::object();
    details["root"] = roots.empty() ? Json(nullptr) : Json(roots.front());
    if (roots.size() > 1) details["roots"] = roots;
    Json list = Json::array();
    for (const auto& r : resources) {
        Json entry = {{"name", r.name}, {"usage", r.usage}, {"limit", r.limit},
                      {"percent", std::round(r.percent * 10) / 10}};
        if (roots.size() > 1) entry["root"] = r.root;
        list.push_back(entry);
    }
    details["resources"] = list;
    if (resources.empty())
        return pass(roots.empty() ? "no quota applies to " + config.mailbox
                                  : "quota root \"" + roots.front() + "\" sets no limits",
                    details);

    std::string summary;
    const Resource* worst = &resources.front();
    for (const auto& r : resources) {
        summary += (summary.empty() ? "" : ", ") + describe(r);
        if (r.percent > worst->percent) worst = &r;
    }
    // Which resource crossed which bound, so the fix is aimed at the right one.
    auto crossed = [&](const char* id, const char* option, double bound) {
        char words[200];
        std::snprintf(words, sizeof words, "%s of quota root \"%s\" is %.1f%% used, over %s %g%%",
                      worst->name.c_str(), worst->root.c_str(), worst->percent, option, bound);
        return Diagnosis{id,
                         words,
                         {"free space in the mailbox (expunge old mail, empty Trash)",
                          "or raise the quota of " + config.user},
                         worst->name + " " + std::to_string(worst->usage) + " of " +
                             std::to_string(worst->limit)};
    };
    if (worst->percent >= config.quota_crit)
        return fail(summary, details)
            .because(crossed("quota.full", "--quota-crit", config.quota_crit));
    if (worst->percent >= config.quota_warn)
        return warn(summary, details)
            .because(crossed("quota.warn", "--quota-warn", config.quota_warn));
    return pass(summary, details);
}

}  // namespace imapcheck
