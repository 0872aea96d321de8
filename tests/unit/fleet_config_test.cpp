// Unit tests for the fleet config file (fleet_config.hpp): each mistake an administrator
// makes in it is a usage error naming the file, the line and the key; precedence of
// built-in < IMAPCHECK_* < defaults < module < target < command line; the password sources
// replacing each other as one choice. Files live in a private temporary directory.
#include "imapcheck/fleet_config.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "parsed_cli.hpp"

namespace imapcheck {
namespace {

class FleetConfigTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char pattern[] = "/tmp/imapcheck-fleet-unit.XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir_ = pattern;
        write("probe.pw", "probe-S3cret\n", 0600);
        write("alice.pw", "alice-S3cret\n", 0600);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string write(const std::string& name, const std::string& text, mode_t mode = 0644) {
        std::string path = dir_ + "/" + name;
        std::ofstream(path) << text;
        ::chmod(path.c_str(), mode);
        return path;
    }
    std::string path(const std::string& name) const { return dir_ + "/" + name; }

    // The file's targets, or the usage error's message as "ERROR: ...".
    Result<std::vector<TargetConfig>> build(const std::string& yaml, const Env& env = {},
                                            const OptionMap& command_line = {},
                                            const std::vector<std::string>& selected = {}) {
        std::string file = write("imapcheck.yml", yaml);
        auto loaded = load_fleet_file(file);
        if (!loaded) return loaded.error();
        GetEnv getenv = fake_env(env);
        auto environment = options_from_environment(getenv);
        if (!environment) return environment.error();
        return build_fleet(*loaded, *environment, command_line, selected, getenv);
    }
    // The error for `yaml`, which must be one.
    std::string error(const std::string& yaml) {
        auto result = build(yaml);
        EXPECT_FALSE(result) << "expected an error for:\n" << yaml;
        if (result) return "";
        EXPECT_EQ(result.error().kind, Error::Kind::Usage);
        EXPECT_EQ(result.error().message.find("S3cret"), std::string::npos) << "a password leaked";
        return result.error().message;
    }
    std::string pw() const { return "password-file: " + path("probe.pw") + "\n"; }

    std::string dir_;
};

TEST_F(FleetConfigTest, TargetsGetDefaultsModulesAndTheirOwnKeysInFileOrder) {
    auto targets = build("defaults:\n  tls: implicit\n  " + pw() +
                         "modules:\n  quick: {fetch-bytes: 0, quota-warn: 90}\n"
                         "targets:\n"
                         "  - name: mail1\n    host: mail1.example.com\n    user: probe\n"
                         "  - host: mail2.example.com\n    user: alice\n    module: quick\n"
                         "    password-file: " +
                         path("alice.pw") + "\n    expect-folder: [Sent, Drafts]\n");
    ASSERT_TRUE(targets) << targets.error().message;
    ASSERT_EQ(targets->size(), 2u);
    const TargetConfig& a = (*targets)[0];
    const TargetConfig& b = (*targets)[1];
    EXPECT_EQ(a.name, "mail1");
    EXPECT_EQ(a.tls, TlsMode::Implicit);
    EXPECT_EQ(a.port, 993) << "implicit TLS from the defaults picks the port";
    EXPECT_EQ(a.fetch_bytes, 4096u);
    EXPECT_EQ(b.name, "alice@mail2.example.com") << "a target without a name is user@host";
    EXPECT_EQ(b.fetch_bytes, 0u) << "from its module";
    EXPECT_EQ(b.quota_warn, 90);
    EXPECT_EQ(b.credentials.password_file, path("alice.pw")) << "its own password file";
    EXPECT_EQ(b.expect_folders, (std::vector<std::string>{"Sent", "Drafts"}));
}

TEST_F(FleetConfigTest,
       PrecedenceIsTargetOverModuleOverDefaultsOverEnvironmentAndTheCommandLineWins) {
    const std::string yaml = "defaults:\n  mailbox: FromDefaults\n  search: ALL\n  " + pw() +
                             "modules:\n  m: {mailbox: FromModule, fetch-bytes: 7}\n"
                             "targets:\n"
                             "  - {name: t1, host: h1, user: u, module: m, mailbox: FromTarget}\n"
                             "  - {name: t2, host: h2, user: u, module: m}\n"
                             "  - {name: t3, host: h3, user: u}\n";
    Env env = {{"IMAPCHECK_MAILBOX", "FromEnv"},
               {"IMAPCHECK_SEARCH", "SEEN"},
               {"IMAPCHECK_COMMAND_TIMEOUT", "3"}};
    auto targets = build(yaml, env);
    ASSERT_TRUE(targets) << targets.error().message;
    EXPECT_EQ((*targets)[0].mailbox, "FromTarget");
    EXPECT_EQ((*targets)[1].mailbox, "FromModule");
    EXPECT_EQ((*targets)[2].mailbox, "FromDefaults");
    EXPECT_EQ((*targets)[2].search, "ALL") << "the file's defaults beat IMAPCHECK_SEARCH";
    EXPECT_EQ((*targets)[2].command_timeout.count(), 3000) << "IMAPCHECK_* beats built-in";
    EXPECT_EQ((*targets)[0].fetch_bytes, 7u);

    OptionMap command_line = {{"mailbox", {{"FromCommandLine"}, "--mailbox"}}};
    auto overridden = build(yaml, env, command_line);
    ASSERT_TRUE(overridden) << overridden.error().message;
    for (const auto& t : *overridden) EXPECT_EQ(t.mailbox, "FromCommandLine") << t.name;
}

TEST_F(FleetConfigTest, APasswordSourceOfATargetReplacesTheDefaultsSource) {
    auto targets = build(
        "defaults:\n  " + pw() + "targets:\n  - {name: t, host: h, user: u, password-env: T_PW}\n",
        {{"T_PW", "from-env"}});
    ASSERT_TRUE(targets) << targets.error().message;
    EXPECT_TRUE((*targets)[0].credentials.password_file.empty())
        << "password-file from the defaults must not win over the target's password-env";
    EXPECT_EQ((*targets)[0].credentials.password_env, "T_PW");
}

TEST_F(FleetConfigTest, AnInlinePasswordIsRefusedNamingFileLineAndKey) {
    std::string e = error("targets:\n  - host: h\n    user: u\n    password: hunter2-S3cret\n");
    EXPECT_NE(e.find(path("imapcheck.yml") + ":4: targets[0].password"), std::string::npos) << e;
    EXPECT_NE(e.find("password-file"), std::string::npos) << "says what to use instead: " << e;
    EXPECT_EQ(e.find("hunter2"), std::string::npos) << e;
}

TEST_F(FleetConfigTest, AnUnknownKeyIsRefusedWithDidYouMean) {
    std::string e =
        error("defaults:\n  " + pw() + "targets:\n  - host: h\n    user: u\n    prot: 993\n");
    EXPECT_NE(e.find("imapcheck.yml:6: targets[0].prot is not an option (did you mean port?)"),
              std::string::npos)
        << e;
    std::string section = error("default:\n  tls: implicit\ntargets:\n  - {host: h, user: u}\n");
    EXPECT_NE(section.find(":1: default is not a section"), std::string::npos) << section;
    EXPECT_NE(section.find("did you mean defaults?"), std::string::npos) << section;
}

TEST_F(FleetConfigTest, AWrongTypeOrABadValueNamesTheKeyAndLine) {
    std::string list =
        error("defaults:\n  " + pw() + "targets:\n  - host: h\n    user: u\n    port: [1, 2]\n");
    EXPECT_NE(list.find(":6: targets[0].port must be a single value, not a list"),
              std::string::npos)
        << list;
    std::string flag =
        error("defaults:\n  " + pw() + "targets:\n  - {host: h, user: u, insecure: maybe}\n");
    EXPECT_NE(flag.find("targets[0].insecure must be true or false (got 'maybe')"),
              std::string::npos)
        << flag;
    // A value the rules refuse carries its file position too.
    std::string number =
        error("defaults:\n  " + pw() + "targets:\n  - host: h\n    user: u\n    port: http\n");
    EXPECT_NE(
        number.find(":6: targets[0].port must be a whole number from 1 to 65535 (got 'http')"),
        std::string::npos)
        << number;
    std::string shape = error("targets:\n  host: h\n");
    EXPECT_NE(shape.find("targets must be a list"), std::string::npos) << shape;
}

TEST_F(FleetConfigTest, PartOfTheSequenceAndBaselinesArePerTargetKeys) {
    auto targets = build("defaults:\n  " + pw() +
                         "  skip: fetch\n"
                         "targets:\n"
                         "  - {name: a, host: h, user: u, only: [tls, quota], quit-after: quota}\n"
                         "  - {name: b, host: h, user: u, search-crit: '1:', save-baseline: " +
                         path("b.json") + "}\n");
    ASSERT_TRUE(targets) << targets.error().message;
    ASSERT_EQ(targets->size(), 2u);
    EXPECT_EQ((*targets)[0].only_checks, (std::vector<std::string>{"tls", "quota"}));
    EXPECT_EQ((*targets)[0].quit_after, "quota");
    EXPECT_EQ((*targets)[1].skip_checks, (std::vector<std::string>{"fetch"}));
    ASSERT_TRUE((*targets)[1].search_crit);
    EXPECT_TRUE((*targets)[1].search_crit->alerts(0));
    EXPECT_EQ((*targets)[1].save_baseline, path("b.json"));

    std::string name = error("defaults:\n  " + pw() +
                             "targets:\n  - host: h\n    user: u\n    quit-after: lgin\n");
    EXPECT_NE(name.find(":6: targets[0].quit-after 'lgin' is not a check (did you mean login?)"),
              std::string::npos)
        << name;
    std::string missing = error("defaults:\n  " + pw() + "targets:\n  - host: h\n    user: u\n" +
                                "    baseline: " + path("none.json") + "\n");
    EXPECT_NE(missing.find(":6: targets[0].baseline " + path("none.json") + " cannot be read"),
              std::string::npos)
        << missing;
}

TEST_F(FleetConfigTest, DuplicateNamesAndKeysAreRefused) {
    std::string names =
        error("defaults:\n  " + pw() +
              "targets:\n  - {name: a, host: h1, user: u}\n  - {name: a, host: h2, user: u}\n");
    EXPECT_NE(names.find(":5: targets[1]: the name 'a' is already used at " +
                         path("imapcheck.yml") + ":4: targets[0]"),
              std::string::npos)
        << names;
    std::string implicit =
        error("defaults:\n  " + pw() +
              "targets:\n  - {host: h, user: u}\n  - {host: h, user: u, port: 1143}\n");
    EXPECT_NE(implicit.find("the name 'u@h' is already used"), std::string::npos) << implicit;
    std::string keys = error("targets:\n  - host: h\n    user: u\n    host: g\n");
    EXPECT_NE(keys.find(":4: targets[0].host is given twice"), std::string::npos) << keys;
}

TEST_F(FleetConfigTest, ProcessWideOptionsUnknownModulesAndMissingHostsAreRefused) {
    std::string format = error("targets:\n  - {host: h, user: u, format: json}\n");
    EXPECT_NE(format.find("targets[0].format: format applies to the whole run"), std::string::npos)
        << format;
    std::string module = error(
        "modules:\n  quick: {fetch-bytes: 0}\ntargets:\n  - {host: h, user: u, module: quik}\n");
    EXPECT_NE(module.find("targets[0].module: no module 'quik' (did you mean quick?)"),
              std::string::npos)
        << module;
    std::string host = error("defaults:\n  " + pw() + "targets:\n  - {name: nohost, user: u}\n");
    EXPECT_NE(host.find("targets[0] (nohost): --host is required"), std::string::npos) << host;
}

// Issue 19 §1: a password file that cannot be read stopped every target. That target alone
// is unusable (probe() reports it UNKNOWN), with its file position; the others are built.
TEST_F(FleetConfigTest, AnUnreadablePasswordSourceMakesThatTargetAloneUnusable) {
    auto built = build(
        "targets:\n  - {name: broken, host: h, user: u, password-file: /nonexistent/pw}\n"
        "  - {name: fine, host: g, user: u, " +
        pw().substr(0, pw().size() - 1) + "}\n");
    ASSERT_TRUE(built) << built.error().message;
    ASSERT_EQ(built->size(), 2u);
    const std::string& password = (*built)[0].unusable;
    EXPECT_EQ((*built)[0].name, "broken");
    EXPECT_NE(password.find("/nonexistent/pw"), std::string::npos) << password;
    EXPECT_NE(password.find("imapcheck.yml:2: targets[0].password-file"), std::string::npos)
        << password;
    EXPECT_EQ((*built)[1].unusable, "");
    EXPECT_EQ((*built)[1].host, "g");
}

TEST_F(FleetConfigTest, BadYamlAndMissingFilesAreUsageErrors) {
    std::string yaml = error("targets:\n  - {host: h, user: u\n");
    EXPECT_NE(yaml.find("not valid YAML"), std::string::npos) << yaml;
    auto missing = load_fleet_file(path("nope.yml"));
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("cannot read the config file"), std::string::npos);
    std::string empty = error("");
    EXPECT_NE(empty.find("the file is empty"), std::string::npos) << empty;
}

TEST_F(FleetConfigTest, SelectedTargetsKeepFileOrderAndAnUnknownNameSuggestsOne) {
    const std::string yaml =
        "defaults:\n  " + pw() +
        "targets:\n  - {name: one, host: h1, user: u}\n"
        "  - {name: two, host: h2, user: u}\n  - {name: three, host: h3, user: u}\n";
    auto picked = build(yaml, {}, {}, {"three", "one"});
    ASSERT_TRUE(picked) << picked.error().message;
    ASSERT_EQ(picked->size(), 2u);
    EXPECT_EQ((*picked)[0].name, "one");
    EXPECT_EQ((*picked)[1].name, "three");
    auto unknown = build(yaml, {}, {}, {"thre"});
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("--target thre: no such target"), std::string::npos);
    EXPECT_NE(unknown.error().message.find("did you mean three?"), std::string::npos);
}

}  // namespace
}  // namespace imapcheck
