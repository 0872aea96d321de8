// imapcheck fake server self-tests: blocking loopback client (plain TCP + OpenSSL client).
// Uses SO_RCVTIMEO/SO_SNDTIMEO rather than poll loops: simple, and a timeout is a test
// failure anyway.
#include "test_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace imapcheck::fake {

namespace {

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("TestClient: " + what + ": " + std::strerror(errno));
}

std::string tls_error_text() {
    char buf[256] = "no OpenSSL error";
    if (unsigned long e = ERR_get_error()) ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return buf;
}

}  // namespace

TestClient::TestClient(uint16_t port, std::chrono::milliseconds timeout) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) fail("socket");
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>(timeout.count() % 1000 * 1000);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd_);
        fail("connect");
    }
}

TestClient::~TestClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
}

void TestClient::send(std::string_view bytes) {
    while (!bytes.empty()) {
        int n = 0;
        if (ssl_ != nullptr) {
            n = SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()));
            if (n <= 0) throw std::runtime_error("TestClient: SSL_write: " + tls_error_text());
        } else {
            n = static_cast<int>(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL));
            if (n <= 0) fail("send");
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::size_t TestClient::fill() {
    char buf[4096];
    if (ssl_ != nullptr) {
        int n = SSL_read(ssl_, buf, sizeof buf);
        if (n > 0) {
            inbuf_.append(buf, static_cast<std::size_t>(n));
            return static_cast<std::size_t>(n);
        }
        int err = SSL_get_error(ssl_, n);
        if (err == SSL_ERROR_ZERO_RETURN) return 0;
        // A plain TCP FIN without close_notify is an "unexpected EOF" to OpenSSL 3.
        if (err == SSL_ERROR_SSL &&
            ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
            ERR_clear_error();
            return 0;
        }
        if (err == SSL_ERROR_SYSCALL && errno == 0) return 0;
        throw std::runtime_error("TestClient: SSL_read failed (timeout?): " + tls_error_text());
    }
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == ECONNRESET) return 0;  // closed with our bytes unread: still EOF
    if (n < 0) fail("recv (timeout?)");
    inbuf_.append(buf, static_cast<std::size_t>(n));
    return static_cast<std::size_t>(n);
}

std::string TestClient::read_line() {
    for (;;) {
        auto eol = inbuf_.find("\r\n");
        if (eol != std::string::npos) {
            std::string line = inbuf_.substr(0, eol);
            inbuf_.erase(0, eol + 2);
            return line;
        }
        if (fill() == 0) throw std::runtime_error("TestClient: EOF, partial line: " + inbuf_);
    }
}

std::string TestClient::read_bytes(std::size_t n) {
    while (inbuf_.size() < n) {
        if (fill() == 0) throw std::runtime_error("TestClient: EOF inside a literal");
    }
    std::string out = inbuf_.substr(0, n);
    inbuf_.erase(0, n);
    return out;
}

std::string TestClient::read_response(std::string_view tag) {
    std::string out;
    bool continuation = false;  // the line after a literal continues the same response
    for (;;) {
        std::string line = read_line();
        out += line + "\r\n";
        bool tagged = !continuation && line.starts_with(std::string(tag) + " ");
        continuation = false;
        auto open = line.rfind('{');
        if (!line.empty() && line.back() == '}' && open != std::string::npos) {
            out += read_bytes(std::stoul(line.substr(open + 1)));
            continuation = true;
            continue;
        }
        if (tagged) return out;
    }
}

std::string TestClient::command(std::string_view tag, std::string_view text) {
    send(std::string(tag) + " " + std::string(text) + "\r\n");
    return read_response(tag);
}

void TestClient::start_tls(const std::string& ca_file, const std::string& host) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (ctx_ == nullptr || SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr) != 1) {
        throw std::runtime_error("TestClient: CA setup: " + tls_error_text());
    }
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    in_addr ip{};
    if (inet_pton(AF_INET, host.c_str(), &ip) == 1) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), host.c_str());
    } else {
        SSL_set_tlsext_host_name(ssl_, host.c_str());
        SSL_set1_host(ssl_, host.c_str());
    }
    if (SSL_connect(ssl_) != 1) {
        long verify = SSL_get_verify_result(ssl_);
        std::string reason =
            verify != X509_V_OK ? X509_verify_cert_error_string(verify) : tls_error_text();
        throw std::runtime_error("TestClient: TLS handshake failed: " + reason);
    }
}

bool TestClient::wait_eof() {
    try {
        while (fill() != 0) {
        }
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace imapcheck::fake
