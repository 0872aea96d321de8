// imapcheck fake server: one client connection as handlers see it — line and literal I/O over
// plain TCP or TLS (RFC 3501 §6.2.1 STARTTLS, or implicit TLS), plus per-connection state.
// Every wait is bounded by ServerOptions::io_timeout and aborted when the server stops.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fake_core.hpp"
#include "fake_types.hpp"

struct ssl_st;

namespace imapcheck::fake {

// RFC 3501 §3 connection states (LOGOUT is modelled by closing).
enum class Phase { NotAuthenticated, Authenticated, Selected };

struct ServerState {
    Phase phase = Phase::NotAuthenticated;
    std::string user;      // who logged in
    std::string selected;  // on-the-wire name of the EXAMINEd mailbox (Phase::Selected)
};

class Session {
  public:
    Session(detail::ServerCore& core, int fd);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Output. All of these throw detail::SessionEnded when the client is gone; let it
    // propagate out of the handler.
    void send(std::string_view raw);                                    // exact bytes
    void line(std::string_view text);                                   // appends CRLF
    void tagged(const Command& cmd, std::string_view status_and_text);  // "<tag> OK done"

    // Input, for continuation flows inside a handler (e.g. AUTHENTICATE).
    std::string read_line();      // next line from the client, CRLF (or bare LF) stripped
    std::string read_raw_line();  // same, terminator kept
    std::string read_bytes(std::size_t n);
    // True once what the client sent and no handler has read yet contains `needle`, waiting
    // at most `within`; reads nothing away. Lets a handler act on a command pipelined behind
    // the one it answers, as an eager proxy does.
    bool pending_input_contains(std::string_view needle, std::chrono::milliseconds within);

    // TLS handshake as server; discards any plaintext the client pipelined before it, as a
    // real server must (those bytes stay in received_plaintext_before_tls()).
    void start_tls();
    void close();             // abrupt: no TLS close_notify, no BYE
    void close_gracefully();  // TLS close_notify (if TLS), then close
    bool closed() const { return fd_ < 0; }
    bool tls_active() const { return ssl_ != nullptr; }

    ServerState& state() { return state_; }
    const ServerOptions& options() const { return core_.options; }
    // The capability list that applies right now (pre-TLS, post-TLS or post-login).
    std::vector<std::string> capabilities() const;
    bool has_capability(std::string_view cap) const;  // case-insensitive

    std::vector<Mailbox> mailboxes() const;  // snapshot of the live mailboxes
    // Adds a flag to a live message (no-op when present); false if mailbox/UID unknown.
    bool add_flag(std::string_view mailbox, uint32_t uid, std::string_view flag);
    // Marks that the client did something that would change the mailbox store.
    void note_mutation();

  private:
    void wait(short events);  // poll fd_ + stop pipe; throws SessionEnded on timeout/stop
    void fill();              // read some more bytes into inbuf_
    void record_received(std::string_view bytes);

    detail::ServerCore& core_;
    int fd_;
    ssl_st* ssl_ = nullptr;
    bool tls_started_ = false;  // set before the handshake, so its bytes count as "after"
    std::string inbuf_;
    ServerState state_;
};

}  // namespace imapcheck::fake
