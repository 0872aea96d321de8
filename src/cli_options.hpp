// imapcheck: the table of command-line options (SPEC §4), the cxxopts parser built from it,
// and the IMAPCHECK_<OPTION> environment variables that stand in for options not given on
// the command line (as swaks does), so cron and CI files stay short.
#pragma once

#define CXXOPTS_VECTOR_DELIMITER '\0'  // folder names may contain commas
// cxxopts' std::regex patterns cost 5.5 million instructions per run (compiled at
// start-up in every file that includes it): a seventh of a whole check. Its plain parser
// accepts the same option syntax.
#define CXXOPTS_NO_REGEX
#include <cxxopts.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "imapcheck/cli.hpp"

namespace imapcheck::cli {

// What the parser needs for one option.
struct OptionSpec {
    const char* names;          // cxxopts form: "H,host", or just "proxy"
    bool takes_value;           // false: a flag
    const char* default_value;  // nullptr: none
    bool repeatable = false;    // --expect-folder
    bool from_environment = true;
};

const std::vector<OptionSpec>& option_table();

// The long name of an option ("host" for "H,host").
std::string long_name(const OptionSpec& spec);

// IMAPCHECK_ + the long name in upper case with '-' as '_': IMAPCHECK_CONNECT_TIMEOUT.
std::string environment_name(const OptionSpec& spec);

cxxopts::Options make_parser();

// The argument vector to parse: argv[0], then an option for every IMAPCHECK_<OPTION>
// variable whose option the command line does not give, then the command line itself.
// `from_env` maps each long name taken from the environment to its variable, so errors can
// name it. A flag variable must be 1/yes/true/on or 0/no/false/off/empty; throws
// std::invalid_argument naming the variable otherwise.
std::vector<std::string> with_environment(int argc, const char* const* argv, const GetEnv& getenv,
                                          std::map<std::string, std::string>& from_env);

// A long option name within two edits of `word`, for "did you mean --host?".
std::optional<std::string> closest_option(const std::string& word);

}  // namespace imapcheck::cli
