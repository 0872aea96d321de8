// imapcheck: loading the secret. A file holding it must not be readable by group or others
// (ssh's rule); netrc follows the format curl and ftp read (machine/login/password/default).
#include "imapcheck/credentials.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include <openssl/crypto.h>

#include "imapcheck/terminal_password.hpp"

namespace imapcheck {
namespace {

Error usage(std::string message) { return make_error(Error::Kind::Usage, std::move(message)); }

std::string octal_mode(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

Result<Secret> from_netrc(const std::string& path, const std::string& host, std::string& user) {
    if (auto ok = check_private_file(path, "netrc file"); !ok) return ok.error();
    std::ifstream in(path);
    std::vector<std::string> tokens;
    for (std::string t; in >> t;) tokens.push_back(std::move(t));
    struct Entry {
        std::string login, password;
        bool matches_host = false;
    };
    std::vector<Entry> entries;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::string& t = tokens[i];
        if (t == "machine" && i + 1 < tokens.size()) {
            entries.push_back({"", "", tokens[++i] == host});
        } else if (t == "default") {
            entries.push_back({"", "", true});
        } else if ((t == "login" || t == "password" || t == "account") && i + 1 < tokens.size()) {
            if (!entries.empty() && t == "login") entries.back().login = tokens[i + 1];
            if (!entries.empty() && t == "password") entries.back().password = tokens[i + 1];
            ++i;
        }
    }
    for (auto& t : tokens) OPENSSL_cleanse(t.data(), t.size());
    for (auto& e : entries) {
        if (!e.matches_host || e.password.empty()) continue;
        if (!user.empty() && !e.login.empty() && e.login != user) continue;
        if (user.empty()) user = e.login;
        Secret s(std::move(e.password));
        for (auto& other : entries) OPENSSL_cleanse(other.password.data(), other.password.size());
        return s;
    }
    for (auto& e : entries) OPENSSL_cleanse(e.password.data(), e.password.size());
    return usage("no entry for machine '" + host + "'" + (user.empty() ? "" : " and login '" + user + "'") +
                 " with a password in " + path);
}

// The answer to the prompt, kept for the process (a single run, one target): the rules read
// the source before connecting and the run reads it again, and the person types it once.
Result<Secret> prompted_password(const std::string& prompt) {
    static Secret answer;
    if (answer.empty()) {
        auto typed = read_password_from_terminal(prompt);
        if (!typed) return typed.error();
        answer = std::move(*typed);
    }
    return Secret(std::string(answer.reveal()));
}

}  // namespace

Result<Unit> check_private_file(const std::string& path, const char* what) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return usage(std::string("cannot read ") + what + " '" + path + "': no such file or not accessible");
    // Before the mode: a directory's usual 0755 would otherwise earn a chmod 600 hint.
    if (S_ISDIR(st.st_mode))
        return usage(std::string(what) + " '" + path +
                     "' is a directory; give the path of the file itself");
    if (st.st_mode & (S_IRWXG | S_IRWXO))
        return usage(std::string(what) + " '" + path + "' is accessible by group or others (mode " +
                     octal_mode(st.st_mode) + "); run: chmod 600 '" + path + "'");
    return Unit{};
}

Result<Secret> read_private_first_line(const std::string& path, const char* what) {
    if (auto ok = check_private_file(path, what); !ok) return ok.error();
    std::ifstream in(path);
    if (!in) return usage(std::string("cannot read ") + what + " '" + path + "'");
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return Secret(std::move(line));
}

Result<Secret> load_secret(const CredentialSources& sources, const std::string& host, std::string& user,
                           const GetEnv& getenv) {
    if (!sources.password_file.empty()) {
        auto secret = read_private_first_line(sources.password_file, "password file");
        if (secret && secret->empty()) return usage("password file '" + sources.password_file + "' is empty");
        return secret;
    }
    if (sources.netrc || !sources.netrc_file.empty()) {
        std::string path = sources.netrc_file;
        if (path.empty()) {
            auto home = getenv("HOME");
            if (!home) return usage("--netrc: HOME is not set; use --netrc-file FILE");
            path = *home + "/.netrc";
        }
        return from_netrc(path, host, user);
    }
    if (auto value = getenv(sources.password_env)) {
        if (!value->empty()) return Secret(std::move(*value));
        return usage(sources.password_env +
                     " is set but empty; put the password in it, or unset it and use " +
                     "--password-file FILE or --netrc");
    }
    if (sources.prompt) return prompted_password("Password for " + user + "@" + host + ": ");
    return usage("no password: set " + sources.password_env +
                 " in the environment, or use --password-file FILE or --netrc");
}

}  // namespace imapcheck
