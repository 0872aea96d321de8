// Component tests of --config mistakes with the real binary: each is exit 3 before any
// connection, with one line on stderr naming the file, the line and the key (and, with
// --format nagios, the UNKNOWN plugin line on stdout). No server is needed: none is reached.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "run_process.hpp"

namespace imapcheck {
namespace {

using testing::ProcessResult;

class FleetCliTest : public ::testing::Test {
  protected:
    void SetUp() override { dir_ = testing::make_temp_dir("imapcheck-fleet-cli"); }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    ProcessResult run_config(const std::string& yaml, std::vector<std::string> more = {}) {
        std::string path = dir_ + "/fleet.yml";
        std::ofstream(path) << yaml;
        std::vector<std::string> argv = {testing::imapcheck_binary(), "--config", path};
        argv.insert(argv.end(), more.begin(), more.end());
        return testing::run_process(argv, {{"IMAPCHECK_PASSWORD", "pw-S3cret"}},
                                    std::chrono::seconds(10));
    }
    std::string dir_;
};

TEST_F(FleetCliTest, EachConfigMistakeIsExit3NamingFileLineAndKey) {
    struct Case {
        const char* yaml;
        const char* expected;
    };
    const Case cases[] = {
        {"targets:\n  - host: h\n    user: u\n    password: inline-S3cret\n",
         "fleet.yml:4: targets[0].password: a password is never written in the config file"},
        {"targets:\n  - host: h\n    user: u\n    usr: x\n",
         "fleet.yml:4: targets[0].usr is not an option (did you mean user?)"},
        {"targets:\n  - host: h\n    user: u\n    timeout: [1]\n",
         "fleet.yml:4: targets[0].timeout must be a single value, not a list"},
        {"targets:\n  - {name: a, host: h, user: u}\n  - {name: a, host: g, user: u}\n",
         "fleet.yml:3: targets[1]: the name 'a' is already used at"},
    };
    for (const auto& c : cases) {
        ProcessResult r = run_config(c.yaml);
        EXPECT_EQ(r.exit_code, 3) << c.yaml << r.err;
        EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find("S3cret"), std::string::npos) << r.err;
        EXPECT_TRUE(r.out.empty()) << r.out;
    }
}

TEST_F(FleetCliTest, NagiosFormatSaysUnknownOnStdout) {
    ProcessResult r =
        run_config("targets:\n  - {host: h, user: u, prot: 1}\n", {"--format", "nagios"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.out.rfind("IMAP UNKNOWN - ", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("prot is not an option"), std::string::npos) << r.out;
}

TEST_F(FleetCliTest, LimitsAndUnknownTargetsAreUsageErrors) {
    const std::string yaml = "targets:\n  - {name: one, host: h, user: u}\n";
    ProcessResult zero = run_config(yaml, {"--concurrency", "0"});
    EXPECT_EQ(zero.exit_code, 3);
    EXPECT_NE(zero.err.find("--concurrency must be a whole number from 1 to 1024"),
              std::string::npos)
        << zero.err;
    ProcessResult unknown = run_config(yaml, {"--target", "onee"});
    EXPECT_EQ(unknown.exit_code, 3);
    EXPECT_NE(unknown.err.find("did you mean one?"), std::string::npos) << unknown.err;
    ProcessResult missing =
        testing::run_process({testing::imapcheck_binary(), "--config", dir_ + "/absent.yml"}, {},
                             std::chrono::seconds(10));
    EXPECT_EQ(missing.exit_code, 3);
    EXPECT_NE(missing.err.find("cannot read the config file"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace imapcheck
