// imapcheck: IMAP command argument encoding (RFC 3501 §4.3, §5.1.3; RFC 7888 LITERAL+).
#include "imapcheck/imap/command.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <openssl/crypto.h>

#include "imapcheck/imap/mutf7.hpp"

namespace imapcheck::imap {

bool quotable(std::string_view value) {
    return std::none_of(value.begin(), value.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u == 0 || u == '\r' || u == '\n' || u >= 0x80;
    });
}

std::string quote(std::string_view value) {
    std::string out = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

Command::Command(std::string_view verb) : verb_(verb) {}

Command::~Command() {
    for (Arg& arg : args_)
        if (arg.secret) OPENSSL_cleanse(arg.text.data(), arg.text.size());
}

Command& Command::raw(std::string_view text, bool secret) {
    // Programmer error: callers validate user input (CLI) before it gets here.
    if (text.find_first_of("\r\n", 0) != std::string_view::npos || text.find('\0') != std::string_view::npos)
        throw std::invalid_argument("IMAP command text must not contain CR, LF or NUL");
    args_.push_back({std::string(text), false, secret});
    return *this;
}

Command& Command::string(std::string_view value, bool secret) {
    if (quotable(value))
        args_.push_back({quote(value), false, secret});
    else
        args_.push_back({std::string(value), true, secret});
    return *this;
}

Command& Command::mailbox(std::string_view utf8) {
    std::string upper(utf8);
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) {
        return static_cast<char>(std::toupper(c));
    });
    if (upper == "INBOX") return string("INBOX");
    auto encoded = encode_mutf7(utf8);
    // Invalid UTF-8 is sent as given: the server's NO then says what it thinks of it.
    return string(encoded ? encoded.value() : std::string(utf8));
}

std::vector<Command::Segment> Command::segments(bool literal_plus) const {
    std::vector<Segment> out(1);
    out.back().text = verb_;
    for (const Arg& arg : args_) {
        out.back().text += ' ';
        out.back().secret = out.back().secret || arg.secret;
        if (!arg.literal) {
            out.back().text += arg.text;
            continue;
        }
        out.back().text += "{" + std::to_string(arg.text.size()) + (literal_plus ? "+}" : "}");
        out.back().literal = arg.text;
        out.emplace_back();
    }
    return out;
}

std::string Command::redacted() const {
    std::string out = verb_;
    for (const Arg& arg : args_) {
        out += ' ';
        if (arg.secret)
            out += "***";
        else if (arg.literal)
            out += "{" + std::to_string(arg.text.size()) + "}";
        else
            out += arg.text;
    }
    return out;
}

}  // namespace imapcheck::imap
