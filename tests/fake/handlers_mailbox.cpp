// imapcheck fake server: mailbox-level commands — LIST, STATUS, EXAMINE (RFC 3501 §6.3; RFC 9051
// STATUS SIZE) and GETQUOTAROOT / GETQUOTA (RFC 9208, one root "User quota" covering all
// mailboxes). EXAMINE is the only way in: SELECT is refused as a would-be writer.
#include <string>
#include <string_view>

#include "fake_command.hpp"
#include "fake_handlers.hpp"
#include "fake_mailbox.hpp"

namespace imapcheck::fake::handlers {

namespace {

constexpr const char* kQuotaRoot = "User quota";

// RFC 3501 §6.3.8: '*' matches anything, '%' anything but the hierarchy delimiter '/'.
bool wildcard(std::string_view pattern, std::string_view name) {
    if (pattern.empty()) return name.empty();
    char p = pattern.front();
    if (p == '*' || p == '%') {
        for (std::size_t i = 0; i <= name.size(); ++i) {
            if (wildcard(pattern.substr(1), name.substr(i))) return true;
            if (i < name.size() && p == '%' && name[i] == '/') return false;
        }
        return false;
    }
    return !name.empty() && p == name.front() && wildcard(pattern.substr(1), name.substr(1));
}

bool list_matches(const std::string& pattern, const std::string& name) {
    if (iequals(name, "INBOX")) return wildcard(to_upper(pattern), "INBOX");
    return wildcard(pattern, name);
}

// Reads a single mailbox-name argument and looks it up; answers NO/BAD itself on failure.
const Mailbox* mailbox_arg(Session& s, const Command& cmd, const std::vector<Mailbox>& boxes,
                           ArgReader& args) {
    auto name = args.astring();
    if (!name) {
        s.tagged(cmd, "BAD " + cmd.name + " expects a mailbox name");
        return nullptr;
    }
    const Mailbox* box = find_mailbox(boxes, *name);
    if (box == nullptr) s.tagged(cmd, "NO [NONEXISTENT] Mailbox does not exist");
    return box;
}

void quota_line(Session& s) {
    auto [usage, limit] = *s.options().storage_quota;
    s.line(std::string("* QUOTA \"") + kQuotaRoot + "\" (STORAGE " + std::to_string(usage) + " " +
           std::to_string(limit) + ")");
}

}  // namespace

void list(Session& s, const Command& cmd) {
    if (!require_authenticated(s, cmd)) return;
    ArgReader args(cmd);
    if (args.peek() == '(') {
        s.tagged(cmd, "BAD LIST-EXTENDED selection options are not supported");
        return;
    }
    auto reference = args.astring();
    bool sp = reference && args.space();
    auto pattern = sp ? args.list_mailbox() : std::nullopt;
    if (!pattern || !args.done()) {
        s.tagged(cmd, "BAD LIST expects: reference mailbox-pattern");
        return;
    }
    if (pattern->empty()) {
        // RFC 3501 §6.3.8: an empty pattern asks for the hierarchy delimiter.
        s.line("* LIST (\\Noselect) \"/\" \"\"");
    } else {
        for (const Mailbox& box : s.mailboxes()) {
            if (!list_matches(*reference + *pattern, box.name)) continue;
            s.line("* LIST (" + join_words(box.list_flags) + ") \"/\" " + format_astring(box.name));
        }
    }
    s.tagged(cmd, "OK LIST completed");
}

void status(Session& s, const Command& cmd) {
    if (!require_authenticated(s, cmd)) return;
    auto boxes = s.mailboxes();
    ArgReader args(cmd);
    const Mailbox* box = mailbox_arg(s, cmd, boxes, args);
    if (box == nullptr) return;
    if (!args.space() || !args.consume('(')) {
        s.tagged(cmd, "BAD STATUS expects: mailbox (items)");
        return;
    }
    std::string out;
    while (auto item = args.atom()) {
        std::string name = to_upper(*item);
        uint64_t value = 0;
        if (name == "MESSAGES") {
            value = box->messages.size();
        } else if (name == "RECENT") {
            value = 0;
        } else if (name == "UIDNEXT") {
            value = uid_next(*box);
        } else if (name == "UIDVALIDITY") {
            value = box->uidvalidity;
        } else if (name == "UNSEEN") {
            value = count_without_flag(*box, "\\Seen");
        } else if (name == "SIZE") {
            value = mailbox_size(*box);
        } else {
            s.tagged(cmd, "BAD unsupported STATUS item " + name);
            return;
        }
        out += (out.empty() ? "" : " ") + name + " " + std::to_string(value);
        if (!args.space()) break;
    }
    if (!args.consume(')') || !args.done()) {
        s.tagged(cmd, "BAD STATUS item list is malformed");
        return;
    }
    s.line("* STATUS " + format_astring(box->name) + " (" + out + ")");
    s.tagged(cmd, "OK STATUS completed");
}

void examine(Session& s, const Command& cmd) {
    if (!require_authenticated(s, cmd)) return;
    // RFC 3501 §6.3.1: a failed SELECT/EXAMINE leaves no mailbox selected.
    s.state().phase = Phase::Authenticated;
    s.state().selected.clear();
    auto boxes = s.mailboxes();
    ArgReader args(cmd);
    const Mailbox* box = mailbox_arg(s, cmd, boxes, args);
    if (box == nullptr) return;
    if (!args.done()) {
        s.tagged(cmd, "BAD EXAMINE expects one mailbox name");
        return;
    }
    s.line("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
    s.line("* " + std::to_string(box->messages.size()) + " EXISTS");
    s.line("* 0 RECENT");
    s.line("* OK [PERMANENTFLAGS ()] No permanent flags permitted");
    s.line("* OK [UIDVALIDITY " + std::to_string(box->uidvalidity) + "] UIDs valid");
    s.line("* OK [UIDNEXT " + std::to_string(uid_next(*box)) + "] Predicted next UID");
    s.state().phase = Phase::Selected;
    s.state().selected = box->name;
    s.tagged(cmd, "OK [READ-ONLY] EXAMINE completed");
}

void getquotaroot(Session& s, const Command& cmd) {
    // Without the QUOTA capability the command does not exist, as on a real server.
    if (!s.options().storage_quota) return unknown(s, cmd);
    if (!require_authenticated(s, cmd)) return;
    auto boxes = s.mailboxes();
    ArgReader args(cmd);
    const Mailbox* box = mailbox_arg(s, cmd, boxes, args);
    if (box == nullptr) return;
    s.line("* QUOTAROOT " + format_astring(box->name) + " \"" + kQuotaRoot + "\"");
    quota_line(s);
    s.tagged(cmd, "OK GETQUOTAROOT completed");
}

void getquota(Session& s, const Command& cmd) {
    if (!s.options().storage_quota) return unknown(s, cmd);
    if (!require_authenticated(s, cmd)) return;
    ArgReader args(cmd);
    auto root = args.astring();
    if (!root || !args.done()) {
        s.tagged(cmd, "BAD GETQUOTA expects a quota root");
        return;
    }
    if (*root != kQuotaRoot) {
        s.tagged(cmd, "NO [NONEXISTENT] No such quota root");
        return;
    }
    quota_line(s);
    s.tagged(cmd, "OK GETQUOTA completed");
}

}  // namespace imapcheck::fake::handlers
