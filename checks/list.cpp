// imapcheck check `list`: LIST "" "*" (RFC 3501 §6.3.8, RFC 9051 §6.3.9): every mailbox,
// its flags and the hierarchy delimiter; names decoded from modified UTF-7 for the report.
// With NAMESPACE advertised (RFC 2342) it is asked once, in the same round trip, and an
// --expect-folder given without the personal prefix ("Sent" for "INBOX.Sent") is found.
// The server's ID (RFC 2971) goes in the same round trip when advertised, for baselines.
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

// `wanted` as one of `names`, directly or under a personal namespace's prefix.
std::optional<std::string> find_folder(const std::string& wanted,
                                       const std::vector<std::string>& names, const Json& ns) {
    for (const auto& n : names)
        if (same_mailbox(n, wanted)) return n;
    if (!ns.is_object()) return std::nullopt;
    for (const auto& personal : ns["personal"]) {
        std::string prefix = personal["prefix"].get<std::string>();
        if (prefix.empty() || wanted.starts_with(prefix)) continue;
        for (const auto& n : names)
            if (n == prefix + wanted) return n;
    }
    return std::nullopt;
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

    Json missing = Json::array(), resolved = Json::object();
    for (const auto& wanted : ctx.config.expect_folders) {
        auto found = find_folder(wanted, names, ns);
        if (!found)
            missing.push_back(wanted);
        else if (!same_mailbox(*found, wanted))
            resolved[wanted] = *found;
    }

    Json details = {{"count", names.size()}};
    details["delimiter"] = delimiter ? Json(*delimiter) : Json(nullptr);
    details["mailboxes"] = std::move(mailboxes);
    details["missing"] = missing;
    if (asks_namespace) details["namespace"] = ns;
    if (!resolved.empty()) details["resolved"] = resolved;

    std::string summary = std::to_string(names.size()) + " mailbox" + (names.size() == 1 ? "" : "es");
    if (delimiter) summary += ", delimiter \"" + *delimiter + "\"";
    for (const auto& [given, real] : resolved.items())
        summary += ", " + given + " is " + real.get<std::string>();
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
