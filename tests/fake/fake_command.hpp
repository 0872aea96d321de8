// imapcheck fake server: reading one client command with its literals (RFC 3501 §4.3 / RFC 9051
// §4.3 synchronizing literals, RFC 7888 LITERAL+ non-synchronizing ones) and walking its
// arguments as atoms, quoted strings and literals; plus the reverse, for server responses.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fake_types.hpp"

namespace imapcheck::fake {

class Session;

struct ReadResult {
    enum class Problem {
        None,
        SyncLiteralTooLarge,     // "{N}" over the cap: answer BAD, the client sends nothing more
        NonSyncLiteralTooLarge,  // "{N+}" over the cap: the bytes are coming anyway; hang up
    };
    Command command;
    Problem problem = Problem::None;
};

// Reads lines until one does not end in a literal marker. For "{N}" it sends "+ go ahead"
// before reading the N bytes; for "{N+}" it reads them straight away.
ReadResult read_command(Session& session, std::size_t max_literal);

// Sequential reader over Command::args. Each method consumes what it returns and leaves the
// position unchanged on failure (nullopt/false).
class ArgReader {
  public:
    explicit ArgReader(const Command& cmd) : text_(cmd.args), literals_(cmd.literals) {}

    bool space();       // exactly one SP
    bool done() const;  // nothing left
    char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
    bool consume(char c);

    std::optional<std::string> atom();          // 1*ATOM-CHAR
    std::optional<std::string> astring();       // atom (with ']'), quoted, or literal
    std::optional<std::string> list_mailbox();  // like astring but also '%' and '*'
    std::optional<std::string> string();        // quoted or literal only
    std::optional<std::string> sequence_set();  // digits, ':', ',' and '*'
    std::string rest();                         // everything left, markers intact

  private:
    std::optional<std::string> chars(bool (*accept)(char));
    std::optional<std::string> quoted();
    std::optional<std::string> literal();

    std::string_view text_;
    const std::vector<std::string>& literals_;
    std::size_t pos_ = 0;
    std::size_t next_literal_ = 0;
};

// How to put a string on the wire: atom when it is one, else quoted, else a literal (for CR/LF).
std::string format_astring(std::string_view s);

}  // namespace imapcheck::fake
