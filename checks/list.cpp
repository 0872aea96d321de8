// imapcheck check `list`: LIST "" "*" (RFC 3501 §6.3.8, RFC 9051 §6.3.9): every mailbox,
// its flags and the hierarchy delimiter; names decoded from modified UTF-7 for the report.
// With NAMESPACE advertised (RFC 2342) it is asked once, in the same round trip, and an
// --expect-folder given without the personal prefix ("Sent" for "INBOX.Sent") is found.
// The server's ID (RFC 2971) goes in the same round trip when advertised, for baselines.
#include <algorithm>
#include <cctype>

#include "diagnosis/mailbox_diagnosis.hpp"
#include "imapcheck/check.hpp"
#include "imapcheck/imap/mutf7.hpp"

namespace imapcheck {
namespace {

// One namespace list of a NAMESPACE response: (("prefix" "delimiter") ...) or NIL.
Json namespace_list(const imap::Value& v) {
    Json out = Json::array();
    if (v.kind != imap::Value::Kind::List) return out;
    for (const auto& item : v.items) {
        if (item.kind != imap::Value::Kind::List || item.items.size() < 2 ||
            !item.items[0].is_string_like())
            continue;
        auto prefix = imap::decode_mutf7(item.items[0].text);
        Json entry = {{"prefix", prefix ? prefix.value() : item.items[0].text}};
        entry["delimiter"] = item.items[1].kind == imap::Value::Kind::String
                                 ? Json(item.items[1].text)
                                 : Json(nullptr);
        out.push_back(std::move(entry));
    }
    return out;
}

// * NAMESPACE personal other shared, as {"personal": [...], "other": [...], "shared": [...]};
// null when the server sent none that could be read.
Json read_namespace(const Result<Reply>& reply) {
    if (!reply || !reply->ok()) return nullptr;
    for (const auto& r : reply->untagged)
        if (r.name == "NAMESPACE" && r.data.size() >= 3)
            return {{"personal", namespace_list(r.data[0])},
                    {"other", namespace_list(r.data[1])},
                    {"shared", namespace_list(r.data[2])}};
    return nullptr;
}

// * ID ("name" "Dovecot" ...) as {"name": "Dovecot", ...} (a NIL value as null); null for
// * ID NIL or an answer that could not be read.
Json read_id(const Result<Reply>& reply) {
    if (!reply || !reply->ok()) return nullptr;
    for (const auto& r : reply->untagged) {
        if (r.name != "ID" || r.data.empty() || r.data[0].kind != imap::Value::Kind::List) continue;
        Json out = Json::object();
        const auto& items = r.data[0].items;
        for (std::size_t i = 0; i + 1 < items.size(); i += 2)
            if (items[i].is_string_like())
                out[items[i].text] = items[i + 1].kind == imap::Value::Kind::Nil
                                         ? Json(nullptr)
                                         : Json(items[i + 1].text);
        return out;
    }
    return nullptr;
}

// `wanted` as LIST named it, directly or under a personal namespace's prefix; null when
// it is neither.
const ListedMailbox* find_folder(const std::string& wanted, const MailboxList& listed,
                                 const Json& ns) {
    if (const ListedMailbox* direct = listed.find(wanted)) return direct;
    if (!ns.is_object()) return nullptr;
    for (const auto& personal : ns["personal"]) {
        std::string prefix = personal["prefix"].get<std::string>();
        if (prefix.empty() || wanted.starts_with(prefix)) continue;
        if (const ListedMailbox* prefixed = listed.find(prefix + wanted)) return prefixed;
    }
    return nullptr;
}

}  // namespace

Plan plan_list(const RunContext&) {
    auto command = std::make_unique<imap::Command>("LIST");
    command->string("").string("*");
    return Plan::of(std::move(command));
}

CheckResult run_list(RunContext& ctx) {
    Session& session = *ctx.session;
    // Sent ahead of LIST, so both cost one round trip; read before LIST's answer is judged.
    const imap::Command namespace_command("NAMESPACE");
    const bool asks_namespace =
        session.has_capability("NAMESPACE") && session.send_ahead(namespace_command, ctx.deadline);
    // ID NIL: we tell the server nothing about ourselves, and ask what it says it is.
    imap::Command id_command("ID");
    id_command.raw("NIL");
    const bool asks_id =
        session.has_capability("ID") && session.send_ahead(id_command, ctx.deadline);
    auto reply = session.run(*plan_list(ctx).command, ctx.deadline);
    Json ns = nullptr;
    if (asks_namespace) {
        ns = read_namespace(session.run(namespace_command, ctx.deadline));
        if (CheckResult* capability = ctx.report.find("capability"))
            capability->details["namespace"] = ns;
    }
    if (asks_id) {
        Json id = read_id(session.run(id_command, ctx.deadline));
        if (CheckResult* capability = ctx.report.find("capability")) capability->details["id"] = id;
    }
    if (!reply && reply.error().kind == Error::Kind::Closed && !session.any_answered_ahead()) {
        // LIST is the first step after login, and nothing sent since was answered: the
        // server hung up right after accepting the login. Say so, not "LIST failed".
        CheckResult r = fail_reply("LIST", reply);
        r.summary = "the session broke right after login: " + r.summary;
        if (r.diagnosis) r.diagnosis->cause = "right after login, " + r.diagnosis->cause;
        if (r.diagnosis)
            r.diagnosis->tries.insert(r.diagnosis->tries.begin(),
                                      "the server's log says why it closed the session after the "
                                      "login (a crash, a post-login script, a proxy's limit)");
        return r;
    }
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

    Json missing = Json::array(), resolved = Json::object();
    std::optional<Diagnosis> first_missing;
    for (const auto& wanted : ctx.config.expect_folders) {
        const ListedMailbox* found = find_folder(wanted, *ctx.listed, ns);
        if (found && !ctx.listed->find(wanted)) resolved[wanted] = found->name;
        if (found) continue;
        missing.push_back(wanted);
        Diagnosis d = diagnosis::missing("folder.missing", wanted, *ctx.listed,
                                         "LIST \"\" \"*\" has no " + wanted);
        if (!first_missing) {
            first_missing = std::move(d);
        } else {
            // Every missing folder gets its own hint, not only the first one.
            for (auto& t : d.tries) first_missing->tries.push_back(wanted + ": " + t);
        }
    }

    Json details = {{"count", count}};
    details["delimiter"] = ctx.listed->delimiter ? Json(*ctx.listed->delimiter) : Json(nullptr);
    details["mailboxes"] = std::move(mailboxes);
    details["missing"] = missing;
    if (asks_namespace) details["namespace"] = ns;
    if (!resolved.empty()) details["resolved"] = resolved;

    std::string summary = std::to_string(count) + " mailbox" + (count == 1 ? "" : "es");
    if (ctx.listed->delimiter) summary += ", delimiter \"" + *ctx.listed->delimiter + "\"";
    for (const auto& [given, real] : resolved.items())
        summary += ", " + given + " is " + real.get<std::string>();
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
        return deviation(warn(summary + "; " + std::to_string(undecodable) +
                                  " name(s) are not valid modified UTF-7 and are shown as sent",
                              details),
                         "LIST");
    return pass(summary, details);
}

}  // namespace imapcheck
