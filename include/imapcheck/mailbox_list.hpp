// imapcheck: the mailboxes LIST returned (RFC 3501 §6.3.8), kept by the list check for the
// checks after it: whether --mailbox exists, and what a missing name was meant as.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace imapcheck {

struct ListedMailbox {
    std::string name;                // decoded from modified UTF-7
    std::vector<std::string> flags;  // as the server spelled them
};

struct MailboxList {
    std::vector<ListedMailbox> mailboxes;
    std::optional<std::string> delimiter;

    // The entry of `name` (INBOX in any case), or null.
    const ListedMailbox* find(const std::string& name) const;
};

bool has_flag(const ListedMailbox& m, const char* flag);  // case-insensitive

}  // namespace imapcheck
