// Unit tests for parse_command_line(): defaults, port/TLS resolution, every usage error (one
// line naming the option, never the password), where the password comes from (environment,
// private file, netrc), --connect-to normalisation, repeated options, help/version, NO_COLOR.
// The environment is a fake (a std::map); the real one is never read.
#include "imapcheck/cli.hpp"
#include "parsed_cli.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace imapcheck {
namespace {

constexpr const char* kEnvPassword = "env-S3cr3t-pw";
constexpr const char* kFilePassword = "file-S3cr3t-pw";
constexpr const char* kNetrcPassword = "netrc-S3cr3t-pw";

ParsedCli parse(std::vector<std::string> args, Env env = {{"IMAPCHECK_PASSWORD", kEnvPassword}}) {
    return parse_args(std::move(args), std::move(env));
}

// The minimal valid command line, plus `more`.
std::vector<std::string> base(std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"--host", "mail.example.com", "--user", "alice"};
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

// Passwords are compared with EXPECT_TRUE(a == b), so a failure never prints them.

// A usage error whose message names `needle` and leaks no password.
void expect_usage_error(const CliOutcome& out, const std::string& needle) {
    ASSERT_EQ(out.kind, CliOutcome::Kind::UsageError) << "expected a usage error naming " << needle;
    EXPECT_NE(out.message.find(needle), std::string::npos) << out.message;
    EXPECT_EQ(out.message.find('\n'), std::string::npos) << out.message;
    for (const char* pw : {kEnvPassword, kFilePassword, kNetrcPassword})
        EXPECT_EQ(out.message.find(pw), std::string::npos) << "password in: " << out.message;
}

// --- defaults and TLS/port resolution -----------------------------------------------------

TEST(Cli, DefaultsArePort143WithStartTls) {
    ParsedCli out = parse(base());
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    const TargetConfig& c = out.target;
    EXPECT_EQ(c.host, "mail.example.com");
    EXPECT_EQ(c.user, "alice");
    EXPECT_EQ(c.port, 143);
    EXPECT_EQ(c.tls, TlsMode::StartTls);
    EXPECT_TRUE(loaded_password(out) == kEnvPassword);
    EXPECT_EQ(c.mailbox, "INBOX");
    EXPECT_EQ(c.search, "UNSEEN");
    EXPECT_EQ(c.fetch_bytes, 4096u);
    EXPECT_EQ(c.quota_warn, 80);
    EXPECT_EQ(c.quota_crit, 95);
    EXPECT_EQ(c.timeout.count(), 30000);
    EXPECT_EQ(c.connect_timeout.count(), 10000);
    EXPECT_EQ(c.auth, AuthMechanism::Auto);
    EXPECT_EQ(out.output.format, OutputFormat::Text);
    EXPECT_EQ(c.ip_version, IpVersion::Any);
    EXPECT_EQ(c.connect_to, "");
    EXPECT_TRUE(c.expect_folders.empty());
    EXPECT_TRUE(out.output.color);
}

TEST(Cli, Port993MeansImplicitTls) {
    ParsedCli out = parse(base({"--port", "993"}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_EQ(out.target.port, 993);
    EXPECT_EQ(out.target.tls, TlsMode::Implicit);
}

TEST(Cli, ImplicitTlsMeansPort993) {
    ParsedCli out = parse(base({"--tls", "implicit"}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_EQ(out.target.port, 993);
    EXPECT_EQ(out.target.tls, TlsMode::Implicit);
}

TEST(Cli, ExplicitPortAndTlsBothWin) {
    ParsedCli a = parse(base({"--tls", "implicit", "--port", "1993"}));
    ASSERT_EQ(a.kind, CliOutcome::Kind::Run) << a.message;
    EXPECT_EQ(a.target.port, 1993);
    EXPECT_EQ(a.target.tls, TlsMode::Implicit);
    ParsedCli b = parse(base({"--port", "993", "--tls", "starttls"}));
    ASSERT_EQ(b.kind, CliOutcome::Kind::Run) << b.message;
    EXPECT_EQ(b.target.port, 993);
    EXPECT_EQ(b.target.tls, TlsMode::StartTls);
    ParsedCli c = parse(base({"--tls", "none", "--allow-plaintext-auth"}));
    ASSERT_EQ(c.kind, CliOutcome::Kind::Run) << c.message;
    EXPECT_EQ(c.target.port, 143);
    EXPECT_EQ(c.target.tls, TlsMode::None);
    EXPECT_TRUE(c.target.allow_plaintext_auth);
}

TEST(Cli, ShortOptionsWork) {
    ParsedCli out = parse({"-H", "mail.example.com", "-u", "bob", "-p", "10143", "-4", "-k"});
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_EQ(out.target.user, "bob");
    EXPECT_EQ(out.target.port, 10143);
    EXPECT_EQ(out.target.ip_version, IpVersion::V4);
    EXPECT_TRUE(out.target.insecure);
}

TEST(Cli, BracketedIpv6HostIsUnwrapped) {
    ParsedCli out = parse({"--host", "[::1]", "--user", "alice"});
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_EQ(out.target.host, "::1");
}

// --- usage errors -------------------------------------------------------------------------

struct UsageCase {
    const char* name;
    std::vector<std::string> args;
    const char* needle;  // the message must contain this (the option it is about)
};

class CliUsageError : public ::testing::TestWithParam<UsageCase> {};

TEST_P(CliUsageError, IsAUsageErrorNamingTheOptionWithoutThePassword) {
    const UsageCase& c = GetParam();
    expect_usage_error(parse(c.args), c.needle);
}

INSTANTIATE_TEST_SUITE_P(
    Cli, CliUsageError,
    ::testing::Values(
        UsageCase{"MissingHost", {"--user", "alice"}, "--host"},
        UsageCase{"MissingUser", {"--host", "mail.example.com"}, "--user"},
        UsageCase{"HostWithSpace", {"--host", "mail example", "--user", "a"}, "--host"},
        UsageCase{"HostWithoutValue", {"--user", "alice", "--host"}, "host"},
        UsageCase{"PortZero", base({"--port", "0"}), "--port"},
        UsageCase{"PortTooBig", base({"--port", "70000"}), "--port"},
        UsageCase{"PortNotANumber", base({"--port", "abc"}), "--port"},
        UsageCase{"PortInHex", base({"--port", "0x3e1"}), "--port"},
        UsageCase{"TimeoutInExponentForm", base({"--timeout", "1e3"}), "--timeout"},
        UsageCase{"ConnectToTrailingColon", base({"--connect-to", "10.0.0.7:"}), "--connect-to"},
        UsageCase{"PortNotWhole", base({"--port", "143.5"}), "--port"},
        UsageCase{"PortEmpty", base({"--port", ""}), "--port"},
        UsageCase{"BadTlsMode", base({"--tls", "ssl"}), "--tls"},
        UsageCase{"Ipv4AndIpv6", base({"-4", "-6"}), "-4 and -6"},
        UsageCase{"QuotaWarnAboveCrit", base({"--quota-warn", "96"}), "--quota-warn"},
        UsageCase{"QuotaOver100", base({"--quota-crit", "101"}), "--quota-crit"},
        UsageCase{"CertCritAboveWarn", base({"--cert-crit-days", "20"}), "--cert-crit-days"},
        UsageCase{"SearchWithCrLf", base({"--search", "UNSEEN\r\nA1 LOGOUT"}), "--search"},
        UsageCase{"SearchWithLf", base({"--search", "ALL\nX"}), "--search"},
        UsageCase{"SearchEmpty", base({"--search", ""}), "--search"},
        UsageCase{"SearchNonAscii", base({"--search", "SUBJECT Grüße"}), "--search"},
        UsageCase{"MailboxInvalidUtf8", base({"--mailbox", "bad\xff"}), "--mailbox"},
        UsageCase{"MailboxEmpty", base({"--mailbox", ""}), "--mailbox"},
        UsageCase{"UserWithLineBreak", {"--host", "h", "--user", "a\r\nA1 LOGOUT"}, "--user"},
        UsageCase{"TimeoutZero", base({"--timeout", "0"}), "--timeout"},
        UsageCase{"FetchBytesNegative", base({"--fetch-bytes", "-1"}), "--fetch-bytes"},
        UsageCase{"MinTlsTooOld", base({"--min-tls", "1.1"}), "--min-tls"},
        UsageCase{"UnknownFormat", base({"--format", "xml"}), "--format"},
        UsageCase{"UnknownAuth", base({"--auth", "cram-md5"}), "--auth"},
        UsageCase{"UnknownOption", base({"--bogus-option"}), "bogus-option"},
        UsageCase{"StrayPositional", base({"extra-word"}), "extra-word"},
        UsageCase{"ConnectToPortZero", base({"--connect-to", "10.0.0.7:0"}), "--connect-to"},
        UsageCase{"ConnectToPortNotANumber", base({"--connect-to", "10.0.0.7:imap"}),
                  "--connect-to"},
        UsageCase{"ConnectToUnclosedBracket", base({"--connect-to", "[::1"}), "--connect-to"},
        UsageCase{"ConnectToJunkAfterBracket", base({"--connect-to", "[::1]x"}), "--connect-to"},
        UsageCase{"OnlyUnknownCheck", base({"--only", "tsl"}), "--only 'tsl' is not a check"},
        UsageCase{"OnlyEmptyItem", base({"--only", "tls,"}), "--only '' is not a check"},
        UsageCase{"SkipUnknownCheck", base({"--skip", "list,quot"}), "--skip 'quot'"},
        UsageCase{"QuitAfterUnknownCheck", base({"--quit-after", "auth"}), "--quit-after"},
        UsageCase{"OnlyAndSkipTheSame", base({"--only", "tls", "--skip", "tls"}), "contradicts"},
        UsageCase{"SearchWarnNotARange", base({"--search-warn", "5:1"}), "--search-warn '5:1'"},
        UsageCase{"SearchCritNotARange", base({"--search-crit", "x"}), "--search-crit"},
        UsageCase{"MessagesWarnNotARange", base({"--messages-warn", "1e3"}), "--messages-warn"},
        UsageCase{"MessagesCritNotARange", base({"--messages-crit", "~:"}), "--messages-crit"}),
    [](const ::testing::TestParamInfo<UsageCase>& info) { return std::string(info.param.name); });

TEST(Cli, NoPasswordAnywhereIsAUsageErrorNamingTheSources) {
    ParsedCli out = parse(base(), Env{});
    expect_usage_error(out, "IMAPCHECK_PASSWORD");
    EXPECT_NE(out.message.find("--password-file"), std::string::npos) << out.message;
}

TEST(Cli, EmptyPasswordVariableIsAUsageErrorSayingItIsEmpty) {
    // Was "no password: set IMAPCHECK_PASSWORD", which misleads when it is set (issue 9).
    expect_usage_error(parse(base(), Env{{"IMAPCHECK_PASSWORD", ""}}),
                       "IMAPCHECK_PASSWORD is set but empty");
}

TEST(Cli, ConnectToPortTooLongForAnIntegerIsAUsageError) {
    // Regression (was a bug): src/front/cli.cpp build_config() checks the --connect-to port with
    // std::stoul(p), which throws std::out_of_range for 20+ digits; parse_command_line() catches
    // only UsageError and cxxopts exceptions, so it escapes (main() then prints "internal error:
    // stoul").
    CliOutcome out;
    EXPECT_NO_THROW(out = parse(base({"--connect-to", "10.0.0.7:99999999999999999999"})));
    expect_usage_error(out, "--connect-to");
}

TEST(Cli, EmptyConnectToIsAUsageError) {
    // Regression (was a bug): src/front/cli.cpp build_config() line 130 calls addr.front() on the
    // empty string (undefined behaviour) and then accepts it: connect_to becomes ":143", which
    // libcurl's CONNECT_TO reads as "the original host", so --connect-to "" is silently ignored.
    expect_usage_error(parse(base({"--connect-to", ""})), "--connect-to");
}

// --- where the password comes from --------------------------------------------------------

TEST(Cli, PasswordFromIMAPCHECK_PASSWORD) {
    ParsedCli out = parse(base(), Env{{"IMAPCHECK_PASSWORD", "pw-from-env"}});
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_TRUE(loaded_password(out) == "pw-from-env");
}

TEST(Cli, PasswordEnvNamesAnotherVariable) {
    ParsedCli out = parse(base({"--password-env", "OTHER"}),
                          Env{{"IMAPCHECK_PASSWORD", "not-this"}, {"OTHER", "pw-from-other"}});
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_TRUE(loaded_password(out) == "pw-from-other");
}

TEST(Cli, PasswordEnvNamingAnUnsetVariableIsAUsageErrorNamingIt) {
    expect_usage_error(parse(base({"--password-env", "OTHER"})), "OTHER");
}

// Files in a fresh private directory, removed afterwards.
class CliFiles : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "imapcheck-cli-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override {
        if (!dir_.empty()) std::filesystem::remove_all(dir_);
    }
    std::string write(const std::string& name, const std::string& content, mode_t mode) {
        std::string path = dir_ + "/" + name;
        std::FILE* f = std::fopen(path.c_str(), "w");
        EXPECT_NE(f, nullptr);
        if (!f) return path;
        std::fwrite(content.data(), 1, content.size(), f);
        std::fclose(f);
        EXPECT_EQ(::chmod(path.c_str(), mode), 0);
        return path;
    }
    std::string dir_;
};

TEST_F(CliFiles, PasswordFileWithMode600GivesItsFirstLine) {
    std::string path = write("pw", std::string(kFilePassword) + "\r\nsecond line\n", 0600);
    ParsedCli out = parse(base({"--password-file", path}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    // The file wins over the environment, which also holds a password here.
    EXPECT_TRUE(loaded_password(out) == kFilePassword);
}

TEST_F(CliFiles, PasswordFileReadableByOthersIsRefusedWithTheFix) {
    std::string path = write("pw", std::string(kFilePassword) + "\n", 0644);
    ParsedCli out = parse(base({"--password-file", path}));
    expect_usage_error(out, "chmod 600");
    EXPECT_NE(out.message.find(path), std::string::npos) << out.message;
}

TEST_F(CliFiles, PasswordFileReadableByGroupIsRefused) {
    std::string path = write("pw", std::string(kFilePassword) + "\n", 0640);
    expect_usage_error(parse(base({"--password-file", path})), "chmod 600");
}

TEST_F(CliFiles, MissingOrEmptyPasswordFileIsAUsageError) {
    expect_usage_error(parse(base({"--password-file", dir_ + "/nope"})), dir_ + "/nope");
    std::string empty = write("empty", "", 0600);
    expect_usage_error(parse(base({"--password-file", empty})), "empty");
}

TEST_F(CliFiles, NetrcMachineEntryGivesThePassword) {
    std::string path = write("netrc",
                             "machine other.example.com login alice password wrong\n"
                             "machine mail.example.com login alice password " +
                                 std::string(kNetrcPassword) + "\n",
                             0600);
    ParsedCli out = parse(base({"--netrc-file", path}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_TRUE(loaded_password(out) == kNetrcPassword);
    EXPECT_EQ(out.target.user, "alice");
}

TEST_F(CliFiles, NetrcLoginFillsTheUserWhenNotGiven) {
    std::string path = write(
        "netrc",
        "machine mail.example.com\n  login carol\n  password " + std::string(kNetrcPassword) + "\n",
        0600);
    ParsedCli out = parse({"--host", "mail.example.com", "--netrc-file", path});
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_EQ(out.target.user, "carol");
    EXPECT_TRUE(loaded_password(out) == kNetrcPassword);
}

TEST_F(CliFiles, NetrcDefaultEntryIsUsedWhenNoMachineMatches) {
    std::string path = write("netrc",
                             "machine other.example.com login bob password wrong\n"
                             "default login dave password " +
                                 std::string(kNetrcPassword) + "\n",
                             0600);
    ParsedCli out = parse({"--host", "mail.example.com", "--netrc-file", path});
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_EQ(out.target.user, "dave");
    EXPECT_TRUE(loaded_password(out) == kNetrcPassword);
}

TEST_F(CliFiles, NetrcEntryForAnotherLoginIsSkipped) {
    std::string path = write("netrc",
                             "machine mail.example.com login bob password wrong\n"
                             "machine mail.example.com login alice password " +
                                 std::string(kNetrcPassword) + "\n",
                             0600);
    ParsedCli out = parse(base({"--netrc-file", path}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_TRUE(loaded_password(out) == kNetrcPassword);
}

TEST_F(CliFiles, NetrcWithoutAMatchingEntryIsAUsageError) {
    std::string path = write(
        "netrc",
        "machine other.example.com login alice password " + std::string(kNetrcPassword) + "\n",
        0600);
    ParsedCli out = parse(base({"--netrc-file", path}));
    expect_usage_error(out, "mail.example.com");
    EXPECT_NE(out.message.find("no entry"), std::string::npos) << out.message;
}

TEST_F(CliFiles, NetrcReadableByOthersIsRefused) {
    std::string path =
        write("netrc", "default login a password " + std::string(kNetrcPassword) + "\n", 0644);
    expect_usage_error(parse(base({"--netrc-file", path})), "chmod 600");
}

TEST_F(CliFiles, NetrcFlagReadsHomeFromTheGivenEnvironment) {
    write(".netrc",
          "machine mail.example.com login alice password " + std::string(kNetrcPassword) + "\n",
          0600);
    ParsedCli out = parse(base({"--netrc"}), Env{{"HOME", dir_}});
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_TRUE(loaded_password(out) == kNetrcPassword);
}

TEST(Cli, NetrcFlagWithoutHomeIsAUsageError) {
    expect_usage_error(parse(base({"--netrc"}), Env{}), "--netrc");
}

// --- --connect-to -------------------------------------------------------------------------

TEST(Cli, ConnectToFormsAreNormalisedToHostColonPort) {
    struct Case {
        std::vector<std::string> extra;
        const char* expected;
    };
    for (const Case& c : std::vector<Case>{
             {{"--connect-to", "10.0.0.7"}, "10.0.0.7:143"},
             {{"--connect-to", "10.0.0.7:1143"}, "10.0.0.7:1143"},
             {{"--connect-to", "backend.internal", "--tls", "implicit"}, "backend.internal:993"},
             {{"--connect-to", "[::1]:993"}, "[::1]:993"},
             {{"--connect-to", "[::1]"}, "[::1]:143"},
             {{"--connect-to", "::1"}, "[::1]:143"},
             {{"--connect-to", "2001:db8::7", "--port", "993"}, "[2001:db8::7]:993"}}) {
        ParsedCli out = parse(base(c.extra));
        ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << c.extra[1] << ": " << out.message;
        EXPECT_EQ(out.target.connect_to, c.expected) << c.extra[1];
        EXPECT_EQ(out.target.host, "mail.example.com");  // still the name the cert is checked for
    }
}

// --- repeated options, help, version, colour ----------------------------------------------

TEST(Cli, ExpectFolderRepeatsAndACommaStaysInOneFolder) {
    ParsedCli out = parse(base({"--expect-folder", "Sent", "--expect-folder", "Archive, 2024",
                                "--expect-folder", "Entwürfe"}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_EQ(out.target.expect_folders,
              (std::vector<std::string>{"Sent", "Archive, 2024", "Entwürfe"}));
}

TEST(Cli, UnknownCheckNameSuggestsTheClosestAndListsThemAll) {
    ParsedCli out = parse(base({"--only", "tsl"}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::UsageError);
    EXPECT_NE(out.message.find("(did you mean tls?)"), std::string::npos) << out.message;
    EXPECT_NE(out.message.find("connect, tls, capability, login"), std::string::npos)
        << out.message;
}

TEST(Cli, OnlyAndSkipTakeCommasAndRepeatsAndQuitAfterOneCheck) {
    ParsedCli out = parse(base(
        {"--only", "list, quota", "--only", "fetch", "--skip", "status", "--quit-after", "quota"}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_EQ(out.target.only_checks, (std::vector<std::string>{"list", "quota", "fetch"}));
    EXPECT_EQ(out.target.skip_checks, (std::vector<std::string>{"status"}));
    EXPECT_EQ(out.target.quit_after, "quota");
}

TEST(Cli, OnlyFromTheEnvironmentNamesTheVariableInErrors) {
    ParsedCli ok = parse(base(), {{"IMAPCHECK_PASSWORD", kEnvPassword}, {"IMAPCHECK_ONLY", "tls"}});
    ASSERT_EQ(ok.kind, CliOutcome::Kind::Run) << ok.message;
    EXPECT_EQ(ok.target.only_checks, (std::vector<std::string>{"tls"}));
    ParsedCli bad =
        parse(base(), {{"IMAPCHECK_PASSWORD", kEnvPassword}, {"IMAPCHECK_QUIT_AFTER", "tsl"}});
    ASSERT_EQ(bad.kind, CliOutcome::Kind::UsageError);
    EXPECT_NE(bad.message.find("(set by IMAPCHECK_QUIT_AFTER)"), std::string::npos) << bad.message;
}

TEST(Cli, CountRangesAreParsed) {
    ParsedCli out = parse(base({"--search-crit", "@10:20", "--messages-warn", "~:99"}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    ASSERT_TRUE(out.target.search_crit);
    EXPECT_TRUE(out.target.search_crit->inside);
    EXPECT_TRUE(out.target.search_crit->alerts(15));
    ASSERT_TRUE(out.target.messages_warn);
    EXPECT_TRUE(out.target.messages_warn->alerts(100));
    EXPECT_FALSE(out.target.search_warn);
}

TEST(Cli, HelpAndVersionNeedNothingElse) {
    EXPECT_EQ(parse({"--help"}, Env{}).kind, CliOutcome::Kind::Help);
    EXPECT_EQ(parse({"-h"}, Env{}).kind, CliOutcome::Kind::Help);
    EXPECT_EQ(parse({"--version"}, Env{}).kind, CliOutcome::Kind::Version);
    EXPECT_EQ(parse({"-V"}, Env{}).kind, CliOutcome::Kind::Version);
    EXPECT_EQ(parse(base({"--port", "0", "--help"})).kind, CliOutcome::Kind::Help);
}

TEST(Cli, HelpTextMentionsEveryPasswordSourceButNoPasswordOption) {
    std::string help = help_text();
    EXPECT_NE(help.find("IMAPCHECK_PASSWORD"), std::string::npos);
    EXPECT_NE(help.find("--password-file"), std::string::npos);
    EXPECT_NE(help.find("--netrc"), std::string::npos);
    EXPECT_EQ(help.find("--password "), std::string::npos);
    EXPECT_EQ(version_text().rfind("imapcheck ", 0), 0u);
}

TEST(Cli, ThereIsNoPasswordOption) {
    ParsedCli out = parse(base({"--password", "hunter2"}));
    expect_usage_error(out, "password");
    EXPECT_EQ(out.message.find("hunter2"), std::string::npos) << "the refused value is echoed";
}

TEST(Cli, NoColorEnvironmentVariableDisablesColour) {
    ParsedCli out = parse(base(), Env{{"IMAPCHECK_PASSWORD", kEnvPassword}, {"NO_COLOR", "1"}});
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_FALSE(out.output.color);
}

TEST(Cli, EmptyNoColorLeavesColourOn) {
    // no-color.org: only a NO_COLOR that is set and not empty turns colour off.
    ParsedCli out = parse(base(), Env{{"IMAPCHECK_PASSWORD", kEnvPassword}, {"NO_COLOR", ""}});
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_TRUE(out.output.color);
}

TEST(Cli, NoColorOptionDisablesColour) {
    ParsedCli out = parse(base({"--no-color"}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_FALSE(out.output.color);
}

TEST(Cli, ThresholdsAndOutputOptionsAreRead) {
    ParsedCli out = parse(base({"--quota-warn", "70.5", "--quota-crit", "90", "--warn-time", "1500",
                                "--format", "json", "--timeout", "2.5", "--auth", "plain",
                                "--mailbox", "Entwürfe", "--search", "SINCE 1-Jan-2024"}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_DOUBLE_EQ(out.target.quota_warn, 70.5);
    EXPECT_DOUBLE_EQ(out.target.quota_crit, 90);
    ASSERT_TRUE(out.target.warn_time_ms.has_value());
    EXPECT_DOUBLE_EQ(*out.target.warn_time_ms, 1500);
    EXPECT_FALSE(out.target.crit_time_ms.has_value());
    EXPECT_EQ(out.output.format, OutputFormat::Json);
    EXPECT_EQ(out.target.timeout.count(), 2500);
    EXPECT_EQ(out.target.auth, AuthMechanism::Plain);
    EXPECT_EQ(out.target.mailbox, "Entwürfe");
    EXPECT_EQ(out.target.search, "SINCE 1-Jan-2024");
}

}  // namespace
}  // namespace imapcheck

namespace imapcheck {
namespace {

TEST(Cli, FleetOptionsWithoutAConfigFileAreUsageErrors) {
    expect_usage_error(parse(base({"--concurrency", "4"})), "--concurrency goes with --config FILE");
    expect_usage_error(parse(base({"--target", "mail1"})), "--target goes with --config FILE");
    expect_usage_error(parse(base({"--per-host", "2"})), "--per-host goes with --config FILE");
}

}  // namespace
}  // namespace imapcheck
