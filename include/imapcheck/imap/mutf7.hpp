// imapcheck: modified UTF-7 for mailbox names (RFC 3501 §5.1.3). Users and reports see
// UTF-8; the wire carries mUTF-7. Decoding validates, so a hostile name cannot smuggle bytes.
#pragma once

#include <string>
#include <string_view>

#include "imapcheck/expected.hpp"

namespace imapcheck::imap {

// UTF-8 -> modified UTF-7. Fails on invalid UTF-8.
Result<std::string> encode_mutf7(std::string_view utf8);
// Modified UTF-7 -> UTF-8. Fails on anything RFC 3501 forbids (bad base64, unterminated
// shift, printable ASCII inside a shift, broken UTF-16).
Result<std::string> decode_mutf7(std::string_view mutf7);

}  // namespace imapcheck::imap
