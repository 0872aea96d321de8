// imapcheck: the command line (SPEC §4) -> Config, with every usage error found up front,
// so a bad invocation exits 3 before anything touches the network.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "imapcheck/config.hpp"

namespace imapcheck {

using GetEnv = std::function<std::optional<std::string>(const std::string&)>;

struct CliOutcome {
    enum class Kind { Run, Help, Version, UsageError };
    Kind kind = Kind::Run;
    std::string message;  // UsageError: one line, no trailing newline
    Config config;
};

CliOutcome parse_command_line(int argc, const char* const* argv, const GetEnv& getenv);

std::string help_text();
std::string version_text();

}  // namespace imapcheck
