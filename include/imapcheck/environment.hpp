// imapcheck: how code reads the environment: through a function it is given, so tests
// and the exporter can hand it a map instead of the process's variables.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace imapcheck {

using GetEnv = std::function<std::optional<std::string>(const std::string&)>;

// The process's own environment.
std::optional<std::string> process_getenv(const std::string& name);

}  // namespace imapcheck
