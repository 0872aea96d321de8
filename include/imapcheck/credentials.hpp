// imapcheck: where the password (or OAuth token) comes from: an environment variable,
// a private file, or a netrc entry. Never the command line.
#pragma once

#include <optional>
#include <string>

#include "imapcheck/environment.hpp"
#include "imapcheck/expected.hpp"
#include "imapcheck/secret.hpp"

namespace imapcheck {

struct CredentialSources {
    std::string password_env = "IMAPCHECK_PASSWORD";
    std::string password_file;
    bool netrc = false;
    std::string netrc_file;  // empty: $HOME/.netrc
    // Ask on the terminal when the variable is unset (only a single run from a terminal
    // sets this). Asked once per process; later loads get the same answer.
    bool prompt = false;
};

// Finds the secret; may fill `user` from a netrc login when it was not given. Errors are
// usage errors (exit 3), worded for the person who wrote the command line.
Result<Secret> load_secret(const CredentialSources& sources, const std::string& host,
                           std::string& user, const GetEnv& getenv);

// Fails when the file is missing or accessible by group or others.
Result<Unit> check_private_file(const std::string& path, const char* what);
// Reads the first line of a file that only its owner may read (like ssh's key files).
Result<Secret> read_private_first_line(const std::string& path, const char* what);

}  // namespace imapcheck
