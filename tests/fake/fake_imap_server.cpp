// imapcheck fake server: listening socket, accept loop and command dispatch (RFC 3501 §2.2
// tagged commands, §7.1.1 greeting). One connection at a time keeps recordings in a simple
// order; a self-pipe wakes the loop so destruction is immediate even with an idle client.
#include "fake_imap_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "fake_command.hpp"
#include "fake_handlers.hpp"
#include "fake_mailbox.hpp"

namespace imapcheck::fake {

namespace {

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("FakeImapServer: " + what + ": " + std::strerror(errno));
}

[[noreturn]] void fail_tls(const std::string& what) {
    char buf[256] = "no OpenSSL error";
    if (unsigned long e = ERR_get_error()) ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    throw std::runtime_error("FakeImapServer: " + what + ": " + buf);
}

SSL_CTX* make_tls_context(const ServerOptions& o) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == nullptr) fail_tls("SSL_CTX_new");
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (o.max_tls_1_2) SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(ctx, o.cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, o.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        SSL_CTX_free(ctx);
        fail_tls("loading " + o.cert_file + " / " + o.key_file);
    }
    return ctx;
}

}  // namespace

FakeImapServer::FakeImapServer(ServerOptions options)
    : core_(std::make_unique<detail::ServerCore>()) {
    core_->options = std::move(options);
    core_->mailboxes = core_->options.mailboxes;
    core_->handlers = handlers::defaults();
    try {
        if (core_->options.tls != TlsMode::None) core_->tls_ctx = make_tls_context(core_->options);
        int pipe_fds[2];
        if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) fail("pipe2");
        core_->stop_fd = pipe_fds[0];
        stop_write_fd_ = pipe_fds[1];

        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (listen_fd_ < 0) fail("socket");
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;  // ephemeral: parallel test processes never collide
        socklen_t len = sizeof addr;
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail("bind");
        if (::listen(listen_fd_, 16) != 0) fail("listen");
        if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            fail("getsockname");
        }
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { run(); });
    } catch (...) {
        release();
        throw;
    }
}

FakeImapServer::~FakeImapServer() {
    if (stop_write_fd_ >= 0) {
        // The pipe never gets drained, so every later poll in the thread sees "stop" too.
        [[maybe_unused]] ssize_t n = ::write(stop_write_fd_, "x", 1);
    }
    if (thread_.joinable()) thread_.join();
    for (auto& t : connection_threads_) t.join();
    release();
}

void FakeImapServer::release() {
    for (int* fd : {&listen_fd_, &stop_write_fd_, &core_->stop_fd}) {
        if (*fd >= 0) ::close(*fd);
        *fd = -1;
    }
    SSL_CTX_free(core_->tls_ctx);
    core_->tls_ctx = nullptr;
}

void FakeImapServer::run() {
    // SSL_write uses plain write(): a client that hung up must not SIGPIPE the test process.
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &block, nullptr);
    for (;;) {
        pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {core_->stop_fd, POLLIN, 0}};
        int n = ::poll(fds, 2, -1);  // no timeout needed: the destructor always writes the pipe
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 || fds[1].revents != 0) return;
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) continue;
        // Responses go out as many small writes; without NODELAY, Nagle plus the client's
        // delayed ACK adds ~40 ms stalls to every multi-line response.
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (core_->options.concurrent)
            connection_threads_.emplace_back([this, fd] { serve(fd); });
        else
            serve(fd);
    }
}

void FakeImapServer::serve(int fd) {
    std::size_t id = 0;
    {
        std::lock_guard lock(core_->mutex);
        id = ++core_->connections;
    }
    core_->event("connection " + std::to_string(id) + " accepted");
    std::string why = "closed by the server";
    {
        Session session(*core_, fd);
        try {
            converse(session);
        } catch (const detail::SessionEnded& e) {
            why = e.what();
        } catch (const std::exception& e) {
            why = std::string("handler threw: ") + e.what();
        }
    }  // Session closes the socket here, before anyone is told the connection is done.
    core_->event("connection " + std::to_string(id) + " ended: " + why);
    {
        std::lock_guard lock(core_->mutex);
        ++done_;
    }
    done_cv_.notify_all();
}

void FakeImapServer::converse(Session& s) {
    const ServerOptions& o = core_->options;
    if (o.tls == TlsMode::Implicit) s.start_tls();
    std::string greeting = o.greeting.empty()
                               ? "* OK [CAPABILITY " + join_words(s.capabilities()) + "] fake ready"
                               : o.greeting;
    s.line(greeting);
    if (greeting.starts_with("* PREAUTH")) {
        s.state().phase = Phase::Authenticated;
        s.state().user = o.user;
    } else if (greeting.starts_with("* BYE")) {
        s.close_gracefully();
    }
    while (!s.closed()) {
        ReadResult r = read_command(s, o.max_literal);
        Command& cmd = r.command;
        {
            std::lock_guard lock(core_->mutex);
            core_->commands.push_back(cmd);
        }
        if (r.problem == ReadResult::Problem::NonSyncLiteralTooLarge) {
            // RFC 7888 §4: the bytes are already on their way; all we can do is hang up.
            s.line("* BYE literal too large");
            s.close_gracefully();
        } else if (r.problem == ReadResult::Problem::SyncLiteralTooLarge) {
            s.tagged(cmd, "BAD [TOOBIG] literal too large");
        } else if (cmd.tag.empty()) {
            s.line("* BAD empty command line");
        } else if (cmd.name.empty()) {
            s.tagged(cmd, "BAD missing command name");
        } else {
            Handler handler;
            {
                std::lock_guard lock(core_->mutex);
                auto it = core_->handlers.find(cmd.name);
                handler = it != core_->handlers.end() ? it->second : handlers::unknown;
            }
            handler(s, cmd);  // not under the lock: handlers may block reading the client
        }
    }
}

void FakeImapServer::on(std::string command_name, Handler handler) {
    std::lock_guard lock(core_->mutex);
    core_->handlers[to_upper(command_name)] = std::move(handler);
}

Handler FakeImapServer::default_handler(std::string_view command_name) {
    auto table = handlers::defaults();
    auto it = table.find(to_upper(command_name));
    return it != table.end() ? it->second : Handler(handlers::unknown);
}

std::string FakeImapServer::received_plaintext_before_tls() const {
    std::lock_guard lock(core_->mutex);
    return core_->plaintext_before_tls;
}

std::string FakeImapServer::received() const {
    std::lock_guard lock(core_->mutex);
    return core_->received;
}

std::string FakeImapServer::sent() const {
    std::lock_guard lock(core_->mutex);
    return core_->sent;
}

std::vector<Command> FakeImapServer::commands() const {
    std::lock_guard lock(core_->mutex);
    return core_->commands;
}

bool FakeImapServer::saw_mutating_command() const {
    std::lock_guard lock(core_->mutex);
    return core_->mutating;
}

std::vector<Mailbox> FakeImapServer::mailboxes() const {
    std::lock_guard lock(core_->mutex);
    return core_->mailboxes;
}

std::size_t FakeImapServer::connection_count() const {
    std::lock_guard lock(core_->mutex);
    return core_->connections;
}

std::size_t FakeImapServer::tls_handshake_count() const {
    std::lock_guard lock(core_->mutex);
    return core_->tls_handshakes;
}

std::size_t FakeImapServer::resumed_tls_handshake_count() const {
    std::lock_guard lock(core_->mutex);
    return core_->resumed_tls_handshakes;
}

std::vector<std::string> FakeImapServer::events() const {
    std::lock_guard lock(core_->mutex);
    return core_->events;
}

bool FakeImapServer::wait_for_connections_done(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(core_->mutex);
    return done_cv_.wait_for(lock, timeout, [&] { return done_ >= n; });
}

}  // namespace imapcheck::fake
