// Unit tests for IMAPCHECK_<OPTION> environment variables (every option settable from the
// environment, the command line winning) and for usage errors that suggest the fix. The
// environment is a fake map; the real one is never read.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "config/option_table.hpp"
#include "imapcheck/cli.hpp"
#include "parsed_cli.hpp"

namespace imapcheck {
namespace {

ParsedCli parse(std::vector<std::string> args, Env env) {
    return parse_args(std::move(args), std::move(env));
}

Env with_password(Env env) {
    env["IMAPCHECK_PASSWORD"] = "pw";
    return env;
}

TEST(CliEnvironment, VariablesStandInForOptions) {
    ParsedCli out = parse({}, with_password({{"IMAPCHECK_HOST", "mail.example.com"},
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
    EXPECT_EQ(out.target.host, "mail.example.com");
    EXPECT_EQ(out.target.user, "alice");
    EXPECT_EQ(out.target.port, 993);
    EXPECT_EQ(out.target.tls, TlsMode::Implicit) << "port 993 from the environment picks TLS too";
    EXPECT_EQ(out.target.connect_timeout.count(), 2500);
    EXPECT_EQ(out.output.format, OutputFormat::Prometheus);
    EXPECT_TRUE(out.target.insecure);
    EXPECT_EQ(out.target.ip_version, IpVersion::V6);
    EXPECT_FALSE(out.output.color);
    EXPECT_EQ(out.target.mailbox, "Entwürfe");
    EXPECT_EQ(out.target.search, "SINCE 1-Jan-2024") << "a value with spaces stays one value";
}

TEST(CliEnvironment, TheCommandLineWins) {
    CliOutcome out =
        parse({"--host", "cli.example.com", "--format", "json", "--expect-folder", "Sent"},
              with_password({{"IMAPCHECK_HOST", "env.example.com"},
                             {"IMAPCHECK_USER", "alice"},
                             {"IMAPCHECK_FORMAT", "nagios"},
                             {"IMAPCHECK_EXPECT_FOLDER", "Drafts"}}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_EQ(out.target.host, "cli.example.com");
    EXPECT_EQ(out.target.user, "alice");
    EXPECT_EQ(out.output.format, OutputFormat::Json);
    EXPECT_EQ(out.target.expect_folders, std::vector<std::string>{"Sent"})
        << "a repeatable option given on the command line replaces the variable's list";
}

TEST(CliEnvironment, OneAddressFamilyOnTheCommandLineOverridesBothVariables) {
    ParsedCli out = parse({"-H", "h", "-u", "u", "-4"}, with_password({{"IMAPCHECK_IPV6", "1"}}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_EQ(out.target.ip_version, IpVersion::V4);
}

TEST(CliEnvironment, ExpectFolderTakesOneFolderPerLineAndKeepsCommas) {
    CliOutcome out =
        parse({"-H", "h", "-u", "u"},
              with_password({{"IMAPCHECK_EXPECT_FOLDER", "Sent\nArchive, 2024\n\nEntwürfe"}}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_EQ(out.target.expect_folders,
              (std::vector<std::string>{"Sent", "Archive, 2024", "Entwürfe"}));
}

TEST(CliEnvironment, FlagsTakeOneOrZeroAndEmptyValuesCountAsUnset) {
    ParsedCli off = parse({"-H", "h", "-u", "u"}, with_password({{"IMAPCHECK_INSECURE", "0"},
                                                                 {"IMAPCHECK_NETRC", "off"},
                                                                 {"IMAPCHECK_PORT", ""}}));
    ASSERT_EQ(off.kind, CliOutcome::Kind::Run) << off.message;
    EXPECT_FALSE(off.target.insecure);
    EXPECT_EQ(off.target.port, 143);

    CliOutcome bad =
        parse({"-H", "h", "-u", "u"}, with_password({{"IMAPCHECK_INSECURE", "maybe"}}));
    ASSERT_EQ(bad.kind, CliOutcome::Kind::UsageError);
    EXPECT_EQ(bad.message,
              "IMAPCHECK_INSECURE must be 1/yes/true/on or 0/no/false/off (got 'maybe')");
}

TEST(CliEnvironment, AnErrorInAVariableNamesTheVariable) {
    ParsedCli out = parse({"-H", "h", "-u", "u"}, with_password({{"IMAPCHECK_PORT", "abc"}}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::UsageError);
    EXPECT_EQ(out.message,
              "--port must be a whole number from 1 to 65535 (got 'abc') (set by IMAPCHECK_PORT)");

    // The same mistake on the command line does not blame the environment.
    ParsedCli cli = parse({"-H", "h", "-u", "u", "--port", "abc"}, with_password({}));
    EXPECT_EQ(cli.message.find("IMAPCHECK_PORT"), std::string::npos) << cli.message;
}

TEST(CliEnvironment, PasswordFileAndHelpAreNotConfusedWithThePassword) {
    // IMAPCHECK_PASSWORD is the password itself, not an option; IMAPCHECK_HELP does nothing.
    ParsedCli out = parse({"-H", "h", "-u", "u"}, with_password({{"IMAPCHECK_HELP", "1"}}));
    ASSERT_EQ(out.kind, CliOutcome::Kind::Run) << out.message;
    EXPECT_TRUE(loaded_password(out) == "pw");

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
