// Component tests for the password prompt (issue 9): the real binary under a pseudo-
// terminal asks "Password for USER@HOST: ", reads what is typed without echo and logs in
// with it; without a terminal (cron) it asks nothing and stays a usage error (exit 3).
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "component_fixture.hpp"

namespace imapcheck {
namespace {

struct PtyRun {
    int exit_code = -1;        // -1: killed by a signal or by the time bound
    int signal = 0;            // the signal that ended it, if one did
    std::string screen;        // every byte the terminal showed
    bool prompted = false;     // the prompt appeared (and `typed` was sent after it)
    bool echo_at_end = false;  // the terminal echoes again once the program is gone
};

// Runs `argv` with `env` on a new pseudo-terminal (its stdin, stdout, stderr and /dev/tty).
// When `prompt` appears, types `typed`; if `then_signal`, sends that instead of Enter.
// Bounded by 20 s.
PtyRun run_on_pty(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                  const std::string& prompt, const std::string& typed, int then_signal = 0) {
    PtyRun out;
    int master = -1;
    pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
    if (pid < 0) return out;
    if (pid == 0) {
        std::vector<char*> args, envp;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
        args.push_back(nullptr);
        envp.push_back(nullptr);
        ::execve(args[0], args.data(), envp.data());
        ::_exit(127);
    }
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            end - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{master, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
        char buf[512];
        ssize_t n = ::read(master, buf, sizeof buf);
        if (n <= 0) break;  // EIO: the child closed the terminal
        out.screen.append(buf, static_cast<std::size_t>(n));
        if (!out.prompted && out.screen.find(prompt) != std::string::npos) {
            out.prompted = true;
            if (then_signal) {
                ::kill(pid, then_signal);
            } else {
                std::string line = typed + "\n";
                if (::write(master, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
                    break;
            }
        }
    }
    // The terminal closes as the child exits: give it until the time bound to be reaped.
    int status = 0;
    pid_t done = 0;
    while ((done = ::waitpid(pid, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < end)
        ::usleep(10000);
    if (done == 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
    } else if (WIFEXITED(status)) {
        out.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        out.signal = WTERMSIG(status);
    }
    termios t{};
    out.echo_at_end = ::tcgetattr(master, &t) == 0 && (t.c_lflag & ECHO);
    ::close(master);
    return out;
}

class PromptTest : public ComponentTest {
  protected:
    std::vector<std::string> args(const FakeImapServer& server) {
        return {testing::imapcheck_binary(),
                "--host",
                "localhost",
                "--port",
                std::to_string(server.port()),
                "--user",
                "alice",
                "--cacert",
                pki_->ca_pem,
                "--timeout",
                "10",
                "--format",
                "text",
                "--no-color"};
    }
    // No IMAPCHECK_PASSWORD: the prompt's condition.
    const std::vector<std::string> env = {"PATH=/usr/bin:/bin", "TERM=dumb"};
};

TEST_F(PromptTest, AskedOnTheTerminalWithoutEchoAndLogsIn) {
    FakeImapServer server(options(TlsMode::StartTls));
    PtyRun r = run_on_pty(args(server), env, "Password for alice@localhost: ", kPassword);
    EXPECT_TRUE(r.prompted) << r.screen;
    EXPECT_EQ(r.exit_code, 0) << r.screen;
    EXPECT_EQ(r.screen.find(kPassword), std::string::npos) << "echoed: " << r.screen;
    EXPECT_TRUE(r.echo_at_end) << "the terminal was left without echo";
    EXPECT_EQ(r.screen.find("Password for"), r.screen.rfind("Password for"))
        << "asked once: " << r.screen;
    EXPECT_NE(r.screen.find("login"), std::string::npos) << r.screen;
}

TEST_F(PromptTest, AWrongPasswordTypedIsALoginFailure) {
    FakeImapServer server(options(TlsMode::StartTls));
    PtyRun r = run_on_pty(args(server), env, "Password for alice@localhost: ", "not-the-password");
    EXPECT_TRUE(r.prompted) << r.screen;
    EXPECT_EQ(r.exit_code, 2) << r.screen;
}

TEST_F(PromptTest, NothingTypedIsAUsageErrorBeforeConnecting) {
    FakeImapServer server(options(TlsMode::StartTls));
    PtyRun r = run_on_pty(args(server), env, "Password for alice@localhost: ", "");
    EXPECT_EQ(r.exit_code, 3) << r.screen;
    EXPECT_NE(r.screen.find("no password entered at the prompt"), std::string::npos) << r.screen;
    EXPECT_TRUE(server.commands().empty()) << "connected although nothing was typed";
}

TEST_F(PromptTest, InterruptedAtThePromptTheProcessEndsByTheSignal) {
    // The handler restores the terminal, then dies of the signal, as the shell expects.
    FakeImapServer server(options(TlsMode::StartTls));
    PtyRun r = run_on_pty(args(server), env, "Password for alice@localhost: ", "", SIGINT);
    EXPECT_TRUE(r.prompted) << r.screen;
    EXPECT_EQ(r.signal, SIGINT) << "exit " << r.exit_code << ": " << r.screen;
    EXPECT_TRUE(r.echo_at_end) << "the terminal was left without echo";
    EXPECT_TRUE(server.commands().empty());
}

TEST_F(PromptTest, WithoutATerminalNothingIsAskedAndTheErrorStays) {
    FakeImapServer server(options(TlsMode::StartTls));
    std::vector<std::string> argv = args(server);
    ProcessResult r = testing::run_process(argv, {}, std::chrono::seconds(20));  // stdin: /dev/null
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("no password: set IMAPCHECK_PASSWORD"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("Password for"), std::string::npos) << r.err;
}

TEST_F(PromptTest, AFleetRunNeverAsks) {
    FakeImapServer server(options(TlsMode::StartTls));
    std::string dir = testing::make_temp_dir("imapcheck-prompt");
    std::string config = dir + "/imapcheck.yml";
    std::ofstream(config) << "targets:\n  - name: a\n    host: localhost\n    port: "
                          << server.port() << "\n    user: alice\n";
    PtyRun r =
        run_on_pty({testing::imapcheck_binary(), "--config", config}, env, "Password for", "x");
    std::filesystem::remove_all(dir);
    EXPECT_FALSE(r.prompted) << r.screen;
    EXPECT_EQ(r.exit_code, 3) << r.screen;
    EXPECT_NE(r.screen.find("no password"), std::string::npos) << r.screen;
}

}  // namespace
}  // namespace imapcheck
