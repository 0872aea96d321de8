// imapcheck: --trace output (SPEC §7) and the redaction every client line passes through.
#include "imapcheck/transcript.hpp"

#include <cctype>
#include <cstdio>

namespace imapcheck {

void Transcript::write(char who, std::string_view text) {
    if (!sink_) return;
    // Control characters from a hostile server must not reach a terminal.
    std::string clean;
    clean.reserve(text.size());
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        clean.push_back(u < 0x20 || u == 0x7f ? '?' : c);
    }
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
