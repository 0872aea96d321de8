// imapcheck fake server: the default mailbox store and small queries over it (RFC 3501 §2.3
// message attributes: UID, flags, size). Names are compared on the wire form, except that
// INBOX is case-insensitive as RFC 3501 §5.1 requires.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fake_types.hpp"

namespace imapcheck::fake {

bool iequals(std::string_view a, std::string_view b);
std::string to_upper(std::string_view s);
// True when `list` holds `token` ignoring ASCII case (flags, capabilities).
bool has_token(const std::vector<std::string>& list, std::string_view token);
std::string join_words(const std::vector<std::string>& words);  // space-separated

Mailbox* find_mailbox(std::vector<Mailbox>& boxes, std::string_view name);
const Mailbox* find_mailbox(const std::vector<Mailbox>& boxes, std::string_view name);

std::size_t message_size(const Message& m);  // RFC822.SIZE: header + text octets
uint32_t uid_next(const Mailbox& box);       // highest UID + 1 (1 when empty)
std::size_t count_without_flag(const Mailbox& box, std::string_view flag);  // e.g. unseen
uint64_t mailbox_size(const Mailbox& box);  // STATUS SIZE (RFC 9051)

}  // namespace imapcheck::fake
