// Integration tests of baselines against a real Dovecot of their own (scripts/dovecot-sandbox
// in its own directory, on its own ports), changed for real between runs: a restart, a
// capability dropped from its config (imap_capability), a renamed folder, a certificate
// from another CA, a recreated mailbox (new UIDVALIDITY) and messages expunged in its own
// Maildir files. Each must give README's verdict, exit code and -/+ lines.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "dovecot_fixture.hpp"

namespace imapcheck {
namespace {

namespace fs = std::filesystem;

class BaselineDovecotTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new std::string(testing::make_temp_dir("imapcheck-baseline"));
        ProcessResult r = sandbox({"start", *dir_});
        if (r.exit_code != 0) {
            error_ = new std::string(r.err + r.out);
            return;
        }
        env_ = new std::map<std::string, std::string>(read_env_file(*dir_ + "/env"));
        // Saved once, before anything changes; every test compares with these.
        save("inbox.json", {});
        save("archive.json", {"--mailbox", "Archive"});
    }
    static void TearDownTestSuite() {
        if (dir_) (void)sandbox({"stop", *dir_});
        std::error_code ignored;
        if (dir_) fs::remove_all(*dir_, ignored);
        delete env_;
        delete dir_;
        delete error_;
        env_ = nullptr;
        dir_ = error_ = nullptr;
    }
    void SetUp() override { ASSERT_EQ(error_, nullptr) << "sandbox did not start: " << *error_; }
    // A test that changed the configuration and failed half-way leaves it as it was.
    void TearDown() override {
        if (error_ == nullptr && fs::exists(path("extra.conf")) &&
            fs::file_size(path("extra.conf")))
            extra_config("");
    }

    static ProcessResult sandbox(std::vector<std::string> args) {
        args.insert(args.begin(),
                    {"/bin/bash", std::string(IMAPCHECK_SOURCE_DIR) + "/scripts/dovecot-sandbox"});
        return testing::run_process(args, {}, std::chrono::seconds(60));
    }
    static ProcessResult imapcheck(std::vector<std::string> args, const std::string& cacert = "") {
        std::vector<std::string> argv = {testing::imapcheck_binary(),
                                         "--host",
                                         "localhost",
                                         "--port",
                                         env_->at("IMAP_PORT"),
                                         "--user",
                                         env_->at("IMAP_USER"),
                                         "--cacert",
                                         cacert.empty() ? env_->at("CA_FILE") : cacert,
                                         "--timeout",
                                         "20"};
        argv.insert(argv.end(), args.begin(), args.end());
        return testing::run_process(argv, {{"IMAPCHECK_PASSWORD", env_->at("IMAP_PASSWORD")}},
                                    std::chrono::seconds(30));
    }
    static std::string path(const std::string& name) { return *dir_ + "/" + name; }
    static void save(const std::string& name, std::vector<std::string> args) {
        args.insert(args.end(), {"--save-baseline", path(name)});
        ProcessResult r = imapcheck(args);
        ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
        // Kept beside the suite's reports, so formats.schema.suite_reports validates it.
        if (const char* kept = std::getenv("IMAPCHECK_TEST_REPORT_DIR"))
            fs::copy_file(path(name),
                          std::string(kept) + "/baseline-" + std::to_string(getpid()) + "-" + name,
                          fs::copy_options::overwrite_existing);
    }
    // A JSON run compared with a saved baseline; the baseline check's diff lines.
    static std::vector<std::string> compare(const std::string& name, int exit_code,
                                            std::vector<std::string> args = {},
                                            const std::string& cacert = "") {
        args.insert(args.end(), {"--format", "json", "--baseline", path(name)});
        ProcessResult r = imapcheck(args, cacert);
        EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
        if (!json::accept(r.out)) return {"not JSON: " + r.out + r.err};
        const json report = json::parse(r.out);
        const json& check = find_check(report, "baseline");
        EXPECT_EQ(check["status"], exit_code == 0   ? "pass"
                                   : exit_code == 1 ? "warn"
                                                    : "fail")
            << check["summary"];
        return check["details"]["diff"].get<std::vector<std::string>>();
    }
    static void extra_config(const std::string& text) {
        std::ofstream(path("extra.conf")) << text;
        ProcessResult r = sandbox({"reload", *dir_});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    static void shell(const std::string& script) {
        ProcessResult r =
            testing::run_process({"/bin/bash", "-c", script}, {}, std::chrono::seconds(30));
        ASSERT_EQ(r.exit_code, 0) << script << "\n" << r.out << r.err;
    }

    static inline std::string* dir_ = nullptr;
    static inline std::string* error_ = nullptr;
    static inline std::map<std::string, std::string>* env_ = nullptr;
};

using Lines = std::vector<std::string>;

TEST_F(BaselineDovecotTest, ASavedBaselineIsValidAndHasEveryField) {
    std::ifstream in(path("inbox.json"));
    json saved = json::parse(in);
    EXPECT_EQ(saved["schema"], "imapcheck.baseline/1");
    EXPECT_EQ(saved["fields"]["id"]["name"], "Dovecot") << "ID (RFC 2971)";
    for (const char* field : {"greeting", "id", "capabilities", "auth_mechanisms", "tls",
                              "certificate", "namespace", "folders", "mailbox", "quota"})
        EXPECT_TRUE(saved["fields"].contains(field)) << field;
    EXPECT_EQ(saved["fields"]["certificate"]["key_sha256"].get<std::string>().size(), 64u);
}

TEST_F(BaselineDovecotTest, ARerunAndARunAfterARestartAreNoChange) {
    EXPECT_EQ(compare("inbox.json", 0), Lines{});
    ProcessResult r = sandbox({"restart", *dir_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(compare("inbox.json", 0), Lines{});
}

TEST_F(BaselineDovecotTest, ACapabilityDroppedFromTheConfigFails) {
    std::ifstream in(path("inbox.json"));
    json saved = json::parse(in);
    std::string caps;
    for (const auto& c : saved["fields"]["capabilities"]["after_login"])
        if (c != "IDLE") caps += " " + c.get<std::string>();
    // Dovecot's imap-login answers with imap_capability too: the lists before login lose
    // IDLE and gain the rest of the list (new capabilities only warn).
    extra_config("protocol imap {\n  imap_capability =" + caps + "\n}\n");
    Lines lost, added;
    for (const auto& line : compare("inbox.json", 2))
        (line.starts_with("- ") ? lost : added).push_back(line);
    EXPECT_EQ(lost, (Lines{"- capability before_tls IDLE", "- capability before_login IDLE",
                           "- capability after_login IDLE"}));
    for (const auto& line : added) EXPECT_TRUE(line.starts_with("+ capability before_")) << line;
    // The text report shows the same lines under the check.
    ProcessResult text = imapcheck({"--no-color", "--baseline", path("inbox.json")});
    EXPECT_NE(text.out.find("\n        - capability after_login IDLE\n"), std::string::npos)
        << text.out;
    EXPECT_EQ(compare("inbox.json", 0, {"--baseline-ignore", "capabilities"}), Lines{});
    extra_config("");
    EXPECT_EQ(compare("inbox.json", 0), Lines{});
}

TEST_F(BaselineDovecotTest, ARenamedFolderFails) {
    const std::string mail = path("mail/alice");
    shell("mv '" + mail + "/.Archive' '" + mail + "/.Old Archive'");
    Lines diff = compare("inbox.json", 2);
    shell("mv '" + mail + "/.Old Archive' '" + mail + "/.Archive'");
    EXPECT_EQ(diff, (Lines{"- folder Archive (\\Archive)", "+ folder Old Archive"}));
    EXPECT_EQ(compare("inbox.json", 0), Lines{});
}

TEST_F(BaselineDovecotTest, ACertificateFromAnotherCaFails) {
    const std::string tls = path("tls");
    // A leaf for the same names, signed by the sandbox's unrelated CA.
    shell("cd '" + tls + "' && openssl req -config openssl.cnf -new -newkey ec " +
          "-pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost -keyout other.key " +
          "-out other.csr 2>/dev/null && openssl x509 -req -in other.csr -CA other-ca.pem " +
          "-CAkey other-ca.key -CAcreateserial -days 30 -extfile openssl.cnf " +
          "-extensions server_ext -out other.pem 2>/dev/null && chmod 0644 other.pem other.key" +
          " && cat ca.pem other-ca.pem > both-cas.pem");
    extra_config("ssl_cert = <" + tls + "/other.pem\nssl_key = <" + tls + "/other.key\n");
    Lines diff = compare("inbox.json", 2, {}, tls + "/both-cas.pem");
    extra_config("");
    EXPECT_EQ(diff,
              (Lines{"- certificate issuer CN=imapcheck sandbox test CA,O=imapcheck sandbox",
                     "+ certificate issuer CN=imapcheck sandbox OTHER CA,O=imapcheck sandbox"}));
}

TEST_F(BaselineDovecotTest, ARecreatedMailboxHasANewUidvalidityAndFails) {
    const std::string conf = path("dovecot.conf");
    shell("doveadm -c '" + conf + "' mailbox delete -u alice Archive && doveadm -c '" + conf +
          "' mailbox create -u alice Archive");
    Lines diff = compare("archive.json", 2, {"--mailbox", "Archive"});
    ASSERT_GE(diff.size(), 2u);
    EXPECT_TRUE(diff[0].starts_with("- UIDVALIDITY of Archive ")) << diff[0];
    EXPECT_TRUE(diff[1].starts_with("+ UIDVALIDITY of Archive ")) << diff[1];
}

// Last: it removes mail for good.
TEST_F(BaselineDovecotTest, MessagesExpungedInTheMaildirFail) {
    const std::string cur = path("mail/alice/cur");
    shell("cd '" + cur + "' && ls | sort | head -2 | xargs rm --");
    EXPECT_EQ(compare("inbox.json", 2), (Lines{"- messages in INBOX 5", "+ messages in INBOX 3"}));
}

}  // namespace
}  // namespace imapcheck
