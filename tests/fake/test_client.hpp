// imapcheck fake server self-tests: a minimal blocking IMAP client for loopback, plain TCP or
// TLS that verifies the server against a given CA (RFC 3501 response framing, literals
// included). Every read has a timeout, so a server bug fails a test instead of hanging it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

struct ssl_st;
struct ssl_ctx_st;

namespace imapcheck::fake {

class TestClient {
  public:
    explicit TestClient(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    ~TestClient();
    TestClient(const TestClient&) = delete;
    TestClient& operator=(const TestClient&) = delete;

    void send(std::string_view bytes);
    std::string read_line();  // CRLF stripped; throws std::runtime_error on timeout or EOF
    std::string read_bytes(std::size_t n);
    // Everything up to and including the tagged line for `tag`, verbatim; literal bytes are
    // consumed by count, so a literal that contains "<tag> OK" cannot end the response early.
    std::string read_response(std::string_view tag);
    // Sends "<tag> <text>\r\n" and returns read_response(tag).
    std::string command(std::string_view tag, std::string_view text);

    // TLS client handshake verifying the chain against `ca_file` and the name `host`.
    // Throws std::runtime_error with OpenSSL's reason on failure.
    void start_tls(const std::string& ca_file, const std::string& host = "localhost");
    // True when the server closes the connection (EOF) before the timeout.
    bool wait_eof();

  private:
    std::size_t fill();  // 0 on EOF; throws on timeout/error

    int fd_ = -1;
    ssl_ctx_st* ctx_ = nullptr;
    ssl_st* ssl_ = nullptr;
    std::string inbuf_;
};

}  // namespace imapcheck::fake
