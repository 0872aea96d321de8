// imapcheck: the IMAP command/response loop (RFC 3501 §2.2.1-2.2.2, §7; RFC 7888 literals).
// One place sends commands and one place reads responses, like curl's pingpong.c: checks
// only build commands and read typed replies.
#include "imapcheck/session.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <utility>

#include <openssl/crypto.h>

namespace imapcheck {
namespace {

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

// A timeout names the command, the bound that ran out and what was still awaited.
Error with_context(Error e, const std::string& verb, bool run_bound_first, std::chrono::milliseconds command_timeout) {
    if (e.kind != Error::Kind::Timeout) return e;
    char bound[96];
    if (run_bound_first)
        std::snprintf(bound, sizeof bound, "the run's --timeout ran out during %s", verb.c_str());
    else
        std::snprintf(bound, sizeof bound, "no answer to %s within %g s (--command-timeout)", verb.c_str(),
                      static_cast<double>(command_timeout.count()) / 1000.0);
    e.message = std::string(bound) + "; waiting for " + e.message;
    return e;
}

}  // namespace

Session::Session(std::unique_ptr<Connection> connection, Transcript& transcript,
                 std::chrono::milliseconds command_timeout, imap::ReaderLimits limits)
    : connection_(std::move(connection)),
      transcript_(transcript),
      command_timeout_(command_timeout),
      reader_(limits) {
    reader_.keep_transcript(transcript_.enabled());
    reader_.mask_literals(transcript_.masks_mail());
    // A line that breaks the grammar but was framed completely leaves the stream in step:
    // it is set aside (or read leniently) and noted, and the session goes on.
    reader_.lenient(true);
}

bool Session::has_capability(std::string_view name) const {
    return std::any_of(capabilities_.begin(), capabilities_.end(),
                       [&](const std::string& c) { return imap::same_capability(c, name); });
}

void Session::set_capabilities(std::vector<std::string> caps) {
    capabilities_ = std::move(caps);
}

void Session::note_deviation(std::string what) {
    // Server text reaches the notes, which the text report prints as they are.
    for (char& c : what)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    if (std::find(deviations_.begin(), deviations_.end(), what) != deviations_.end()) return;
    // A server that gets every line wrong must not fill the report with them.
    if (deviations_.size() < kMaxDeviations)
        deviations_.push_back(std::move(what));
    else
        ++more_deviations_;
}

std::vector<std::string> Session::deviations() const {
    std::vector<std::string> out = deviations_;
    if (more_deviations_ > 0)
        out.push_back("and " + std::to_string(more_deviations_) + " more like these");
    return out;
}

void Session::note_anomaly(const imap::Response& r, const std::string& answering,
                           std::string_view outcome) {
    std::string what = r.kind == imap::Response::Kind::Tagged ? "the tagged reply to "
                       : r.name.empty()                       ? "a line in the answer to "
                                                              : "a " + r.name + " response to ";
    note_deviation(what + answering + " does not follow the IMAP grammar (" + r.anomaly + "), " +
                   std::string(outcome) + ": " + r.sent);
}

void Session::trace_pending() {
    for (const auto& line : reader_.pending_transcript()) transcript_.server(line);
}

void Session::close() { connection_->close(); }

void Session::observe(const imap::Response& r) {
    if (auto caps = imap::capability_list(r); !caps.empty()) set_capabilities(std::move(caps));
    if (r.code == "ALERT" &&
        std::find(alerts_.begin(), alerts_.end(), r.text) == alerts_.end())
        alerts_.push_back(r.text);
    if (r.kind != imap::Response::Kind::Untagged) return;
    if (r.name == "BYE") bye_ = r;
    if (r.name == "EXISTS" && r.number) exists_ = *r.number;
    if (r.name == "EXPUNGE" && exists_ && *exists_ > 0) --*exists_;
}

Result<Unit> Session::send_raw(std::string_view bytes, const Deadline& deadline) {
    auto sent = connection_->send(bytes, deadline);
    if (!sent && sent.error().kind == Error::Kind::Timeout) broken_ = true;
    return sent;
}

Result<imap::Response> Session::read_response(const Deadline& deadline) {
    std::array<char, 16384> buffer;  // not zeroed: receive() says how much it filled
    while (true) {
        if (auto next = reader_.next()) {
            if (!next->ok()) {
                // A framing error leaves the stream out of step: nothing after it is trusted.
                broken_ = true;
                trace_pending();
                transcript_.event(next->error().message);
                return next->error();
            }
            // Traced before anything reads it, so a line that breaks something is in the trace.
            for (const auto& line : reader_.transcript_lines()) transcript_.server(line);
            // What does not follow the grammar says nothing reliable in passing.
            if (next->value().anomaly.empty() || next->value().lenient) observe(next->value());
            return std::move(next->value());
        }
        // Checked here too, not only while waiting: a server that sends faster than we read
        // would otherwise never let the deadline be seen.
        auto got = deadline.expired()
                       ? Result<std::size_t>(make_error(Error::Kind::Timeout, "timed out"))
                       : connection_->receive(buffer.data(), buffer.size(), deadline);
        if (!got) {
            Error e = got.error();
            if (e.kind == Error::Kind::Timeout) {
                broken_ = true;  // a late answer would arrive out of step
                e.message = reader_.progress();
            } else if (e.kind == Error::Kind::Closed && bye_) {
                e.message = "server closed the connection: * BYE " + bye_->status_text();
            }
            trace_pending();
            transcript_.event(e.message);
            return e;
        }
        reader_.feed(std::string_view(buffer.data(), *got));
    }
}

std::string Session::next_tag() {
    // "C" tags keep ours apart from libcurl's "A" tags of the connect phase in a transcript.
    char tag[16];
    std::snprintf(tag, sizeof tag, "C%03u", next_tag_++);
    return tag;
}

bool Session::answered(const imap::Command& command) const {
    const std::string key = command.redacted();
    return std::any_of(in_flight_.begin(), in_flight_.end(),
                       [&](const InFlight& f) { return f.key == key && f.done; });
}

bool Session::any_answered_ahead() const {
    return std::any_of(in_flight_.begin(), in_flight_.end(),
                       [](const InFlight& f) { return f.done; });
}

bool Session::send_ahead(const imap::Command& command, const Deadline& run_deadline) {
    if (!open()) return false;
    const std::string key = command.redacted();
    for (const auto& f : in_flight_)
        if (f.key == key) return true;
    const bool literal_plus = has_capability("LITERAL+");
    auto segments = command.segments(literal_plus);
    // A synchronizing literal waits for "+", and a secret is never sent before its turn.
    for (const auto& seg : segments)
        if (seg.secret || (seg.literal && !literal_plus)) return false;
    const std::string tag = next_tag();
    std::string wire;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        wire += (i == 0 ? tag + " " : std::string()) + segments[i].text + "\r\n";
        if (!segments[i].literal) break;
        wire += *segments[i].literal;
    }
    transcript_.client(tag + " " + key);
    if (!send_raw(wire, Deadline::after(command_timeout_).earlier(run_deadline))) return false;
    track(tag, key, upper(command.verb()));
    return true;
}

Session::InFlight& Session::track(std::string tag, std::string key, std::string verb) {
    in_flight_.push_back({std::move(tag), std::move(key), std::move(verb), answered_at_.size(),
                          Clock::now(), {}, false, 0});
    answered_at_.emplace_back();
    return in_flight_.back();
}

std::optional<double> Session::take_command_ms() {
    return std::exchange(command_ms_, std::nullopt);
}

Result<Reply> Session::claim(std::deque<InFlight>::iterator entry) {
    Reply reply = std::move(entry->reply);
    in_flight_.erase(entry);
    command_ms_ = command_ms_.value_or(0) + reply.elapsed_ms;
    return reply;
}

Session::InFlight* Session::owner_of(const imap::Response& r) {
    // Data a command asks for goes to the oldest unanswered command of that kind, since a
    // server may run independent commands at once (RFC 3501 §5.5); anything else (EXISTS,
    // FLAGS, OK [UIDVALIDITY], unsolicited lines) to the oldest unanswered command.
    static constexpr std::pair<std::string_view, std::string_view> kAnswers[] = {
        {"LIST", "LIST"},
        {"STATUS", "STATUS"},
        {"SEARCH", "SEARCH"},
        {"FETCH", "FETCH"},
        {"QUOTAROOT", "GETQUOTAROOT"},
        {"QUOTA", "GETQUOTAROOT"},
        {"CAPABILITY", "CAPABILITY"},
        {"NAMESPACE", "NAMESPACE"},
        {"ID", "ID"}};
    InFlight* oldest = nullptr;
    for (auto& f : in_flight_) {
        if (f.done) continue;
        if (!oldest) oldest = &f;
        for (auto [response, verb] : kAnswers)
            if (r.name == response && f.verb == verb) return &f;
    }
    return oldest;
}

Result<Unit> Session::collect(InFlight& target, const Deadline& deadline, const std::string& verb,
                              bool run_bound_first, OnContinuation on_continuation,
                              const ContinuationHandler& handler) {
    while (!target.done) {
        auto r = read_response(deadline);
        if (!r) return with_context(r.error(), verb, run_bound_first, command_timeout_);
        if (r->kind == imap::Response::Kind::Continuation) {
            if (on_continuation == OnContinuation::Return) return Unit{};
            if (on_continuation == OnContinuation::Refuse) {
                // Nothing of ours is pending: answering would put the stream out of step.
                broken_ = true;
                return make_error(Error::Kind::Protocol,
                                  "server asked to continue a " + verb +
                                      " command that has nothing more to send");
            }
            std::optional<std::string> answer = handler(r.value());
            transcript_.client(answer ? "***" : "*");
            std::string line = (answer ? *answer : std::string("*")) + "\r\n";
            auto sent = send_raw(line, deadline);
            OPENSSL_cleanse(line.data(), line.size());
            if (answer) OPENSSL_cleanse(answer->data(), answer->size());
            if (!sent) return sent.error();
            continue;
        }
        if (r->kind == imap::Response::Kind::Tagged) {
            auto owner = std::find_if(in_flight_.begin(), in_flight_.end(), [&](const InFlight& f) {
                return f.tag == r->tag && !f.done;
            });
            if (owner == in_flight_.end()) {  // not ours: a server bug, ignored
                if (!r->anomaly.empty()) note_anomaly(r.value(), "no command of ours", "ignored");
                continue;
            }
            // Ours, but not OK/NO/BAD: the command is over and failed, in the server's words.
            if (!r->anomaly.empty())
                note_anomaly(r.value(), owner->tag + " " + owner->verb, "taken as its failure");
            const auto now = Clock::now();
            owner->reply.tagged = std::move(r.value());
            owner->done = true;
            answered_at_[owner->seq] = now;
            // Timed in the order of sending, whatever order the server answered in.
            const auto* before = owner->seq > 0 ? &answered_at_[owner->seq - 1] : nullptr;
            owner->reply.elapsed_ms =
                before && !*before ? 0.0
                                   : elapsed_ms(before ? std::max(owner->sent_at, **before) : owner->sent_at, now);
            continue;
        }
        InFlight* owner = owner_of(r.value());  // never null: `target` is unanswered
        // A server streaming untagged data forever must not grow memory without bound.
        owner->kept_bytes += imap::memory_size(r.value());
        if (owner->reply.untagged.size() + owner->reply.anomalies.size() >=
            kMaxUntaggedPerCommand) {
            broken_ = true;
            return make_error(Error::Kind::Limit, "server sent more than " +
                                                      std::to_string(kMaxUntaggedPerCommand) +
                                                      " responses to " + owner->verb);
        }
        if (owner->kept_bytes > kMaxUntaggedBytesPerCommand) {
            broken_ = true;
            return make_error(Error::Kind::Limit,
                              "server sent more than " +
                                  std::to_string(kMaxUntaggedBytesPerCommand >> 20) +
                                  " MiB of responses to " + owner->verb);
        }
        if (!r->anomaly.empty()) {
            note_anomaly(r.value(), owner->tag + " " + owner->verb,
                         r->lenient ? "read leniently" : "set aside");
            if (!r->lenient) {
                owner->reply.anomalies.push_back(std::move(r.value()));
                continue;
            }
        }
        owner->reply.untagged.push_back(std::move(r.value()));
    }
    return Unit{};
}

Result<Reply> Session::run(const imap::Command& command, const Deadline& run_deadline,
                           const ContinuationHandler& on_continuation) {
    const std::string verb = upper(command.verb());
    const std::string key = command.redacted();
    auto ahead = std::find_if(in_flight_.begin(), in_flight_.end(),
                              [&](const InFlight& f) { return f.key == key; });
    // An answer that arrived before the connection broke is still the server's answer.
    if (ahead != in_flight_.end() && ahead->done) return claim(ahead);
    if (!open()) return make_error(Error::Kind::Closed, "connection is closed");
    const Deadline deadline = Deadline::after(command_timeout_).earlier(run_deadline);
    const bool run_bound_first = deadline.at() == run_deadline.at();

    if (ahead != in_flight_.end()) {
        if (auto got = collect(*ahead, deadline, verb, run_bound_first, OnContinuation::Refuse);
            !got)
            return got.error();
        return claim(ahead);
    }

    // Sent now and alone: what went ahead is answered first, and kept for its own run().
    for (auto& f : in_flight_)
        if (!f.done) {
            if (auto drained = collect(f, deadline, verb, run_bound_first, OnContinuation::Refuse);
                !drained) {
                // Blame what was in flight, not this command, which never left.
                Error e = drained.error();
                char when[64];
                std::snprintf(when, sizeof when, "%.0f ms ago", elapsed_ms(f.sent_at));
                e.message += " (while waiting for the answer to " + f.key + ", sent " + when +
                             "; " + verb + " was not sent)";
                return e;
            }
        }
    InFlight& entry = track(next_tag(), key, verb);
    transcript_.client(entry.tag + " " + key);
    const bool literal_plus = has_capability("LITERAL+");
    auto segments = command.segments(literal_plus);  // may hold secrets: wiped below
    for (std::size_t i = 0; i < segments.size(); ++i) {
        auto& seg = segments[i];
        std::string line = (i == 0 ? entry.tag + " " : std::string()) + seg.text + "\r\n";
        auto sent_line = send_raw(line, deadline);
        if (seg.secret) {
            OPENSSL_cleanse(line.data(), line.size());
            OPENSSL_cleanse(seg.text.data(), seg.text.size());
        }
        if (!sent_line) return sent_line.error();
        if (!seg.literal) break;
        if (!literal_plus) {
            // A synchronizing literal waits for the server's "+" (RFC 3501 §7.5); a NO/BAD
            // instead means the server refused the command.
            auto got = collect(entry, deadline, verb, run_bound_first, OnContinuation::Return);
            if (!got) return got.error();
            if (entry.done) return claim(std::prev(in_flight_.end()));
        }
        auto sent_literal = send_raw(*seg.literal, deadline);
        if (seg.secret) OPENSSL_cleanse(seg.literal->data(), seg.literal->size());
        if (!sent_literal) return sent_literal.error();
    }
    auto got =
        collect(entry, deadline, verb, run_bound_first,
                on_continuation ? OnContinuation::Answer : OnContinuation::Refuse, on_continuation);
    if (!got) return got.error();
    return claim(std::prev(in_flight_.end()));
}

}  // namespace imapcheck
