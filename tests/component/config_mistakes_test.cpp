// Component tests for configuration mistakes (issue 9): the real binary refuses each one
// with exit 3 and imapcheck's own words before connecting. Every run is pointed at a
// listener on 127.0.0.1 that no one may reach: a pending connection there is a failure.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "loopback.hpp"
#include "run_process.hpp"

namespace imapcheck {
namespace {

using testing::ProcessResult;

class ConfigMistakeRun : public ::testing::Test {
  protected:
    void SetUp() override {
        listener_ = testing::listen_on_loopback(8);
        dir_ = testing::make_temp_dir("imapcheck-mistakes");
    }
    void TearDown() override {
        ::close(listener_.fd);
        std::filesystem::remove_all(dir_);
    }
    std::string port() const { return std::to_string(listener_.port); }
    std::string write(const std::string& name, const std::string& text, mode_t mode = 0600) {
        std::string path = dir_ + "/" + name;
        std::ofstream(path) << text;
        ::chmod(path.c_str(), mode);
        return path;
    }
    // imapcheck with `args`; the environment holds a password unless `env` says otherwise.
    ProcessResult run(std::vector<std::string> args,
                      std::map<std::string, std::string> env = {{"IMAPCHECK_PASSWORD", "pw"}}) {
        args.insert(args.begin(), testing::imapcheck_binary());
        return testing::run_process(args, env, std::chrono::seconds(10));
    }
    // Exit 3, the message on stderr, and nobody knocked on the listener.
    void expect_refused(const ProcessResult& r, const std::string& message) {
        EXPECT_FALSE(r.timed_out);
        EXPECT_EQ(r.exit_code, 3) << r.err;
        EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
        pollfd p{listener_.fd, POLLIN, 0};
        EXPECT_EQ(::poll(&p, 1, 0), 0) << "a connection was attempted for: " << message;
    }
    // The target's options, routed to the listener.
    std::vector<std::string> target(std::vector<std::string> more = {}) {
        std::vector<std::string> args = {
            "--host", "localhost", "--port",       port(),
            "--user", "alice",     "--connect-to", "127.0.0.1:" + port()};
        args.insert(args.end(), more.begin(), more.end());
        return args;
    }

    testing::LoopbackListener listener_;
    std::string dir_;
};

TEST_F(ConfigMistakeRun, AControlRunDoesReachTheListener) {
    // The same setup with no mistake connects: so "no connection" below means something.
    ProcessResult r = run(target({"--connect-timeout", "1", "--timeout", "2"}));
    pollfd p{listener_.fd, POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, 0), 1) << r.err;
}

TEST_F(ConfigMistakeRun, EachMistakeIsExit3WithoutConnecting) {
    expect_refused(run(target({"--cacert", dir_ + "/missing.pem"})),
                   "--cacert '" + dir_ + "/missing.pem': no such file");
    expect_refused(run(target({"--cacert", dir_})), "is a directory");
    expect_refused(run(target({"--cacert", write("ca.der", "\x30\x82 DER, not PEM")})),
                   "holds no PEM certificate");
    expect_refused(
        run({"-H", "localhost:" + port(), "-u", "alice", "--connect-to", "127.0.0.1:" + port()}),
        "--host: 'localhost:" + port() + "' contains a port; give it with --port " + port());
    expect_refused(run({"--host", "localhost", "--port", port(), "--user", "alice", "--connect-to",
                        "localhost:" + port() + ":127.0.0.1:" + port()}),
                   "--connect-to 127.0.0.1:" + port());
    expect_refused(run(target({"-6"})), "-6 (IPv6 only) cannot reach the IPv4 address 127.0.0.1");
    expect_refused(run(target({"--timeout", "2", "--connect-timeout", "3"})),
                   "--connect-timeout 3 must not be above --timeout 2");
    expect_refused(run(target(), {{"IMAPCHECK_PASSWORD", ""}}),
                   "IMAPCHECK_PASSWORD is set but empty");
    expect_refused(run(target({"--password-file", dir_})), "is a directory");
}

TEST_F(ConfigMistakeRun, AMistakeInAFleetFileIsExit3WithItsLine) {
    std::string config =
        write("imapcheck.yml",
              "targets:\n  - name: a\n    host: localhost:" + port() + "\n    user: alice\n", 0644);
    expect_refused(run({"--config", config}),
                   config + ":3: targets[0].host: 'localhost:" + port() + "' contains a port");
}

}  // namespace
}  // namespace imapcheck
