// imapcheck: base64 (RFC 4648 §4) for SASL exchanges (RFC 3501 §6.2.2, RFC 4959 SASL-IR).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace imapcheck {

std::string base64_encode(std::string_view bytes);
// nullopt on malformed input.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace imapcheck
