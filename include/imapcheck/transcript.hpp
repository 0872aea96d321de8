// imapcheck: the protocol transcript behind --trace (docs/contract.md §7): "C:"/"S:" lines and "*"
// events, each with a millisecond offset. Callers hand it text that is already redacted.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "imapcheck/deadline.hpp"

namespace imapcheck {

class Transcript {
public:
    Transcript() = default;  // discards everything
    // Writes to `sink` (not owned) as lines arrive, so a hung run still shows how far it got.
    Transcript(std::FILE* sink, Clock::time_point start) : sink_(sink), start_(start) {}
    // Each line begins with `prefix` (a fleet's target name), so runs that share a sink
    // can be told apart.
    Transcript(std::FILE* sink, Clock::time_point start, std::string prefix)
        : sink_(sink), start_(start), prefix_(std::move(prefix)) {}

    // A transcript that may be read by others (the exporter's debug answer) shows the
    // protocol, not the mail: message headers' values and bodies masked.
    void mask_mail(bool on) { mask_mail_ = on; }
    bool masks_mail() const { return mask_mail_; }

    bool enabled() const { return sink_ != nullptr; }
    void client(std::string_view line) { write('C', line); }
    void server(std::string_view line) { write('S', line); }
    void event(std::string_view line) { write('*', line); }

private:
    void write(char who, std::string_view text);

    std::FILE* sink_ = nullptr;
    Clock::time_point start_{};
    std::string prefix_;
    bool mask_mail_ = false;
};

// `text` as the transcript shows it: valid UTF-8 as it is; control characters (C0, DEL,
// C1) and bytes that are not valid UTF-8 as "\xNN" escapes, so a hostile server cannot
// drive the terminal and the bytes can still be read. A backslash stays as it is (IMAP
// quoting uses it), so a server's own "\x41" text looks like an escape.
std::string trace_printable(std::string_view text);

// Masks what a client line may carry of a secret: LOGIN's password, AUTHENTICATE's
// initial response, and SASL continuation lines (anything that is not "tag command").
std::string redact_client_line(std::string_view line);

}  // namespace imapcheck
