// imapcheck: mailbox name suggestions (see mailbox_diagnosis.hpp). Only names the server
// listed are ever suggested; each says why it was chosen.
#include "diagnosis/mailbox_diagnosis.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "imapcheck/words.hpp"

namespace imapcheck {

bool has_flag(const ListedMailbox& m, const char* flag) {
    auto lower_of = [](std::string s) {
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    return std::any_of(m.flags.begin(), m.flags.end(),
                       [&](const std::string& f) { return lower_of(f) == lower_of(flag); });
}

const ListedMailbox* MailboxList::find(const std::string& name) const {
    auto upper = [](std::string s) {
        for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return s;
    };
    // INBOX is case-insensitive (RFC 3501 §5.1); every other name is compared as is.
    for (const auto& m : mailboxes)
        if (upper(name) == "INBOX" || upper(m.name) == "INBOX" ? upper(m.name) == upper(name)
                                                               : m.name == name)
            return &m;
    return nullptr;
}

}  // namespace imapcheck

namespace imapcheck::diagnosis {
namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Special-use names people type, and the flag a server marks that folder with (RFC 6154).
const char* special_use_of(const std::string& wanted) {
    const std::string w = lower(wanted.substr(
        wanted.find_last_of("./") == std::string::npos ? 0 : wanted.find_last_of("./") + 1));
    if (w == "sent" || w == "sent items" || w == "sent messages" || w == "gesendet")
        return "\\Sent";
    if (w == "junk" || w == "spam" || w == "junk e-mail") return "\\Junk";
    if (w == "trash" || w == "deleted" || w == "deleted items" || w == "bin") return "\\Trash";
    if (w == "drafts" || w == "draft" || w == "entwürfe") return "\\Drafts";
    if (w == "archive" || w == "archives") return "\\Archive";
    return nullptr;
}

// A name as a shell takes it: as it is when it is plain, else in single quotes ('It''s' as
// 'It'\''s'), so a suggested "--mailbox 'Reports 2024/Q1 Überblick'" can be pasted.
std::string shell_word(const std::string& name) {
    bool plain = !name.empty();
    for (unsigned char c : name)
        plain = plain && (std::isalnum(c) || std::strchr("._/@+-=:,%", c)) && c < 0x80;
    if (plain) return name;
    std::string out = "'";
    for (char c : name) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string with_delimiter(std::string name, char from, char to) {
    std::replace(name.begin(), name.end(), from, to);
    return name;
}

}  // namespace

std::vector<std::string> did_you_mean(const std::string& wanted, const MailboxList& list) {
    std::vector<std::string> out;
    auto offer = [&](const ListedMailbox* m, const char* why) {
        if (!m || out.size() >= 3) return;
        std::string entry = shell_word(m->name) + " (" + why + ")";
        for (const auto& o : out)
            if (o.rfind(shell_word(m->name) + " (", 0) == 0) return;
        out.push_back(entry);
    };
    for (const auto& m : list.mailboxes)
        if (lower(m.name) == lower(wanted)) offer(&m, "case");
    const char delimiter =
        list.delimiter && list.delimiter->size() == 1 ? (*list.delimiter)[0] : '\0';
    if (delimiter) {
        for (char other : {'.', '/', '\\'})
            if (other != delimiter && wanted.find(other) != std::string::npos)
                offer(list.find(with_delimiter(wanted, other, delimiter)), "hierarchy delimiter");
        // The personal namespace of Cyrus and Courier: folders live under INBOX.
        const std::string prefix = std::string("INBOX") + delimiter;
        if (lower(wanted).rfind(lower(prefix), 0) == 0)
            offer(list.find(wanted.substr(prefix.size())), "without the namespace prefix");
        else
            offer(list.find(prefix + wanted), "namespace prefix");
        for (const auto& m : list.mailboxes)
            if (lower(m.name) == lower(prefix + wanted)) offer(&m, "namespace prefix and case");
    }
    if (const char* flag = special_use_of(wanted))
        for (const auto& m : list.mailboxes)
            if (has_flag(m, flag)) offer(&m, (std::string("special-use ") + flag).c_str());
    // A near name: a letter left out or swapped (Archiv for Archive).
    std::vector<std::string> names;
    for (const auto& m : list.mailboxes) names.push_back(m.name);
    if (auto near = closest_word(wanted, names)) offer(list.find(*near), "a near name");
    return out;
}

Diagnosis missing(const char* id, const std::string& wanted, const MailboxList& list,
                  const std::string& evidence) {
    auto guesses = did_you_mean(wanted, list);
    const bool mailbox = std::string(id) == "mailbox.missing";
    Diagnosis d{id,
                std::string(mailbox ? "the mailbox '" : "the folder '") + wanted +
                    "' does not exist on the server (LIST returned " +
                    std::to_string(list.mailboxes.size()) + " names)",
                {},
                evidence};
    const char* option = mailbox ? "--mailbox " : "--expect-folder ";
    for (const auto& g : guesses) d.tries.push_back(option + g);  // "--mailbox Sent (case)"
    if (guesses.empty())
        d.tries.push_back("see the names the server has in the list check's details");
    return d;
}

Diagnosis noselect(const std::string& wanted, const MailboxList& list) {
    std::vector<std::string> tries;
    const std::string prefix = wanted + (list.delimiter ? *list.delimiter : std::string("/"));
    for (const auto& m : list.mailboxes)
        if (m.name.rfind(prefix, 0) == 0 && !has_flag(m, "\\Noselect") && tries.size() < 3)
            tries.push_back("--mailbox " + shell_word(m.name));
    if (tries.empty()) tries.push_back("a mailbox that holds messages (see the list check)");
    return {"mailbox.noselect",
            "'" + wanted +
                "' is listed \\Noselect: it holds folders, not messages, so it cannot "
                "be examined",
            tries, "* LIST (\\Noselect) ... " + wanted};
}

}  // namespace imapcheck::diagnosis
