// Integration test of NAMESPACE (RFC 2342) against a real Dovecot whose personal namespace
// has the prefix "INBOX." (a Courier-style layout after a migration): a sandbox of its own,
// started with --extra-config, so the shared fixture's folders stay as they are.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "dovecot_fixture.hpp"

namespace imapcheck {
namespace {

class PrefixedNamespaceTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new std::string(testing::make_temp_dir("imapcheck-namespace"));
        const std::string extra = *dir_ + "-extra.conf";
        std::ofstream(extra) << "namespace inbox {\n  prefix = INBOX.\n  separator = .\n}\n";
        ProcessResult r = sandbox({"start", *dir_, "--extra-config", extra});
        std::filesystem::remove(extra);
        if (r.exit_code == 0)
            env_ = new std::map<std::string, std::string>(read_env_file(*dir_ + "/env"));
        else
            error_ = new std::string(r.err + r.out);
    }
    static void TearDownTestSuite() {
        (void)sandbox({"stop", *dir_});
        std::error_code ignored;
        std::filesystem::remove_all(*dir_, ignored);
        delete env_;
        delete dir_;
        delete error_;
        env_ = nullptr;
        dir_ = error_ = nullptr;
    }
    void SetUp() override { ASSERT_EQ(error_, nullptr) << "sandbox did not start: " << *error_; }
    static ProcessResult sandbox(std::vector<std::string> args) {
        args.insert(args.begin(),
                    {"/bin/bash", std::string(IMAPCHECK_SOURCE_DIR) + "/scripts/dovecot-sandbox"});
        return testing::run_process(args, {}, std::chrono::seconds(60));
    }
    static json run(std::vector<std::string> args, int expected_exit) {
        std::vector<std::string> argv = {testing::imapcheck_binary(),
                                         "--host",
                                         "localhost",
                                         "--port",
                                         env_->at("IMAP_PORT"),
                                         "--user",
                                         env_->at("IMAP_USER"),
                                         "--cacert",
                                         env_->at("CA_FILE"),
                                         "--format",
                                         "json",
                                         "--timeout",
                                         "20"};
        argv.insert(argv.end(), args.begin(), args.end());
        ProcessResult r = testing::run_process(
            argv, {{"IMAPCHECK_PASSWORD", env_->at("IMAP_PASSWORD")}}, std::chrono::seconds(30));
        EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
        return json::accept(r.out) ? json::parse(r.out) : json::object();
    }

    static inline std::string* dir_ = nullptr;
    static inline std::string* error_ = nullptr;
    static inline std::map<std::string, std::string>* env_ = nullptr;
};

TEST_F(PrefixedNamespaceTest, ExpectFolderWithoutThePrefixPassesAndReportsTheRealName) {
    json j = run({"--expect-folder", "Sent", "--expect-folder", "Entwürfe"}, 0);
    const json& list = find_check(j, "list");
    EXPECT_EQ(list["status"], "pass") << list["summary"];
    EXPECT_EQ(list["details"]["resolved"]["Sent"], "INBOX.Sent");
    EXPECT_EQ(list["details"]["resolved"]["Entwürfe"], "INBOX.Entwürfe");
    EXPECT_NE(list["summary"].get<std::string>().find("Sent is INBOX.Sent"), std::string::npos);
    const json expected_ns = {{"personal", {{{"prefix", "INBOX."}, {"delimiter", "."}}}},
                              {"other", json::array()},
                              {"shared", json::array()}};
    EXPECT_EQ(list["details"]["namespace"], expected_ns);
    EXPECT_EQ(find_check(j, "capability")["details"]["namespace"], expected_ns);
}

TEST_F(PrefixedNamespaceTest, AFolderThatIsNowhereStillFails) {
    json j = run({"--expect-folder", "Junk"}, 2);
    EXPECT_EQ(find_check(j, "list")["details"]["missing"], json::array({"Junk"}));
}

}  // namespace
}  // namespace imapcheck
