// imapcheck fake server: CAPABILITY, STARTTLS, LOGIN and AUTHENTICATE PLAIN (RFC 3501 §6.1.1,
// §6.2; RFC 4616 PLAIN; RFC 4959 SASL-IR). Failures use the RFC 5530 response codes real
// servers send, so imapcheck's error reporting is exercised against realistic text.
#include <string>
#include <vector>

#include "fake_base64.hpp"
#include "fake_command.hpp"
#include "fake_handlers.hpp"
#include "fake_mailbox.hpp"

namespace imapcheck::fake::handlers {

namespace {

void logged_in(Session& s, const Command& cmd, const std::string& user, const char* text) {
    s.state().phase = Phase::Authenticated;
    s.state().user = user;
    // RFC 9051 §6.2.3: servers commonly advertise the post-login list in the tagged OK.
    s.tagged(cmd, "OK [CAPABILITY " + join_words(s.capabilities()) + "] " + text);
}

void auth_failed(Session& s, const Command& cmd) {
    s.tagged(cmd, "NO [AUTHENTICATIONFAILED] Authentication failed.");
}

// RFC 4616: message = [authzid] NUL authcid NUL passwd.
void check_plain(Session& s, const Command& cmd, const std::string& message) {
    auto first = message.find('\0');
    auto second = first == std::string::npos ? first : message.find('\0', first + 1);
    if (second == std::string::npos || message.find('\0', second + 1) != std::string::npos) {
        s.tagged(cmd, "BAD malformed PLAIN message");
        return;
    }
    std::string authzid = message.substr(0, first);
    std::string authcid = message.substr(first + 1, second - first - 1);
    std::string passwd = message.substr(second + 1);
    if (!authzid.empty() && authzid != authcid) {
        s.tagged(cmd, "NO [AUTHORIZATIONFAILED] Authorization failed.");
        return;
    }
    if (authcid != s.options().user || passwd != s.options().password) {
        auth_failed(s, cmd);
        return;
    }
    logged_in(s, cmd, authcid, "Authenticated");
}

}  // namespace

void capability(Session& s, const Command& cmd) {
    s.line("* CAPABILITY " + join_words(s.capabilities()));
    s.tagged(cmd, "OK CAPABILITY completed");
}

void starttls(Session& s, const Command& cmd) {
    if (s.tls_active()) {
        s.tagged(cmd, "BAD TLS already active");
    } else if (s.options().tls != TlsMode::StartTls) {
        s.tagged(cmd, "BAD STARTTLS not available");
    } else if (require_not_authenticated(s, cmd)) {
        s.tagged(cmd, "OK Begin TLS negotiation now");
        s.start_tls();
    }
}

void login(Session& s, const Command& cmd) {
    if (!require_not_authenticated(s, cmd)) return;
    if (s.has_capability("LOGINDISABLED")) {
        s.tagged(cmd, "NO [PRIVACYREQUIRED] LOGIN is disabled on this connection");
        return;
    }
    ArgReader args(cmd);
    auto user = args.astring();
    bool sp = user && args.space();
    auto password = sp ? args.astring() : std::nullopt;
    if (!password || !args.done()) {
        s.tagged(cmd, "BAD LOGIN expects: userid password");
        return;
    }
    if (*user != s.options().user || *password != s.options().password) {
        auth_failed(s, cmd);
        return;
    }
    logged_in(s, cmd, *user, "Logged in");
}

void authenticate(Session& s, const Command& cmd) {
    if (!require_not_authenticated(s, cmd)) return;
    ArgReader args(cmd);
    auto mechanism = args.atom();
    if (!mechanism) {
        s.tagged(cmd, "BAD AUTHENTICATE expects a mechanism");
        return;
    }
    if (!iequals(*mechanism, "PLAIN") || !s.has_capability("AUTH=PLAIN")) {
        s.tagged(cmd, "NO Unsupported authentication mechanism");
        return;
    }
    std::string response;
    if (args.space()) {
        // RFC 4959 SASL-IR: the initial response rides on the command; "=" means empty.
        response = args.rest();
        if (response == "=") response.clear();
    } else {
        s.line("+ ");
        response = s.read_line();
        if (response == "*") {
            s.tagged(cmd, "BAD AUTHENTICATE cancelled");  // RFC 3501 §6.2.2
            return;
        }
    }
    auto message = base64_decode(response);
    if (!message) {
        s.tagged(cmd, "BAD invalid base64 in SASL response");
        return;
    }
    check_plain(s, cmd, *message);
}

}  // namespace imapcheck::fake::handlers
