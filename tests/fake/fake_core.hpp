// imapcheck fake server (internal): state shared by the accept thread, the sessions and the
// test thread's accessors. Everything below `mutex` is guarded by it; the rest is fixed once
// the server thread starts.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "fake_types.hpp"

struct ssl_ctx_st;

namespace imapcheck::fake {

class Session;
using Handler = std::function<void(Session&, const Command&)>;

namespace detail {

// Thrown by socket I/O when the connection is over: peer closed, timeout, TLS failure or
// server shutdown. The accept loop catches it and moves on to the next connection.
struct SessionEnded : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct ServerCore {
    ServerOptions options;
    ssl_ctx_st* tls_ctx = nullptr;  // owned by FakeImapServer; null when tls == None
    int stop_fd = -1;               // read end of the self-pipe; readable once stopping

    mutable std::mutex mutex;
    std::vector<Mailbox> mailboxes;  // live copy; FETCH of a body without PEEK sets \Seen
    std::map<std::string, Handler> handlers;
    std::string received;              // decrypted client bytes, all connections
    std::string plaintext_before_tls;  // client bytes read before each TLS handshake began
    std::string sent;                  // everything the server wrote (plaintext view)
    std::vector<Command> commands;
    std::vector<std::string> events;  // human-readable connection log for failing tests
    bool mutating = false;
    std::size_t connections = 0;
    std::size_t tls_handshakes = 0;
    std::size_t resumed_tls_handshakes = 0;  // of those, how many resumed an earlier session

    void event(std::string text) {
        std::lock_guard lock(mutex);
        events.push_back(std::move(text));
    }
};

}  // namespace detail
}  // namespace imapcheck::fake
