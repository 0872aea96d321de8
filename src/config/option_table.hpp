// imapcheck: the option table (docs/contract.md §4), the cxxopts parser built from it,
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

#include "imapcheck/options.hpp"
#include "imapcheck/words.hpp"

namespace imapcheck::cli {

// What the parser needs for one option.
struct OptionSpec {
    const char* names;          // cxxopts form: "H,host", or just "proxy"
    bool takes_value;           // false: a flag
    const char* default_value;  // nullptr: none
    bool repeatable = false;    // --expect-folder
    bool from_environment = true;
    bool process_wide = false;  // how the process reports or what it runs, not a target's
};

const std::vector<OptionSpec>& option_table();

// The long name of an option ("host" for "H,host").
std::string long_name(const OptionSpec& spec);

// IMAPCHECK_ + the long name in upper case with '-' as '_': IMAPCHECK_CONNECT_TIMEOUT.
std::string environment_name(const OptionSpec& spec);

cxxopts::Options make_parser();

// The spec of the option with this long name, or nullptr.
const OptionSpec* find_option(const std::string& long_name);

using imapcheck::closest_word;  // imapcheck/words.hpp
// A long option name within two edits of `word`, for "did you mean --host?".
std::optional<std::string> closest_option(const std::string& word);

}  // namespace imapcheck::cli
