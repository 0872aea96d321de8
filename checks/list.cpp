// imapcheck check `list`: LIST "" "*" (RFC 3501 §6.3.8, RFC 9051 §6.3.9): every mailbox,
// its flags and the hierarchy delimiter; names decoded from modified UTF-7 for the report.
#include <algorithm>
#include <cctype>

#include "imapcheck/check.hpp"
#include "imapcheck/imap/mutf7.hpp"

namespace imapcheck {
namespace {

// INBOX is case-insensitive (RFC 3501 §5.1); every other name is compared as is.
bool same_mailbox(const std::string& a, const std::string& b) {
    auto upper = [](std::string s) {
        for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return s;
    };
    if (upper(a) == "INBOX" || upper(b) == "INBOX") return upper(a) == upper(b);
    return a == b;
}

}  // namespace

Plan plan_list(const RunContext&) {
    auto command = std::make_unique<imap::Command>("LIST");
    command->string("").string("*");
    return Plan::of(std::move(command));
}

CheckResult run_list(RunContext& ctx) {
    auto reply = ctx.session->run(*plan_list(ctx).command, ctx.deadline);
    if (!reply || !reply->ok()) return fail_reply("LIST", reply);

    Json mailboxes = Json::array();
    std::vector<std::string> names;
    std::optional<std::string> delimiter;
    std::size_t undecodable = 0;
    for (const auto& r : reply->untagged) {
        // * LIST (flags) delimiter name
        if (r.name != "LIST" || r.data.size() < 3 || r.data[0].kind != imap::Value::Kind::List)
            continue;
        if (!delimiter && r.data[1].kind == imap::Value::Kind::String)
            delimiter = r.data[1].text;
        if (!r.data[2].is_string_like()) continue;
        auto decoded = imap::decode_mutf7(r.data[2].text);
        if (!decoded) ++undecodable;
        std::string name = decoded ? decoded.value() : r.data[2].text;
        Json flags = Json::array();
        for (const auto& f : r.data[0].items) flags.push_back(f.text);
        mailboxes.push_back({{"name", name}, {"flags", flags}});
        names.push_back(std::move(name));
    }

    Json missing = Json::array();
    for (const auto& wanted : ctx.config.expect_folders)
        if (std::none_of(names.begin(), names.end(),
                         [&](const std::string& n) { return same_mailbox(n, wanted); }))
            missing.push_back(wanted);

    Json details = {{"count", names.size()}};
    details["delimiter"] = delimiter ? Json(*delimiter) : Json(nullptr);
    details["mailboxes"] = std::move(mailboxes);
    details["missing"] = missing;

    std::string summary = std::to_string(names.size()) + " mailbox" + (names.size() == 1 ? "" : "es");
    if (delimiter) summary += ", delimiter \"" + *delimiter + "\"";
    if (!missing.empty()) {
        std::string list;
        for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m.get<std::string>();
        return fail("missing expected folder" + std::string(missing.size() > 1 ? "s" : "") + ": " +
                        list + " (" + summary + ")",
                    details);
    }
    if (undecodable > 0)
        return warn(summary + "; " + std::to_string(undecodable) +
                        " name(s) are not valid modified UTF-7 and are shown as sent",
                    details);
    return pass(summary, details);
}

}  // namespace imapcheck
