// imapcheck: pure, incremental IMAP response reader (RFC 3501 §9 / RFC 9051 §9 grammar).
// Bytes in (feed), whole responses out (next): literal-aware, byte-exact, with caps on line
// length, literal size and nesting depth. No sockets, no curl: testable without a network.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imapcheck/expected.hpp"
#include "imapcheck/imap/response.hpp"

namespace imapcheck::imap {

namespace detail {
// One literal of a framed response: its bytes (maybe only the first literal_keep) and size.
struct FramedLiteral {
    std::string data;
    std::uint64_t size = 0;
};
}  // namespace detail

struct ReaderLimits {
    // A SEARCH of a 200 000-message mailbox is about 1.4 MB on one line.
    std::size_t max_line = 16u << 20;
    // Largest literal accepted at all; bigger announcements are refused, not allocated.
    std::uint64_t max_literal = 64ull << 20;
    // Bytes of each literal kept in memory; the rest is counted and dropped.
    std::size_t literal_keep = 1u << 20;
    int max_depth = 64;
};

class ResponseReader {
public:
    explicit ResponseReader(ReaderLimits limits = {}) : limits_(limits) {}

    void feed(std::string_view bytes);
    // A complete response, nothing (need more bytes), or an error. Framing errors (limits)
    // are sticky: after one the stream is out of step and nothing more is returned. A
    // response framed completely but not following the grammar is an error of its own only:
    // the next one is read as usual.
    std::optional<Result<Response>> next();
    // When on, a response framed completely but not following the grammar comes back as a
    // Response with `anomaly` set (read leniently where its meaning is still clear) instead
    // of as an error: one bad line costs that line, not the session.
    void lenient(bool on) { lenient_ = on; }
    // Bytes buffered but not yet part of a returned response.
    std::size_t pending() const { return buffer_.size() - read_pos_; }
    // What we are in the middle of, for timeout messages ("a literal (1200 of 6000 bytes)").
    std::string progress() const;

    // When on, each returned response also leaves its lines for --trace, with every literal
    // shown as its first few lines and then its size.
    void keep_transcript(bool on) { keep_transcript_ = on; }
    // Literals' lines (mail headers and bodies) masked in those lines: header names kept.
    void mask_literals(bool on) { mask_literals_ = on; }
    // Set by each next() that returned a response (or refused one), before it was decoded.
    const std::vector<std::string>& transcript_lines() const { return transcript_lines_; }
    // The lines of a response still being received, for --trace when the stream ends or
    // stalls mid-response: so the bytes that broke a session are in the trace too.
    std::vector<std::string> pending_transcript() const;

private:
    struct Raw {
        std::string text;  // lines with CRLF; a literal's bytes are not here, only its {N}
        std::vector<detail::FramedLiteral> literals;
    };

    std::optional<Result<Response>> fail(std::string message);
    void compact();

    ReaderLimits limits_;
    std::string buffer_;
    std::size_t read_pos_ = 0;
    std::size_t scan_from_ = 0;  // no '\n' in buffer_ before this offset
    Raw current_;
    std::uint64_t literal_left_ = 0;
    bool in_literal_ = false;
    std::optional<Error> error_;
    bool keep_transcript_ = false;
    bool mask_literals_ = false;
    bool lenient_ = false;
    std::vector<std::string> transcript_lines_;
};

// Parses one complete response; exposed for tests and for lines libcurl already read.
Result<Response> parse_response_line(std::string_view line, const ReaderLimits& limits = {});

}  // namespace imapcheck::imap
