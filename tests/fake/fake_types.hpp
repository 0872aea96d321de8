// imapcheck fake server: the data a test hands to FakeImapServer and the commands it records.
// Mailbox and message shapes follow RFC 3501 / RFC 9051; mailbox names are kept exactly as they
// travel on the wire (modified UTF-7, RFC 3501 §5.1.3), so tests control the encoding.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace imapcheck::fake {

enum class TlsMode {
    None,      // plaintext only; STARTTLS is refused
    Implicit,  // TLS handshake before the greeting (port 993 style)
    StartTls,  // plaintext greeting, STARTTLS upgrades (RFC 3501 §6.2.1)
};

struct Message {
    uint32_t uid = 0;
    std::vector<std::string> flags;  // e.g. "\\Seen"
    std::string header;              // ends with CRLF CRLF
    std::string text;                // body after the blank line
    std::string internal_date = "01-Jan-2024 10:00:00 +0000";
};

struct Mailbox {
    std::string name;  // on-the-wire (modified UTF-7) name, e.g. "INBOX", "Archive"
    std::vector<Message> messages;
    uint32_t uidvalidity = 1234;
    std::vector<std::string> list_flags;  // LIST attributes, e.g. "\\HasNoChildren"
};

// INBOX (3 messages: UID 11 \Seen, UIDs 12 and 14 unseen) and Archive (1 \Seen message, UID 7).
// UIDs are deliberately not 1..n so a client that mixes up UIDs and sequence numbers shows it.
std::vector<Mailbox> default_mailboxes();

struct ServerOptions {
    TlsMode tls = TlsMode::None;
    std::string cert_file, key_file;  // PEM; required unless tls == None
    bool max_tls_1_2 = false;         // offer no TLS version above 1.2
    // Serve each connection in a thread of its own, as a real server does (a second
    // connection is answered while the first waits); by default one at a time.
    bool concurrent = false;
    std::string user = "alice", password = "secret";

    // The whole greeting line without CRLF. Empty means
    // "* OK [CAPABILITY <current capability list>] fake ready"; with TlsMode::StartTls that is
    // "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN SASL-IR LITERAL+] fake ready".
    // A greeting starting with "* PREAUTH" puts the session in the authenticated state; one
    // starting with "* BYE" closes the connection right after it is sent.
    std::string greeting;

    // Capability lists by state; an empty list means the default for that state:
    //   pre-TLS:    IMAP4rev1 [STARTTLS, only with TlsMode::StartTls] AUTH=PLAIN SASL-IR LITERAL+
    //   post-TLS:   IMAP4rev1 AUTH=PLAIN SASL-IR LITERAL+
    //   post-login: IMAP4rev1 LITERAL+
    // QUOTA is appended to the post-login list when storage_quota is set.
    // "LOGINDISABLED" in the current list makes LOGIN fail; AUTHENTICATE PLAIN fails unless the
    // current list has "AUTH=PLAIN".
    std::vector<std::string> capabilities_pre_tls, capabilities_post_tls, capabilities_post_login;

    std::vector<Mailbox> mailboxes = default_mailboxes();

    // {usage, limit} in KiB for the STORAGE resource (RFC 9208); nullopt = no QUOTA capability.
    std::optional<std::pair<uint64_t, uint64_t>> storage_quota;

    // Every socket wait gives up after this long, so a broken test cannot hang the server.
    std::chrono::milliseconds io_timeout{10'000};
    // Literals larger than this are refused (sync) or end the connection (LITERAL+).
    std::size_t max_literal = 1 << 20;
};

// One client command as the server received it.
struct Command {
    std::string tag;
    std::string name;  // upper-cased, e.g. "LOGIN"; "UID" for UID FETCH etc.
    // Everything after the name (and its space) with literal bytes taken out: each literal
    // keeps its "{N}" / "{N+}" marker in place and its bytes go to `literals`, in order.
    // E.g. bytes `a LOGIN {5}<CRLF>alice "pw"<CRLF>` give args `{5} "pw"`, literals {"alice"}.
    std::string args;
    std::vector<std::string> literals;
    std::string raw;  // every byte of the command as received, CRLFs and literal bytes included
};

}  // namespace imapcheck::fake
