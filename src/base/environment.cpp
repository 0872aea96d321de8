// imapcheck: the process's environment behind the GetEnv seam (environment.hpp).
#include "imapcheck/environment.hpp"

#include <cstdlib>

namespace imapcheck {

std::optional<std::string> process_getenv(const std::string& name) {
    const char* value = std::getenv(name.c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
}

}  // namespace imapcheck
