// imapcheck: the table of diagnosis classes (README "Diagnosing a server" lists the same
// rows; a unit test holds them together) and the RFC 5530 response codes that name one.
#include <algorithm>

#include "imapcheck/diagnosis.hpp"

namespace imapcheck {

const std::vector<DiagnosisClass>& diagnosis_classes() {
    static const std::vector<DiagnosisClass> classes = {
        {"net.dns", "the host name does not resolve", "check the spelling; `getent hosts HOST`"},
        {"net.refused", "nothing listens on the port (connection refused)",
         "check the port (143 STARTTLS, 993 implicit TLS) and that the server runs"},
        {"net.timeout", "no TCP answer at all: a firewall drops the packets",
         "check firewalls and the address; raise --connect-timeout on a slow link"},
        {"net.closed", "the server accepted the connection and closed it at once",
         "check the server's log: connection limits, tcpwrappers, fail2ban"},
        {"net.proxy", "the --proxy could not be used or refused the connection",
         "check the proxy's address and that it allows the IMAP port"},
        {"greeting.timeout", "connected, but no greeting came", "check the server's log; --trace"},
        {"greeting.tls_port", "the port speaks implicit TLS, not plain IMAP", "--tls implicit"},
        {"greeting.not_imap", "another protocol answered (SMTP, POP3, SSH, HTTP)",
         "use the IMAP port: 143 (STARTTLS) or 993 (--tls implicit)"},
        {"greeting.bye", "the server refused the connection with a BYE greeting",
         "read its words; check the server's log"},
        {"tls.plaintext_port", "--tls implicit, but the port speaks plain text first",
         "--tls starttls (or --port 993)"},
        {"tls.starttls_missing", "the server does not offer STARTTLS",
         "enable TLS on the server, or use its implicit-TLS port with --tls implicit"},
        {"tls.starttls_refused", "the server offered STARTTLS and refused it",
         "check the server's TLS configuration and log"},
        {"tls.handshake",
         "the TLS handshake failed for another reason (no shared cipher, an alert)",
         "see the handshake with --trace FILE; check the server's TLS configuration"},
        {"tls.untrusted", "the certificate chain ends in a CA the trust store lacks",
         "--cacert FILE with the CA that signed it"},
        {"tls.self_signed", "the certificate is self-signed",
         "install a CA-signed certificate, or trust this one with --cacert"},
        {"tls.chain_incomplete", "the server sends its certificate without the intermediate",
         "configure the server to send the full chain (leaf + intermediates)"},
        {"tls.name_mismatch", "the certificate does not name the host",
         "connect by a name the certificate lists, or fix the certificate"},
        {"tls.expired", "the certificate has expired", "renew the certificate"},
        {"tls.not_yet_valid", "the certificate is not valid yet",
         "check the server's and this machine's clocks, or the certificate's dates"},
        {"tls.expiring", "the certificate expires within --cert-warn-days or --cert-crit-days",
         "renew the certificate"},
        {"tls.version", "no TLS version both sides accept (--min-tls)",
         "enable TLS 1.2 or 1.3 on the server, or lower --min-tls"},
        {"tls.insecure", "--insecure: the certificate was not verified",
         "fix what the cause lists, then drop --insecure"},
        {"auth.failed", "the server refused the user name or password",
         "check the password source; the server's log says why"},
        {"auth.cleartext", "imapcheck will not send the password without TLS",
         "--tls starttls or implicit; --allow-plaintext-auth on a trusted network"},
        {"auth.logindisabled", "LOGIN is disabled (LOGINDISABLED) on this connection",
         "use TLS (--tls starttls or implicit); ask for an AUTH mechanism"},
        {"auth.privacy_required", "the server wants encryption before login (PRIVACYREQUIRED)",
         "--tls starttls or --tls implicit"},
        {"auth.mechanism", "no authentication mechanism both sides support",
         "--auth with one the server advertises (see capability)"},
        {"auth.unavailable", "the server cannot check credentials now (UNAVAILABLE)",
         "check the server's authentication back end (LDAP, SQL); try again later"},
        {"auth.expired", "the password or account has expired (EXPIRED)", "renew the password"},
        {"auth.authorization", "authenticated, but not allowed to act as this user",
         "check the master user or proxy-authorization rules"},
        {"mailbox.missing", "the --mailbox does not exist", "the name the hint suggests"},
        {"mailbox.noselect", "the --mailbox is a \\Noselect folder (holds only folders)",
         "a folder under it"},
        {"mailbox.noperm", "the user may not open the mailbox (NOPERM)", "check its ACL"},
        {"folder.missing", "an --expect-folder is not in LIST", "the name the hint suggests"},
        {"search.bad", "the server calls the --search criteria invalid",
         "fix the syntax: dates are d-Mon-yyyy (1-Feb-2026)"},
        {"count.range", "a count (--search-*, --messages-*) is in its alert range",
         "see what fills (or does not reach) the mailbox"},
        {"quota.warn", "quota use is over --quota-warn", "free space or raise the quota"},
        {"quota.full", "quota use is over --quota-crit, or the server says OVERQUOTA",
         "free space or raise the quota"},
        {"command.timeout", "a command got no answer within --command-timeout",
         "check the server's load and log; raise --command-timeout"},
        {"command.failed", "the server answered a command with NO or BAD",
         "read the server's words; check its log"},
        {"connection.lost", "the connection broke in the middle of the session",
         "check the server's log and any proxy or load balancer on the way"},
        {"server.alert", "the server sent an [ALERT] with its refusal", "read the alert"},
        {"server.unavailable", "the server says it is unavailable or in use (UNAVAILABLE, INUSE)",
         "try again later; check the server"},
        {"server.protocol", "the server's answer breaks the IMAP protocol",
         "report it to the server's vendor with the --trace output"},
        {"server.bug", "the server reports an internal error (SERVERBUG)",
         "check the server's log"},
        {"baseline.changed", "the server differs from the --baseline saved before",
         "if the change was meant: --save-baseline again; else undo it"},
        {"slow.step", "a step took longer than --slow-step", "check the server's load and log"},
        {"imapcheck.bug", "imapcheck itself failed (an internal error)", "please report it"},
    };
    return classes;
}

bool is_diagnosis_class(std::string_view id) {
    const auto& all = diagnosis_classes();
    return std::any_of(all.begin(), all.end(), [&](const auto& c) { return c.id == id; });
}

std::string_view class_of_code(std::string_view code) {
    // RFC 5530 §3 codes, and RFC 3501's ALERT; the rest (CANNOT, LIMIT, ...) name no class.
    static const std::pair<std::string_view, std::string_view> by_code[] = {
        {"AUTHENTICATIONFAILED", "auth.failed"},
        {"AUTHORIZATIONFAILED", "auth.authorization"},
        {"EXPIRED", "auth.expired"},
        {"PRIVACYREQUIRED", "auth.privacy_required"},
        {"CONTACTADMIN", "auth.failed"},
        {"UNAVAILABLE", "server.unavailable"},
        {"INUSE", "server.unavailable"},
        {"SERVERBUG", "server.bug"},
        {"NOPERM", "mailbox.noperm"},
        {"NONEXISTENT", "mailbox.missing"},
        {"OVERQUOTA", "quota.full"},
        {"ALERT", "server.alert"},
    };
    for (const auto& [c, id] : by_code)
        if (c == code) return id;
    return "";
}

}  // namespace imapcheck
