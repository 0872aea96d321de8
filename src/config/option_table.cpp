// imapcheck: the option table, the cxxopts parser made from it, IMAPCHECK_<OPTION>
// environment variables (the command line wins over them) and "did you mean" suggestions.
#include "config/option_table.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace imapcheck::cli {

const std::vector<OptionSpec>& option_table() {
    static const std::vector<OptionSpec> table = {
        // Connection
        {"H,host", true, nullptr},
        {"p,port", true, nullptr},
        {"tls", true, nullptr},
        {"connect-to", true, nullptr},
        {"resolve", true, nullptr, true},
        {"proxy", true, nullptr},
        {"4,ipv4", false, nullptr},
        {"6,ipv6", false, nullptr},
        {"cacert", true, nullptr},
        {"k,insecure", false, nullptr},
        {"min-tls", true, nullptr},
        {"timeout", true, "30"},
        {"connect-timeout", true, "10"},
        {"command-timeout", true, "15"},
        // Auth
        {"u,user", true, nullptr},
        {"password-env", true, "IMAPCHECK_PASSWORD"},
        {"password-file", true, nullptr},
        {"netrc", false, nullptr},
        {"netrc-file", true, nullptr},
        {"auth", true, "auto"},
        {"allow-plaintext-auth", false, nullptr},
        // Checks
        {"mailbox", true, "INBOX"},
        {"search", true, "UNSEEN"},
        {"fetch-bytes", true, "4096"},
        {"expect-folder", true, nullptr, true},
        // Part of the sequence: check ids, comma-separated or repeated
        {"only", true, nullptr, true},
        {"skip", true, nullptr, true},
        {"quit-after", true, nullptr},
        // Baselines
        {"save-baseline", true, nullptr},
        {"baseline", true, nullptr},
        {"baseline-ignore", true, nullptr, true},
        // Thresholds
        {"quota-warn", true, "80"},
        {"quota-crit", true, "95"},
        {"cert-warn-days", true, "14"},
        {"cert-crit-days", true, "3"},
        {"warn-time", true, nullptr},
        {"crit-time", true, nullptr},
        {"slow-step", true, "5"},
        {"search-warn", true, nullptr},
        {"search-crit", true, nullptr},
        {"messages-warn", true, nullptr},
        {"messages-crit", true, nullptr},
        // Output
        {"format", true, "text", false, true, true},
        {"o,output", true, nullptr, false, true, true},
        {"trace", true, nullptr, false, true, true},
        {"no-color", false, nullptr, false, true, true},
        // Many targets
        {"config", true, nullptr, false, true, true},
        {"target", true, nullptr, true, true, true},
        {"concurrency", true, "8", false, true, true},
        {"per-host", true, "4", false, true, true},
        {"V,version", false, nullptr, false, false, true},
        {"h,help", false, nullptr, false, false, true},
    };
    return table;
}

std::string long_name(const OptionSpec& spec) {
    std::string names = spec.names;
    auto comma = names.find(',');
    return comma == std::string::npos ? names : names.substr(comma + 1);
}

std::string environment_name(const OptionSpec& spec) {
    std::string name = "IMAPCHECK_";
    for (char c : long_name(spec))
        name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

cxxopts::Options make_parser() {
    cxxopts::Options o("imapcheck");
    auto adder = o.add_options();
    for (const auto& spec : option_table()) {
        if (!spec.takes_value) {
            adder(spec.names, "");
        } else if (spec.repeatable) {
            adder(spec.names, "", cxxopts::value<std::vector<std::string>>());
        } else if (spec.default_value) {
            adder(spec.names, "", cxxopts::value<std::string>()->default_value(spec.default_value));
        } else {
            adder(spec.names, "", cxxopts::value<std::string>());
        }
    }
    return o;
}

const OptionSpec* find_option(const std::string& name) {
    static const std::map<std::string, const OptionSpec*> by_name = [] {
        std::map<std::string, const OptionSpec*> m;
        for (const auto& spec : option_table()) m[long_name(spec)] = &spec;
        return m;
    }();
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : it->second;
}

std::optional<std::string> closest_option(const std::string& word) {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> all;
        for (const auto& spec : option_table()) all.push_back(long_name(spec));
        return all;
    }();
    return closest_word(word, names);
}

}  // namespace imapcheck::cli
