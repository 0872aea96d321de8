// imapcheck: the exporter's web configuration (--web-config FILE), the subset of Prometheus
// exporter-toolkit's format it needs: TLS for the listener and HTTP basic auth (RFC 7617)
// against bcrypt hashes, checked with the system's crypt (libxcrypt: $2y$, $2b$, $2a$).
#pragma once

#include <map>
#include <string>

#include "imapcheck/expected.hpp"

namespace imapcheck {

struct WebConfig {
    std::string cert_file, key_file;           // both set: HTTPS
    std::map<std::string, std::string> users;  // user -> bcrypt hash; empty: no auth

    bool tls() const { return !cert_file.empty(); }
    // The Authorization header's value authenticates one of `users` (always true without
    // users). Constant-time in the hash comparison; bcrypt's cost is the rate limit.
    bool authorized(const std::string& authorization) const;
};

// tls_server_config: {cert_file, key_file}, basic_auth_users: {user: hash}. Unknown keys,
// a hash that is not bcrypt, a missing or unreadable file are errors naming the key.
Result<WebConfig> load_web_config(const std::string& path);

}  // namespace imapcheck
