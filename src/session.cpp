// imapcheck: the IMAP command/response loop (RFC 3501 §2.2.1-2.2.2, §7; RFC 7888 literals).
// One place sends commands and one place reads responses, like curl's pingpong.c: checks
// only build commands and read typed replies.
#include "imapcheck/session.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

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
}

bool Session::has_capability(std::string_view name) const {
    return std::find(capabilities_.begin(), capabilities_.end(), name) != capabilities_.end();
}

void Session::set_capabilities(std::vector<std::string> caps) {
    for (auto& c : caps) c = upper(std::move(c));
    capabilities_ = std::move(caps);
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
    std::array<char, 16384> buffer{};
    while (true) {
        if (auto next = reader_.next()) {
            if (!next->ok()) {
                // A framing error leaves the stream out of step: nothing after it is trusted.
                broken_ = true;
                return next->error();
            }
            for (const auto& line : reader_.transcript_lines()) transcript_.server(line);
            observe(next->value());
            return std::move(next->value());
        }
        auto got = connection_->receive(buffer.data(), buffer.size(), deadline);
        if (!got) {
            Error e = got.error();
            if (e.kind == Error::Kind::Timeout) {
                broken_ = true;  // a late answer would arrive out of step
                e.message = reader_.progress();
            } else if (e.kind == Error::Kind::Closed && bye_) {
                e.message = "server closed the connection: * BYE " + bye_->status_text();
            }
            transcript_.event(e.message);
            return e;
        }
        reader_.feed(std::string_view(buffer.data(), *got));
    }
}

Result<Reply> Session::run(const imap::Command& command, const Deadline& run_deadline,
                           const ContinuationHandler& on_continuation) {
    if (!open()) return make_error(Error::Kind::Closed, "connection is closed");
    const Deadline deadline = Deadline::after(command_timeout_).earlier(run_deadline);
    const bool run_bound_first = deadline.at() == run_deadline.at();
    // "C" tags keep ours apart from libcurl's "A" tags of the connect phase in a transcript.
    char tag_buf[16];
    std::snprintf(tag_buf, sizeof tag_buf, "C%03u", next_tag_++);
    const std::string tag = tag_buf;
    const std::string verb = upper(command.verb());

    Reply reply;
    transcript_.client(tag + " " + command.redacted());
    const bool literal_plus = has_capability("LITERAL+");
    auto segments = command.segments(literal_plus);  // may hold secrets: wiped below
    for (std::size_t i = 0; i < segments.size(); ++i) {
        auto& seg = segments[i];
        std::string line = (i == 0 ? tag + " " : std::string()) + seg.text + "\r\n";
        auto sent_line = send_raw(line, deadline);
        if (seg.secret) {
            OPENSSL_cleanse(line.data(), line.size());
            OPENSSL_cleanse(seg.text.data(), seg.text.size());
        }
        if (!sent_line) return sent_line.error();
        if (!seg.literal) break;
        // A synchronizing literal waits for the server's "+" (RFC 3501 §7.5); a NO/BAD
        // instead means the server refused the command.
        while (!literal_plus) {
            auto r = read_response(deadline);
            if (!r) return with_context(r.error(), verb, run_bound_first, command_timeout_);
            if (r->kind == imap::Response::Kind::Continuation) break;
            if (r->kind == imap::Response::Kind::Tagged && r->tag == tag) {
                reply.tagged = std::move(r.value());
                return reply;
            }
            reply.untagged.push_back(std::move(r.value()));
        }
        auto sent_literal = send_raw(*seg.literal, deadline);
        if (seg.secret) OPENSSL_cleanse(seg.literal->data(), seg.literal->size());
        if (!sent_literal) return sent_literal.error();
    }

    while (true) {
        auto r = read_response(deadline);
        if (!r) return with_context(r.error(), verb, run_bound_first, command_timeout_);
        if (r->kind == imap::Response::Kind::Continuation) {
            if (!on_continuation) {
                // Nothing of ours is pending: answering would put the stream out of step.
                broken_ = true;
                return make_error(Error::Kind::Protocol,
                                  "server asked to continue a " + verb + " command that has nothing more to send");
            }
            std::optional<std::string> answer = on_continuation(r.value());
            transcript_.client(answer ? "***" : "*");
            std::string line = (answer ? *answer : std::string("*")) + "\r\n";
            auto sent = send_raw(line, deadline);
            OPENSSL_cleanse(line.data(), line.size());
            if (answer) OPENSSL_cleanse(answer->data(), answer->size());
            if (!sent) return sent.error();
            continue;
        }
        if (r->kind == imap::Response::Kind::Tagged) {
            if (r->tag != tag) continue;  // not ours: a server bug, ignored
            reply.tagged = std::move(r.value());
            return reply;
        }
        if (reply.untagged.size() >= kMaxUntaggedPerCommand) {
            // A server streaming untagged lines forever must not grow memory without bound.
            broken_ = true;
            return make_error(Error::Kind::Limit, "server sent more than " + std::to_string(kMaxUntaggedPerCommand) +
                                                      " responses to " + verb);
        }
        reply.untagged.push_back(std::move(r.value()));
    }
}

}  // namespace imapcheck
