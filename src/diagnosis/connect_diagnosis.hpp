// imapcheck: the diagnoses of the connect phase (TCP, greeting, TLS mode; RFC 3501 §7.1.1
// greeting, RFC 8314 implicit TLS): the words an expert at the telnet prompt would use.
// The transport detects; this says what it means and what to try.
#pragma once

#include <string>
#include <string_view>

#include "imapcheck/report.hpp"

namespace imapcheck::diagnosis {

// What a first line from the server says about the protocol: "imap", "smtp", "pop3",
// "ssh", "http", "ftp", or "" when it is none of them (binary junk).
std::string_view protocol_of_first_line(std::string_view line);

// `where` is "host:port" as the user named it (or "address:port" when that differs).
Diagnosis dns_failure(const std::string& name, bool via_connect_to);
// `where` is the address tried; `connect_to` the --connect-to rule that chose it, if any.
Diagnosis refused(const std::string& where, const std::string& connect_to = "");
// The limit that ended a wait, as the user sets it: its value and the option ("--timeout",
// "--connect-timeout", or the exporter's scrape budget).
struct WaitLimit {
    double seconds = 0;
    std::string option;
};

Diagnosis tcp_timeout(const std::string& where, const WaitLimit& limit);
Diagnosis closed_at_once(const std::string& where, bool during_tls);
Diagnosis proxy_failure(const std::string& proxy, const std::string& words);
Diagnosis greeting_timeout(const std::string& where, const WaitLimit& limit, bool tls_tried);
Diagnosis speaks_implicit_tls(const std::string& where, unsigned port);
Diagnosis not_imap(std::string_view line, unsigned port);
Diagnosis bye_greeting(std::string_view line);
// --tls implicit, and the port spoke plain text: `greeting` is what it sent first ("" when
// the follow-up read nothing), `answered` the first bytes it sent back to the ClientHello.
Diagnosis plaintext_port(const std::string& where, unsigned port, const std::string& greeting,
                         const std::string& answered = "");

}  // namespace imapcheck::diagnosis
