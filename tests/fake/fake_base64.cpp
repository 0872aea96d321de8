// imapcheck fake server: strict base64 (RFC 4648 §4). Strict on purpose: a client that sends
// unpadded or line-wrapped SASL data should fail against the fake as it may against a server.
#include "fake_base64.hpp"

#include <cstdint>

namespace imapcheck::fake {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int value_of(char c) {
    auto pos = kAlphabet.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        uint32_t chunk = static_cast<uint8_t>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) chunk |= static_cast<uint8_t>(bytes[i + 1]) << 8;
        if (i + 2 < bytes.size()) chunk |= static_cast<uint8_t>(bytes[i + 2]);
        out += kAlphabet[(chunk >> 18) & 63];
        out += kAlphabet[(chunk >> 12) & 63];
        out += i + 1 < bytes.size() ? kAlphabet[(chunk >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? kAlphabet[chunk & 63] : '=';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < text.size(); i += 4) {
        bool last = i + 4 == text.size();
        int pad = 0;
        uint32_t chunk = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            char c = text[i + j];
            if (c == '=' && last && j >= 2) {
                ++pad;
                chunk <<= 6;
                continue;
            }
            int v = value_of(c);
            if (v < 0 || pad > 0) return std::nullopt;  // bad char, or data after '='
            chunk = (chunk << 6) | static_cast<uint32_t>(v);
        }
        out += static_cast<char>((chunk >> 16) & 0xff);
        if (pad < 2) out += static_cast<char>((chunk >> 8) & 0xff);
        if (pad < 1) out += static_cast<char>(chunk & 0xff);
    }
    return out;
}

}  // namespace imapcheck::fake
