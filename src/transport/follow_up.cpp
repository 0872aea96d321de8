// imapcheck: follow-up connections (see follow_up.hpp): a bare TCP socket to the address
// libcurl connected to, then an OpenSSL handshake on it or a read of what the server sends.
#include "transport/follow_up.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "imapcheck/deadline.hpp"

namespace imapcheck::transport {
namespace {

// A non-blocking socket connected to address:port within the deadline, or -1.
int connect_socket(const std::string& address, unsigned port, const Deadline& deadline) {
    addrinfo hints{};
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;  // libcurl already resolved the name
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(address.c_str(), std::to_string(port).c_str(), &hints, &found) != 0)
        return -1;
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, &::freeaddrinfo);
    int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (::connect(fd, found->ai_addr, found->ai_addrlen) == 0) return fd;
    pollfd p{fd, POLLOUT, 0};
    int error = 0;
    socklen_t len = sizeof error;
    if (errno != EINPROGRESS ||
        ::poll(&p, 1, static_cast<int>(std::max(0LL, deadline.remaining_ms()))) != 1 ||
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0 || error != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool wait_for(int fd, short events, const Deadline& deadline) {
    pollfd p{fd, events, 0};
    long long left = deadline.remaining_ms();
    return left > 0 && ::poll(&p, 1, static_cast<int>(left)) == 1;
}

bool is_ip_literal(const std::string& name) {
    unsigned char buf[16];
    return ::inet_pton(AF_INET, name.c_str(), buf) == 1 ||
           ::inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

}  // namespace

std::optional<std::string> tls_handshake_version(const std::string& address, unsigned port,
                                                 const std::string& server_name,
                                                 std::chrono::milliseconds limit,
                                                 Transcript& transcript, bool any_version) {
    const Deadline deadline = Deadline::after(limit);
    transcript.event("follow-up: a TLS handshake with " + address + " port " +
                     std::to_string(port) + " on a second connection (no IMAP, no credentials" +
                     (any_version ? ", any TLS version)" : ")"));
    int fd = connect_socket(address, port, deadline);
    if (fd < 0) {
        transcript.event("follow-up: no second connection");
        return std::nullopt;
    }
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                          &SSL_CTX_free);
    if (ctx && any_version) {
        // Only which version the server speaks is in question: no floor, no security level.
        SSL_CTX_set_min_proto_version(ctx.get(), TLS1_VERSION);
        SSL_CTX_set_security_level(ctx.get(), 0);
    }
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(ctx ? SSL_new(ctx.get()) : nullptr, &SSL_free);
    bool done = false;
    std::string version;
    if (ssl && SSL_set_fd(ssl.get(), fd) == 1) {
        // Only whether the port speaks TLS is in question: any certificate will do.
        SSL_set_verify(ssl.get(), SSL_VERIFY_NONE, nullptr);
        if (!server_name.empty() && !is_ip_literal(server_name))
            SSL_set_tlsext_host_name(ssl.get(), server_name.c_str());
        while (!done) {
            int rc = SSL_connect(ssl.get());
            if (rc == 1) {
                done = true;
                version = SSL_get_version(ssl.get());
                break;
            }
            int why = SSL_get_error(ssl.get(), rc);
            if (why == SSL_ERROR_WANT_READ && wait_for(fd, POLLIN, deadline)) continue;
            if (why == SSL_ERROR_WANT_WRITE && wait_for(fd, POLLOUT, deadline)) continue;
            break;
        }
    }
    ERR_clear_error();  // this thread's OpenSSL errors must not reach libcurl's messages
    ::close(fd);        // no close_notify: nothing was said, nothing needs closing politely
    transcript.event(done ? "follow-up: the TLS handshake completed (" + version + ")"
                          : std::string("follow-up: no TLS handshake"));
    if (!done) return std::nullopt;
    return version;
}

bool completes_tls_handshake(const std::string& address, unsigned port,
                             const std::string& server_name, std::chrono::milliseconds limit,
                             Transcript& transcript) {
    return tls_handshake_version(address, port, server_name, limit, transcript, false).has_value();
}

std::optional<std::string> first_line_sent(const std::string& address, unsigned port,
                                           std::chrono::milliseconds limit,
                                           Transcript& transcript) {
    const Deadline deadline = Deadline::after(limit);
    transcript.event("follow-up: reading what " + address + " port " + std::to_string(port) +
                     " sends first, on a second connection (sending nothing)");
    int fd = connect_socket(address, port, deadline);
    if (fd < 0) return std::nullopt;
    std::string got;
    char buf[512];
    while (got.size() < sizeof buf && got.find('\n') == std::string::npos &&
           wait_for(fd, POLLIN, deadline)) {
        ssize_t n = ::recv(fd, buf, sizeof buf - got.size(), 0);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    if (got.empty()) return std::nullopt;
    got = got.substr(0, got.find('\n'));
    if (!got.empty() && got.back() == '\r') got.pop_back();
    transcript.server(got);
    return got;
}

}  // namespace imapcheck::transport
