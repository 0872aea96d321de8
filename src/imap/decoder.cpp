// imapcheck: decoder for framed IMAP responses (RFC 3501 §9, RFC 9051 §9).
// A small recursive-descent parser with grammar-named methods and a sticky error, in the
// spirit of go-imap's imapwire: lenient where real servers differ, strict where it matters
// (literal sizes, nesting depth, the end of the line).
#include "imap/decoder.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace imapcheck::imap::detail {
namespace {

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

bool is_status_name(std::string_view name) {
    return name == "OK" || name == "NO" || name == "BAD" || name == "BYE" || name == "PREAUTH";
}

class Decoder {
public:
    Decoder(const std::string& text, std::vector<FramedLiteral>& literals,
            const ReaderLimits& limits)
        : s_(text), literals_(literals), limits_(limits) {}

    Result<Response> response() {
        Response r;
        if (consume('+')) {
            r.kind = Response::Kind::Continuation;
            consume(' ');
            resp_text(r);
        } else if (consume('*')) {
            r.kind = Response::Kind::Untagged;
            if (!expect_sp()) return error();
            std::string first = atom();
            if (first.empty()) return fail("expected a response name after '*'");
            if (all_digits(first)) {
                r.number = to_number(first);
                if (!expect_sp()) return error();
                first = atom();
                if (first.empty()) return fail("expected a response name after the number");
            }
            r.name = upper(first);
            if (is_status_name(r.name)) {
                resp_text(r);
            } else if (r.name == "SEARCH" || r.name == "SORT") {
                search_numbers(r);
            } else {
                values_to_end(r.data);
            }
        } else {
            r.kind = Response::Kind::Tagged;
            r.tag = atom();
            if (r.tag.empty()) return fail("expected a tag, '*' or '+' at the start of a line");
            if (!expect_sp()) return error();
            r.name = upper(atom());
            if (!is_status_name(r.name) || r.name == "PREAUTH")
                return fail("tagged response is not OK, NO, BAD or BYE");
            resp_text(r);
        }
        if (failed_) return error();
        return r;
    }

    // For a response that response() refused: the start of it as far as it follows the
    // grammar (kind, tag, number, name), and the rest of its first line as `text`.
    Response head() {
        Response r;
        if (consume('+')) {
            r.kind = Response::Kind::Continuation;
        } else if (consume('*')) {
            r.kind = Response::Kind::Untagged;
            if (consume(' ')) {
                std::string first = atom();
                if (all_digits(first) && consume(' ')) {
                    r.number = to_number(first);
                    first = atom();
                }
                r.name = upper(first);
            }
        } else {
            r.kind = Response::Kind::Tagged;
            r.tag = atom();
            if (r.tag.empty() || !consume(' ')) {  // not even "tag SP": nobody's answer
                r.kind = Response::Kind::Untagged;
                r.tag.clear();
                pos_ = 0;
            } else {
                r.name = upper(atom());
            }
        }
        consume(' ');
        std::size_t eol = s_.find_first_of("\r\n", pos_);
        r.text = std::string(s_.substr(pos_, (eol == std::string::npos ? s_.size() : eol) - pos_));
        return r;
    }

private:
    // --- lexical helpers --------------------------------------------------------------
    bool at_end() const { return pos_ >= s_.size(); }
    char peek() const { return at_end() ? '\0' : s_[pos_]; }
    bool consume(char c) {
        if (peek() != c) return false;
        ++pos_;
        return true;
    }
    bool at_eol() const { return peek() == '\r' || peek() == '\n' || at_end(); }
    bool expect_sp() {
        if (consume(' ')) return true;
        fail("expected a space");
        return false;
    }
    static bool all_digits(std::string_view s) {
        return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
            return std::isdigit(c) != 0;
        });
    }
    static std::uint64_t to_number(std::string_view s) {
        std::uint64_t n = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        return ec == std::errc() ? n : UINT64_MAX;
    }
    Error fail(std::string message) {
        if (!failed_) {
            failed_ = true;
            message_ = std::move(message) + " (at byte " + std::to_string(pos_) + ")";
        }
        return error();
    }
    Error error() const { return make_error(Error::Kind::Protocol, message_); }

    // atom, including a section like BODY[HEADER.FIELDS (DATE)] and a partial like <0>:
    // the bracketed part may hold spaces and parentheses (RFC 3501 fetch-att).
    std::string atom() {
        std::size_t start = pos_;
        while (!at_end()) {
            char c = s_[pos_];
            if (c == '[' && pos_ >= no_bracket_close_until_) {
                // Jump to the matching ']' on this line. When there is none, remember that,
                // so a line of many '[' is scanned once, not once per '['.
                std::size_t k = pos_ + 1;
                while (k < s_.size() && s_[k] != ']' && s_[k] != '\r' && s_[k] != '\n') ++k;
                if (k < s_.size() && s_[k] == ']') {
                    pos_ = k + 1;
                    continue;
                }
                no_bracket_close_until_ = k;
            }
            if (c == ' ' || c == '(' || c == ')' || c == '"' || c == '\r' || c == '\n' ||
                static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                break;
            if (c == '{' && pos_ == start) break;
            ++pos_;
        }
        return std::string(s_.substr(start, pos_ - start));
    }

    // --- resp-text: ["[" resp-text-code "]" SP] text ------------------------------------
    void resp_text(Response& r) {
        consume(' ');
        if (consume('[')) {
            std::size_t eol = s_.find_first_of("\r\n", pos_);
            if (eol == std::string::npos) eol = s_.size();
            std::size_t close = s_.find(']', pos_);
            if (close == std::string::npos || close > eol) {
                fail("response code has no closing ']'");
                return;
            }
            std::string_view inner = s_.substr(pos_, close - pos_);
            std::size_t sp = inner.find(' ');
            r.code = upper(inner.substr(0, sp));
            if (sp != std::string_view::npos) r.code_args = std::string(inner.substr(sp + 1));
            pos_ = close + 1;
            consume(' ');
        }
        std::size_t eol = s_.find_first_of("\r\n", pos_);
        if (eol == std::string::npos) eol = s_.size();
        r.text = std::string(s_.substr(pos_, eol - pos_));
        pos_ = eol;
        end_of_line();
    }

    void end_of_line() {
        consume('\r');
        if (!consume('\n') && !at_end()) {
            fail("unexpected data before the end of the line");
            return;
        }
        if (!at_end()) fail("unexpected data after the end of the response");
    }

    // --- SEARCH: *(SP nz-number) [SP "(MODSEQ" ...")"] ----------------------------------
    void search_numbers(Response& r) {
        while (consume(' ')) {
            if (at_eol()) break;  // tolerate a trailing space, as for other data
            if (peek() == '(') {  // CONDSTORE's (MODSEQ n): keep it as data
                r.data.push_back(value(0));
                continue;
            }
            std::string n = atom();
            if (!all_digits(n) || to_number(n) > UINT32_MAX) {
                fail("SEARCH result is not a number: '" + n.substr(0, 40) + "'");
                return;
            }
            r.numbers.push_back(static_cast<std::uint32_t>(to_number(n)));
        }
        end_of_line();
    }

    // --- generic values -----------------------------------------------------------------
    void values_to_end(std::vector<Value>& out) {
        while (!failed_ && consume(' ')) {
            if (at_eol()) break;  // tolerate a trailing space
            out.push_back(value(0));
        }
        if (!failed_) end_of_line();
    }

    Value value(int depth) {
        Value v;
        if (depth > limits_.max_depth) {
            fail("nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
            return v;
        }
        char c = peek();
        if (c == '(') return list(depth);
        if (c == '"') return quoted();
        if (c == '{') return literal();
        std::string a = atom();
        if (a.empty()) {
            fail(at_eol() ? "unexpected end of line" : std::string("unexpected character '") +
                                                           (c == ')' ? ")" : "?") + "'");
            return v;
        }
        if (all_digits(a)) {
            v.kind = Value::Kind::Number;
            v.number = to_number(a);
        } else if (upper(a) == "NIL") {
            v.kind = Value::Kind::Nil;
            return v;
        } else {
            v.kind = Value::Kind::Atom;
        }
        v.text = std::move(a);
        return v;
    }

    Value list(int depth) {
        Value v;
        v.kind = Value::Kind::List;
        consume('(');
        while (!failed_) {
            if (consume(')')) return v;
            // Lists may follow lists with no space between them: RFC 2342's Namespace is
            // "(" 1*( "(" string SP delim ")" ) ")", RFC 3501's body-type-mpart "1*body".
            const bool list_after_list =
                !v.items.empty() && v.items.back().kind == Value::Kind::List && peek() == '(';
            if (!v.items.empty() && !list_after_list && !consume(' ')) {
                fail("expected a space or ')' in a list");
                break;
            }
            if (consume(')')) return v;  // tolerate "(a )"
            if (at_eol()) {
                fail("list is not closed before the end of the line");
                break;
            }
            v.items.push_back(value(depth + 1));
        }
        return v;
    }

    Value quoted() {
        Value v;
        v.kind = Value::Kind::String;
        consume('"');
        while (true) {
            if (at_eol()) {
                fail("quoted string is not closed before the end of the line");
                return v;
            }
            char c = s_[pos_++];
            if (c == '"') break;
            if (c == '\\') {
                if (at_eol()) continue;
                c = s_[pos_++];
            }
            v.text.push_back(c);
        }
        v.size = v.text.size();
        return v;
    }

    // {N} or {N+} CRLF, then the next framed literal: the framer already read exactly N bytes.
    Value literal() {
        Value v;
        v.kind = Value::Kind::String;
        v.literal = true;
        consume('{');
        std::size_t close = s_.find('}', pos_);
        if (close == std::string::npos) {
            fail("literal size has no closing '}'");
            return v;
        }
        std::string_view digits = s_.substr(pos_, close - pos_);
        if (!digits.empty() && digits.back() == '+') digits.remove_suffix(1);
        if (!all_digits(digits)) {
            fail("literal size is not a number");
            return v;
        }
        pos_ = close + 1;
        consume('\r');
        if (!consume('\n')) {
            fail("literal size is not followed by the end of the line");
            return v;
        }
        if (next_literal_ >= literals_.size()) {
            fail("literal announced but not framed");
            return v;
        }
        FramedLiteral& lit = literals_[next_literal_++];
        v.size = lit.size;
        v.truncated = lit.data.size() < lit.size;
        v.text = std::move(lit.data);
        return v;
    }

    std::string_view s_;
    std::vector<FramedLiteral>& literals_;
    const ReaderLimits& limits_;
    std::size_t pos_ = 0;
    std::size_t next_literal_ = 0;
    std::size_t no_bracket_close_until_ = 0;  // no ']' before this position on its line
    bool failed_ = false;
    std::string message_;
};

// RFC 3501 §7.2.4: "STATUS" SP mailbox SP "(" [status-att-list] ")". The attribute list is
// atoms and numbers only, so a line that ends in one still says which counters it gives even
// when the mailbox name before it breaks the grammar (unquoted, with parentheses).
bool lenient_status(Response& r) {
    std::string_view rest = r.text;
    if (rest.size() < 4 || rest.back() != ')') return false;
    std::size_t open = rest.rfind('(');
    if (open == std::string_view::npos || open < 2 || rest[open - 1] != ' ') return false;
    std::string_view inner = rest.substr(open + 1, rest.size() - open - 2);
    if (inner.find_first_of("()\"{}[]") != std::string_view::npos) return false;
    Value list;
    list.kind = Value::Kind::List;
    for (std::size_t i = 0; i < inner.size();) {
        std::size_t sp = inner.find(' ', i);
        if (sp == std::string_view::npos) sp = inner.size();
        std::string_view word = inner.substr(i, sp - i);
        i = sp + 1;
        if (word.empty()) continue;
        Value v;
        v.text = std::string(word);
        v.kind = std::all_of(word.begin(), word.end(),
                             [](unsigned char c) { return std::isdigit(c) != 0; }) &&
                         word.size() <= 19
                     ? Value::Kind::Number
                     : Value::Kind::Atom;
        if (v.kind == Value::Kind::Number)
            std::from_chars(word.data(), word.data() + word.size(), v.number);
        list.items.push_back(std::move(v));
    }
    Value mailbox;
    mailbox.kind = Value::Kind::String;
    mailbox.text = std::string(rest.substr(0, open - 1));
    mailbox.size = mailbox.text.size();
    r.data = {std::move(mailbox), std::move(list)};
    r.text.clear();
    return true;
}

}  // namespace

Response salvage(const std::string& text, std::vector<FramedLiteral>& literals,
                 const ReaderLimits& limits, std::string why) {
    Response r = Decoder(text, literals, limits).head();
    r.anomaly = std::move(why);
    r.sent = std::string(text.substr(0, std::min<std::size_t>(text.find_first_of("\r\n"), 200)));
    if (literals.empty() && r.kind == Response::Kind::Untagged && r.name == "STATUS") {
        r.lenient = lenient_status(r);
    } else if (literals.empty() && r.is_status() && r.name != "PREAUTH") {
        // A status line whose response code is broken ("[ALERT text" without "]"): its words
        // are all there is to it, kept whole as its text.
        r.lenient = true;
    }
    if (!r.lenient && r.kind == Response::Kind::Untagged) r.text.clear();
    return r;
}

Result<Response> decode(const std::string& text, std::vector<FramedLiteral>& literals,
                        const ReaderLimits& limits) {
    return Decoder(text, literals, limits).response();
}

}  // namespace imapcheck::imap::detail
