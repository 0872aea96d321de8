// imapcheck: the few header fields the `fetch` check reports (RFC 5322 §2.2 unfolding,
// RFC 2047 encoded words in UTF-8, B and Q; other charsets are shown as sent).
#pragma once

#include <string>
#include <string_view>

namespace imapcheck {

struct MailHeader {
    std::string subject, from, date;
};

// Never fails: a missing field is "", control characters become spaces, and each value is
// cut to a length a report line can carry.
MailHeader parse_mail_header(std::string_view header);

}  // namespace imapcheck
