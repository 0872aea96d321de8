// Test support: runs a program (the real imapcheck binary) as a child process with its own
// environment, captures stdout and stderr, and kills it if it outlives a time bound.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace imapcheck::testing {

struct ProcessResult {
    int exit_code = -1;  // -1 when killed by the time bound or a signal
    std::string out, err;
    double seconds = 0;
    bool timed_out = false;
};

// `env` is the child's whole environment (PATH is added when missing).
ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          std::chrono::milliseconds limit = std::chrono::seconds(30));

// The imapcheck binary under test (set by CMake).
std::string imapcheck_binary();

// A fresh private temporary directory, removed by the caller's fixture (or left in /tmp).
std::string make_temp_dir(const std::string& prefix);

}  // namespace imapcheck::testing
