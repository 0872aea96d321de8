// imapcheck fake server: base64 (RFC 4648 §4) for SASL exchanges such as AUTHENTICATE PLAIN
// (RFC 4616, carried per RFC 3501 §6.2.2 / RFC 4959 SASL-IR).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace imapcheck::fake {

std::string base64_encode(std::string_view bytes);
// Strict: padding required, no whitespace; nullopt on any malformed input.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace imapcheck::fake
