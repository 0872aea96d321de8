// imapcheck: login diagnoses (see login_diagnosis.hpp). Dovecot's auth_failure_delay (2 s
// by default) makes a refusal slow; Gmail and Microsoft 365 refuse plain passwords of
// accounts that need an app password or OAuth.
#include "diagnosis/login_diagnosis.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "imapcheck/diagnosis.hpp"

namespace imapcheck::diagnosis {
namespace {

bool contains_nocase(std::string_view text, std::string_view word) {
    auto lower = [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    };
    for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
        bool match = true;
        for (std::size_t k = 0; k < word.size() && match; ++k)
            match = lower(text[i + k]) == lower(word[k]);
        if (match) return true;
    }
    return false;
}

bool ends_with(std::string_view text, std::string_view tail) {
    return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

// Characters, not bytes: a password with an umlaut is no longer than it looks.
std::size_t characters(std::string_view s) {
    std::size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

std::vector<std::string> provider_hints(const TargetConfig& config, const std::string& greeting,
                                        const std::string& words) {
    std::vector<std::string> hints;
    if (contains_nocase(greeting, "gimap") || ends_with(config.host, "gmail.com") ||
        ends_with(config.host, "googlemail.com") || contains_nocase(words, "application-specific"))
        hints.push_back(
            "Gmail accepts no account password here: use an app password (with "
            "2-step verification) or OAuth (--auth xoauth2)");
    if (contains_nocase(greeting, "Microsoft Exchange") ||
        ends_with(config.host, "office365.com") || ends_with(config.host, "outlook.com"))
        hints.push_back(
            "Microsoft 365 has turned off password logins (basic auth): use OAuth "
            "(--auth xoauth2 with an access token)");
    return hints;
}

}  // namespace

std::string password_origin(const TargetConfig& config, const Secret* password) {
    const CredentialSources& c = config.credentials;
    std::string from;
    if (!c.password_file.empty())
        from = "from --password-file " + c.password_file;
    else if (c.netrc || !c.netrc_file.empty())
        from = "from the netrc file" + (c.netrc_file.empty() ? std::string() : " " + c.netrc_file);
    else if (c.prompt && !std::getenv(c.password_env.c_str()))  // only a single run prompts
        from = "typed at the prompt";
    else
        from = "from $" + c.password_env;
    if (!password || config.served_over_http) return from;
    const std::string_view p = password->reveal();
    std::string shape = std::to_string(characters(p)) + " characters";
    if (!p.empty() && std::isspace(static_cast<unsigned char>(p.back())))
        shape += ", ends in a space";
    if (!p.empty() && std::isspace(static_cast<unsigned char>(p.front())))
        shape += ", begins with a space";
    return from + " (" + shape + ")";
}

Diagnosis login_refused(const LoginAttempt& a, const Reply& reply) {
    const imap::Response& tagged = reply.tagged;
    const std::string words = tagged.status_text();
    const std::string who = a.config.user + " (" + a.mechanism + ", password " +
                            password_origin(a.config, a.password) + ")";
    std::string id(class_of_code(tagged.code));
    if (tagged.name == "BAD") id = "command.failed";
    if (id.empty() || id == "server.unavailable")
        id = tagged.code == "UNAVAILABLE" ? "auth.unavailable" : "auth.failed";
    if (tagged.code == "INUSE") id = "server.unavailable";

    Diagnosis d{id, "", {}, reply.status_line()};
    if (id == "auth.failed") {
        d.cause = "the server refused the login of " + who;
        // Dovecot logs failed logins at info, not as errors: `doveadm log errors` shows
        // nothing of them. Its auth lines do.
        const bool dovecot = a.greeting.find("Dovecot") != std::string::npos;
        d.tries = {
            "check the user name and the password " + password_origin(a.config, nullptr),
            dovecot ? "the server's log says why: journalctl -u dovecot --grep '" + a.config.user +
                          "' (or grep it in the mail log); Dovecot logs failed logins "
                          "at info, and auth_verbose = yes adds the reason"
                    : "the server's log says why: grep " + a.config.user + " in its mail log"};
        if (tagged.code == "CONTACTADMIN")
            d.tries.insert(d.tries.begin(), "the server asks you to contact its administrator");
        if (reply.elapsed_ms > 1500) {
            char buf[160];
            const bool dovecot = a.greeting.find("Dovecot") != std::string::npos;
            std::snprintf(buf, sizeof buf,
                          "the refusal took %.1f s: servers delay refusals after failures%s, "
                          "this is not a slow server",
                          reply.elapsed_ms / 1000.0,
                          dovecot ? " (Dovecot's auth_failure_delay)" : "");
            d.cause += "; " + std::string(buf);
        }
    } else if (id == "auth.authorization") {
        d.cause =
            "the credentials were accepted, but " + a.config.user + " may not log in as asked";
        d.tries = {"check the master-user or proxy-authorization set-up on the server"};
    } else if (id == "auth.expired") {
        d.cause = "the password or account of " + a.config.user + " has expired";
        d.tries = {"renew the password, then update it " + password_origin(a.config, nullptr)};
    } else if (id == "auth.privacy_required") {
        d.cause = "the server wants an encrypted connection before it accepts a login";
        d.tries = {"--tls starttls or --tls implicit"};
    } else if (id == "auth.unavailable" || id == "server.unavailable") {
        d.cause = "the server could not check the login now: " + words;
        d.tries = {"check the server's authentication back end (LDAP, SQL, passdb)",
                   "try again later"};
    } else if (id == "server.alert") {
        d.cause = "the server refused the login with an alert: " + tagged.text;
        d.tries = {"read the alert: it is meant for you"};
    } else {
        d.cause = "the server answered the login of " + who + " with " + tagged.name + ": " + words;
        d.tries = {"check the server's log",
                   "see the exchange with --trace FILE (the password is masked)"};
    }
    if (id == "auth.failed" || id == "command.failed")
        for (auto& hint : provider_hints(a.config, a.greeting, words))
            d.tries.insert(d.tries.begin(), hint);
    return d;
}

}  // namespace imapcheck::diagnosis
