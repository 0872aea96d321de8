// imapcheck: one IMAP conversation over a Connection (RFC 3501 §2.2, RFC 9051 §2.2).
// Sends commands with our own tags, sends literals the way the server allows, reads every
// response until the tagged one, and keeps what any response may say in passing:
// capabilities, [ALERT] texts, a BYE. Commands may be sent ahead of being run (pipelining,
// RFC 3501 §5.5): several steps then cost one round trip.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "imapcheck/connection.hpp"
#include "imapcheck/imap/command.hpp"
#include "imapcheck/imap/reader.hpp"
#include "imapcheck/transcript.hpp"

namespace imapcheck {

struct Reply {
    imap::Response tagged;
    std::vector<imap::Response> untagged;
    // Untagged lines of this command's kind that did not follow the grammar and could not be
    // read leniently (imap::Response::anomaly): set aside, so a check judges the rest and can
    // say what it could not read. Lines read leniently are in `untagged`.
    std::vector<imap::Response> anomalies;
    // From when the server could start on the command (it was sent, and the command sent
    // before it was answered) to its tagged response: the server's time for it, plus the
    // wire. 0 when the server answered it before the command sent before it (it ran beside
    // it, and that one's time covers both).
    double elapsed_ms = 0;

    bool ok() const { return tagged.name == "OK"; }
    // "NO [AUTHENTICATIONFAILED] Authentication failed." for summaries.
    std::string status_line() const { return tagged.name + " " + tagged.status_text(); }
};

class Session {
public:
    // Untagged responses kept for one command, by count and by memory (imap::memory_size):
    // a LIST of 100 000 folders still fits, a server sending without end does not.
    static constexpr std::size_t kMaxUntaggedPerCommand = 100000;
    static constexpr std::size_t kMaxUntaggedBytesPerCommand = std::size_t{64} << 20;

    // Answers a "+" continuation during AUTHENTICATE: the next line to send (already
    // base64), or nullopt to cancel with "*".
    using ContinuationHandler = std::function<std::optional<std::string>(const imap::Response&)>;

    // Each command gets `command_timeout`, and never more than the deadline run() is given.
    Session(std::unique_ptr<Connection> connection, Transcript& transcript,
            std::chrono::milliseconds command_timeout, imap::ReaderLimits limits = {});

    Connection& connection() { return *connection_; }
    bool open() const { return connection_->open() && !broken_; }

    // Runs one command to its tagged response. Errors: timeout, closed, unparsable stream.
    // A command sent ahead is not sent again: its reply is collected.
    Result<Reply> run(const imap::Command& command, const Deadline& run_deadline,
                      const ContinuationHandler& on_continuation = {});

    // Sends `command` now without waiting for its answer; a later run() of the same command
    // collects the reply. False, and nothing sent, when it cannot go ahead: it carries a
    // secret or needs a synchronizing literal, or the session is unusable. True without
    // sending when the same command is already on its way.
    bool send_ahead(const imap::Command& command, const Deadline& run_deadline);
    // True when `command` went ahead and its whole answer arrived: run() returns it even
    // after the connection broke.
    bool answered(const imap::Command& command) const;
    // Whether any command that went ahead has been answered and not yet claimed.
    bool any_answered_ahead() const;

    // The sum of the replies' elapsed_ms that run() returned since the last call, or
    // nullopt when it returned none: a step's own time, even when its command went ahead.
    std::optional<double> take_command_ms();

    // Capabilities as last announced, in the server's spelling, from CAPABILITY responses or
    // codes; compared case-insensitively.
    bool has_capability(std::string_view name) const;
    const std::vector<std::string>& capabilities() const { return capabilities_; }
    void set_capabilities(std::vector<std::string> caps);

    // Messages in the selected mailbox as last announced (EXISTS, less later EXPUNGEs).
    std::optional<std::uint64_t> exists() const { return exists_; }
    const std::vector<std::string>& alerts() const { return alerts_; }
    const std::optional<imap::Response>& bye() const { return bye_; }
    // Where the server departed from the protocol and imapcheck carried on (a line that does
    // not follow the grammar, a response left out), each once, in words for the report's
    // notes; control characters from the server are already neutralised.
    std::vector<std::string> deviations() const;
    void note_deviation(std::string what);
    static constexpr std::size_t kMaxDeviations = 10;
    void close();

private:
    // A command on its way: sent, its responses collected as they arrive.
    struct InFlight {
        std::string tag, key, verb;  // key: the command as the transcript shows it
        std::size_t seq;  // place in the order of sending
        Clock::time_point sent_at;
        Reply reply;
        bool done = false;
        std::size_t kept_bytes = 0;  // memory its untagged responses hold
    };
    // What collect() does with a "+" continuation request.
    enum class OnContinuation { Refuse, Return, Answer };

    Result<imap::Response> read_response(const Deadline& deadline);
    // Writes what the reader holds of a response cut short to the transcript.
    void trace_pending();
    // Notes a response that did not follow the grammar, naming the command it answers.
    // `outcome`: what became of it ("set aside", "read leniently").
    void note_anomaly(const imap::Response& response, const std::string& answering,
                      std::string_view outcome);
    Result<Unit> send_raw(std::string_view bytes, const Deadline& deadline);
    void observe(const imap::Response& response);
    std::string next_tag();
    // Records a command just sent (or about to be) as in flight.
    InFlight& track(std::string tag, std::string key, std::string verb);
    // Reads responses until `target` is answered, filing each where it belongs.
    Result<Unit> collect(InFlight& target, const Deadline& deadline, const std::string& verb,
                         bool run_bound_first, OnContinuation on_continuation,
                         const ContinuationHandler& handler = {});
    InFlight* owner_of(const imap::Response& untagged);
    Result<Reply> claim(std::deque<InFlight>::iterator entry);

    std::unique_ptr<Connection> connection_;
    Transcript& transcript_;
    std::chrono::milliseconds command_timeout_;
    imap::ResponseReader reader_;
    unsigned next_tag_ = 1;
    bool broken_ = false;
    std::vector<std::string> capabilities_;
    std::vector<std::string> alerts_;
    std::vector<std::string> deviations_;
    std::size_t more_deviations_ = 0;
    std::optional<imap::Response> bye_;
    std::optional<std::uint64_t> exists_;
    std::deque<InFlight> in_flight_;
    // When each command, by its place in the order of sending, was answered.
    std::vector<std::optional<Clock::time_point>> answered_at_;
    std::optional<double> command_ms_;
};

}  // namespace imapcheck
