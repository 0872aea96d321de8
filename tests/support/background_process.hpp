// Test support: a program (the exporter, Prometheus) running beside the test, with its own
// environment and stdout/stderr to a log file; stopped with SIGTERM, then SIGKILL after 5 s,
// and reaped, when the object goes away.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace imapcheck::testing {

class BackgroundProcess {
  public:
    // `env` is the child's whole environment (PATH is added). Throws std::runtime_error.
    BackgroundProcess(const std::vector<std::string>& argv, std::vector<std::string> env,
                      const std::string& log_file);
    ~BackgroundProcess();
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;

    pid_t pid() const { return pid_; }
    bool running() const;  // not exited yet
    std::string log() const;

  private:
    pid_t pid_ = -1;
    std::string log_file_;
};

}  // namespace imapcheck::testing
