// Test support: a one-connection loopback server that plays raw bytes (a late greeting,
// another protocol's banner, junk) or hangs up at once: what FakeImapServer cannot do. It
// records what the client sends. Loopback only, every wait bounded.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "loopback.hpp"

namespace imapcheck::testing {

// A one-connection loopback listener for what FakeImapServer cannot do (no greeting, a late
// one, raw bytes): it plays `script` (wait, then write), then reads until the client hangs up.
// Every wait is a short poll, so the destructor's join is prompt.
class RawServer {
  public:
    struct Step {
        std::chrono::milliseconds after;
        std::string bytes;
    };

    // `hang_up_at_once`: accept, then close without a byte (a server at its connection limit).
    explicit RawServer(std::vector<Step> script, bool hang_up_at_once = false)
        : script_(std::move(script)), hang_up_at_once_(hang_up_at_once) {
        auto listener = listen_on_loopback(4);
        listen_fd_ = listener.fd;
        port_ = listener.port;
        thread_ = std::thread([this] { serve(); });
    }
    ~RawServer() {
        stop_ = true;
        thread_.join();
        ::close(listen_fd_);
    }
    RawServer(const RawServer&) = delete;
    RawServer& operator=(const RawServer&) = delete;

    uint16_t port() const { return port_; }
    bool accepted() const { return accepted_; }
    std::string received() const {
        std::lock_guard lock(mutex_);
        return received_;
    }

  private:
    void serve() {
        int client = -1;
        for (auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
             client < 0 && !stop_;) {
            if (std::chrono::steady_clock::now() > give_up) return;
            pollfd p{listen_fd_, POLLIN, 0};
            if (::poll(&p, 1, 20) > 0)
                client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        }
        if (client < 0) return;
        accepted_ = true;
        if (hang_up_at_once_) {
            ::close(client);
            return;
        }
        bool open = true;
        for (const Step& step : script_) {
            open = open && drain(client, step.after);
            if (open)
                open = ::send(client, step.bytes.data(), step.bytes.size(), MSG_NOSIGNAL) >= 0;
        }
        if (open) drain(client, std::chrono::seconds(10));
        ::close(client);
    }
    // Records what the client sends for `ms`; false once it hung up or the test is over.
    bool drain(int client, std::chrono::milliseconds ms) {
        for (auto until = std::chrono::steady_clock::now() + ms;
             !stop_ && std::chrono::steady_clock::now() < until;) {
            pollfd p{client, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            char buf[4096];
            ssize_t got = ::recv(client, buf, sizeof buf, 0);
            if (got <= 0) return false;
            std::lock_guard lock(mutex_);
            received_.append(buf, static_cast<std::size_t>(got));
        }
        return !stop_;
    }

    std::vector<Step> script_;
    bool hang_up_at_once_ = false;
    std::atomic<bool> accepted_{false};
    int listen_fd_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::string received_;
    std::thread thread_;
};

}  // namespace imapcheck::testing
