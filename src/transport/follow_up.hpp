// imapcheck: the expert's next move after a connect phase went wrong, on a second
// connection of its own: does the port complete a TLS handshake, what does it say first?
// Each sends nothing but what a TLS handshake needs (or nothing at all) and never
// credentials; each is bounded by `limit` (README, "Diagnosing a server").
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "imapcheck/transcript.hpp"

namespace imapcheck::transport {

// True when address:port completes a TLS handshake (any certificate: only the protocol is
// in question). `server_name` goes in SNI when it is a name.
bool completes_tls_handshake(const std::string& address, unsigned port,
                             const std::string& server_name, std::chrono::milliseconds limit,
                             Transcript& transcript);

// The TLS version address:port settles on ("TLSv1.2"), offering every version this OpenSSL
// has when `any_version` (to say what a server offers that --min-tls forbids); nullopt when
// no handshake completes within `limit`.
std::optional<std::string> tls_handshake_version(const std::string& address, unsigned port,
                                                 const std::string& server_name,
                                                 std::chrono::milliseconds limit,
                                                 Transcript& transcript, bool any_version);

// The first line address:port sends unasked (at most 512 bytes, CR LF removed), or nullopt
// when it sends nothing in time.
std::optional<std::string> first_line_sent(const std::string& address, unsigned port,
                                           std::chrono::milliseconds limit, Transcript& transcript);

}  // namespace imapcheck::transport
