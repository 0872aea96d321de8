// Test support: listening on and connecting to 127.0.0.1 (see loopback.hpp).
#include "loopback.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace imapcheck::testing {
namespace {

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    return addr;
}

}  // namespace

LoopbackListener listen_on_loopback(int backlog) {
    sockaddr_in addr = loopback(0);
    socklen_t len = sizeof addr;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(fd, backlog) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    return {fd, ntohs(addr.sin_port)};
}

int connect_to_loopback(std::uint16_t port) {
    sockaddr_in addr = loopback(port);
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
    if (fd >= 0) ::close(fd);
    return -1;
}

std::uint16_t closed_loopback_port() {
    // Bound, never listened on, then closed: the kernel picked a free port and nothing
    // listens there, so a connection to it is refused at once.
    sockaddr_in addr = loopback(0);
    socklen_t len = sizeof addr;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("cannot bind on 127.0.0.1");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

}  // namespace imapcheck::testing
