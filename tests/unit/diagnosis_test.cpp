// Unit tests of the diagnosis contract: the class table in code, README, man page and the
// JSON schema are the same list; the text report wraps a diagnosis at 80 columns, repeats
// the root cause on its last line and folds a run of skips; mailbox suggestions.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "diagnosis/login_diagnosis.hpp"
#include "diagnosis/mailbox_diagnosis.hpp"
#include "imapcheck/check.hpp"
#include "imapcheck/diagnosis.hpp"
#include "imapcheck/range.hpp"
#include "imapcheck/render.hpp"

namespace imapcheck {
namespace {

std::string read(const std::string& path) {
    std::ifstream in(std::string(IMAPCHECK_SOURCE_DIR) + "/" + path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::set<std::string> code_classes() {
    std::set<std::string> ids;
    for (const auto& c : diagnosis_classes()) ids.insert(std::string(c.id));
    return ids;
}

TEST(DiagnosisClassesTest, ReadmeManPageAndSchemaListExactlyTheClassesTheCodeHas) {
    const auto expected = code_classes();
    ASSERT_GE(expected.size(), 40u);
    std::set<std::string> readme, man;
    const std::string text = read("README.md");
    const std::regex row("\\n\\| `([a-z_]+\\.[a-z_]+)` \\|");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), row);
         it != std::sregex_iterator(); ++it)
        readme.insert((*it)[1]);
    EXPECT_EQ(readme, expected) << "README's class table";
    const std::string page = read("man/imapcheck.1");
    const std::regex item("\\n\\.TP\\n\\.B ([a-z_]+\\.[a-z_]+)\\n");
    for (auto it = std::sregex_iterator(page.begin(), page.end(), item);
         it != std::sregex_iterator(); ++it)
        man.insert((*it)[1]);
    EXPECT_EQ(man, expected) << "the man page's DIAGNOSIS CLASSES";
    auto schema = nlohmann::json::parse(read("schema/imapcheck.report-1.schema.json"));
    std::set<std::string> in_schema;
    for (const auto& id : schema["$defs"]["diagnosis"]["properties"]["class"]["enum"])
        in_schema.insert(id);
    EXPECT_EQ(in_schema, expected) << "the report schema's diagnosis class enum";
}

TEST(DiagnosisClassesTest, EveryResponseCodeNamesAClassOfTheTable) {
    for (const char* code : {"AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED", "EXPIRED",
                             "PRIVACYREQUIRED", "CONTACTADMIN", "UNAVAILABLE", "INUSE", "SERVERBUG",
                             "NOPERM", "NONEXISTENT", "OVERQUOTA", "ALERT"})
        EXPECT_TRUE(is_diagnosis_class(class_of_code(code))) << code;
    EXPECT_EQ(class_of_code("CANNOT"), "");
}

Report failed_at_connect() {
    Report r;
    r.target = {"mail.example.com", 143, "starttls", "alice", "INBOX"};
    r.checks.push_back({"connect", CheckStatus::Fail, 2203.4, "connected, but no greeting",
                        Json::object(),
                        Diagnosis{"greeting.tls_port",
                                  "mail.example.com:143 sent no greeting, and a TLS handshake on a "
                                  "second connection completed: port 143 speaks implicit TLS",
                                  {"--tls implicit", "--port 993"},
                                  ""}});
    for (const char* id : {"tls", "capability", "login", "logout"})
        r.checks.push_back(
            {id, CheckStatus::Skip, 0, "connect failed", Json::object(), std::nullopt});
    return r;
}

TEST(DiagnosisTextTest, CauseAndTryAreWrappedAt80ColumnsUnderTheCheck) {
    std::string text = render_text(failed_at_connect(), false);
    std::istringstream lines(text);
    std::vector<std::string> all;
    for (std::string l; std::getline(lines, l);) all.push_back(l);
    ASSERT_GE(all.size(), 6u) << text;
    EXPECT_EQ(all[2],
              "        mail.example.com:143 sent no greeting, and a TLS handshake on a second");
    EXPECT_EQ(all[3], "        connection completed: port 143 speaks implicit TLS");
    EXPECT_EQ(all[4], "        try: --tls implicit; --port 993");
    for (std::size_t i = 2; i <= 4; ++i) EXPECT_LE(all[i].size(), 80u) << all[i];
}

TEST(DiagnosisTextTest, ARunOfSkipsForOneReasonIsOneLineAndTheLastLineRepeatsTheRootCause) {
    std::string text = render_text(failed_at_connect(), false);
    EXPECT_NE(text.find("\n  SKIP  tls, capability, login, logout  connect failed\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("4 skipped"), std::string::npos) << "every skip still counts";
    EXPECT_NE(text.find("connect: mail.example.com:143 sent no greeting"),
              text.rfind('\n', text.size() - 2))
        << text;
    EXPECT_EQ(text.substr(text.rfind('\n', text.size() - 2) + 1).find("CRITICAL"), 0u);
    EXPECT_NE(text.substr(text.rfind('\n', text.size() - 2)).find("speaks implicit TLS"),
              std::string::npos);
}

TEST(DiagnosisTextTest, TwoSkipsStayTwoLines) {
    Report r = failed_at_connect();
    r.checks.resize(3);
    std::string text = render_text(r, false);
    EXPECT_NE(text.find("SKIP  tls "), std::string::npos) << text;
    EXPECT_NE(text.find("SKIP  capability "), std::string::npos) << text;
}

MailboxList cyrus_like() {
    return {{{"INBOX", {"\\HasChildren"}},
             {"INBOX.Sent", {"\\HasNoChildren", "\\Sent"}},
             {"INBOX.Archive", {"\\HasChildren"}},
             {"INBOX.Archive.2025", {"\\HasNoChildren"}},
             {"INBOX.Spam", {"\\Junk"}}},
            "."};
}

TEST(MailboxSuggestionTest, CaseDelimiterNamespacePrefixAndSpecialUseAreEachOffered) {
    const MailboxList l = cyrus_like();
    auto first = [&](const std::string& wanted) {
        auto s = diagnosis::did_you_mean(wanted, l);
        return s.empty() ? std::string() : s.front();
    };
    EXPECT_EQ(first("Sent"), "INBOX.Sent (namespace prefix)");
    EXPECT_EQ(first("inbox.sent"), "INBOX.Sent (case)");
    EXPECT_EQ(first("INBOX/Archive/2025"), "INBOX.Archive.2025 (hierarchy delimiter)");
    EXPECT_EQ(first("Junk"), "INBOX.Spam (special-use \\Junk)");
    EXPECT_EQ(first("Nothing like it"), "");
    Diagnosis d = diagnosis::missing("mailbox.missing", "Sent", l, "NO Mailbox doesn't exist");
    EXPECT_EQ(d.tries.front(), "--mailbox INBOX.Sent (namespace prefix)");
}

// Issue 19 §6: a suggested name with spaces was not quoted for the shell; "Archiv" found no
// "Archive"; a JSON report told its reader to see --format json.
TEST(MailboxSuggestionTest, NearNamesAndNamesQuotedForTheShell) {
    const MailboxList l = {
        {{"INBOX", {}}, {"Archive", {}}, {"Reports 2024/Q1 Überblick", {}}, {"Bob's", {}}}, "/"};
    auto first = [&](const std::string& wanted) {
        auto s = diagnosis::did_you_mean(wanted, l);
        return s.empty() ? std::string() : s.front();
    };
    EXPECT_EQ(first("Archiv"), "Archive (a near name)");
    EXPECT_EQ(first("reports 2024/q1 Überblick"), "'Reports 2024/Q1 Überblick' (case)");
    EXPECT_EQ(first("bob's"), "'Bob'\\''s' (case)");
    Diagnosis none = diagnosis::missing("mailbox.missing", "Nothing like it", l, "");
    ASSERT_EQ(none.tries.size(), 1u);
    EXPECT_EQ(none.tries.front().find("--format json"), std::string::npos) << none.tries.front();
}

Reply refusal(const std::string& line) {
    Reply reply;
    reply.tagged = imap::parse_response_line(line).value();
    return reply;
}

TEST(LoginDiagnosisTest, GmailAndMicrosoftGetTheirOwnHintWhenTheServerSaysWhoItIs) {
    TargetConfig config;
    config.user = "alice@example.com";
    const Secret password(std::string("app pw"));
    const std::string gmail = "* OK Gimap ready for requests from 192.0.2.1";
    Diagnosis d =
        diagnosis::login_refused({config, "PLAIN", &password, gmail},
                                 refusal("A1 NO [AUTHENTICATIONFAILED] Invalid credentials"));
    EXPECT_EQ(d.id, "auth.failed");
    ASSERT_FALSE(d.tries.empty());
    EXPECT_NE(d.tries.front().find("app password"), std::string::npos) << d.tries.front();
    const std::string exchange = "* OK The Microsoft Exchange IMAP4 service is ready.";
    d = diagnosis::login_refused({config, "LOGIN", &password, exchange},
                                 refusal("A1 NO LOGIN failed."));
    EXPECT_NE(d.tries.front().find("OAuth"), std::string::npos) << d.tries.front();
    const std::string dovecot = "* OK Dovecot ready.";
    d = diagnosis::login_refused({config, "PLAIN", &password, dovecot}, refusal("A1 NO Nope"));
    for (const auto& t : d.tries) EXPECT_EQ(t.find("OAuth"), std::string::npos) << t;
    EXPECT_NE(d.cause.find("6 characters"), std::string::npos) << d.cause;
    EXPECT_EQ(d.cause.find("app pw"), std::string::npos) << "never the password";
}

// Issue 19 §6: "doveadm log errors" prints nothing after a failed login (Dovecot logs those
// at info); Cyrus's and Courier's slow refusals were explained by Dovecot's
// auth_failure_delay; the exporter showed the password's length.
TEST(LoginDiagnosisTest, TheLogHintAndTheDelayFitTheServerThatAnswered) {
    TargetConfig config;
    config.user = "alice";
    const Secret password(std::string("secret1"));
    Reply slow = refusal("A1 NO [AUTHENTICATIONFAILED] Authentication failed.");
    slow.elapsed_ms = 2000;
    const std::string dovecot = "* OK [CAPABILITY IMAP4rev1] Dovecot (Debian) ready.";
    Diagnosis d = diagnosis::login_refused({config, "PLAIN", &password, dovecot}, slow);
    const std::string all_tries = ::testing::PrintToString(d.tries);
    EXPECT_EQ(all_tries.find("doveadm log errors"), std::string::npos) << all_tries;
    EXPECT_NE(all_tries.find("journalctl -u dovecot --grep 'alice'"), std::string::npos) << all_tries;
    EXPECT_NE(d.cause.find("auth_failure_delay"), std::string::npos) << d.cause;
    for (const std::string cyrus : {"* OK [CAPABILITY IMAP4rev1] mail Cyrus IMAP 3.6.0 server ready",
                                    "* OK [CAPABILITY IMAP4rev1] Courier-IMAP ready."}) {
        d = diagnosis::login_refused({config, "PLAIN", &password, cyrus}, slow);
        EXPECT_EQ(d.cause.find("auth_failure_delay"), std::string::npos) << d.cause;
        EXPECT_NE(d.cause.find("servers delay refusals after failures"), std::string::npos);
        EXPECT_EQ(::testing::PrintToString(d.tries).find("dovecot"), std::string::npos);
    }
    config.served_over_http = true;
    d = diagnosis::login_refused({config, "PLAIN", &password, dovecot}, slow);
    EXPECT_EQ(d.cause.find("characters"), std::string::npos) << "the exporter tells no length";
}

TEST(CountDiagnosisTest, ACountInItsAlertRangeIsCountRangeNamingTheBound) {
    CheckResult r =
        judge_count(pass("INBOX: MESSAGES 12"), 12, *parse_range("10"), std::nullopt, "messages");
    EXPECT_EQ(r.status, CheckStatus::Warn);
    ASSERT_TRUE(r.diagnosis);
    EXPECT_EQ(r.diagnosis->id, "count.range");
    EXPECT_NE(r.diagnosis->cause.find("--messages-warn 10"), std::string::npos)
        << r.diagnosis->cause;
}

// Issue 19 §6: 6 hits over --search-warn 5 was "a delivery probe that finds nothing", and 20
// messages under --messages-crit 30: "a mailbox that fills up". The hint follows the side.
TEST(CountDiagnosisTest, TheHintPointsTheWayTheCountWent) {
    auto first_try = [](double value, const char* range, const char* option) {
        CheckResult r = judge_count(pass("x"), value, *parse_range(range), std::nullopt, option);
        return r.diagnosis ? r.diagnosis->tries.front() : std::string("no diagnosis");
    };
    EXPECT_NE(first_try(6, "5", "search").find("more hits than expected"), std::string::npos);
    EXPECT_NE(first_try(0, "1:", "search").find("finds nothing"), std::string::npos);
    EXPECT_NE(first_try(20, "30:", "messages").find("fewer messages than expected"),
              std::string::npos);
    EXPECT_NE(first_try(1200, "999", "messages").find("fills up"), std::string::npos);
    EXPECT_NE(first_try(5, "@1:10", "messages").find("inside the range"), std::string::npos);
}

}  // namespace
}  // namespace imapcheck
