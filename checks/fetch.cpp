// imapcheck check `fetch`: the newest message among the SEARCH hits (else the newest in the
// mailbox), read without side effects: BODY.PEEK never sets \Seen (RFC 3501 §6.4.5), and the
// text is a partial fetch of --fetch-bytes.
#include <algorithm>

#include "imapcheck/check.hpp"
#include "imapcheck/mail_header.hpp"

namespace imapcheck {
namespace {

// Items of every FETCH response for message `n` (a server may split them, RFC 3501 §7.4.2).
std::vector<const imap::Value*> fetch_items(const Reply& reply, std::uint64_t n) {
    std::vector<const imap::Value*> lists;
    for (const auto& r : reply.untagged)
        if (r.name == "FETCH" && r.number == n && !r.data.empty() &&
            r.data[0].kind == imap::Value::Kind::List)
            lists.push_back(&r.data[0]);
    return lists;
}

// The value after a key whose atom starts with `prefix` (e.g. "BODY[TEXT]" matches
// "BODY[TEXT]<0>"), across the lists.
const imap::Value* find_item(const std::vector<const imap::Value*>& lists, std::string_view prefix) {
    for (const auto* list : lists)
        for (std::size_t i = 0; i + 1 < list->items.size(); i += 2) {
            std::string key = list->items[i].text;
            for (char& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            if (list->items[i].kind == imap::Value::Kind::Atom && key.starts_with(prefix))
                return &list->items[i + 1];
        }
    return nullptr;
}

std::string human_size(std::uint64_t bytes) {
    char buf[32];
    if (bytes < 1024) return std::to_string(bytes) + " B";
    std::snprintf(buf, sizeof buf, bytes < 1024 * 1024 ? "%.1f KiB" : "%.1f MiB",
                  static_cast<double>(bytes) / (bytes < 1024 * 1024 ? 1024.0 : 1048576.0));
    return buf;
}

// The message to fetch: the newest SEARCH hit, else the newest message; nullopt when the
// mailbox is empty.
std::optional<std::uint64_t> fetch_target(const RunContext& ctx) {
    if (ctx.newest_hit) return ctx.newest_hit;
    if (ctx.session->exists().value_or(0) > 0) return ctx.session->exists();
    return std::nullopt;
}

std::unique_ptr<imap::Command> fetch_command(const TargetConfig& config, std::uint64_t target) {
    std::string items = "(UID FLAGS RFC822.SIZE BODY.PEEK[HEADER]";
    if (config.fetch_bytes > 0)
        items += " BODY.PEEK[TEXT]<0." + std::to_string(config.fetch_bytes) + ">";
    items += ")";
    auto command = std::make_unique<imap::Command>("FETCH");
    command->raw(std::to_string(target)).raw(items);
    return command;
}

}  // namespace

Plan plan_fetch(const RunContext& ctx) {
    // The message number comes from SEARCH's answer (or EXAMINE's when SEARCH could not run).
    if (!ctx.finished_check("search")) return Plan::unknown();
    auto target = fetch_target(ctx);
    return target ? Plan::of(fetch_command(ctx.config, *target)) : Plan::nothing();
}

CheckResult run_fetch(RunContext& ctx) {
    const TargetConfig& config = ctx.config;
    const std::optional<std::uint64_t> target = fetch_target(ctx);
    if (!target) return skip(config.mailbox + " is empty: nothing to fetch");
    const std::string which = ctx.newest_hit ? "newest match" : "newest message";
    auto reply = ctx.session->run(*fetch_command(config, *target), ctx.deadline);
    Json details = {{"message", *target}};
    if (!reply || !reply->ok()) return fail_reply("FETCH " + std::to_string(*target), reply, details);

    auto lists = fetch_items(*reply, *target);
    if (lists.empty())
        for (const auto& a : reply->anomalies)
            if (a.name == "FETCH" && a.number == *target)
                return deviation(fail("FETCH " + std::to_string(*target) +
                                          " answer could not be read (" + a.anomaly +
                                          "): " + a.sent,
                                      details));
    if (lists.empty())
        return deviation(
            fail("FETCH answered OK but returned no data for message " + std::to_string(*target),
                 details));
    const imap::Value* uid = find_item(lists, "UID");
    const imap::Value* size = find_item(lists, "RFC822.SIZE");
    const imap::Value* header = find_item(lists, "BODY[HEADER]");
    const imap::Value* text = config.fetch_bytes > 0 ? find_item(lists, "BODY[TEXT]") : nullptr;
    if (uid && uid->kind == imap::Value::Kind::Number) details["uid"] = uid->number;
    if (size && size->kind == imap::Value::Kind::Number) details["size"] = size->number;
    if (const imap::Value* flags = find_item(lists, "FLAGS"); flags && flags->kind == imap::Value::Kind::List) {
        Json f = Json::array();
        for (const auto& v : flags->items) f.push_back(v.text);
        details["flags"] = f;
    }
    std::uint64_t header_bytes = header && header->kind == imap::Value::Kind::String ? header->size : 0;
    std::uint64_t text_bytes = text && text->kind == imap::Value::Kind::String ? text->size : 0;
    details["header_bytes"] = header_bytes;
    if (config.fetch_bytes > 0) details["text_bytes"] = text_bytes;

    std::string subject, from;
    if (header && header->kind == imap::Value::Kind::String && !config.served_over_http) {
        MailHeader parsed = parse_mail_header(header->text);
        subject = parsed.subject;
        from = parsed.from;
        details["subject"] = parsed.subject;
        details["from"] = parsed.from;
        details["date"] = parsed.date;
    }

    std::vector<std::string> missing;
    if (!uid) missing.push_back("UID");
    if (!size) missing.push_back("RFC822.SIZE");
    if (!header) missing.push_back("BODY[HEADER]");
    if (config.fetch_bytes > 0 && !text) missing.push_back("BODY[TEXT]");
    if (!missing.empty()) {
        std::string list;
        for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
        return deviation(fail("FETCH " + std::to_string(*target) + " left out " + list, details));
    }
    if (text_bytes > config.fetch_bytes)
        return deviation(fail("server sent " + std::to_string(text_bytes) +
                                  " bytes of text for a partial fetch of " +
                                  std::to_string(config.fetch_bytes),
                              details));
    // RFC822.SIZE is the header plus the whole text: parts cannot add up to more, and when
    // the text came whole they must add up exactly.
    std::uint64_t total = size->number;
    bool whole_text = config.fetch_bytes > 0 && text_bytes < config.fetch_bytes;
    if (header_bytes + text_bytes > total || (whole_text && header_bytes + text_bytes != total))
        return deviation(warn("sizes disagree: RFC822.SIZE " + std::to_string(total) +
                                  " but header " + std::to_string(header_bytes) + " + text " +
                                  std::to_string(text_bytes) + " bytes",
                              details));

    std::string summary = which + " " + std::to_string(*target) + " (UID " + std::to_string(uid->number) +
                          ", " + human_size(total) + ")";
    if (!subject.empty()) summary += " \"" + subject + "\"";
    if (!from.empty()) summary += " from " + from;
    return pass(summary, details);
}

}  // namespace imapcheck
