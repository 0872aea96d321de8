// imapcheck check `list`: LIST "" "*" (RFC 3501 §6.3.8, RFC 9051 §6.3.9): every mailbox,
// its flags and the hierarchy delimiter; names decoded from modified UTF-7 for the report.
#include <algorithm>
#include <cctype>

#include "diagnosis/mailbox_diagnosis.hpp"
#include "imapcheck/check.hpp"
#include "imapcheck/imap/mutf7.hpp"

namespace imapcheck {
namespace {

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
    MailboxList listed;
    std::size_t undecodable = 0;
    for (const auto& r : reply->untagged) {
        // * LIST (flags) delimiter name
        if (r.name != "LIST" || r.data.size() < 3 || r.data[0].kind != imap::Value::Kind::List)
            continue;
        if (!listed.delimiter && r.data[1].kind == imap::Value::Kind::String)
            listed.delimiter = r.data[1].text;
        if (!r.data[2].is_string_like()) continue;
        auto decoded = imap::decode_mutf7(r.data[2].text);
        if (!decoded) ++undecodable;
        std::string name = decoded ? decoded.value() : r.data[2].text;
        Json flags = Json::array();
        ListedMailbox entry{name, {}};
        for (const auto& f : r.data[0].items) {
            flags.push_back(f.text);
            entry.flags.push_back(f.text);
        }
        mailboxes.push_back({{"name", name}, {"flags", flags}});
        listed.mailboxes.push_back(std::move(entry));
    }
    const std::size_t count = listed.mailboxes.size();
    ctx.listed = std::move(listed);

    Json missing = Json::array();
    std::optional<Diagnosis> first_missing;
    for (const auto& wanted : ctx.config.expect_folders) {
        if (ctx.listed->find(wanted)) continue;
        missing.push_back(wanted);
        if (!first_missing)
            first_missing = diagnosis::missing("folder.missing", wanted, *ctx.listed,
                                               "LIST \"\" \"*\" has no " + wanted);
    }

    Json details = {{"count", count}};
    details["delimiter"] = ctx.listed->delimiter ? Json(*ctx.listed->delimiter) : Json(nullptr);
    details["mailboxes"] = std::move(mailboxes);
    details["missing"] = missing;

    std::string summary = std::to_string(count) + " mailbox" + (count == 1 ? "" : "es");
    if (ctx.listed->delimiter) summary += ", delimiter \"" + *ctx.listed->delimiter + "\"";
    if (!missing.empty()) {
        std::string list;
        for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m.get<std::string>();
        if (missing.size() > 1)
            first_missing->cause += " (and " + std::to_string(missing.size() - 1) + " more)";
        return fail("missing expected folder" + std::string(missing.size() > 1 ? "s" : "") + ": " +
                        list + " (" + summary + ")",
                    details)
            .because(*first_missing);
    }
    if (undecodable > 0)
        return warn(summary + "; " + std::to_string(undecodable) +
                        " name(s) are not valid modified UTF-7 and are shown as sent",
                    details)
            .because(protocol_deviation(
                std::to_string(undecodable) +
                    " folder name(s) are not valid modified UTF-7 (RFC 3501 §5.1.3)",
                "LIST"));
    return pass(summary, details);
}

}  // namespace imapcheck
