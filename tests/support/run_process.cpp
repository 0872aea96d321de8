// Test support: fork/exec with pipes and poll(), so a hung child can never hang the suite.
// Every JSON report the binary prints is also kept (IMAPCHECK_TEST_REPORT_DIR) so that one
// CTest test can validate all of them against the schema with a real JSON Schema validator.
#include "run_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace imapcheck::testing {
namespace {

// Keeps what imapcheck printed when it is a JSON report, one file per run, in the directory
// CTest names; without that variable (a test binary run by hand) nothing is kept.
void keep_json_report(const std::vector<std::string>& argv, const std::string& out) {
    const char* dir = std::getenv("IMAPCHECK_TEST_REPORT_DIR");
    if (!dir || argv.empty() || argv[0] != imapcheck_binary()) return;
    // A single run's report, not a fleet's (imapcheck.fleet/1 holds report/1 objects).
    if (!out.starts_with("{\n  \"schema\": \"imapcheck.report/1\"")) return;
    static std::atomic<unsigned> counter{0};
    std::string path = std::string(dir) + "/report-" + std::to_string(getpid()) + "-" +
                       std::to_string(counter++) + ".json";
    std::ofstream(path, std::ios::binary) << out;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          std::chrono::milliseconds limit) {
    int out_pipe[2], err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    if (!env.count("PATH")) env_strings.push_back("PATH=/usr/local/bin:/usr/bin:/bin");
    std::vector<char*> cargv, cenv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    for (const auto& e : env_strings) cenv.push_back(const_cast<char*>(e.c_str()));
    cenv.push_back(nullptr);

    auto start = std::chrono::steady_clock::now();
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(out_pipe[1], STDOUT_FILENO);
        dup2(err_pipe[1], STDERR_FILENO);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, STDIN_FILENO);
        execve(cargv[0], cargv.data(), cenv.data());
        _exit(127);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);

    ProcessResult result;
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open_fds = 2;
    auto deadline = start + limit;
    while (open_fds > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            kill(pid, SIGKILL);
            break;
        }
        int n = poll(fds, 2, static_cast<int>(left.count()));
        if (n < 0 && errno == EINTR) continue;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[8192];
            ssize_t got = read(fds[i].fd, buf, sizeof buf);
            if (got > 0) {
                sinks[i]->append(buf, static_cast<std::size_t>(got));
            } else {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) close(f.fd);
    int status = 0;
    waitpid(pid, &status, 0);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.exit_code = (!result.timed_out && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
    keep_json_report(argv, result.out);
    return result;
}

std::string imapcheck_binary() { return IMAPCHECK_BINARY; }

std::string make_temp_dir(const std::string& prefix) {
    std::string templ = "/tmp/" + prefix + ".XXXXXX";
    if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    return templ;
}

}  // namespace imapcheck::testing
