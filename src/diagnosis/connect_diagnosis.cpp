// imapcheck: the connect phase's diagnoses (see connect_diagnosis.hpp). IMAP's ports are
// 143 (STARTTLS, RFC 3501 §6.2.1) and 993 (implicit TLS, RFC 8314 §3.3).
#include "diagnosis/connect_diagnosis.hpp"

#include <cctype>
#include <cstdio>

#include "imapcheck/timestamp.hpp"

namespace imapcheck::diagnosis {
namespace {

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) !=
            std::tolower(static_cast<unsigned char>(prefix[i])))
            return false;
    return true;
}

bool contains_nocase(std::string_view text, std::string_view word) {
    for (std::size_t i = 0; i + word.size() <= text.size(); ++i)
        if (starts_with_nocase(text.substr(i), word)) return true;
    return false;
}

// The wire line as evidence: printable, and short enough for one line of a report.
std::string quoted_line(std::string_view line) {
    std::string out;
    for (char c : line.substr(0, 160)) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", u);
            out += hex;
        } else {
            out += c;
        }
    }
    return "\"" + out + (line.size() > 160 ? "...\"" : "\"");
}

const char* kPorts = "IMAP listens on 143 (STARTTLS) and 993 (--tls implicit)";

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

std::string_view protocol_of_first_line(std::string_view line) {
    if (starts_with_nocase(line, "* OK") || starts_with_nocase(line, "* PREAUTH") ||
        starts_with_nocase(line, "* BYE"))
        return "imap";
    if (starts_with_nocase(line, "SSH-")) return "ssh";
    if (starts_with_nocase(line, "+OK")) return "pop3";
    if (starts_with_nocase(line, "HTTP/") || starts_with_nocase(line, "<!DOCTYPE") ||
        starts_with_nocase(line, "<html"))
        return "http";
    if (line.size() >= 4 && line.substr(0, 3) == "220" && (line[3] == ' ' || line[3] == '-'))
        return contains_nocase(line, "FTP") ? "ftp" : "smtp";
    if (line.size() >= 2 && line[0] == '*' && line[1] == ' ') return "imap";
    return "";
}

Diagnosis dns_failure(const std::string& name, bool via_connect_to) {
    return {"net.dns",
            "the host name '" + name + "' does not resolve" +
                (via_connect_to ? " (it is the --connect-to host)" : ""),
            {"check the spelling of " + std::string(via_connect_to ? "--connect-to" : "--host"),
             "getent hosts " + name},
            "no address for " + name};
}

Diagnosis refused(const std::string& where, const std::string& connect_to) {
    return {"net.refused",
            "nothing listens on " + where + ": the connection was refused",
            {connect_to.empty() ? "check --port: " + std::string(kPorts)
                                : "check the address and port of --connect-to " + connect_to,
             "check that the IMAP server runs (ss -ltn)"},
            "connect(): ECONNREFUSED"};
}

namespace {
// "5 s (--timeout)": the value and the option that set it.
std::string limit_text(const WaitLimit& limit) {
    return seconds_text(limit.seconds) + " (" + limit.option + ")";
}
std::string raise(const WaitLimit& limit) {
    return limit.option.starts_with("--") ? "raise " + limit.option
                                          : "give the probe more time (" + limit.option + ")";
}
}  // namespace

Diagnosis tcp_timeout(const std::string& where, const WaitLimit& limit) {
    return {"net.timeout",
            "no TCP answer from " + where + " within " + limit_text(limit) +
                ": something on the way drops the packets (a firewall), or the address is wrong",
            {"check firewalls between here and the server, and the address",
             raise(limit) + " on a slow link"},
            "no SYN-ACK within " + limit_text(limit)};
}

Diagnosis closed_at_once(const std::string& where, bool during_tls) {
    return {"net.closed",
            "the server at " + where + " accepted the connection and closed it " +
                (during_tls ? "before the TLS handshake finished" : "without a greeting"),
            {"check the server's log: connection limits per address, tcpwrappers, fail2ban",
             "a proxy or load balancer in front may have no healthy back end"},
            "connection closed by the peer after 0 bytes"};
}

Diagnosis proxy_failure(const std::string& proxy, const std::string& words) {
    return {"net.proxy",
            "the --proxy " + proxy + " could not be used: " + words,
            {"check the proxy's address and port, and that it runs",
             "check that the proxy allows connections to the IMAP port"},
            words};
}

Diagnosis greeting_timeout(const std::string& where, const WaitLimit& limit, bool tls_tried) {
    return {"greeting.timeout",
            "connected to " + where + ", but no IMAP greeting came within " + limit_text(limit) +
                (tls_tried ? "; the port does not speak TLS first either" : ""),
            {"check the server's log and load", "see what arrives with --trace FILE",
             raise(limit) + " if the server is slow to greet"},
            "0 bytes received after the TCP connection"};
}

Diagnosis speaks_implicit_tls(const std::string& where, unsigned port) {
    return {"greeting.tls_port",
            where +
                " sent no greeting, and a TLS handshake on a second connection completed: "
                "port " +
                std::to_string(port) + " speaks implicit TLS",
            {"--tls implicit"},
            "no greeting after the TCP connection; TLS handshake completed on a second one"};
}

Diagnosis not_imap(std::string_view line, unsigned port) {
    std::string protocol(protocol_of_first_line(line));
    for (char& c : protocol) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string cause =
        protocol.empty()
            ? "port " + std::to_string(port) + " answered with something that is not IMAP"
            : "port " + std::to_string(port) + " speaks " + protocol + ", not IMAP";
    return {"greeting.not_imap",
            cause,
            {"use the IMAP port: " + std::string(kPorts)},
            quoted_line(line)};
}

Diagnosis bye_greeting(std::string_view line) {
    return {"greeting.bye",
            "the server refused the session in its greeting: " + std::string(line.substr(0, 200)),
            {"read the server's words: often a connection limit per user or address",
             "check the server's log"},
            quoted_line(line)};
}

Diagnosis plaintext_port(const std::string& where, unsigned port, const std::string& greeting,
                         const std::string& answered) {
    // What spoke: the greeting a second connection read, else the first bytes the port
    // sent back to the TLS ClientHello (an HTTP server waits for the client, then says 400).
    std::string protocol(protocol_of_first_line(greeting.empty() ? answered : greeting));
    std::string cause = "--tls implicit, but " + where + " does not speak TLS: ";
    if (!greeting.empty())
        cause += "it sent a plain-text greeting first";
    else if (!protocol.empty() && protocol != "imap")
        cause += "it answered the TLS handshake in " + upper(protocol) + " (" +
                 quoted_line(answered) + ")";
    else
        cause += "it answered the TLS handshake with plain text";
    std::vector<std::string> tries;
    if (protocol == "imap" || (greeting.empty() && protocol.empty()))
        tries.push_back("--tls starttls (port " + std::to_string(port) + " is plain IMAP)");
    else
        tries.push_back("use the IMAP port: " + std::string(kPorts) + "; port " +
                        std::to_string(port) + " speaks " + upper(protocol));
    if (port != 993) tries.push_back("--port 993 for implicit TLS");
    return {"tls.plaintext_port", cause, tries,
            !greeting.empty()   ? quoted_line(greeting)
            : !answered.empty() ? "answered the ClientHello with " + quoted_line(answered)
                                : "OpenSSL: wrong version number"};
}

}  // namespace imapcheck::diagnosis
