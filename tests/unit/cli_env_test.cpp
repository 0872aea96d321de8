// Unit tests for IMAPCHECK_<OPTION> environment variables (every option settable from the
// environment, the command line winning) and for usage errors that suggest the fix. The
// environment is a fake map; the real one is never read.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "cli_options.hpp"
#include "imapcheck/cli.hpp"

namespace imapcheck {
namespace {

using Env = std::map<std::string, std::string>;

CliOutcome parse(std::vector<std::string> args, Env env) {
    args.insert(args.begin(), "imapcheck");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    return parse_command_line(static_cast<int>(args.size()), argv.data(),
                              [env](const std::string& name) -> std::optional<std::string> {
                                  auto it = env.find(name);
                                  return it == env.end() ? std::nullopt
                                                         : std::optional<std::string>(it->second);
                              });
}

Env with_password(Env env) {
    env["IMAPCHECK_PASSWORD"] = "pw";
    return env;
}

TEST(CliEnvironment, VariablesStandInForOptions) {
    CliOutcome out = parse({}, with_password({{"IMAPCHECK_HOST", "mail.example.com"},
                                              {"IMAPCHECK_USER", "alice"},
                                              {"IMAPCHECK_PORT", "993"},
                                              {"IMAPCHECK_CONNECT_TIMEOUT", "2.5"},
                                              {"IMAPCHECK_FORMAT", "prometheus"},
                                              {"IMAPCHECK_INSECURE", "yes"},
                                              {"IMAPCHECK_IPV6", "1"},
                                              {"IMAPCHECK_NO_COLOR", "true"},
                                              {"IMAPCHECK_MAILBOX", "Entwürfe"},
                                              {"IMAPCHECK_SEARCH", "SINCE 1-Jan-2024"}}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_EQ(out.config.host, "mail.example.com");
    EXPECT_EQ(out.config.user, "alice");
    EXPECT_EQ(out.config.port, 993);
    EXPECT_EQ(out.config.tls, TlsMode::Implicit) << "port 993 from the environment picks TLS too";
    EXPECT_EQ(out.config.connect_timeout.count(), 2500);
    EXPECT_EQ(out.config.format, OutputFormat::Prometheus);
    EXPECT_TRUE(out.config.insecure);
    EXPECT_EQ(out.config.ip_version, IpVersion::V6);
    EXPECT_FALSE(out.config.color);
    EXPECT_EQ(out.config.mailbox, "Entwürfe");
    EXPECT_EQ(out.config.search, "SINCE 1-Jan-2024") << "a value with spaces stays one value";
}

TEST(CliEnvironment, TheCommandLineWins) {
    CliOutcome out =
        parse({"--host", "cli.example.com", "--format", "json", "--expect-folder", "Sent"},
              with_password({{"IMAPCHECK_HOST", "env.example.com"},
                             {"IMAPCHECK_USER", "alice"},
                             {"IMAPCHECK_FORMAT", "nagios"},
                             {"IMAPCHECK_EXPECT_FOLDER", "Drafts"}}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_EQ(out.config.host, "cli.example.com");
    EXPECT_EQ(out.config.user, "alice");
    EXPECT_EQ(out.config.format, OutputFormat::Json);
    EXPECT_EQ(out.config.expect_folders, std::vector<std::string>{"Sent"})
        << "a repeatable option given on the command line replaces the variable's list";
}

TEST(CliEnvironment, OneAddressFamilyOnTheCommandLineOverridesBothVariables) {
    CliOutcome out = parse({"-H", "h", "-u", "u", "-4"}, with_password({{"IMAPCHECK_IPV6", "1"}}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_EQ(out.config.ip_version, IpVersion::V4);
}

TEST(CliEnvironment, ExpectFolderTakesOneFolderPerLineAndKeepsCommas) {
    CliOutcome out =
        parse({"-H", "h", "-u", "u"},
              with_password({{"IMAPCHECK_EXPECT_FOLDER", "Sent\nArchive, 2024\n\nEntwürfe"}}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_EQ(out.config.expect_folders,
              (std::vector<std::string>{"Sent", "Archive, 2024", "Entwürfe"}));
}

TEST(CliEnvironment, FlagsTakeOneOrZeroAndEmptyValuesCountAsUnset) {
    CliOutcome off = parse({"-H", "h", "-u", "u"}, with_password({{"IMAPCHECK_INSECURE", "0"},
                                                                  {"IMAPCHECK_NETRC", "off"},
                                                                  {"IMAPCHECK_PORT", ""}}));
    ASSERT_EQ(off.kind, CliOutcome::Kind::Run) << off.message;
    EXPECT_FALSE(off.config.insecure);
    EXPECT_EQ(off.config.port, 143);

    CliOutcome bad =
        parse({"-H", "h", "-u", "u"}, with_password({{"IMAPCHECK_INSECURE", "maybe"}}));
    ASSERT_EQ(bad.kind, CliOutcome::Kind::UsageError);
    EXPECT_EQ(bad.message, "IMAPCHECK_INSECURE must be 1 or 0 (got 'maybe')");
}

TEST(CliEnvironment, AnErrorInAVariableNamesTheVariable) {
    CliOutcome out = parse({"-H", "h", "-u", "u"}, with_password({{"IMAPCHECK_PORT", "abc"}}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::UsageError);
    EXPECT_EQ(out.message,
              "--port must be a whole number from 1 to 65535 (got 'abc') (set by IMAPCHECK_PORT)");

    // The same mistake on the command line does not blame the environment.
    CliOutcome cli = parse({"-H", "h", "-u", "u", "--port", "abc"}, with_password({}));
    EXPECT_EQ(cli.message.find("IMAPCHECK_PORT"), std::string::npos) << cli.message;
}

TEST(CliEnvironment, PasswordFileAndHelpAreNotConfusedWithThePassword) {
    // IMAPCHECK_PASSWORD is the password itself, not an option; IMAPCHECK_HELP does nothing.
    CliOutcome out = parse({"-H", "h", "-u", "u"}, with_password({{"IMAPCHECK_HELP", "1"}}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_TRUE(out.config.password.reveal() == "pw");

    CliOutcome file =
        parse({"-H", "h", "-u", "u"}, {{"IMAPCHECK_PASSWORD_FILE", "/nonexistent/imapcheck.pw"}});
    ASSERT_EQ(file.kind, CliOutcome::Kind::UsageError);
    EXPECT_NE(file.message.find("/nonexistent/imapcheck.pw"), std::string::npos) << file.message;
}

TEST(CliSuggestions, UnknownOptionsSuggestTheClosestOne) {
    EXPECT_EQ(parse({"--hots", "h"}, {}).message, "unknown option --hots (did you mean --host?)");
    EXPECT_EQ(parse({"--connect", "h"}, {}).message,
              "unknown option --connect (did you mean --connect-to?)");
    EXPECT_EQ(parse({"--insecur"}, {}).message,
              "unknown option --insecur (did you mean --insecure?)");
    EXPECT_EQ(parse({"--frobnicate"}, {}).message, "unknown option --frobnicate");
    EXPECT_EQ(parse({"--host"}, {}).message, "--host needs a value");
}

TEST(CliHelp, NamesEveryOptionOfTheTable) {
    // The contrib test checks help against the man page and the bash completion; this
    // checks the table the parser is built from against help.
    for (const auto& spec : cli::option_table())
        EXPECT_NE(help_text().find("--" + cli::long_name(spec)), std::string::npos) << spec.names;
}

}  // namespace
}  // namespace imapcheck
