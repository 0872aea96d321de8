// Unit tests for the monitoring formats: Nagios plugin output (Monitoring Plugins
// guidelines), JUnit XML (GitLab/Jenkins), Prometheus text format 0.0.4. Golden files for a
// failing and a passing run (golden/; IMAPCHECK_UPDATE_GOLDEN=1 rewrites them, and CTest's
// formats.golden.* tests run the real parsers of tests/formats/validate.py over them), then
// the rules each format lives by: thresholds in base units, escaping of hostile server text,
// counts that agree, labels on every sample.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "golden.hpp"
#include "imapcheck/cli.hpp"
#include "imapcheck/render.hpp"
#include "sample_report.hpp"

namespace imapcheck {
namespace {

using testing::expect_golden;
using testing::passing_report;
using testing::sample_report;

// The bounds the sample runs are judged by: the defaults plus a time bound.
Thresholds bounds() {
    Thresholds t;
    t.warn_time_ms = 1000;
    t.crit_time_ms = 5000;
    return t;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

CheckResult* check(Report& r, const char* id) {
    return r.find(id);
}

// ---- Nagios -------------------------------------------------------------------------------

TEST(NagiosFormatTest, FailingRunMatchesGolden) {
    expect_golden("report.nagios", render_nagios(sample_report(), Thresholds{}));
}

TEST(NagiosFormatTest, PassingRunMatchesGolden) {
    expect_golden("passing.nagios", render_nagios(passing_report(), bounds()));
}

TEST(NagiosFormatTest, FirstLineIsStateThenFailuresBeforeWarnings) {
    std::string first = lines(render_nagios(sample_report(), Thresholds{}))[0];
    EXPECT_EQ(
        first.rfind("IMAP CRITICAL - login: the server refused the password for alice (PLAIN, from "
                    "IMAPCHECK_PASSWORD, 12 characters); quota: STORAGE is 86.6% used, over "
                    "--quota-warn 80% | ",
                    0),
        0u)
        << first;
    EXPECT_EQ(lines(render_nagios(passing_report(), bounds()))[0].rfind(
                  "IMAP OK - all 11 checks passed in 36.9 ms | time=0.03692s;1;5;0 "
                  "connect_time=0.00194s;;;0 ",
                  0),
              0u);
}

TEST(NagiosFormatTest, LongOutputHasOneLinePerCheckItsDiagnosisAndTheAlerts) {
    auto out = lines(render_nagios(sample_report(), Thresholds{}));
    ASSERT_EQ(out.size(), 1u + 5u + 4u + 3u + 1u);
    EXPECT_EQ(out[1], "[OK] connect 1.2 ms: connected to 127.0.0.1:993  * OK Dovecot ready.");
    EXPECT_EQ(out[3],
              "[CRITICAL] login 501.0 ms: login as alice (PLAIN) failed: NO [AUTHENTICATIONFAILED] "
              "Authentication failed.");
    EXPECT_EQ(out[4],
              "    auth.failed: the server refused the password for alice (PLAIN, from "
              "IMAPCHECK_PASSWORD, 12 characters)");
    EXPECT_EQ(out[5], "    try: check the password in IMAPCHECK_PASSWORD");
    EXPECT_EQ(out[7], "    seen: NO [AUTHENTICATIONFAILED] Authentication failed.");
    EXPECT_EQ(out[8], "[SKIPPED] list 0.0 ms: login failed");
    EXPECT_EQ(out[9], "[WARNING] quota 0.4 ms: STORAGE 86.6% used (822.9 MiB of 950.0 MiB)");
    EXPECT_EQ(out[10], "    quota.warn: STORAGE is 86.6% used, over --quota-warn 80%");
    EXPECT_EQ(out[13], "ALERT from the server: Maintenance tonight at 22:00");
}

TEST(NagiosFormatTest, PerfdataInBaseUnitsWithThresholdsFromTheOptions) {
    std::string failing = render_nagios(sample_report(), bounds());
    // 842637 KiB of 972800 KiB in bytes; warn/crit at 80 % and 95 % of the limit.
    EXPECT_TRUE(contains(failing, " quota_STORAGE=862860288B;796917760;946339840;0;996147200"))
        << failing;
    EXPECT_TRUE(contains(failing, " time=0.04174s;1;5;0 ")) << "--warn-time/--crit-time in seconds";
    EXPECT_TRUE(contains(failing, " login_time=0.501s;;;0 "));
    EXPECT_TRUE(contains(failing, " cert_days_left=87;14:;3:"))
        << "fewer days than the bound alert";
    EXPECT_FALSE(contains(failing, "list_time")) << "a skipped check has no time to report";
    EXPECT_FALSE(contains(failing, "messages=")) << "status did not run: no counts are known";

    Thresholds t;
    t.quota_warn = 50;
    t.quota_crit = 90;
    t.cert_warn_days = 30;
    t.cert_crit_days = 7;
    std::string passing = render_nagios(passing_report(), t);
    EXPECT_TRUE(contains(passing, " messages=5;;;0 unseen=2;;;0 "));
    EXPECT_TRUE(contains(passing, " quota_STORAGE=9216B;5242880;9437184;0;10485760 "));
    EXPECT_TRUE(contains(passing, " quota_MESSAGE=8;500;900;0;1000\n"))
        << "MESSAGE is a count, no unit";
    EXPECT_TRUE(contains(passing, " cert_days_left=89;30:;7: "));
    EXPECT_TRUE(contains(passing, " time=0.03692s;;;0 ")) << "no time bounds given, none shown";
}

TEST(NagiosFormatTest, CountRangesAreTheWarnAndCritOfTheirPerfdata) {
    Thresholds t;
    t.search_warn = *parse_range("~:10");
    t.search_crit = *parse_range("@0");
    t.messages_crit = *parse_range("100:200");
    std::string passing = render_nagios(passing_report(), t);
    EXPECT_TRUE(contains(passing, " messages=5;;100:200;0 unseen=2;;;0 search=2;~:10;@0;0 "))
        << passing;
}

TEST(NagiosFormatTest, ServerTextCannotBreakLinesOrStartPerfdata) {
    Report r = sample_report();
    check(r, "login")->summary = "NO a|b=1\r\nINJECTED 'x'=2";
    check(r, "login")->diagnosis->evidence = "NO a|b=1\r\nINJECTED 'y'=2";
    r.alerts = {"see | here\nnow"};
    std::string out = render_nagios(r, Thresholds{});
    auto out_lines = lines(out);
    ASSERT_EQ(out_lines.size(), 14u) << out;
    EXPECT_EQ(out_lines[3], "[CRITICAL] login 501.0 ms: NO a/b=1  INJECTED 'x'=2");
    EXPECT_EQ(out_lines[7], "    seen: NO a/b=1  INJECTED 'y'=2");
    EXPECT_EQ(out_lines[13], "ALERT from the server: see / here now");
    EXPECT_EQ(std::count(out.begin(), out.end(), '|'), 1) << "only the perfdata separator";
}

TEST(NagiosFormatTest, LabelsAreQuotedWhenTheyNeedIt) {
    Report r = passing_report();
    // Two quota roots: the root names the series, and may hold spaces, quotes and '='.
    check(r, "quota")->details["resources"] = {
        {{"name", "STORAGE"}, {"usage", 1}, {"limit", 2}, {"percent", 50}, {"root", "it's = mine"}},
        {{"name", "STORAGE"}, {"usage", 3}, {"limit", 4}, {"percent", 75}, {"root", "shared"}}};
    std::string out = render_nagios(r, Thresholds{});
    EXPECT_TRUE(contains(out, " 'quota_it''s _ mine_STORAGE'=1024B;1638;1945;0;2048 ")) << out;
    EXPECT_TRUE(contains(out, " quota_shared_STORAGE=3072B;3276;3891;0;4096")) << out;
}

TEST(NagiosFormatTest, RunLevelProblemsAndSkipsAreSummarised) {
    Report r = passing_report();
    r.time_status = Overall::Warning;
    r.notes = {"run took 36.9 ms, over --warn-time 10 ms"};
    EXPECT_EQ(lines(render_nagios(r, Thresholds{}))[0].rfind(
                  "IMAP WARNING - run took 36.9 ms, over --warn-time 10 ms | ", 0),
              0u);

    Report empty = passing_report();
    check(empty, "fetch")->status = CheckStatus::Skip;
    check(empty, "fetch")->summary = "mailbox is empty";
    std::string out = render_nagios(empty, Thresholds{});
    EXPECT_EQ(lines(out)[0].rfind("IMAP OK - 10 of 11 checks passed, 1 skipped in 36.9 ms | ", 0),
              0u);
    EXPECT_FALSE(contains(out, "fetch_time"));
}

TEST(NagiosFormatTest, UsageErrorIsOneUnknownLineWithoutPerfdata) {
    EXPECT_EQ(render_nagios_unknown("--port must be 1-65535 (got 'a|b')\nnext"),
              "IMAP UNKNOWN - --port must be 1-65535 (got 'a/b') next\n");
}

TEST(NagiosFormatTest, InvalidUtf8IsReplaced) {
    Report r = sample_report();
    check(r, "connect")->summary = "bad \xff\xfe bytes \xed\xa0\x80";
    std::string out = render_nagios(r, Thresholds{});
    EXPECT_TRUE(
        contains(out, "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\n"))
        << out;
}

// ---- JUnit --------------------------------------------------------------------------------

TEST(JunitFormatTest, FailingRunMatchesGolden) {
    expect_golden("report.junit.xml", render_junit(sample_report(), Thresholds{}));
}

TEST(JunitFormatTest, PassingRunMatchesGolden) {
    expect_golden("passing.junit.xml", render_junit(passing_report(), bounds()));
}

TEST(JunitFormatTest, CountsAgreeWithTheTestCases) {
    std::string xml = render_junit(sample_report(), Thresholds{});
    EXPECT_TRUE(contains(xml,
                         "<testsuites name=\"imapcheck\" tests=\"5\" failures=\"1\" errors=\"0\" "
                         "skipped=\"1\" time=\"0.042\">"));
    EXPECT_TRUE(contains(
        xml,
        "<testsuite name=\"imapcheck\" tests=\"5\" failures=\"1\" errors=\"0\" skipped=\"1\" "
        "time=\"0.042\" timestamp=\"2026-11-25T17:00:00\">"));
    EXPECT_TRUE(contains(
        xml,
        "<testcase name=\"login\" classname=\"alice@mail.example.com:993\" time=\"0.501\">\n"
        "      <failure message=\"auth.failed: the server refused the password for alice (PLAIN, "
        "from IMAPCHECK_PASSWORD, 12 characters) Try: check the password in IMAPCHECK_PASSWORD. "
        "Try: the server&apos;s log says why (grep alice in its auth log).\" type=\"fail\">"
        "login as alice (PLAIN) failed: NO [AUTHENTICATIONFAILED] Authentication failed.\n"));
    EXPECT_TRUE(contains(xml, "<skipped message=\"login failed\"/>"));
}

TEST(JunitFormatTest, WarningIsSystemOutAndAProperty) {
    std::string xml = render_junit(sample_report(), Thresholds{});
    EXPECT_TRUE(contains(xml,
                         "<system-out>WARN: STORAGE 86.6% used (822.9 MiB of 950.0 MiB)\n"
                         "quota.warn: STORAGE is 86.6% used, over --quota-warn 80%</system-out>"));
    EXPECT_TRUE(contains(
        xml,
        "<property name=\"warn.quota\" value=\"STORAGE 86.6% used (822.9 MiB of 950.0 MiB)\"/>"));
    EXPECT_TRUE(contains(xml, "<property name=\"exit_code\" value=\"2\"/>"));
}

TEST(JunitFormatTest, ServerTextIsEscapedAndForbiddenCharactersStripped) {
    Report r = sample_report();
    check(r, "login")->summary =
        "a<b & \"c\" 'd' ]]>\x01\x1b[31m\x7f \xff \xef\xbf\xbe\tline1\nline2\r";
    check(r, "login")->diagnosis->cause = check(r, "login")->summary;
    check(r, "login")->diagnosis->tries.clear();
    std::string xml = render_junit(r, Thresholds{});
    const std::string text =
        "a&lt;b &amp; &quot;c&quot; &apos;d&apos; ]]&gt;[31m\x7f \xEF\xBF\xBD ";
    EXPECT_TRUE(contains(xml, "message=\"auth.failed: " + text + "&#9;line1&#10;line2&#13;\""))
        << xml;
    EXPECT_TRUE(contains(xml, ">" + text + "\tline1\nline2&#13;\nauth.failed: " + text)) << xml;
    for (char c : xml)
        EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') << int(c);
    EXPECT_FALSE(contains(xml, "\xef\xbf\xbe")) << "U+FFFE is not an XML character";
}

TEST(JunitFormatTest, TimeBoundsAddADurationCase) {
    EXPECT_FALSE(contains(render_junit(sample_report(), Thresholds{}), "name=\"duration\""));
    std::string within = render_junit(passing_report(), bounds());
    EXPECT_TRUE(
        contains(within,
                 "<testcase name=\"duration\" classname=\"alice@localhost:143\" time=\"0.037\">\n"
                 "      <system-out>PASS: run took 36.9 ms, within --warn-time 1000 ms and "
                 "--crit-time 5000 ms</system-out>"))
        << within;
    EXPECT_TRUE(contains(within, "tests=\"12\" failures=\"0\""));

    Report slow = passing_report();
    slow.time_status = Overall::Critical;
    slow.notes = {"run took 36.9 ms, over --crit-time 10 ms"};
    std::string xml = render_junit(slow, bounds());
    EXPECT_TRUE(contains(xml, "<failure message=\"run took 36.9 ms, over --crit-time 10 ms\""))
        << "a CRITICAL from time alone is a failure the CI shows";
    EXPECT_TRUE(contains(xml, "tests=\"12\" failures=\"1\""));
}

// ---- Prometheus ---------------------------------------------------------------------------

TEST(PrometheusFormatTest, FailingRunMatchesGolden) {
    expect_golden("report.prom", render_prometheus(sample_report()));
}

TEST(PrometheusFormatTest, PassingRunMatchesGolden) {
    expect_golden("passing.prom", render_prometheus(passing_report()));
}

TEST(PrometheusFormatTest, StatusUpAndExitCode) {
    std::string failing = render_prometheus(sample_report());
    const std::string l = "{host=\"mail.example.com\",user=\"alice\"";
    EXPECT_TRUE(contains(failing, "\nimapcheck_up" + l + "} 0\n"));
    EXPECT_TRUE(contains(failing, "\nimapcheck_exit_code" + l + "} 2\n"));
    EXPECT_TRUE(contains(failing, "\nimapcheck_duration_seconds" + l + "} 0.04174\n"));
    EXPECT_TRUE(contains(failing, "\nimapcheck_check_status" + l + ",check=\"connect\"} 0\n"));
    EXPECT_TRUE(contains(failing, "\nimapcheck_check_status" + l + ",check=\"quota\"} 1\n"));
    EXPECT_TRUE(contains(failing, "\nimapcheck_check_status" + l + ",check=\"login\"} 2\n"));
    EXPECT_TRUE(contains(failing, "\nimapcheck_check_status" + l + ",check=\"list\"} 3\n"));
    EXPECT_TRUE(
        contains(failing, "\nimapcheck_check_duration_seconds" + l + ",check=\"login\"} 0.501\n"));

    Report warned = passing_report();
    warned.time_status = Overall::Warning;
    EXPECT_TRUE(contains(render_prometheus(warned),
                         "\nimapcheck_up{host=\"localhost\",user=\"alice\"} 1\n"));
}

TEST(PrometheusFormatTest, QuotaStorageInBytesMailboxCountsAndCertificateExpiry) {
    std::string failing = render_prometheus(sample_report());
    const std::string l = "{host=\"mail.example.com\",user=\"alice\"";
    EXPECT_TRUE(contains(failing, "\nimapcheck_quota_usage" + l +
                                      ",resource=\"STORAGE\",root=\"user\"} 862860288\n"));
    EXPECT_TRUE(contains(failing, "\nimapcheck_quota_limit" + l +
                                      ",resource=\"STORAGE\",root=\"user\"} 996147200\n"));
    EXPECT_FALSE(contains(failing, "imapcheck_mailbox_messages")) << "status did not run";
    EXPECT_FALSE(contains(failing, "imapcheck_certificate"))
        << "no expiry in the details, none invented";

    std::string passing = render_prometheus(passing_report());
    const std::string p = "{host=\"localhost\",user=\"alice\"";
    EXPECT_TRUE(contains(passing, "\nimapcheck_mailbox_messages" + p + ",mailbox=\"INBOX\"} 5\n"));
    EXPECT_TRUE(contains(passing, "\nimapcheck_mailbox_unseen" + p + ",mailbox=\"INBOX\"} 2\n"));
    EXPECT_TRUE(contains(
        passing, "\nimapcheck_quota_usage" + p + ",resource=\"MESSAGE\",root=\"User quota\"} 8\n"));
    EXPECT_TRUE(contains(
        passing, "\nimapcheck_certificate_expiry_timestamp_seconds" + p + "} 1803320136\n"));
}

TEST(PrometheusFormatTest, HugeQuotaFiguresAreCappedNotWrapped) {
    // A server may send any 63-bit number; in bytes (times 1024) it must not wrap around.
    Report r = passing_report();
    check(r, "quota")->details["resources"] = {
        {{"name", "STORAGE"}, {"usage", 1152921504606846976ull}, {"limit", 18014398509481984ull}}};
    std::string prom = render_prometheus(r);
    EXPECT_TRUE(contains(prom, ",resource=\"STORAGE\",root=\"User quota\"} 18446744073709551615\n"))
        << prom;
    std::string nagios = render_nagios(r, Thresholds{});
    EXPECT_TRUE(contains(nagios, " quota_STORAGE=18446744073709551615B;")) << nagios;
}

TEST(PrometheusFormatTest, LabelValuesAreEscaped) {
    Report r = passing_report();
    r.target.user = "we\"ird\\user\nname";
    check(r, "status")->details["mailbox"] = "Entwürfe \"2\"";
    std::string out = render_prometheus(r);
    EXPECT_TRUE(
        contains(out, "\nimapcheck_up{host=\"localhost\",user=\"we\\\"ird\\\\user\\nname\"} 1\n"))
        << out;
    EXPECT_TRUE(contains(out, ",mailbox=\"Entwürfe \\\"2\\\"\"} 5\n")) << out;
}

TEST(PrometheusFormatTest, EveryFamilyHasFixedHelpAndEverySampleHostAndUser) {
    std::string failing = render_prometheus(sample_report()),
                passing = render_prometheus(passing_report());
    std::set<std::string> passing_comments;
    for (const auto& line : lines(passing))
        if (line.rfind("# ", 0) == 0) passing_comments.insert(line);
    for (const std::string* text : {&failing, &passing}) {
        std::string family;
        std::set<std::string> families;
        for (const auto& line : lines(*text)) {
            if (line.rfind("# HELP ", 0) == 0) {
                family = line.substr(7, line.find(' ', 7) - 7);
                EXPECT_TRUE(families.insert(family).second) << "HELP twice: " << family;
                // The failing run has families of its own (problems); the HELP of those both
                // runs have must be the same.
                if (text == &failing && passing.find("# HELP " + family + " ") == std::string::npos)
                    EXPECT_TRUE(contains(line, "imapcheck_check_problem_info")) << line;
                else
                    EXPECT_TRUE(passing_comments.count(line))
                        << "HELP must not vary between runs: " << line;
                continue;
            }
            if (line.rfind("# TYPE ", 0) == 0) {
                EXPECT_EQ(line, "# TYPE " + family + " gauge");
                continue;
            }
            EXPECT_EQ(line.rfind(family + "{host=\"", 0), 0u)
                << "sample outside its family: " << line;
            EXPECT_TRUE(contains(line, "\",user=\"alice\"")) << line;
        }
    }
    EXPECT_TRUE(contains(
        passing,
        "# HELP imapcheck_check_status Result of each check: 0 pass, 1 warn, 2 fail, 3 skip."));
}

// ---- Command line -------------------------------------------------------------------------

CliOutcome parse(std::vector<const char*> args) {
    args.insert(args.begin(), "imapcheck");
    return parse_command_line(
        static_cast<int>(args.size()), args.data(), [](const std::string& name) {
            return name == "IMAPCHECK_PASSWORD" ? std::optional<std::string>("pw") : std::nullopt;
        });
}

TEST(FormatOptionTest, NewFormatsAreAccepted) {
    for (auto [word, format] :
         {std::pair{"nagios", OutputFormat::Nagios}, std::pair{"junit", OutputFormat::Junit},
          std::pair{"prometheus", OutputFormat::Prometheus}}) {
        CliOutcome out = parse({"--host", "h", "--user", "u", "--format", word});
        ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
        EXPECT_EQ(out.output.format, format) << word;
    }
    EXPECT_EQ(parse({"--host", "h", "--user", "u", "--format", "xml"}).kind,
              CliOutcome::Kind::UsageError);
}

TEST(FormatOptionTest, UsageErrorStillKnowsTheNagiosFormat) {
    CliOutcome out = parse({"--host", "h", "--format", "nagios", "--port", "99999"});
    ASSERT_EQ(out.kind, CliOutcome::Kind::UsageError);
    EXPECT_EQ(out.output.format, OutputFormat::Nagios)
        << "so main() can say IMAP UNKNOWN on stdout";
}

TEST(FormatOptionTest, HelpListsEveryFormat) {
    for (const char* word : {"text", "json", "nagios", "junit", "prometheus"})
        EXPECT_TRUE(contains(help_text(), std::string("  ") + word + " ")) << word;
}

}  // namespace
}  // namespace imapcheck
