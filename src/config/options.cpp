// imapcheck: the option map (options.hpp): layering one source over another, the
// IMAPCHECK_<OPTION> variables as a source (as swaks reads its own), and what the option
// table says about a name.
#include "imapcheck/options.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "config/option_table.hpp"

namespace imapcheck {
namespace {

// Options that make one choice together: a source that sets one of them replaces all.
const std::array<std::vector<std::string>, 2>& choice_groups() {
    static const std::array<std::vector<std::string>, 2> groups = {{
        {"ipv4", "ipv6"},
        {"password-file", "password-env", "netrc", "netrc-file"},
    }};
    return groups;
}

std::optional<bool> flag_value(std::string value) {
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (value == "1" || value == "yes" || value == "true" || value == "on") return true;
    if (value.empty() || value == "0" || value == "no" || value == "false" || value == "off")
        return false;
    return std::nullopt;
}

}  // namespace

void overlay(OptionMap& base, const OptionMap& over) {
    for (const auto& group : choice_groups()) {
        bool touched = std::any_of(group.begin(), group.end(),
                                   [&](const std::string& name) { return over.count(name) > 0; });
        if (touched)
            for (const auto& name : group) base.erase(name);
    }
    for (const auto& [name, value] : over) base[name] = value;
}

Result<OptionMap> options_from_environment(const GetEnv& getenv) {
    OptionMap options;
    for (const auto& spec : cli::option_table()) {
        if (!spec.from_environment) continue;
        std::string variable = cli::environment_name(spec);
        auto value = getenv(variable);
        if (!value) continue;
        OptionValue option{{}, variable};
        if (!spec.takes_value) {
            auto on = flag_value(*value);
            if (!on)
                return make_error(
                    Error::Kind::Usage,
                    variable + " must be 1/yes/true/on or 0/no/false/off (got '" + *value + "')");
            if (!*on) continue;
            option.values = {"1"};
        } else if (value->empty()) {
            continue;  // set but empty counts as unset, as with NO_COLOR
        } else if (spec.repeatable) {
            // Several values, one per line (folder names may hold commas, never line breaks).
            std::size_t start = 0;
            while (start <= value->size()) {
                auto end = value->find('\n', start);
                if (end == std::string::npos) end = value->size();
                if (end > start) option.values.push_back(value->substr(start, end - start));
                start = end + 1;
            }
            if (option.values.empty()) continue;
        } else {
            option.values = {*value};
        }
        options[cli::long_name(spec)] = std::move(option);
    }
    return options;
}

OptionScope option_scope(const std::string& name) {
    const cli::OptionSpec* spec = cli::find_option(name);
    return spec && spec->process_wide ? OptionScope::Process : OptionScope::Target;
}

bool is_option(const std::string& name) {
    return cli::find_option(name) != nullptr;
}

bool is_flag(const std::string& name) {
    const cli::OptionSpec* spec = cli::find_option(name);
    return spec && !spec->takes_value;
}

bool is_repeatable(const std::string& name) {
    const cli::OptionSpec* spec = cli::find_option(name);
    return spec && spec->repeatable;
}

}  // namespace imapcheck
