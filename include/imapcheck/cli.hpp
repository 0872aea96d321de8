// imapcheck: the CLI (docs/contract.md §4) -> TargetConfig, OutputSettings, with every usage error
// found up front, so a bad invocation exits 3 before anything touches the network.
#pragma once

#include <string>
#include <vector>

#include "imapcheck/config.hpp"
#include "imapcheck/environment.hpp"
#include "imapcheck/options.hpp"

namespace imapcheck {

struct CliOutcome {
    enum class Kind { Run, Fleet, Help, Version, UsageError };
    Kind kind = Kind::Run;
    std::string message;  // UsageError: one line, no trailing newline
    TargetConfig target;  // Run: the one target
    std::vector<TargetConfig> targets;  // Fleet (--config): every selected target, in order
    FleetLimits limits;                 // Fleet: --concurrency, --per-host
    OutputSettings output;
    OptionMap environment, command_line;  // what each source gave
    OptionMap options;                    // both merged, the command line winning
};

// `stdin_is_terminal`: a person runs it, so a missing password may be asked for (not in
// --config fleet mode).
CliOutcome parse_command_line(int argc, const char* const* argv, const GetEnv& getenv,
                              bool stdin_is_terminal = false);

std::string help_text();
std::string version_text();

}  // namespace imapcheck
