// imapcheck: "did you mean" for a mailbox or folder LIST did not return (RFC 3501 §6.3.8
// LIST, RFC 2342 namespaces, RFC 6154 special-use): case, hierarchy delimiter, the personal
// namespace's "INBOX." prefix, \Noselect parents and special-use flags.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "imapcheck/mailbox_list.hpp"
#include "imapcheck/report.hpp"

namespace imapcheck::diagnosis {

using imapcheck::ListedMailbox;
using imapcheck::MailboxList;

// Names of `list` that `wanted` was probably meant as, the likeliest first, each with why
// ("Sent (case)", "INBOX.Sent (namespace prefix)"); at most 3.
std::vector<std::string> did_you_mean(const std::string& wanted, const MailboxList& list);

// --mailbox missing (`id` "mailbox.missing") or an --expect-folder (`id` "folder.missing").
Diagnosis missing(const char* id, const std::string& wanted, const MailboxList& list,
                  const std::string& evidence);
// --mailbox is listed as \Noselect: it holds folders, not messages.
Diagnosis noselect(const std::string& wanted, const MailboxList& list);

}  // namespace imapcheck::diagnosis
