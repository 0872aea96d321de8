// imapcheck: one IMAP conversation over a Connection (RFC 3501 §2.2, RFC 9051 §2.2).
// Sends commands with our own tags, sends literals the way the server allows, reads every
// response until the tagged one, and keeps what any response may say in passing:
// capabilities, [ALERT] texts, a BYE.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "imapcheck/connection.hpp"
#include "imapcheck/imap/command.hpp"
#include "imapcheck/imap/reader.hpp"

namespace imapcheck {

struct Reply {
    imap::Response tagged;
    std::vector<imap::Response> untagged;

    bool ok() const { return tagged.name == "OK"; }
    // "NO [AUTHENTICATIONFAILED] Authentication failed." for summaries.
    std::string status_line() const { return tagged.name + " " + tagged.status_text(); }
};

class Session {
public:
    // Untagged responses kept for one command; a LIST of 100 000 folders still fits.
    static constexpr std::size_t kMaxUntaggedPerCommand = 100000;

    // Answers a "+" continuation during AUTHENTICATE: the next line to send (already
    // base64), or nullopt to cancel with "*".
    using ContinuationHandler = std::function<std::optional<std::string>(const imap::Response&)>;

    // Each command gets `command_timeout`, and never more than the deadline run() is given.
    Session(std::unique_ptr<Connection> connection, Transcript& transcript,
            std::chrono::milliseconds command_timeout, imap::ReaderLimits limits = {});

    Connection& connection() { return *connection_; }
    bool open() const { return connection_->open() && !broken_; }

    // Runs one command to its tagged response. Errors: timeout, closed, unparsable stream.
    Result<Reply> run(const imap::Command& command, const Deadline& run_deadline,
                      const ContinuationHandler& on_continuation = {});

    // Capabilities as last announced (upper-cased), from CAPABILITY responses or codes.
    bool has_capability(std::string_view name) const;
    const std::vector<std::string>& capabilities() const { return capabilities_; }
    void set_capabilities(std::vector<std::string> caps);

    // Messages in the selected mailbox as last announced (EXISTS, less later EXPUNGEs).
    std::optional<std::uint64_t> exists() const { return exists_; }
    const std::vector<std::string>& alerts() const { return alerts_; }
    const std::optional<imap::Response>& bye() const { return bye_; }
    void close();

private:
    Result<imap::Response> read_response(const Deadline& deadline);
    Result<Unit> send_raw(std::string_view bytes, const Deadline& deadline);
    void observe(const imap::Response& response);

    std::unique_ptr<Connection> connection_;
    Transcript& transcript_;
    std::chrono::milliseconds command_timeout_;
    imap::ResponseReader reader_;
    unsigned next_tag_ = 1;
    bool broken_ = false;
    std::vector<std::string> capabilities_;
    std::vector<std::string> alerts_;
    std::optional<imap::Response> bye_;
    std::optional<std::uint64_t> exists_;
};

}  // namespace imapcheck
