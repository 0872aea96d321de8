// imapcheck: --trace output (docs/contract.md §7) and the redaction all client lines pass through.
#include "imapcheck/transcript.hpp"

#include <cctype>
#include <cstdio>

namespace imapcheck {

namespace {

// Length of the well-formed UTF-8 sequence at the start of `text` (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0.
std::size_t utf8_sequence(std::string_view text) {
    auto byte = [&text](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char b = byte(0);
    std::size_t length = b < 0x80             ? 1
                         : (b & 0xe0) == 0xc0 ? 2
                         : (b & 0xf0) == 0xe0 ? 3
                         : (b & 0xf8) == 0xf0 ? 4
                                              : 0;
    if (length == 0 || length > text.size()) return 0;
    unsigned code = length == 1 ? b : b & (0x7f >> length);
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xc0) != 0x80) return 0;
        code = (code << 6) | (byte(i) & 0x3f);
    }
    static constexpr unsigned kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kSmallest[length] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0;
    return length;
}

}  // namespace

std::string trace_printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    auto hex = [&out](unsigned char b) {
        static constexpr char kDigits[] = "0123456789abcdef";
        out += "\\x";
        out += kDigits[b >> 4];
        out += kDigits[b & 0xf];
    };
    for (std::size_t i = 0; i < text.size();) {
        std::size_t n = utf8_sequence(text.substr(i));
        auto b = static_cast<unsigned char>(text[i]);
        // C0 controls and DEL; C1 controls (U+0080-U+009F, "\xc2\x9b" is CSI to some
        // terminals) are escaped byte by byte like invalid UTF-8.
        bool control = n == 1
                           ? (b < 0x20 || b == 0x7f)
                           : n == 2 && b == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0;
        if (n == 0 || control) {
            for (std::size_t k = 0; k < (n == 0 ? 1 : n); ++k)
                hex(static_cast<unsigned char>(text[i + k]));
            i += n == 0 ? 1 : n;
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return out;
}

void Transcript::write(char who, std::string_view text) {
    if (!sink_) return;
    // Control characters from a hostile server must not reach a terminal.
    std::string clean = trace_printable(text);
    std::fprintf(sink_, "%s%9.1f %c: %s\n", prefix_.c_str(), elapsed_ms(start_), who,
                 clean.c_str());
    std::fflush(sink_);
}

std::string redact_client_line(std::string_view line) {
    // "tag COMMAND args": a tag is an atom, the command a word of letters.
    std::size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos || sp1 == 0) return "***";  // SASL continuation
    std::size_t sp2 = line.find(' ', sp1 + 1);
    std::string verb(line.substr(sp1 + 1, sp2 == std::string_view::npos ? std::string_view::npos
                                                                          : sp2 - sp1 - 1));
    for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (char c : verb)
        if (!std::isalpha(static_cast<unsigned char>(c))) return "***";
    if (verb == "LOGIN" && sp2 != std::string_view::npos) {
        // Keep the user name (first argument), mask the rest.
        std::size_t user_end = line.find(' ', sp2 + 1);
        if (sp2 + 1 < line.size() && line[sp2 + 1] == '"') {
            for (std::size_t i = sp2 + 2; i < line.size(); ++i) {
                if (line[i] == '\\') ++i;
                else if (line[i] == '"') { user_end = i + 1; break; }
            }
        }
        return std::string(line.substr(0, user_end)) + " ***";
    }
    if (verb == "AUTHENTICATE" && sp2 != std::string_view::npos) {
        std::size_t mech_end = line.find(' ', sp2 + 1);
        if (mech_end != std::string_view::npos) return std::string(line.substr(0, mech_end)) + " ***";
    }
    return std::string(line);
}

}  // namespace imapcheck
