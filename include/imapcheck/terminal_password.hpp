// imapcheck: asking for the password on the terminal, as ssh and swaks do, when a person
// runs a single check with no other password source. Never used by a fleet or `serve`.
#pragma once

#include <string>

#include "imapcheck/expected.hpp"
#include "imapcheck/secret.hpp"

namespace imapcheck {

// Writes `prompt` to /dev/tty and reads one line without echo. The terminal's settings are
// restored on every path, also when SIGINT, SIGTERM, SIGHUP or SIGQUIT end the process
// while it waits. An empty line, end of input or no terminal is a usage error.
Result<Secret> read_password_from_terminal(const std::string& prompt);

}  // namespace imapcheck
