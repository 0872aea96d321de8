// imapcheck: baselines (baseline.hpp). A baseline is built from the report's check details,
// so it holds exactly what the run saw; the comparison rules are README's "Baselines" table.
#include "imapcheck/baseline.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "imapcheck/check.hpp"
#include "imapcheck/render.hpp"
#include "imapcheck/timestamp.hpp"

namespace imapcheck {
namespace {

const Json* passed_details(const Report& report, const char* id) {
    for (const auto& c : report.checks)
        if (c.id == id && (c.status == CheckStatus::Pass || c.status == CheckStatus::Warn))
            return &c.details;
    return nullptr;
}

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// Capabilities compared as a set, in capitals; AUTH= goes to auth_mechanisms instead.
Json capability_set(const Json& list) {
    std::set<std::string> out;
    if (list.is_array())
        for (const auto& c : list)
            if (c.is_string() && !upper(c.get<std::string>()).starts_with("AUTH="))
                out.insert(upper(c.get<std::string>()));
    return Json(std::vector<std::string>(out.begin(), out.end()));
}

Json auth_mechanisms(const Json& list) {
    std::set<std::string> out;
    if (list.is_array())
        for (const auto& c : list)
            if (c.is_string() && upper(c.get<std::string>()).starts_with("AUTH="))
                out.insert(upper(c.get<std::string>()).substr(5));
    return Json(std::vector<std::string>(out.begin(), out.end()));
}

bool is_special_use(const std::string& flag) {
    static const std::set<std::string> kFlags = {"\\ALL",  "\\ARCHIVE", "\\DRAFTS", "\\FLAGGED",
                                                 "\\JUNK", "\\SENT",    "\\TRASH"};
    return kFlags.count(upper(flag)) > 0;
}

// Messages may fall by this much before it is a failure: a tenth, for mail a test account
// itself deletes (README, "Baselines").
std::uint64_t tolerance_of(std::uint64_t messages) {
    return messages / 10;
}

// --- comparison --------------------------------------------------------------------------

struct Diff {
    Json changes = Json::array();
    std::vector<std::string> lines;
    CheckStatus worst = CheckStatus::Pass;

    void add(const std::string& field, CheckStatus verdict, const std::string& what,
             const Json& was, const Json& now, const std::string& line) {
        changes.push_back({{"field", field},
                           {"verdict", to_string(verdict)},
                           {"change", what},
                           {"was", was},
                           {"now", now}});
        lines.push_back(line);
        if (verdict == CheckStatus::Fail || worst == CheckStatus::Pass) worst = verdict;
    }
    // A lost member fails (or warns, as `lost` says), a new one warns.
    void sets(const std::string& field, const Json& was, const Json& now, const std::string& word,
              CheckStatus lost = CheckStatus::Fail) {
        std::set<std::string> a, b;
        for (const auto& v : was) a.insert(v.get<std::string>());
        for (const auto& v : now) b.insert(v.get<std::string>());
        for (const auto& v : a)
            if (!b.count(v)) add(field, lost, "lost", v, nullptr, "- " + word + " " + v);
        for (const auto& v : b)
            if (!a.count(v))
                add(field, CheckStatus::Warn, "new", nullptr, v, "+ " + word + " " + v);
    }
    void changed(const std::string& field, CheckStatus verdict, const Json& was, const Json& now,
                 const std::string& word) {
        auto shown = [](const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
        add(field, verdict, "changed", was, now, "- " + word + " " + shown(was));
        lines.push_back("+ " + word + " " + shown(now));
    }
};

int tls_rank(const std::string& version) {
    if (version == "TLSv1.3") return 4;
    if (version == "TLSv1.2") return 3;
    if (version == "TLSv1.1") return 2;
    if (version == "TLSv1") return 1;
    return 0;
}

std::string special_use_text(const Json& folder) {
    std::string out;
    for (const auto& f : folder["special_use"]) out += " " + f.get<std::string>();
    return out.empty() ? "" : " (" + out.substr(1) + ")";
}

void compare_folders(Diff& d, const Json& was, const Json& now) {
    std::map<std::string, Json> a, b;
    for (const auto& f : was) a[f["name"].get<std::string>()] = f;
    for (const auto& f : now) b[f["name"].get<std::string>()] = f;
    for (const auto& [name, f] : a) {
        auto it = b.find(name);
        if (it == b.end()) {
            d.add("folders", CheckStatus::Fail, "lost", f, nullptr,
                  "- folder " + name + special_use_text(f));
        } else if (f["special_use"] != it->second["special_use"]) {
            // A lost \Sent or \Drafts sends clients' copies elsewhere; a new one only warns.
            std::set<std::string> old_flags(f["special_use"].begin(), f["special_use"].end());
            bool lost = false;
            for (const auto& flag : old_flags)
                lost = lost ||
                       std::find(it->second["special_use"].begin(), it->second["special_use"].end(),
                                 flag) == it->second["special_use"].end();
            d.changed("folders", lost ? CheckStatus::Fail : CheckStatus::Warn, f, it->second,
                      "folder");
            d.lines.end()[-2] = "- folder " + name + special_use_text(f);
            d.lines.back() = "+ folder " + name + special_use_text(it->second);
        }
    }
    for (const auto& [name, f] : b)
        if (!a.count(name))
            d.add("folders", CheckStatus::Warn, "new", nullptr, f,
                  "+ folder " + name + special_use_text(f));
}

void compare_quota(Diff& d, const Json& was, const Json& now) {
    auto key = [](const Json& q) {
        return q["root"].get<std::string>() + " " + q["resource"].get<std::string>();
    };
    std::map<std::string, Json> a, b;
    for (const auto& q : was) a[key(q)] = q;
    for (const auto& q : now) b[key(q)] = q;
    for (const auto& [k, q] : a) {
        auto it = b.find(k);
        if (it == b.end())
            d.add("quota", CheckStatus::Fail, "lost", q, nullptr,
                  "- quota " + k + " limit " + q["limit"].dump());
        else if (q["limit"] != it->second["limit"])
            d.changed("quota", CheckStatus::Warn, q["limit"], it->second["limit"],
                      "quota " + k + " limit");
    }
    for (const auto& [k, q] : b)
        if (!a.count(k))
            d.add("quota", CheckStatus::Warn, "new", nullptr, q,
                  "+ quota " + k + " limit " + q["limit"].dump());
}

}  // namespace

std::string normalised_greeting(const std::string& greeting) {
    std::string g = greeting;
    auto open = g.find("[CAPABILITY ");
    if (open != std::string::npos) {
        auto close = g.find(']', open);
        if (close != std::string::npos)
            g.erase(open, close + 1 - open + (close + 1 < g.size() && g[close + 1] == ' '));
    }
    // Words with a digit, or long runs of letters and digits mixed: timestamps, host
    // serials, session ids. Each run of them becomes one "#".
    std::string out;
    std::istringstream words(g);
    std::string word;
    while (words >> word) {
        std::string masked;
        for (std::size_t i = 0; i < word.size();) {
            if (std::isdigit(static_cast<unsigned char>(word[i]))) {
                while (i < word.size() && (std::isalnum(static_cast<unsigned char>(word[i])) ||
                                           word[i] == ':' || word[i] == '-' || word[i] == '.')) {
                    if (word[i] == '.' && (i + 1 == word.size() ||
                                           !std::isalnum(static_cast<unsigned char>(word[i + 1]))))
                        break;
                    ++i;
                }
                masked += '#';
            } else {
                masked += word[i++];
            }
        }
        out += (out.empty() ? "" : " ") + masked;
    }
    return out;
}

Json baseline_of(const Report& report) {
    Json f = Json::object();
    if (const Json* d = passed_details(report, "connect"); d && d->contains("greeting"))
        f["greeting"] = normalised_greeting((*d)["greeting"].get<std::string>());
    if (const Json* d = passed_details(report, "capability")) {
        Json caps = Json::object();
        for (const char* when : {"before_tls", "before_login", "after_login"})
            if (d->contains(when)) caps[when] = capability_set((*d)[when]);
        f["capabilities"] = caps;
        if (d->contains("before_login"))
            f["auth_mechanisms"] = auth_mechanisms((*d)["before_login"]);
        if (d->contains("id") && (*d)["id"].is_object()) f["id"] = (*d)["id"];
    }
    if (const Json* d = passed_details(report, "tls"); d && d->contains("version")) {
        f["tls"] = {{"version", (*d)["version"]}, {"cipher", d->value("cipher", "")}};
        if (d->contains("issuer")) {
            f["certificate"] = {{"key_sha256", d->value("key_sha256", "")},
                                {"issuer", (*d)["issuer"]},
                                {"sans", d->value("sans", Json::array())}};
            // Dates as a window, not a value: any certificate that expires no earlier than
            // this one (a renewal) is no change; one that expires earlier is an older
            // certificate come back.
            if (d->contains("not_after"))
                f["certificate"]["expires_not_before"] = (*d)["not_after"];
        }
    }
    if (const Json* d = passed_details(report, "list")) {
        if (d->contains("namespace") && (*d)["namespace"].is_object())
            f["namespace"] = (*d)["namespace"];
        Json folders = Json::array();
        for (const auto& m : (*d)["mailboxes"]) {
            Json special = Json::array();
            for (const auto& flag : m["flags"])
                if (is_special_use(flag.get<std::string>())) special.push_back(flag);
            folders.push_back({{"name", m["name"]}, {"special_use", special}});
        }
        std::sort(folders.begin(), folders.end(),
                  [](const Json& a, const Json& b) { return a["name"] < b["name"]; });
        f["folders"] = folders;
    }
    Json mailbox = {{"name", report.target.mailbox}};
    if (const Json* d = passed_details(report, "status")) {
        if (d->contains("uidvalidity")) mailbox["uidvalidity"] = (*d)["uidvalidity"];
        if (d->contains("messages")) {
            mailbox["messages"] = (*d)["messages"];
            mailbox["messages_tolerance"] = tolerance_of((*d)["messages"].get<std::uint64_t>());
        }
    } else if (const Json* s = passed_details(report, "select")) {
        if (s->contains("uidvalidity")) mailbox["uidvalidity"] = (*s)["uidvalidity"];
    }
    if (mailbox.size() > 1) f["mailbox"] = mailbox;
    if (const Json* d = passed_details(report, "quota"); d && d->contains("resources")) {
        Json quota = Json::array();
        for (const auto& r : (*d)["resources"])
            if (r.contains("limit"))
                quota.push_back({{"root", r.value("root", d->value("root", ""))},
                                 {"resource", r["name"]},
                                 {"limit", r["limit"]}});
        f["quota"] = quota;
    }
    return {{"schema", kBaselineSchema},
            {"tool", {{"name", "imapcheck"}, {"version", kVersion}}},
            {"saved_at", utc_now_rfc3339()},
            {"target",
             {{"host", report.target.host},
              {"port", report.target.port},
              {"tls", report.target.tls},
              {"user", report.target.user},
              {"mailbox", report.target.mailbox}}},
            {"fields", f}};
}

CheckResult compare_baseline(const Json& saved, const Json& current,
                             const std::vector<std::string>& ignore, const std::string& file) {
    const Json& was = saved["fields"];
    const Json& now = current["fields"];
    Diff d;
    Json not_compared = Json::array(), compared = Json::array();
    auto ignored = [&](const std::string& field) {
        return std::find(ignore.begin(), ignore.end(), field) != ignore.end();
    };
    // A field is compared when the baseline has it and this run established it.
    auto both = [&](const std::string& field, const char* key) {
        if (ignored(field) || !was.contains(key)) return false;
        if (!now.contains(key)) {
            not_compared.push_back(field);
            return false;
        }
        compared.push_back(field);
        return true;
    };
    if (both("greeting", "greeting") && was["greeting"] != now["greeting"])
        d.changed("greeting", CheckStatus::Warn, was["greeting"], now["greeting"], "greeting");
    if (both("id", "id") && was["id"] != now["id"])
        d.changed("id", CheckStatus::Warn, was["id"], now["id"], "ID");
    if (both("capabilities", "capabilities"))
        for (const char* when : {"before_tls", "before_login", "after_login"})
            if (was["capabilities"].contains(when) && now["capabilities"].contains(when))
                d.sets("capabilities", was["capabilities"][when], now["capabilities"][when],
                       std::string("capability ") + when);
    if (both("auth_mechanisms", "auth_mechanisms"))
        d.sets("auth_mechanisms", was["auth_mechanisms"], now["auth_mechanisms"], "AUTH mechanism");
    if (both("tls", "tls")) {
        const std::string a = was["tls"]["version"], b = now["tls"]["version"];
        if (a != b)
            d.changed("tls", tls_rank(b) < tls_rank(a) ? CheckStatus::Fail : CheckStatus::Warn, a,
                      b, "TLS version");
        if (was["tls"]["cipher"] != now["tls"]["cipher"])
            d.changed("tls", CheckStatus::Warn, was["tls"]["cipher"], now["tls"]["cipher"],
                      "TLS cipher");
    }
    if (both("certificate", "certificate")) {
        const Json &a = was["certificate"], &b = now["certificate"];
        if (a["issuer"] != b["issuer"])
            d.changed("certificate", CheckStatus::Fail, a["issuer"], b["issuer"],
                      "certificate issuer");
        d.sets("certificate", a["sans"], b["sans"], "certificate name");
        if (a["issuer"] == b["issuer"] && a["sans"] == b["sans"] &&
            a["key_sha256"] != b["key_sha256"])
            d.changed("certificate", CheckStatus::Warn, a["key_sha256"], b["key_sha256"],
                      "certificate key SHA-256");
        // Of the same issuer and names (another issuer already fails). RFC 3339 UTC times
        // of one format compare as text.
        if (a["issuer"] == b["issuer"] && a["sans"] == b["sans"] &&
            a.contains("expires_not_before") && b.contains("expires_not_before") &&
            b["expires_not_before"].get<std::string>() < a["expires_not_before"].get<std::string>())
            d.changed("certificate", CheckStatus::Warn, a["expires_not_before"],
                      b["expires_not_before"], "certificate expiry");
    }
    if (both("namespace", "namespace") && was["namespace"] != now["namespace"])
        d.changed("namespace", CheckStatus::Warn, was["namespace"], now["namespace"], "namespace");
    if (both("folders", "folders")) compare_folders(d, was["folders"], now["folders"]);
    const bool same_mailbox = was.contains("mailbox") && now.contains("mailbox") &&
                              was["mailbox"]["name"] == now["mailbox"]["name"];
    if (same_mailbox && was["mailbox"].contains("uidvalidity") && both("uidvalidity", "mailbox") &&
        now["mailbox"].contains("uidvalidity") &&
        was["mailbox"]["uidvalidity"] != now["mailbox"]["uidvalidity"])
        d.changed("uidvalidity", CheckStatus::Fail, was["mailbox"]["uidvalidity"],
                  now["mailbox"]["uidvalidity"],
                  "UIDVALIDITY of " + now["mailbox"]["name"].get<std::string>());
    if (same_mailbox && was["mailbox"].contains("messages") && both("messages", "mailbox") &&
        now["mailbox"].contains("messages")) {
        const auto a = was["mailbox"]["messages"].get<std::uint64_t>();
        const auto b = now["mailbox"]["messages"].get<std::uint64_t>();
        const auto tolerance = was["mailbox"].value("messages_tolerance", std::uint64_t{0});
        if (b + tolerance < a)
            d.changed("messages", CheckStatus::Fail, a, b,
                      "messages in " + now["mailbox"]["name"].get<std::string>());
    }
    if (both("quota", "quota")) compare_quota(d, was["quota"], now["quota"]);

    Json details = {{"file", file},
                    {"saved_at", saved.value("saved_at", "")},
                    {"compared", compared},
                    {"changes", d.changes},
                    {"diff", d.lines}};
    if (!not_compared.empty()) details["not_compared"] = not_compared;
    if (!ignore.empty()) details["ignored"] = ignore;
    std::string summary;
    if (d.changes.empty()) {
        summary = "no change from the baseline of " + saved.value("saved_at", std::string("?")) +
                  " (" + std::to_string(compared.size()) + " fields compared)";
        return pass(summary, details);
    }
    std::size_t fails = 0;
    for (const auto& c : d.changes) fails += c["verdict"] == "fail";
    summary = std::to_string(d.changes.size()) + " change" + (d.changes.size() == 1 ? "" : "s") +
              " from the baseline (" + std::to_string(fails) + " failing): ";
    for (std::size_t i = 0; i < d.lines.size() && i < 3; ++i)
        summary += (i ? "; " : "") + d.lines[i];
    if (d.lines.size() > 3) summary += "; ...";
    CheckResult r = d.worst == CheckStatus::Fail ? fail(summary, details) : warn(summary, details);
    std::string evidence;
    for (const auto& line : d.lines) evidence += (evidence.empty() ? "" : "\n") + line;
    r.diagnosis = Diagnosis{"baseline.changed",
                            std::to_string(d.changes.size()) + " change" +
                                (d.changes.size() == 1 ? "" : "s") + " since the baseline of " +
                                saved.value("saved_at", std::string("?")) + ", " +
                                std::to_string(fails) + " of them failing",
                            {"if the deploy meant it: --save-baseline " + file + " again",
                             "a field a site knows will change: --baseline-ignore FIELD"},
                            evidence};
    return r;
}

}  // namespace imapcheck
