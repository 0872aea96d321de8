// imapcheck: plain data types for IMAP server responses (RFC 3501 §7, RFC 9051 §7).
// Produced by ResponseReader; no parsing or I/O here, only the shapes checks read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imapcheck::imap {

// One value of the generic response grammar: atom, number, string (quoted or literal),
// NIL, or a parenthesised list.
struct Value {
    enum class Kind { Atom, Number, String, Nil, List };
    Kind kind = Kind::Nil;
    std::string text;           // atom text, or string contents (a literal may be cut, see below)
    std::uint64_t number = 0;   // Number only
    std::uint64_t size = 0;     // String: byte size as sent (a literal's announced N)
    bool literal = false;       // String came as {N} literal
    bool truncated = false;     // only the first ReaderLimits::literal_keep bytes were kept
    std::vector<Value> items;   // List only

    bool is_atom(std::string_view upper_name) const;  // case-insensitive atom compare
    bool is_string_like() const { return kind == Kind::Atom || kind == Kind::String || kind == Kind::Number; }
    // In a list of "KEY value KEY value" pairs (STATUS, FETCH, QUOTA): the value after KEY.
    const Value* value_after(std::string_view upper_key) const;
};

struct Response {
    enum class Kind { Untagged, Tagged, Continuation };
    Kind kind = Kind::Untagged;
    std::string tag;                    // Tagged only
    std::optional<std::uint64_t> number;  // "* 5 EXISTS" -> 5
    std::string name;                   // upper-cased: OK NO BAD BYE PREAUTH LIST FETCH ...

    // Status responses (OK/NO/BAD/BYE/PREAUTH) and continuations: resp-text.
    std::string code;       // upper-cased response code name, e.g. "CAPABILITY", "ALERT"
    std::string code_args;  // raw text after the code name inside [...]
    std::string text;       // human-readable text after the code

    std::vector<Value> data;             // everything after the name, for data responses
    std::vector<std::uint32_t> numbers;  // SEARCH hits (kept compact: a search can be huge)

    // Set only by a lenient reader (ResponseReader::lenient): the response was framed
    // completely (CRLF seen, literals counted), so the stream is still in step, but it does
    // not follow the grammar. `anomaly` says what is wrong, `sent` is its first line as the
    // server sent it. With `lenient` its meaning was still clear and the fields above hold
    // all of it; without, they hold only what precedes the fault (kind, tag, name).
    std::string anomaly;
    std::string sent;
    bool lenient = false;

    bool is_status() const;
    // "[CODE args] text" as the server said it, for summaries.
    std::string status_text() const;
};

// Bytes a response holds in memory (its strings, lists and numbers), so that what a server
// sends can be kept within a budget.
std::size_t memory_size(const Response& response);

// Capability atoms, as the server spelled them, from a CAPABILITY response or a
// [CAPABILITY ...] response code (RFC 3501 §7.2.1, §7.1), each name once; empty for
// anything else.
std::vector<std::string> capability_list(const Response& response);
// Capability names compare case-insensitively ("IMAP4rev1" is "IMAP4REV1").
bool same_capability(std::string_view a, std::string_view b);

}  // namespace imapcheck::imap
