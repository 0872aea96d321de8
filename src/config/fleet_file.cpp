// imapcheck: the YAML config file of many targets (fleet_config.hpp), read with yaml-cpp.
// The file is checked as a whole before any connection: a mistake in target 150 must not
// surface after 149 logins. Errors say file:line: key, as compilers do.
#include "imapcheck/fleet_config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "config/option_table.hpp"

namespace imapcheck {
namespace {

struct FileError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Keys that name a password itself: refused wherever they appear.
bool is_inline_password(const std::string& key) {
    return key == "password" || key == "pass" || key == "passwd" || key == "secret" ||
           key == "token";
}

class Reader {
  public:
    explicit Reader(std::string path) : path_(std::move(path)) {}

    std::string at(const YAML::Node& node) const {
        return path_ + ":" + std::to_string(node.Mark().line + 1);
    }
    [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
        throw FileError(at(node) + ": " + message);
    }

    // The (key node, value node) pairs of a mapping, refusing a key given twice.
    std::vector<std::pair<YAML::Node, YAML::Node>> pairs(const YAML::Node& map,
                                                         const std::string& what) const {
        if (!map.IsMap()) fail(map, what + " must be a mapping of key: value");
        std::vector<std::pair<YAML::Node, YAML::Node>> out;
        std::set<std::string> seen;
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (!it->first.IsScalar()) fail(it->first, what + ": a key must be a plain word");
            std::string key = it->first.Scalar();
            if (!seen.insert(key).second) fail(it->first, what + "." + key + " is given twice");
            out.emplace_back(it->first, it->second);
        }
        return out;
    }

    // One option's value: a scalar, true/false for a flag, a list for a repeatable one.
    OptionValue option_value(const std::string& key, const YAML::Node& key_node,
                             const YAML::Node& value, const std::string& where) const {
        OptionValue option{{}, at(key_node) + ": " + where};
        auto scalar = [&](const YAML::Node& n) {
            if (!n.IsScalar())
                fail(n, where + " must be a single value, not a " +
                            (n.IsMap()        ? "mapping"
                             : n.IsSequence() ? "list"
                                              : "null"));
            return n.Scalar();
        };
        if (value.IsNull()) fail(key_node, where + " needs a value");
        if (is_flag(key)) {
            std::string v = scalar(value);
            std::transform(v.begin(), v.end(), v.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (v == "true" || v == "yes" || v == "on" || v == "1")
                option.values = {"1"};
            else if (v == "false" || v == "no" || v == "off" || v == "0")
                option.values = {"0"};
            else
                fail(value, where + " must be true or false (got '" + value.Scalar() + "')");
        } else if (is_repeatable(key) && value.IsSequence()) {
            for (const auto& item : value) option.values.push_back(scalar(item));
        } else {
            option.values = {scalar(value)};
        }
        return option;
    }

    // A mapping of options (defaults, a module, a target less its name and module).
    OptionMap options(const YAML::Node& map, const std::string& where,
                      const std::set<std::string>& also_allowed = {}) const {
        OptionMap out;
        for (const auto& [key_node, value] : pairs(map, where)) {
            const std::string key = key_node.Scalar();
            const std::string place = where + "." + key;
            if (also_allowed.count(key)) continue;
            if (is_inline_password(key))
                fail(key_node, place +
                                   ": a password is never written in the config file; use "
                                   "password-file, password-env or netrc");
            if (!is_option(key)) {
                auto near = cli::closest_option(key);
                fail(key_node,
                     place + " is not an option" + (near ? " (did you mean " + *near + "?)" : ""));
            }
            if (option_scope(key) == OptionScope::Process)
                fail(key_node,
                     place + ": " + key + " applies to the whole run; give it on the command line");
            out[key] = option_value(key, key_node, value, place);
        }
        return out;
    }

    std::string scalar_at(const YAML::Node& map, const char* key, const std::string& where) const {
        const YAML::Node n = map[key];
        if (!n) return "";
        if (!n.IsScalar() || n.Scalar().empty())
            fail(n, where + "." + key + " must be a non-empty word");
        return n.Scalar();
    }

  private:
    std::string path_;
};

std::string did_you_mean(const std::string& word, const std::vector<std::string>& choices) {
    auto near = cli::closest_word(word, choices);
    return near ? " (did you mean " + *near + "?)" : "";
}

bool printable_name(const std::string& name) {
    return !name.empty() && name.size() <= 200 &&
           std::none_of(name.begin(), name.end(), [](char c) {
               return static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == ' ';
           });
}

FleetFile read_file(const std::string& path, const YAML::Node& root) {
    Reader r(path);
    FleetFile file;
    file.path = path;
    if (!root.IsDefined() || root.IsNull())
        throw FileError(path + ": the file is empty; it needs a targets: list");
    const std::vector<std::string> sections = {"defaults", "modules", "targets", "exporter"};
    for (const auto& [key_node, value] : r.pairs(root, "the file")) {
        const std::string key = key_node.Scalar();
        if (std::find(sections.begin(), sections.end(), key) == sections.end())
            r.fail(key_node, key + " is not a section (defaults, modules, targets, exporter)" +
                                 did_you_mean(key, sections));
    }
    if (root["exporter"]) {
        for (const auto& [key_node, value] : r.pairs(root["exporter"], "exporter")) {
            if (key_node.Scalar() != "allow")
                r.fail(key_node, "exporter." + key_node.Scalar() + " is not a setting (allow)");
            if (!value.IsSequence())
                r.fail(value, "exporter.allow must be a list of host patterns");
            for (const auto& item : value) {
                if (!item.IsScalar() || item.Scalar().empty())
                    r.fail(item, "exporter.allow: each entry is a host or host:port pattern");
                file.exporter_allow.push_back(item.Scalar());
            }
        }
    }
    if (root["defaults"]) file.defaults = r.options(root["defaults"], "defaults");
    if (root["modules"])
        for (const auto& [key_node, value] : r.pairs(root["modules"], "modules"))
            file.modules[key_node.Scalar()] = r.options(value, "modules." + key_node.Scalar());

    const YAML::Node targets = root["targets"];
    // The exporter may probe by module alone; a fleet run needs targets.
    if (!targets && !file.modules.empty() && !file.exporter_allow.empty()) return file;
    if (!targets) throw FileError(path + ": no targets: section");
    if (!targets.IsSequence()) r.fail(targets, "targets must be a list (each item starts with -)");
    if (targets.size() == 0) r.fail(targets, "targets is empty");
    std::map<std::string, std::string> names;  // name -> where first given
    std::vector<std::string> module_names;
    for (const auto& [name, options] : file.modules) module_names.push_back(name);
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const YAML::Node t = targets[i];
        FleetTarget target;
        const std::string where = "targets[" + std::to_string(i) + "]";
        target.where = r.at(t) + ": " + where;
        target.options = r.options(t, where, {"name", "module"});
        target.module = r.scalar_at(t, "module", where);
        if (!target.module.empty() && !file.modules.count(target.module))
            r.fail(t["module"], where + ".module: no module '" + target.module + "'" +
                                    did_you_mean(target.module, module_names));
        target.name = r.scalar_at(t, "name", where);
        if (target.name.empty()) {
            // user@host, from the target or what it inherits from its module and defaults.
            OptionMap merged = file.defaults;
            if (!target.module.empty()) overlay(merged, file.modules.at(target.module));
            overlay(merged, target.options);
            auto value = [&](const char* key) {
                auto it = merged.find(key);
                return it == merged.end() || it->second.values.empty() ? std::string()
                                                                       : it->second.values.back();
            };
            target.name =
                value("user").empty() ? value("host") : value("user") + "@" + value("host");
            if (value("host").empty()) r.fail(t, where + " has no host (and no name)");
        }
        if (!printable_name(target.name))
            r.fail(t,
                   where + ".name must be 1-200 characters without spaces or control characters");
        if (auto [it, added] = names.emplace(target.name, target.where); !added)
            r.fail(t["name"] ? t["name"] : t,
                   where + ": the name '" + target.name + "' is already used at " + it->second);
        file.targets.push_back(std::move(target));
    }
    return file;
}

}  // namespace

Result<FleetFile> load_fleet_file(const std::string& path) {
    try {
        return read_file(path, YAML::LoadFile(path));
    } catch (const FileError& e) {
        return make_error(Error::Kind::Usage, e.what());
    } catch (const YAML::BadFile&) {
        return make_error(Error::Kind::Usage, "cannot read the config file '" + path + "'");
    } catch (const YAML::ParserException& e) {
        return make_error(Error::Kind::Usage, path + ":" + std::to_string(e.mark.line + 1) +
                                                  ": not valid YAML: " + e.msg);
    } catch (const YAML::Exception& e) {
        return make_error(Error::Kind::Usage, path + ": " + e.what());
    }
}

OptionMap target_options(const FleetFile& file, const FleetTarget& target,
                         const OptionMap& environment, const OptionMap& command_line) {
    OptionMap options = environment;
    overlay(options, file.defaults);
    if (!target.module.empty()) overlay(options, file.modules.at(target.module));
    overlay(options, target.options);
    overlay(options, command_line);
    return options;
}

Result<std::vector<TargetConfig>> build_fleet(const FleetFile& file, const OptionMap& environment,
                                              const OptionMap& command_line,
                                              const std::vector<std::string>& selected,
                                              const GetEnv& getenv) {
    std::vector<std::string> names;
    for (const auto& t : file.targets) names.push_back(t.name);
    for (const auto& wanted : selected)
        if (std::find(names.begin(), names.end(), wanted) == names.end())
            return make_error(Error::Kind::Usage, "--target " + wanted + ": no such target in " +
                                                      file.path + did_you_mean(wanted, names));
    std::vector<TargetConfig> out;
    for (const auto& target : file.targets) {
        if (!selected.empty() &&
            std::find(selected.begin(), selected.end(), target.name) == selected.end())
            continue;
        const OptionMap options = target_options(file, target, environment, command_line);
        auto config = build_target_config(options, getenv);
        if (!config) {
            // An option set in the file already names its line; other errors name the target.
            const std::string& message = config.error().message;
            std::string where = message.starts_with(file.path + ":")
                                    ? message
                                    : target.where + " (" + target.name + "): " + message;
            // A mistake in the file stops the run (exit 3, before any connection); a
            // password source that cannot be read makes that target alone UNKNOWN, and the
            // others are still checked.
            if (config.error().kind != Error::Kind::Credential)
                return make_error(Error::Kind::Usage, std::move(where));
            TargetConfig broken;
            broken.name = target.name;
            if (auto host = options.find("host");
                host != options.end() && !host->second.values.empty())
                broken.host = host->second.values.back();
            broken.unusable = std::move(where);
            out.push_back(std::move(broken));
            continue;
        }
        config->name = target.name;
        out.push_back(std::move(*config));
    }
    return out;
}

}  // namespace imapcheck
