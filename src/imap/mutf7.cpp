// imapcheck: modified UTF-7 codec (RFC 3501 §5.1.3; UTF-16 per RFC 2781).
// '&' starts a shift of modified base64 (',' for '/', no padding) ending in '-'; "&-" is '&'.
#include "imapcheck/imap/mutf7.hpp"

#include <cstdint>
#include <vector>

namespace imapcheck::imap {
namespace {

constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int base64_index(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == ',') return 63;
    return -1;
}

Error bad(std::string what) { return make_error(Error::Kind::Protocol, std::move(what)); }

// Decodes UTF-8 into code points; false on malformed or overlong input.
bool utf8_to_code_points(std::string_view s, std::vector<char32_t>& out) {
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
        if (len == 0 || i + len > s.size()) return false;
        char32_t cp = len == 1 ? c : c & (0x7f >> len);
        for (int k = 1; k < len; ++k) {
            auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3f);
        }
        static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        out.push_back(cp);
        i += len;
    }
    return true;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
        out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
}

void flush_shift(std::string& out, const std::vector<std::uint16_t>& units) {
    out.push_back('&');
    std::uint32_t bits = 0;
    int nbits = 0;
    for (std::uint16_t u : units) {
        bits = (bits << 16) | u;
        nbits += 16;
        while (nbits >= 6) {
            nbits -= 6;
            out.push_back(kAlphabet[(bits >> nbits) & 0x3f]);
        }
    }
    if (nbits > 0) out.push_back(kAlphabet[(bits << (6 - nbits)) & 0x3f]);
    out.push_back('-');
}

}  // namespace

Result<std::string> encode_mutf7(std::string_view utf8) {
    std::vector<char32_t> cps;
    if (!utf8_to_code_points(utf8, cps)) return bad("mailbox name is not valid UTF-8");
    std::string out;
    std::vector<std::uint16_t> pending;
    for (char32_t cp : cps) {
        if (cp >= 0x20 && cp <= 0x7e) {
            if (!pending.empty()) {
                flush_shift(out, pending);
                pending.clear();
            }
            out += cp == '&' ? std::string("&-") : std::string(1, static_cast<char>(cp));
            continue;
        }
        if (cp >= 0x10000) {
            char32_t v = cp - 0x10000;
            pending.push_back(static_cast<std::uint16_t>(0xd800 | (v >> 10)));
            pending.push_back(static_cast<std::uint16_t>(0xdc00 | (v & 0x3ff)));
        } else {
            pending.push_back(static_cast<std::uint16_t>(cp));
        }
    }
    if (!pending.empty()) flush_shift(out, pending);
    return out;
}

Result<std::string> decode_mutf7(std::string_view in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        auto uc = static_cast<unsigned char>(c);
        if (uc < 0x20 || uc > 0x7e) return bad("mailbox name has a byte outside printable ASCII");
        if (c != '&') {
            out.push_back(c);
            continue;
        }
        std::size_t end = in.find('-', i + 1);
        if (end == std::string_view::npos) return bad("unterminated '&' shift in mailbox name");
        if (end == i + 1) {
            out.push_back('&');
            i = end;
            continue;
        }
        std::uint32_t bits = 0;
        int nbits = 0;
        std::vector<std::uint16_t> units;
        for (std::size_t k = i + 1; k < end; ++k) {
            int v = base64_index(in[k]);
            if (v < 0) return bad("invalid modified base64 in mailbox name");
            bits = (bits << 6) | static_cast<std::uint32_t>(v);
            nbits += 6;
            if (nbits >= 16) {
                nbits -= 16;
                units.push_back(static_cast<std::uint16_t>((bits >> nbits) & 0xffff));
            }
        }
        // Leftover bits are padding: fewer than 6 and all zero (RFC 2152 rules).
        if (nbits >= 6 || (bits & ((1u << nbits) - 1)) != 0 || units.empty())
            return bad("badly padded modified base64 in mailbox name");
        for (std::size_t k = 0; k < units.size(); ++k) {
            char32_t u = units[k];
            if (u >= 0xd800 && u <= 0xdbff) {
                if (k + 1 >= units.size() || units[k + 1] < 0xdc00 || units[k + 1] > 0xdfff)
                    return bad("broken UTF-16 surrogate pair in mailbox name");
                u = 0x10000 + ((u - 0xd800) << 10) + (units[++k] - 0xdc00);
            } else if (u >= 0xdc00 && u <= 0xdfff) {
                return bad("broken UTF-16 surrogate pair in mailbox name");
            } else if (u >= 0x20 && u <= 0x7e) {
                return bad("printable ASCII encoded inside a shift in mailbox name");
            } else if (u < 0x20 || (u >= 0x7f && u < 0xa0)) {
                // Allowed by the encoding, but a name that decodes to control characters
                // could rewrite a terminal line: shown as sent instead.
                return bad("mailbox name decodes to a control character");
            }
            append_utf8(out, u);
        }
        i = end;
    }
    return out;
}

}  // namespace imapcheck::imap
