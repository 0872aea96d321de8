// imapcheck fake server: socket and TLS I/O for one connection (RFC 3501 §6.2.1 STARTTLS).
// The socket is non-blocking and every read/write waits through poll() with a timeout and the
// server's stop pipe, so neither a silent client nor the destructor can hang a test.
#include "fake_session.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fake_mailbox.hpp"

namespace imapcheck::fake {

namespace {

// Long enough for any sane command line; stops a client streaming bytes without CRLF.
constexpr std::size_t kMaxLine = 64 * 1024;

std::string tls_error_text() {
    char buf[256] = "no OpenSSL error";
    if (unsigned long e = ERR_get_error()) ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return buf;
}

}  // namespace

Session::Session(detail::ServerCore& core, int fd) : core_(core), fd_(fd) {}

Session::~Session() {
    close();
}

void Session::wait(short events) {
    pollfd fds[2] = {{fd_, events, 0}, {core_.stop_fd, POLLIN, 0}};
    for (;;) {
        int n = ::poll(fds, 2, static_cast<int>(core_.options.io_timeout.count()));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw detail::SessionEnded(std::string("poll: ") + std::strerror(errno));
        if (n == 0) throw detail::SessionEnded("timed out waiting for the client");
        if (fds[1].revents != 0) throw detail::SessionEnded("server stopping");
        return;  // ready, or error/hang-up that the next read/write will report
    }
}

void Session::record_received(std::string_view bytes) {
    std::lock_guard lock(core_.mutex);
    core_.received.append(bytes);
    if (!tls_started_) core_.plaintext_before_tls.append(bytes);
}

void Session::fill() {
    if (closed()) throw detail::SessionEnded("connection closed by the server");
    char buf[4096];
    if (ssl_ == nullptr) {
        for (;;) {
            wait(POLLIN);
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n > 0) {
                record_received({buf, static_cast<std::size_t>(n)});
                inbuf_.append(buf, static_cast<std::size_t>(n));
                return;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
            throw detail::SessionEnded(n == 0 ? "client closed the connection"
                                              : std::string("recv: ") + std::strerror(errno));
        }
    }
    for (;;) {
        int n = SSL_read(ssl_, buf, sizeof buf);
        if (n > 0) {
            record_received({buf, static_cast<std::size_t>(n)});
            inbuf_.append(buf, static_cast<std::size_t>(n));
            return;
        }
        int err = SSL_get_error(ssl_, n);
        if (err == SSL_ERROR_WANT_READ) {
            wait(POLLIN);
        } else if (err == SSL_ERROR_WANT_WRITE) {
            wait(POLLOUT);
        } else if (err == SSL_ERROR_ZERO_RETURN) {
            throw detail::SessionEnded("client sent TLS close_notify");
        } else {
            throw detail::SessionEnded("TLS read failed: " + tls_error_text());
        }
    }
}

std::string Session::read_raw_line() {
    std::size_t scanned = 0;
    for (;;) {
        auto lf = inbuf_.find('\n', scanned);
        if (lf != std::string::npos) {
            std::string out = inbuf_.substr(0, lf + 1);
            inbuf_.erase(0, lf + 1);
            return out;
        }
        scanned = inbuf_.size();
        if (scanned > kMaxLine) throw detail::SessionEnded("client line longer than 64 KiB");
        fill();
    }
}

std::string Session::read_line() {
    std::string out = read_raw_line();
    out.pop_back();  // LF
    if (!out.empty() && out.back() == '\r') out.pop_back();
    return out;
}

bool Session::pending_input_contains(std::string_view needle, std::chrono::milliseconds within) {
    const auto until = std::chrono::steady_clock::now() + within;
    for (;;) {
        if (inbuf_.find(needle) != std::string::npos) return true;
        if (closed()) return false;
        // TLS may hold decrypted bytes that poll() cannot see.
        if (ssl_ == nullptr || SSL_pending(ssl_) == 0) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                until - std::chrono::steady_clock::now());
            if (left.count() <= 0) return false;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        }
        fill();
    }
}

std::string Session::read_bytes(std::size_t n) {
    while (inbuf_.size() < n) fill();
    std::string out = inbuf_.substr(0, n);
    inbuf_.erase(0, n);
    return out;
}

void Session::send(std::string_view raw) {
    if (closed()) throw detail::SessionEnded("send after close");
    {
        std::lock_guard lock(core_.mutex);
        core_.sent.append(raw);
    }
    while (!raw.empty()) {
        if (ssl_ == nullptr) {
            ssize_t n = ::send(fd_, raw.data(), raw.size(), MSG_NOSIGNAL);
            if (n > 0) {
                raw.remove_prefix(static_cast<std::size_t>(n));
            } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                wait(POLLOUT);
            } else if (n < 0 && errno != EINTR) {
                throw detail::SessionEnded(std::string("send: ") + std::strerror(errno));
            }
            continue;
        }
        int n = SSL_write(ssl_, raw.data(), static_cast<int>(raw.size()));
        if (n > 0) {
            raw.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        int err = SSL_get_error(ssl_, n);
        if (err == SSL_ERROR_WANT_READ) {
            wait(POLLIN);
        } else if (err == SSL_ERROR_WANT_WRITE) {
            wait(POLLOUT);
        } else {
            throw detail::SessionEnded("TLS write failed: " + tls_error_text());
        }
    }
}

void Session::line(std::string_view text) {
    std::string out(text);
    out += "\r\n";
    send(out);
}

void Session::tagged(const Command& cmd, std::string_view status_and_text) {
    line(cmd.tag + " " + std::string(status_and_text));
}

void Session::start_tls() {
    if (core_.tls_ctx == nullptr) throw detail::SessionEnded("TLS requested but not configured");
    if (ssl_ != nullptr) throw detail::SessionEnded("TLS already active");
    tls_started_ = true;
    // Plaintext the client sent after STARTTLS but before the handshake must not be treated
    // as commands (the CVE-2011-0411 injection); it is still visible in the recording.
    inbuf_.clear();
    ssl_ = SSL_new(core_.tls_ctx);
    if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) {
        throw detail::SessionEnded("SSL_new failed: " + tls_error_text());
    }
    for (;;) {
        int rc = SSL_accept(ssl_);
        if (rc == 1) break;
        int err = SSL_get_error(ssl_, rc);
        if (err == SSL_ERROR_WANT_READ) {
            wait(POLLIN);
        } else if (err == SSL_ERROR_WANT_WRITE) {
            wait(POLLOUT);
        } else {
            throw detail::SessionEnded("TLS handshake failed: " + tls_error_text());
        }
    }
    std::lock_guard lock(core_.mutex);
    ++core_.tls_handshakes;
    if (SSL_session_reused(ssl_)) ++core_.resumed_tls_handshakes;
}

void Session::close() {
    if (ssl_ != nullptr) {
        SSL_free(ssl_);
        ssl_ = nullptr;
    }
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

void Session::close_gracefully() {
    // One SSL_shutdown sends our close_notify; waiting for the client's would only add a way
    // to stall, and a client that drops the connection after LOGOUT is behaving normally.
    if (ssl_ != nullptr) SSL_shutdown(ssl_);
    if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
    close();
}

std::vector<std::string> Session::capabilities() const {
    const ServerOptions& o = core_.options;
    std::vector<std::string> caps;
    if (state_.phase != Phase::NotAuthenticated) {
        caps = o.capabilities_post_login.empty() ? std::vector<std::string>{"IMAP4rev1", "LITERAL+"}
                                                 : o.capabilities_post_login;
        if (o.storage_quota && !has_token(caps, "QUOTA")) caps.push_back("QUOTA");
    } else if (tls_active()) {
        caps = o.capabilities_post_tls.empty()
                   ? std::vector<std::string>{"IMAP4rev1", "AUTH=PLAIN", "SASL-IR", "LITERAL+"}
                   : o.capabilities_post_tls;
    } else if (!o.capabilities_pre_tls.empty()) {
        caps = o.capabilities_pre_tls;
    } else {
        caps = {"IMAP4rev1"};
        if (o.tls == TlsMode::StartTls) caps.push_back("STARTTLS");
        caps.insert(caps.end(), {"AUTH=PLAIN", "SASL-IR", "LITERAL+"});
    }
    return caps;
}

bool Session::has_capability(std::string_view cap) const {
    return has_token(capabilities(), cap);
}

std::vector<Mailbox> Session::mailboxes() const {
    std::lock_guard lock(core_.mutex);
    return core_.mailboxes;
}

bool Session::add_flag(std::string_view mailbox, uint32_t uid, std::string_view flag) {
    std::lock_guard lock(core_.mutex);
    Mailbox* box = find_mailbox(core_.mailboxes, mailbox);
    if (box == nullptr) return false;
    for (Message& m : box->messages) {
        if (m.uid != uid) continue;
        if (!has_token(m.flags, flag)) m.flags.emplace_back(flag);
        return true;
    }
    return false;
}

void Session::note_mutation() {
    std::lock_guard lock(core_.mutex);
    core_.mutating = true;
}

}  // namespace imapcheck::fake
