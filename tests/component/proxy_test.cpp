// Component test for --proxy (libcurl does the SOCKS5 work, RFC 1928): a minimal SOCKS5
// relay on 127.0.0.1 in front of the fake server. With socks5h:// the proxy, not imapcheck,
// resolves the host name, and TLS verification still uses that name.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "component_fixture.hpp"
#include "loopback.hpp"

namespace imapcheck {
namespace {

// Accepts one client, answers the SOCKS5 greeting (no authentication) and one CONNECT, then
// relays bytes to 127.0.0.1:target_port until either side closes. Every wait is bounded.
class Socks5Relay {
  public:
    explicit Socks5Relay(std::uint16_t target_port) : target_port_(target_port) {
        auto listener = testing::listen_on_loopback(1);
        listen_fd_ = listener.fd;
        port_ = listener.port;
        thread_ = std::thread([this] { serve(); });
    }
    ~Socks5Relay() {
        stop_ = true;
        thread_.join();
        ::close(listen_fd_);
    }
    std::uint16_t port() const { return port_; }
    std::string requested_host() const { return requested_host_; }

  private:
    bool wait_readable(int fd) {
        pollfd p{fd, POLLIN, 0};
        for (int i = 0; i < 100 && !stop_; ++i)
            if (::poll(&p, 1, 100) > 0) return true;
        return false;
    }
    bool read_exact(int fd, unsigned char* buf, std::size_t n) {
        for (std::size_t got = 0; got < n;) {
            if (!wait_readable(fd)) return false;
            ssize_t r = ::read(fd, buf + got, n - got);
            if (r <= 0) return false;
            got += static_cast<std::size_t>(r);
        }
        return true;
    }
    void serve() {
        if (!wait_readable(listen_fd_)) return;
        int client = ::accept(listen_fd_, nullptr, nullptr);
        if (client < 0) return;
        unsigned char buf[512];
        // Greeting: VER NMETHODS METHODS...; answer "no authentication".
        if (read_exact(client, buf, 2) && read_exact(client, buf + 2, buf[1])) {
            const unsigned char no_auth[] = {5, 0};
            (void)!::write(client, no_auth, 2);
            // Request: VER CMD RSV ATYP=3 (domain) LEN NAME PORT.
            if (read_exact(client, buf, 5) && buf[3] == 3 &&
                read_exact(client, buf + 5, buf[4] + 2u)) {
                requested_host_.assign(reinterpret_cast<char*>(buf + 5), buf[4]);
                relay(client);
            }
        }
        ::close(client);
    }
    void relay(int client) {
        int upstream = testing::connect_to_loopback(target_port_);
        const unsigned char ok[] = {5, 0, 0, 1, 127, 0, 0, 1, 0, 0};
        if (upstream >= 0 && ::write(client, ok, sizeof ok) == static_cast<ssize_t>(sizeof ok)) {
            pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
            char data[16384];
            for (int idle = 0; idle < 100 && !stop_;) {
                int n = ::poll(fds, 2, 100);
                if (n == 0) {
                    ++idle;
                    continue;
                }
                idle = 0;
                bool closed = false;
                for (int i = 0; i < 2; ++i) {
                    if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
                    ssize_t r = ::read(fds[i].fd, data, sizeof data);
                    if (r <= 0 || ::write(fds[1 - i].fd, data, static_cast<std::size_t>(r)) != r)
                        closed = true;
                }
                if (closed) break;
            }
        }
        if (upstream >= 0) ::close(upstream);
    }

    std::uint16_t target_port_;
    int listen_fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::string requested_host_;
    std::thread thread_;
};

TEST_F(ComponentTest, Socks5hProxyResolvesTheNameAndTlsStillVerifiesIt) {
    FakeImapServer server(options(TlsMode::Implicit));
    Socks5Relay relay(server.port());
    ProcessResult r = run(server, {"--tls", "implicit", "--proxy",
                                   "socks5h://127.0.0.1:" + std::to_string(relay.port())});
    json j = report(r);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(find_check(j, "tls")["details"]["verified"], true);
    EXPECT_EQ(relay.requested_host(), "localhost") << "socks5h: the proxy resolves the name";
    EXPECT_NE(find_check(j, "connect")["summary"].get<std::string>().find("via proxy"),
              std::string::npos)
        << find_check(j, "connect")["summary"];
}

}  // namespace
}  // namespace imapcheck
