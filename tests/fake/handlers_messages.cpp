// imapcheck fake server: message-level commands in the selected state — SEARCH, FETCH and their
// UID forms (RFC 3501 §6.4.4, §6.4.5, §6.4.8). A body fetch without .PEEK sets \Seen exactly
// like a real server and is recorded as a mutation: that is the bug these tests exist to catch.
#include <charconv>
#include <set>
#include <string>
#include <string_view>

#include "fake_command.hpp"
#include "fake_fetch_items.hpp"
#include "fake_handlers.hpp"
#include "fake_mailbox.hpp"

namespace imapcheck::fake::handlers {

namespace {

// Resolves a sequence set ("1:3,5,*") to 0-based message indexes. Sequence numbers outside the
// mailbox make the whole set invalid; UIDs that do not exist are simply skipped (RFC 3501 §9).
std::optional<std::set<std::size_t>> resolve_set(std::string_view set, const Mailbox& box,
                                                 bool by_uid) {
    uint32_t star = by_uid ? uid_next(box) - 1 : static_cast<uint32_t>(box.messages.size());
    auto number = [&](std::string_view s) -> std::optional<uint32_t> {
        if (s == "*") return star;
        uint32_t n = 0;
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (ec != std::errc{} || ptr != s.data() + s.size() || n == 0) return std::nullopt;
        return n;
    };
    std::set<std::size_t> out;
    while (!set.empty()) {
        auto comma = set.find(',');
        std::string_view range = set.substr(0, comma);
        set = comma == std::string_view::npos ? std::string_view() : set.substr(comma + 1);
        auto colon = range.find(':');
        auto lo = number(range.substr(0, colon));
        auto hi = colon == std::string_view::npos ? lo : number(range.substr(colon + 1));
        if (!lo || !hi) return std::nullopt;
        if (*lo > *hi) std::swap(lo, hi);
        for (std::size_t i = 0; i < box.messages.size(); ++i) {
            uint32_t key = by_uid ? box.messages[i].uid : static_cast<uint32_t>(i + 1);
            if (key >= *lo && key <= *hi) out.insert(i);
        }
        if (!by_uid && (*hi > box.messages.size() || *hi == 0)) return std::nullopt;
    }
    return out;
}

// The live copy of the selected mailbox (taken per command; handlers never hold the lock).
std::optional<Mailbox> selected_box(Session& s) {
    auto boxes = s.mailboxes();
    const Mailbox* box = find_mailbox(boxes, s.state().selected);
    if (box == nullptr) return std::nullopt;
    return *box;
}

void search_impl(Session& s, const Command& cmd, bool by_uid) {
    if (!require_selected(s, cmd)) return;
    auto box = selected_box(s);
    if (!box) return s.tagged(cmd, "NO selected mailbox vanished");
    ArgReader args(cmd);
    std::vector<std::pair<std::string, bool>> wanted;  // (flag, must be set)
    bool first = true;
    while (!args.done()) {
        if (!first && !args.space()) return s.tagged(cmd, "BAD malformed SEARCH");
        first = false;
        auto key = args.atom();
        if (!key) return s.tagged(cmd, "BAD malformed SEARCH");
        std::string k = to_upper(*key);
        if (k == "CHARSET") {  // only US-ASCII / UTF-8 make sense; the keys below are ASCII
            if (!args.space() || !args.astring()) return s.tagged(cmd, "BAD malformed CHARSET");
            continue;
        }
        if (k == "ALL") continue;
        bool negated = k.starts_with("UN");
        std::string base = negated ? k.substr(2) : k;
        if (base != "SEEN" && base != "ANSWERED" && base != "FLAGGED" && base != "DELETED" &&
            base != "DRAFT") {
            return s.tagged(cmd, "BAD unsupported SEARCH key " + k);
        }
        wanted.emplace_back("\\" + base, !negated);
    }
    std::string out = "* SEARCH";
    for (std::size_t i = 0; i < box->messages.size(); ++i) {
        const Message& m = box->messages[i];
        bool match = true;
        for (const auto& [flag, set] : wanted) match = match && has_token(m.flags, flag) == set;
        if (match) out += " " + std::to_string(by_uid ? m.uid : i + 1);
    }
    s.line(out);
    s.tagged(cmd, std::string("OK ") + (by_uid ? "UID " : "") + "SEARCH completed");
}

std::string flags_item(const Message& m) {
    return "FLAGS (" + join_words(m.flags) + ")";
}

// One "* n FETCH (...)" response, with literals for section data.
std::string fetch_response(std::size_t seq, const Message& m, const std::vector<FetchItem>& items,
                           bool by_uid, bool flags_changed) {
    std::vector<std::string> parts;
    bool has_uid = false, has_flags = false;
    for (const FetchItem& item : items) {
        switch (item.kind) {
            case FetchItem::Kind::Uid:
                has_uid = true;
                parts.push_back("UID " + std::to_string(m.uid));
                break;
            case FetchItem::Kind::Flags:
                has_flags = true;
                parts.push_back(flags_item(m));
                break;
            case FetchItem::Kind::Size:
                parts.push_back("RFC822.SIZE " + std::to_string(message_size(m)));
                break;
            case FetchItem::Kind::InternalDate:
                parts.push_back("INTERNALDATE \"" + m.internal_date + "\"");
                break;
            case FetchItem::Kind::Section: {
                std::string data = section_data(item, m);
                parts.push_back(item.label + " {" + std::to_string(data.size()) + "}\r\n" + data);
                break;
            }
        }
    }
    // RFC 3501 §6.4.8: UID FETCH responses always carry UID; §6.4.5: an implicit \Seen change
    // SHOULD be reported with FLAGS.
    if (by_uid && !has_uid) parts.insert(parts.begin(), "UID " + std::to_string(m.uid));
    if (flags_changed && !has_flags) parts.push_back(flags_item(m));
    return "* " + std::to_string(seq) + " FETCH (" + join_words(parts) + ")\r\n";
}

void fetch_impl(Session& s, const Command& cmd, bool by_uid) {
    if (!require_selected(s, cmd)) return;
    auto box = selected_box(s);
    if (!box) return s.tagged(cmd, "NO selected mailbox vanished");
    ArgReader args(cmd);
    auto set_text = args.sequence_set();
    if (!set_text || !args.space()) return s.tagged(cmd, "BAD FETCH expects: sequence-set items");
    auto indexes = resolve_set(*set_text, *box, by_uid);
    if (!indexes) return s.tagged(cmd, "BAD invalid message sequence set");
    FetchItems parsed = parse_fetch_items(args.rest());
    if (!parsed.error.empty()) return s.tagged(cmd, "BAD " + parsed.error);

    bool sets_seen = false;
    for (const FetchItem& item : parsed.items) sets_seen = sets_seen || item.sets_seen;
    if (sets_seen) s.note_mutation();
    for (std::size_t i : *indexes) {
        Message& m = box->messages[i];
        bool changed = sets_seen && !has_token(m.flags, "\\Seen");
        if (changed) {
            s.add_flag(box->name, m.uid, "\\Seen");
            m.flags.emplace_back("\\Seen");
        }
        s.send(fetch_response(i + 1, m, parsed.items, by_uid, changed));
    }
    s.tagged(cmd, std::string("OK ") + (by_uid ? "UID " : "") + "FETCH completed");
}

}  // namespace

void search(Session& s, const Command& cmd) {
    search_impl(s, cmd, false);
}

void fetch(Session& s, const Command& cmd) {
    fetch_impl(s, cmd, false);
}

void uid(Session& s, const Command& cmd) {
    ArgReader args(cmd);
    auto sub_name = args.atom();
    Command sub = cmd;
    sub.name = sub_name ? to_upper(*sub_name) : "";
    if (sub_name && !args.done() && !args.space()) sub.name.clear();
    sub.args = args.rest();
    if (sub.name == "FETCH") return fetch_impl(s, sub, true);
    if (sub.name == "SEARCH") return search_impl(s, sub, true);
    if (sub.name == "STORE" || sub.name == "COPY" || sub.name == "MOVE" || sub.name == "EXPUNGE") {
        sub.name = "UID " + sub.name;
        return refuse_mutation(s, sub);
    }
    s.tagged(cmd, "BAD unknown UID command");
}

}  // namespace imapcheck::fake::handlers
