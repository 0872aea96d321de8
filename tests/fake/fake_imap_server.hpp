// imapcheck fake server: a scripted IMAP4rev1 server (RFC 3501 / RFC 9051) on 127.0.0.1 for
// component tests, with optional implicit TLS or STARTTLS, LITERAL+ (RFC 7888) and AUTH=PLAIN
// (RFC 4616). It records every byte and command so tests can assert what a client really sent.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fake_core.hpp"
#include "fake_session.hpp"
#include "fake_types.hpp"

namespace imapcheck::fake {

// Listens on an ephemeral loopback port from construction and serves connections one after
// another on one background thread until destroyed. The destructor never hangs: every wait is
// bounded by ServerOptions::io_timeout and interrupted through a self-pipe.
//
//   FakeImapServer plain;                                   // TlsMode::None
//   TestPki pki = make_test_pki(dir);
//   ServerOptions o;  o.tls = TlsMode::Implicit;            // or TlsMode::StartTls
//   o.cert_file = pki.server_cert;  o.key_file = pki.server_key;
//   FakeImapServer tls(o);                                  // connect to 127.0.0.1:tls.port()
//
// Connections are served one at a time: a second one waits in the backlog until the first ends.
class FakeImapServer {
  public:
    explicit FakeImapServer(ServerOptions options = {});  // throws std::runtime_error
    ~FakeImapServer();
    FakeImapServer(const FakeImapServer&) = delete;
    FakeImapServer& operator=(const FakeImapServer&) = delete;

    uint16_t port() const { return port_; }

    // Replaces the handler for a command name (case-insensitive), e.g. on("LOGIN", ...).
    // Takes effect from the next command; safe to call while a client is connected.
    void on(std::string command_name, Handler handler);
    // The built-in behaviour for a name, for overrides that wrap it; unknown names get the
    // "BAD unknown command" handler.
    static Handler default_handler(std::string_view command_name);

    // Every byte the client sent before the TLS handshake began, over all connections (all of
    // it when TLS never started; nothing for implicit TLS).
    std::string received_plaintext_before_tls() const;
    std::string received() const;  // every byte the client sent (decrypted), all connections
    std::string sent() const;      // every byte the server sent (before encryption)
    std::vector<Command> commands() const;  // in order, all connections
    // True once a STORE/EXPUNGE/COPY/MOVE/APPEND/CREATE/DELETE/RENAME/SUBSCRIBE/UNSUBSCRIBE/
    // SELECT/CLOSE (or UID STORE/COPY/MOVE/EXPUNGE) arrived, or a body was fetched without PEEK.
    bool saw_mutating_command() const;
    std::vector<Mailbox> mailboxes() const;   // live state, e.g. to see \Seen set by a FETCH
    std::size_t connection_count() const;     // accepted so far
    std::size_t tls_handshake_count() const;  // completed server-side handshakes
    // Of those, the ones that resumed an earlier TLS session (no certificate was sent).
    std::size_t resumed_tls_handshake_count() const;
    std::vector<std::string> events() const;  // connection log: accepts, ends and why

    // Waits until `n` connections have been completely handled (the server saw the end), so a
    // test can read the recordings after a client subprocess exits without racing the thread.
    bool wait_for_connections_done(std::size_t n,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(10));

  private:
    void run();          // accept loop (server thread)
    void serve(int fd);  // one connection, start to end
    void converse(Session& s);
    void release();  // frees sockets, pipe and TLS context

    std::unique_ptr<detail::ServerCore> core_;
    int listen_fd_ = -1;
    int stop_write_fd_ = -1;
    uint16_t port_ = 0;
    std::condition_variable done_cv_;
    std::size_t done_ = 0;  // guarded by core_->mutex
    std::thread thread_;
    std::vector<std::thread> connection_threads_;  // ServerOptions::concurrent
};

}  // namespace imapcheck::fake
