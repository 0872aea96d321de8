// imapcheck: the config file of many targets (YAML): `defaults` for every target, named
// `modules` (sets of options, as blackbox_exporter's), and `targets`. Keys are the long
// option names, the vocabulary of the command line and IMAPCHECK_* variables.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "imapcheck/config.hpp"
#include "imapcheck/expected.hpp"
#include "imapcheck/options.hpp"

namespace imapcheck {

struct FleetTarget {
    std::string name;    // unique; "user@host" when the file gives none
    std::string module;  // empty: none
    std::string where;   // "imapcheck.yml:12: targets[3]", for errors
    OptionMap options;   // the target's own keys, each with its file position as origin
};

struct FleetFile {
    std::string path;
    // `exporter: {allow: [...]}`: the servers `imapcheck serve` may probe with a module
    // (/probe?target=HOST[:PORT]&module=M), as shell globs of "host" or "host:port".
    std::vector<std::string> exporter_allow;
    OptionMap defaults;
    std::map<std::string, OptionMap> modules;
    std::vector<FleetTarget> targets;
};

// Reads and checks the file's shape: unknown keys, wrong types, an inline password, a
// process-wide option inside a target, duplicate keys or names, an unknown module. Every
// error names the file, the line and the key, with a did-you-mean where one is close.
Result<FleetFile> load_fleet_file(const std::string& path);

// The options of one target, layered by precedence: built-in < IMAPCHECK_* (`environment`)
// < defaults < its module < the target < the command line (`command_line`).
OptionMap target_options(const FleetFile& file, const FleetTarget& target,
                         const OptionMap& environment, const OptionMap& command_line);

// Every target of the file (or those `selected` by name, in file order), validated. An
// unknown selected name is an error with a did-you-mean.
Result<std::vector<TargetConfig>> build_fleet(const FleetFile& file, const OptionMap& environment,
                                              const OptionMap& command_line,
                                              const std::vector<std::string>& selected,
                                              const GetEnv& getenv);

}  // namespace imapcheck
