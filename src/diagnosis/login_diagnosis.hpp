// imapcheck: why a login was refused (RFC 3501 §6.2.3 LOGIN, RFC 4422 SASL, RFC 5530 codes):
// the server's words, the mechanism, where the password came from (never the password
// itself), a slow refusal explained, and the known providers' own hints.
#pragma once

#include <string>

#include "imapcheck/config.hpp"
#include "imapcheck/report.hpp"
#include "imapcheck/secret.hpp"
#include "imapcheck/session.hpp"

namespace imapcheck::diagnosis {

struct LoginAttempt {
    const TargetConfig& config;
    std::string mechanism;        // "PLAIN", "LOGIN", ...
    const Secret* password;       // described by its length and edges, never shown
    const std::string& greeting;  // the server's, for the provider hints
};

// The tagged NO or BAD the login got.
Diagnosis login_refused(const LoginAttempt& attempt, const Reply& reply);
// "from --password-file /etc/x (10 characters, ends in a space)": what a mistyped
// password source usually is, told without telling the password.
std::string password_origin(const TargetConfig& config, const Secret* password);

}  // namespace imapcheck::diagnosis
