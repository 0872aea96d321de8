// Test support: TCP sockets on 127.0.0.1 for the component tests' own servers (a scripted
// raw server, a SOCKS5 relay). Listening ports are ephemeral, so parallel test processes
// never collide; network tests never leave loopback.
#pragma once

#include <cstdint>

namespace imapcheck::testing {

struct LoopbackListener {
    int fd = -1;
    std::uint16_t port = 0;
};

// A socket listening on 127.0.0.1 at a port the kernel picks. Throws std::runtime_error.
LoopbackListener listen_on_loopback(int backlog);

// A port on 127.0.0.1 where nothing listens (a connection is refused).
std::uint16_t closed_loopback_port();

// A socket connected to 127.0.0.1:port, or -1.
int connect_to_loopback(std::uint16_t port);

}  // namespace imapcheck::testing
