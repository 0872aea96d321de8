// Integration tests of --config: a fleet of accounts on the real sandbox Dovecot (many that
// pass, one pointing at a missing mailbox, one at a closed port), checked in every format by
// its consumer's parser (tests/formats/validate.py), in config order, with the worst
// target's exit code and no password anywhere.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "dovecot_fixture.hpp"
#include "loopback.hpp"
#include "run_process.hpp"

namespace imapcheck {
namespace {

class Fleet {
  public:
    explicit Fleet(const std::map<std::string, std::string>& env) : env_(env) {}

    // Writes the config: every sandbox fleet account, alice by her own password source, then
    // the two that must fail. Returns the target names in file order.
    std::vector<std::string> write(const std::string& path, int accounts, unsigned closed_port) {
        std::ofstream out(path);
        out << "# a fleet of the sandbox's accounts\n"
            << "defaults:\n"
            << "  host: localhost\n"
            << "  port: " << env_.at("IMAP_PORT") << "\n"
            << "  cacert: " << env_.at("CA_FILE") << "\n"
            << "  password-file: " << env_.at("FLEET_PASSWORD_FILE") << "\n"
            << "modules:\n"
            << "  quick: {fetch-bytes: 0, quota-warn: 90}\n"
            << "targets:\n";
        std::vector<std::string> names;
        for (int i = 1; i <= accounts; ++i) {
            char user[16];
            std::snprintf(user, sizeof user, "fleet%04d", i);
            out << "  - user: " << user << "\n" << (i % 2 ? "    module: quick\n" : "");
            names.push_back(std::string(user) + "@localhost");
        }
        out << "  - name: alice\n    user: alice\n    password-env: ALICE_PASSWORD\n"
            << "    expect-folder: [Sent, Archive]\n";
        out << "  - name: missing-mailbox\n    user: fleet0001\n    mailbox: NoSuchBox\n";
        out << "  - name: closed-port\n    user: fleet0002\n    port: " << closed_port << "\n";
        names.insert(names.end(), {"alice", "missing-mailbox", "closed-port"});
        return names;
    }

    ProcessResult run(std::vector<std::string> args) const {
        args.insert(args.begin(), testing::imapcheck_binary());
        return testing::run_process(args, {{"ALICE_PASSWORD", env_.at("IMAP_PASSWORD")}},
                                    std::chrono::seconds(60));
    }

  private:
    const std::map<std::string, std::string>& env_;
};

std::vector<std::string> validator(const std::string& format, const std::string& file) {
    const char* python = std::getenv("IMAPCHECK_PYTHON");
    return {python ? python : "/usr/bin/python3",
            std::string(IMAPCHECK_SOURCE_DIR) + "/tests/formats/validate.py", format, "--fleet",
            file};
}

TEST_F(DovecotTest, FleetConfigChecksEveryTargetInOrderInEveryFormat) {
    const std::string dir = env("SANDBOX_DIR");
    Fleet fleet(*env_);
    const unsigned closed = testing::closed_loopback_port();
    const std::vector<std::string> names = fleet.write(dir + "/fleet.yml", 20, closed);
    std::string before = flags();

    for (const char* format : {"json", "nagios", "junit", "prometheus"}) {
        std::string file = dir + "/fleet-report." + format;
        ProcessResult r = fleet.run({"--config", dir + "/fleet.yml", "--format", format,
                                     "--concurrency", "16", "-o", file});
        EXPECT_FALSE(r.timed_out) << format;
        EXPECT_EQ(r.exit_code, 2) << format << ": the worst target's, CRITICAL: " << r.err;
        std::vector<std::string> check = validator(format, file);
        check.insert(check.end(), {"--exit", "2", "--failed-target", "missing-mailbox",
                                   "--failed-target", "closed-port"});
        if (std::string(format) != "nagios") {  // Nagios lists only the targets not OK
            check.push_back("--targets");
            check.insert(check.end(), names.begin(), names.end());
        }
        ProcessResult v = testing::run_process(check, {}, std::chrono::seconds(30));
        EXPECT_EQ(v.exit_code, 0) << format << ": " << v.err << v.out;

        std::ifstream in(file);
        std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_EQ(content.find("fleet-pw"), std::string::npos) << format << ": a password leaked";
        EXPECT_EQ(content.find(env("IMAP_PASSWORD")), std::string::npos) << format;
    }

    // The JSON: each target's own report, the failures named for what they are.
    std::ifstream in(dir + "/fleet-report.json");
    json j = json::parse(in);
    ASSERT_EQ(j["targets"].size(), names.size());
    EXPECT_EQ(j["summary"]["ok"], names.size() - 2);
    EXPECT_EQ(j["summary"]["critical"], 2);
    const json& alice = j["targets"][names.size() - 3];
    EXPECT_EQ(alice["status"], "OK") << "alice's own password source (password-env) was used";
    EXPECT_EQ(find_check(alice, "fetch")["details"]["text_bytes"], 4096);
    const json& quick = j["targets"][0];
    EXPECT_EQ(quick["target"]["user"], "fleet0001");
    const json& missing = j["targets"][names.size() - 2];
    EXPECT_EQ(find_check(missing, "status")["status"], "fail");
    EXPECT_NE(find_check(missing, "status")["summary"].get<std::string>().find("NoSuchBox"),
              std::string::npos);
    const json& refused = j["targets"][names.size() - 1];
    EXPECT_EQ(find_check(refused, "connect")["status"], "fail");
    EXPECT_EQ(find_check(refused, "login")["status"], "skip");
    EXPECT_EQ(flags(), before) << "a fleet is read-only too";
}

TEST_F(DovecotTest, FleetTextReportHasALinePerTargetThenTheFailuresThenTheVerdict) {
    const std::string dir = env("SANDBOX_DIR");
    Fleet fleet(*env_);
    const unsigned closed = testing::closed_loopback_port();
    const std::vector<std::string> names = fleet.write(dir + "/fleet-text.yml", 4, closed);
    ProcessResult r = fleet.run({"--config", dir + "/fleet-text.yml", "--no-color"});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    std::size_t at = 0;
    for (const auto& name : names) {  // in config order
        std::size_t found = r.out.find("  " + name + " ", at);
        ASSERT_NE(found, std::string::npos) << name << " after offset " << at << ":\n" << r.out;
        at = found;
    }
    EXPECT_NE(r.out.find("\nmissing-mailbox (fleet0001 on localhost:"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\n  FAIL  status"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\nCRITICAL  2 of 7 targets failed: missing-mailbox, closed-port  "),
              std::string::npos)
        << r.out;
    EXPECT_EQ(r.out.find("fleet-pw"), std::string::npos);
    EXPECT_EQ(r.err.find("fleet-pw"), std::string::npos);
}

// --target picks targets by name; command-line options apply to every target and win.
TEST_F(DovecotTest, FleetTargetSelectionAndCommandLineOptionsWin) {
    const std::string dir = env("SANDBOX_DIR");
    Fleet fleet(*env_);
    fleet.write(dir + "/fleet-select.yml", 3, testing::closed_loopback_port());
    ProcessResult r =
        fleet.run({"--config", dir + "/fleet-select.yml", "--target", "alice", "--target",
                   "missing-mailbox", "--mailbox", "INBOX", "--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << "--mailbox INBOX on the command line wins over the file's: "
                              << r.out << r.err;
    json j = json::parse(r.out);
    ASSERT_EQ(j["targets"].size(), 2u);
    EXPECT_EQ(j["targets"][0]["name"], "alice");
    EXPECT_EQ(j["targets"][1]["name"], "missing-mailbox");
    EXPECT_EQ(j["targets"][1]["target"]["mailbox"], "INBOX");
}

}  // namespace
}  // namespace imapcheck
