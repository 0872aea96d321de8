// imapcheck: the lines that frame a --trace transcript, so that one sent on its own (a
// ticket, a mail to the server's admin) says what was checked and how it ended.
#pragma once

#include "imapcheck/config.hpp"
#include "imapcheck/report.hpp"
#include "imapcheck/transcript.hpp"

namespace imapcheck {

// "*" events at the start: imapcheck's version, target, TLS mode, trust store, the route
// (--connect-to, --proxy without its credentials) and the user. Never the password.
void trace_header(Transcript& transcript, const TargetConfig& config);

// The closing "*" event: overall status, exit code and the run's duration.
void trace_result(Transcript& transcript, const Report& report);

// `url` with any user:password@ part replaced by "***@".
std::string without_credentials(const std::string& url);

}  // namespace imapcheck
