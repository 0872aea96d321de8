// imapcheck fake server: literal-aware command reading and argument parsing (RFC 3501 §4.3 and
// §9 formal syntax, RFC 7888 LITERAL+). Kept strict on quoting so a client that escapes
// wrongly gets a BAD/NO here rather than passing against a lenient fake.
#include "fake_command.hpp"

#include <charconv>
#include <cstdint>
#include <limits>

#include "fake_mailbox.hpp"
#include "fake_session.hpp"

namespace imapcheck::fake {

namespace {

struct LiteralMarker {
    std::size_t size;
    bool non_sync;  // "{N+}"
};

// A line (CRLF stripped) announcing a literal ends in "{N}" or "{N+}".
std::optional<LiteralMarker> trailing_literal(std::string_view line) {
    if (line.empty() || line.back() != '}') return std::nullopt;
    auto open = line.rfind('{');
    if (open == std::string_view::npos) return std::nullopt;
    std::string_view inner = line.substr(open + 1, line.size() - open - 2);
    bool plus = !inner.empty() && inner.back() == '+';
    if (plus) inner.remove_suffix(1);
    if (inner.empty()) return std::nullopt;
    for (char c : inner) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    uint64_t n = 0;
    auto [ptr, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), n);
    // An absurd size must still be refused, not wrapped: saturate on overflow.
    if (ec != std::errc{} || n > std::numeric_limits<std::size_t>::max()) {
        n = std::numeric_limits<std::size_t>::max();
    }
    return LiteralMarker{static_cast<std::size_t>(n), plus};
}

void split_command(std::string_view text, Command& cmd) {
    auto sp = text.find(' ');
    cmd.tag = std::string(text.substr(0, sp));
    if (sp == std::string_view::npos) return;
    text.remove_prefix(sp + 1);
    sp = text.find(' ');
    cmd.name = to_upper(text.substr(0, sp));
    if (sp != std::string_view::npos) cmd.args = std::string(text.substr(sp + 1));
}

bool is_atom_char(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;  // SP and CTL
    // atom-specials other than SP/CTL; ']' is excluded here but allowed in astrings.
    return std::string_view("(){%*\"\\]").find(c) == std::string_view::npos;
}

bool is_sequence_char(char c) {
    return (c >= '0' && c <= '9') || c == ':' || c == ',' || c == '*';
}

bool is_astring_char(char c) {
    return is_atom_char(c) || c == ']';
}
bool is_list_char(char c) {
    return is_astring_char(c) || c == '%' || c == '*';
}

}  // namespace

ReadResult read_command(Session& session, std::size_t max_literal) {
    ReadResult result;
    Command& cmd = result.command;
    std::string text;  // command text with literal bytes taken out
    for (;;) {
        std::string raw = session.read_raw_line();
        cmd.raw += raw;
        std::string_view line(raw);
        line.remove_suffix(1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        text += line;
        auto marker = trailing_literal(line);
        if (!marker) break;
        if (marker->size > max_literal) {
            split_command(text, cmd);
            result.problem = marker->non_sync ? ReadResult::Problem::NonSyncLiteralTooLarge
                                              : ReadResult::Problem::SyncLiteralTooLarge;
            return result;
        }
        if (!marker->non_sync) session.line("+ go ahead");
        std::string bytes = session.read_bytes(marker->size);
        cmd.raw += bytes;
        cmd.literals.push_back(std::move(bytes));
    }
    split_command(text, cmd);
    return result;
}

bool ArgReader::space() {
    return consume(' ');
}

bool ArgReader::done() const {
    return pos_ >= text_.size();
}

bool ArgReader::consume(char c) {
    if (peek() != c || done()) return false;
    ++pos_;
    return true;
}

std::optional<std::string> ArgReader::chars(bool (*accept)(char)) {
    std::size_t end = pos_;
    while (end < text_.size() && accept(text_[end])) ++end;
    if (end == pos_) return std::nullopt;
    std::string out(text_.substr(pos_, end - pos_));
    pos_ = end;
    return out;
}

std::optional<std::string> ArgReader::atom() {
    return chars(is_atom_char);
}

std::optional<std::string> ArgReader::sequence_set() {
    return chars(is_sequence_char);
}

std::optional<std::string> ArgReader::quoted() {
    if (peek() != '"') return std::nullopt;
    std::string out;
    for (std::size_t i = pos_ + 1; i < text_.size(); ++i) {
        char c = text_[i];
        if (c == '"') {
            pos_ = i + 1;
            return out;
        }
        if (c == '\\') {
            // Only \" and \\ are valid escapes (quoted-specials); anything else is a syntax
            // error that a real server would reject too.
            if (i + 1 >= text_.size() || (text_[i + 1] != '"' && text_[i + 1] != '\\')) {
                return std::nullopt;
            }
            c = text_[++i];
        }
        out += c;
    }
    return std::nullopt;  // unterminated
}

std::optional<std::string> ArgReader::literal() {
    if (peek() != '{') return std::nullopt;
    auto close = text_.find('}', pos_);
    if (close == std::string_view::npos || next_literal_ >= literals_.size()) return std::nullopt;
    auto marker = trailing_literal(text_.substr(pos_, close - pos_ + 1));
    if (!marker || marker->size != literals_[next_literal_].size()) return std::nullopt;
    pos_ = close + 1;
    return literals_[next_literal_++];
}

std::optional<std::string> ArgReader::string() {
    if (peek() == '"') return quoted();
    return literal();
}

std::optional<std::string> ArgReader::astring() {
    if (peek() == '"' || peek() == '{') return string();
    return chars(is_astring_char);
}

std::optional<std::string> ArgReader::list_mailbox() {
    if (peek() == '"' || peek() == '{') return string();
    return chars(is_list_char);
}

std::string ArgReader::rest() {
    std::string out(text_.substr(pos_));
    pos_ = text_.size();
    return out;
}

std::string format_astring(std::string_view s) {
    bool atom = !s.empty();
    bool needs_literal = false;
    for (char c : s) {
        if (!is_astring_char(c)) atom = false;
        if (c == '\r' || c == '\n' || c == '\0') needs_literal = true;
    }
    if (atom) return std::string(s);
    if (needs_literal) return "{" + std::to_string(s.size()) + "}\r\n" + std::string(s);
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

}  // namespace imapcheck::fake
