// imapcheck: builds one IMAP command's arguments (RFC 3501 §4.3 strings, RFC 7888 LITERAL+).
// Each argument becomes an atom, a quoted string or a literal as its bytes require; secret
// arguments are remembered so the transcript can show "***" instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imapcheck/expected.hpp"

namespace imapcheck::imap {

class Command {
public:
    // A piece of the command line, optionally followed by a literal's bytes.
    struct Segment {
        std::string text;                    // ends with "{N}" when a literal follows
        std::optional<std::string> literal;  // bytes sent after the server's "+" (or at once)
        bool secret = false;                 // this segment carries a secret
    };

    explicit Command(std::string_view verb);
    Command(const Command&) = delete;
    Command& operator=(const Command&) = delete;
    ~Command();  // wipes secret arguments

    // Raw protocol text the caller vouches for (keywords, search criteria, a base64 SASL
    // initial response when `secret`). No CR/LF.
    Command& raw(std::string_view text, bool secret = false);
    // A string argument: quoted when it can be, else a literal (non-ASCII, CR, LF, NUL).
    Command& string(std::string_view value, bool secret = false);
    // A mailbox name given in UTF-8: sent as modified UTF-7; INBOX is case-insensitive.
    Command& mailbox(std::string_view utf8);

    const std::string& verb() const { return verb_; }
    // Segments with the literal marker already chosen: "{N+}" when non-synchronizing
    // literals are allowed, else "{N}" (the sender then waits for "+").
    std::vector<Segment> segments(bool literal_plus) const;
    // The command as the transcript shows it: secrets as ***, literals summarised.
    std::string redacted() const;

private:
    struct Arg {
        std::string text;
        bool literal = false;
        bool secret = false;
    };
    std::string verb_;
    std::vector<Arg> args_;
};

// True when the bytes can go in a quoted string (7-bit, no CR, LF or NUL).
bool quotable(std::string_view value);
// "value" with backslash and double quote escaped.
std::string quote(std::string_view value);

}  // namespace imapcheck::imap
