// Sample reports for the renderer tests (render_test.cpp, formats_test.cpp): one run that
// failed at login, and one that passed all eleven checks with the numbers of the Dovecot
// sandbox, so every format is shown both ways from the same data.
#pragma once

#include <optional>

#include "imapcheck/report.hpp"

namespace imapcheck::testing {

// login failed, list skipped, quota warned, one [ALERT]: CRITICAL, exit 2.
inline Report sample_report() {
    Report r;
    r.target = {"mail.example.com", 993, "implicit", "alice", "INBOX"};
    r.started_at = "2026-11-25T17:00:00Z";
    r.duration_ms = 41.74;
    auto add = [&](const char* id, CheckStatus s, double ms, const char* summary, Json details,
                   std::optional<Diagnosis> diagnosis = std::nullopt) {
        r.checks.push_back({id, s, ms, summary, std::move(details), std::move(diagnosis)});
    };
    add("connect", CheckStatus::Pass, 1.23, "connected to 127.0.0.1:993  * OK Dovecot ready.",
        {{"address", "127.0.0.1"}, {"port", 993}, {"greeting", "* OK Dovecot ready."}});
    add("tls", CheckStatus::Pass, 6.8,
        "TLSv1.3 TLS_AES_256_GCM_SHA384, CN=mail.example.com, 87 days left",
        {{"mode", "implicit"}, {"version", "TLSv1.3"}, {"verified", true}, {"days_left", 87}});
    add("login", CheckStatus::Fail, 501.0,
        "login as alice (PLAIN) failed: NO [AUTHENTICATIONFAILED] Authentication failed.",
        {{"mechanism", "PLAIN"}, {"code", "AUTHENTICATIONFAILED"}},
        Diagnosis{"auth.failed",
                  "the server refused the password for alice (PLAIN, from IMAPCHECK_PASSWORD, 12 "
                  "characters)",
                  {"check the password in IMAPCHECK_PASSWORD",
                   "the server's log says why (grep alice in its auth log)"},
                  "NO [AUTHENTICATIONFAILED] Authentication failed."});
    add("list", CheckStatus::Skip, 0, "login failed", Json::object());
    add("quota", CheckStatus::Warn, 0.44, "STORAGE 86.6% used (822.9 MiB of 950.0 MiB)",
        {{"root", "user"},
         {"resources",
          Json::array(
              {{{"name", "STORAGE"}, {"usage", 842637}, {"limit", 972800}, {"percent", 86.6}}})}},
        Diagnosis{"quota.warn",
                  "STORAGE is 86.6% used, over --quota-warn 80%",
                  {"free space in the mailbox, or raise its quota"},
                  "STORAGE (842637 972800)"});
    r.alerts.push_back("Maintenance tonight at 22:00");
    return r;
}

// All eleven checks passed, with the details a run against the Dovecot sandbox produces.
inline Report passing_report() {
    Report r;
    r.target = {"localhost", 143, "starttls", "alice", "INBOX"};
    r.started_at = "2026-11-25T18:15:36Z";
    r.duration_ms = 36.92;
    auto add = [&](const char* id, double ms, const char* summary, Json details) {
        r.checks.push_back({id, CheckStatus::Pass, ms, summary, std::move(details), std::nullopt});
    };
    Json caps = {"IMAP4rev1", "SASL-IR",  "LOGIN-REFERRALS", "ID",   "ENABLE",
                 "IDLE",      "LITERAL+", "AUTH=PLAIN",      "QUOTA"};
    add("connect", 1.94, "connected to 127.0.0.1:143  * OK Dovecot sandbox ready.",
        {{"address", "127.0.0.1"},
         {"port", 143},
         {"greeting", "* OK [CAPABILITY IMAP4rev1] Dovecot sandbox ready."}});
    add("tls", 4.06, "TLSv1.3 TLS_AES_256_GCM_SHA384, CN=localhost, 89 days left",
        {{"mode", "starttls"},
         {"version", "TLSv1.3"},
         {"cipher", "TLS_AES_256_GCM_SHA384"},
         {"verified", true},
         {"subject", "CN=localhost"},
         {"issuer", "CN=imapcheck sandbox CA"},
         {"sans", {"localhost", "127.0.0.1"}},
         {"not_after", "2027-02-22T18:15:36Z"},
         {"not_after_epoch", 1803320136},
         {"days_left", 89}});
    add("capability", 0.61, "IMAP4rev1, 9 capabilities",
        {{"before_tls", caps}, {"before_login", caps}, {"after_login", caps}});
    add("login", 12.3, "logged in as alice (PLAIN)", {{"mechanism", "PLAIN"}});
    add("list", 6.3, "4 mailboxes, delimiter \".\"",
        {{"count", 4},
         {"delimiter", "."},
         {"mailboxes",
          {{{"name", "Archive"}, {"flags", {"\\HasNoChildren"}}},
           {{"name", "Entwürfe"}, {"flags", {"\\HasNoChildren"}}},
           {{"name", "INBOX"}, {"flags", {"\\HasNoChildren"}}},
           {{"name", "Sent"}, {"flags", {"\\HasNoChildren"}}}}},
         {"missing", Json::array()}});
    add("status", 1.2, "INBOX: MESSAGES 5 UNSEEN 2 UIDNEXT 6 UIDVALIDITY 1700000001",
        {{"mailbox", "INBOX"},
         {"messages", 5},
         {"unseen", 2},
         {"uidnext", 6},
         {"uidvalidity", 1700000001}});
    add("select", 0.5, "INBOX examined, 5 messages, read-only",
        {{"mailbox", "INBOX"}, {"read_only", true}, {"exists", 5}, {"uidvalidity", 1700000001}});
    add("search", 0.4, "2 messages match UNSEEN",
        {{"criteria", "UNSEEN"}, {"count", 2}, {"matches", {4, 5}}});
    add("fetch", 1.7,
        "newest match 5 (UID 5, 6.5 KiB) \"Sandbox message 5\" from Sender Five "
        "<five@example.test>",
        {{"message", 5},
         {"uid", 5},
         {"size", 6656},
         {"flags", Json::array()},
         {"header_bytes", 310},
         {"text_bytes", 4096},
         {"subject", "Sandbox message 5"},
         {"from", "Sender Five <five@example.test>"},
         {"date", "Tue, 21 Nov 2023 10:05:00 +0000"}});
    add("quota", 5.1,
        "STORAGE 0.1% used (9 KiB of 10.0 MiB), MESSAGE 0.8% used (8 of 1000 messages)",
        {{"root", "User quota"},
         {"resources",
          {{{"name", "STORAGE"}, {"usage", 9}, {"limit", 10240}, {"percent", 0.1}},
           {{"name", "MESSAGE"}, {"usage", 8}, {"limit", 1000}, {"percent", 0.8}}}}});
    add("logout", 0.5, "BYE and OK: Logout completed (0.001 + 0.000 secs).", Json::object());
    return r;
}

}  // namespace imapcheck::testing
