// imapcheck: the no-echo password prompt on /dev/tty (terminal_password.hpp). Signals that
// end the process restore the terminal first, or the shell would be left without echo.
#include "imapcheck/terminal_password.hpp"

#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <openssl/crypto.h>

namespace imapcheck {
namespace {

// What the handler needs, set before the handlers are installed (one prompt at a time).
volatile sig_atomic_t g_tty = -1;
termios g_saved{};

constexpr std::array<int, 4> kSignals = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

extern "C" void restore_terminal_and_die(int sig) {
    // Only async-signal-safe calls: tcsetattr, write, signal, raise.
    if (g_tty >= 0) {
        ::tcsetattr(g_tty, TCSAFLUSH, &g_saved);
        [[maybe_unused]] auto n = ::write(g_tty, "\n", 1);
    }
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

Error usage(std::string message) {
    return make_error(Error::Kind::Usage, std::move(message));
}

// Installs the handler for each signal that is not ignored (nohup's SIGHUP stays ignored);
// restores the previous dispositions when it goes.
class SignalGuard {
  public:
    SignalGuard() {
        for (std::size_t i = 0; i < kSignals.size(); ++i) {
            struct sigaction now {};
            now.sa_handler = restore_terminal_and_die;
            sigemptyset(&now.sa_mask);
            installed_[i] = ::sigaction(kSignals[i], nullptr, &old_[i]) == 0 &&
                            old_[i].sa_handler != SIG_IGN &&
                            ::sigaction(kSignals[i], &now, nullptr) == 0;
        }
    }
    ~SignalGuard() {
        for (std::size_t i = 0; i < kSignals.size(); ++i)
            if (installed_[i]) ::sigaction(kSignals[i], &old_[i], nullptr);
    }
    SignalGuard(const SignalGuard&) = delete;
    SignalGuard& operator=(const SignalGuard&) = delete;

  private:
    std::array<struct sigaction, kSignals.size()> old_{};
    std::array<bool, kSignals.size()> installed_{};
};

}  // namespace

Result<Secret> read_password_from_terminal(const std::string& prompt) {
    int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return usage("no password: cannot open the terminal to ask for it");
    termios saved{};
    if (::tcgetattr(fd, &saved) != 0) {
        ::close(fd);
        return usage("no password: cannot open the terminal to ask for it");
    }
    g_saved = saved;
    g_tty = fd;
    std::array<char, 4096> line{};
    std::size_t length = 0;
    bool too_long = false, complete = false;
    {
        SignalGuard guard;
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHOE | ECHOK | ECHONL);
        quiet.c_lflag |= ICANON;
        // Quiet first, then the prompt: nothing typed after the prompt appears is echoed.
        ::tcsetattr(fd, TCSAFLUSH, &quiet);
        [[maybe_unused]] auto n = ::write(fd, prompt.data(), prompt.size());
        for (char c;;) {
            ssize_t got = ::read(fd, &c, 1);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) break;
            if (c == '\n' || c == '\r') {
                complete = true;
                break;
            }
            if (length < line.size())
                line[length++] = c;
            else
                too_long = true;
        }
        ::tcsetattr(fd, TCSAFLUSH, &saved);
        n = ::write(fd, "\n", 1);  // the Enter that was not echoed
        g_tty = -1;
    }
    ::close(fd);
    Secret secret(std::string(line.data(), length));
    OPENSSL_cleanse(line.data(), line.size());
    if (too_long) return usage("the password typed is longer than 4096 bytes");
    if (!complete || secret.empty()) return usage("no password entered at the prompt");
    return secret;
}

}  // namespace imapcheck
