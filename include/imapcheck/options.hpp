// imapcheck: the option map, the one vocabulary of every front-end. argv, IMAPCHECK_*
// variables, a config file and an HTTP request each fill a map of long option names to
// values, recording where each came from; build_target_config() is the only place that
// turns one into a validated TargetConfig (every rule and default in one place).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "imapcheck/config.hpp"
#include "imapcheck/environment.hpp"
#include "imapcheck/expected.hpp"

namespace imapcheck {

struct OptionValue {
    // One value; several for a repeatable option (--expect-folder); "1" or "0" for a flag.
    std::vector<std::string> values;
    // Where it was set, as errors name it: "--port", "IMAPCHECK_PORT",
    // "imapcheck.yml:12: targets[3].port".
    std::string origin;
};

// Long option name ("connect-timeout") -> its value. Options not in the map take their
// built-in default.
using OptionMap = std::map<std::string, OptionValue>;

// Layers `over` onto `base`: every option it sets replaces base's. Options that are one
// choice together are replaced as a group: -4/-6, and the password sources
// (--password-file, --password-env, --netrc, --netrc-file), so that a target's
// password-env is not overridden by a password-file from the defaults.
void overlay(OptionMap& base, const OptionMap& over);

// IMAPCHECK_<OPTION> variables as options (empty = unset; a flag is 1/yes/true/on or
// 0/no/false/off). An error names the variable.
Result<OptionMap> options_from_environment(const GetEnv& getenv);

// Where an option applies: to one target, or to the whole process (how it reports, what
// it runs); the process options are refused inside a config file's targets.
enum class OptionScope { Target, Process };
OptionScope option_scope(const std::string& long_name);
// True when `long_name` is an option imapcheck knows.
bool is_option(const std::string& long_name);
// True for options that take no value (--insecure).
bool is_flag(const std::string& long_name);
bool is_repeatable(const std::string& long_name);

// The validated target. Reads the password source to check it can be read, resolving the
// user from netrc when none was given, but keeps no password. Errors are usage errors
// (exit 3) that name the option's origin. With `may_prompt` (a single run whose stdin is a
// terminal) and no password source set, the password is asked for on the terminal.
Result<TargetConfig> build_target_config(const OptionMap& options, const GetEnv& getenv,
                                         bool may_prompt = false);

// --format, --output, --trace, colour (--no-color and NO_COLOR).
Result<OutputSettings> build_output_settings(const OptionMap& options, const GetEnv& getenv);

struct FleetLimits;
// --concurrency and --per-host.
Result<FleetLimits> build_fleet_limits(const OptionMap& options);

}  // namespace imapcheck
