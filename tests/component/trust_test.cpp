// Component tests of issue 19 ("OK means working") with the real binary and the fake server:
// every connection proves the server's current certificate (no TLS session resumption).
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "component_fixture.hpp"

namespace imapcheck {
namespace {

class TrustTest : public ComponentTest {
  protected:
    void SetUp() override { dir_ = testing::make_temp_dir("imapcheck-trust"); }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string write(const std::string& name, const std::string& text) {
        std::string path = dir_ + "/" + name;
        std::ofstream(path) << text;
        return path;
    }
    static std::string slurp(const std::string& path) {
        std::ifstream in(path);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    static bool sent_command(const FakeImapServer& server, const std::string& name) {
        for (const auto& c : server.commands())
            if (c.name == name) return true;
        return false;
    }
    std::string dir_;
};

// Issue 19 §2b: over implicit TLS, 2 to 6 of 20 connections of one --config run resumed an
// earlier TLS session, whose handshake sends no certificate, and still reported the
// certificate as verified. The server must see 20 full handshakes.
TEST_F(TrustTest, EveryConnectionOfAFleetMakesAFullHandshake) {
    ServerOptions o = options(TlsMode::Implicit);
    o.concurrent = true;
    FakeImapServer server(o);
    const std::string yaml = dir_ + "/fleet.yml";
    {
        std::ofstream out(yaml);
        out << "defaults:\n  host: localhost\n  port: " << server.port()
            << "\n  tls: implicit\n  user: alice\n  cacert: " << pki_->ca_pem
            << "\n  password-env: IMAPCHECK_TEST_PW\ntargets:\n";
        for (int i = 0; i < 20; ++i) out << "  - name: t" << i << "\n";
    }
    ProcessResult r =
        testing::run_process({testing::imapcheck_binary(), "--config", yaml, "--concurrency", "4",
                              "--per-host", "4", "--format", "json"},
                             {{"IMAPCHECK_TEST_PW", kPassword}}, std::chrono::seconds(60));
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(server.tls_handshake_count(), 20u);
    EXPECT_EQ(server.resumed_tls_handshake_count(), 0u)
        << "a resumed handshake proves no certificate";
}

// Issue 19 §1: -o into a folder that does not exist was found only after a whole session,
// and the trace then ended "result: OK (exit 0)". Now a usage error before connecting.
TEST_F(TrustTest, OutputIntoAMissingFolderIsAUsageErrorBeforeConnecting) {
    FakeImapServer server(quota_options());
    for (const std::string option : {"-o", "--save-baseline"}) {
        ProcessResult r = run(server, {option, dir_ + "/no/such/dir/report"});
        EXPECT_EQ(r.exit_code, 3) << option << r.err;
        EXPECT_NE(r.err.find("the folder " + dir_ + "/no/such/dir does not exist"),
                  std::string::npos)
            << r.err;
    }
    EXPECT_EQ(server.connection_count(), 0u) << "nothing is sent before the mistake is told";
}

// Issue 19 §1: --save-baseline after a failed run wrote "fields": {}, and comparing against
// it passed with "0 fields compared".
TEST_F(TrustTest, NoBaselineIsSavedFromAFailedRunAndAnEmptyOneIsInvalid) {
    FakeImapServer server(quota_options());
    const std::string file = dir_ + "/base.json";
    ProcessResult failed = run(server, {"--save-baseline", file}, "wrong password");
    EXPECT_EQ(failed.exit_code, 2) << failed.out;
    EXPECT_FALSE(std::filesystem::exists(file)) << slurp(file);
    json j = json::parse(failed.out);
    bool told = false;
    for (const auto& note : j["notes"])
        told |= note.get<std::string>().find("baseline not saved: the run failed (login") == 0;
    EXPECT_TRUE(told) << j["notes"];

    write("empty.json", R"({"schema": "imapcheck.baseline/1", "fields": {}})");
    ProcessResult empty = run(server, {"--baseline", dir_ + "/empty.json"});
    EXPECT_EQ(empty.exit_code, 3) << empty.out;
    EXPECT_NE(empty.err.find("has no fields: it compares nothing"), std::string::npos) << empty.err;
}

// Issue 19 §1: one target's missing password file stopped every target (exit 3) and left
// the old textfile saying imapcheck_up 1. The broken target is UNKNOWN on its own.
TEST_F(TrustTest, ABrokenFleetTargetIsUnknownAndTheOthersAreChecked) {
    FakeImapServer server(quota_options());
    std::filesystem::permissions(
        write("good.pw", kPassword + "\n"),
        std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const std::string yaml = write(
        "fleet.yml", "defaults:\n  host: localhost\n  port: " + std::to_string(server.port()) +
                         "\n  user: alice\n  cacert: " + pki_->ca_pem +
                         "\ntargets:\n  - name: good\n    password-file: " + dir_ +
                         "/good.pw\n  - name: broken\n    password-file: " + dir_ + "/absent.pw\n");
    ProcessResult r =
        testing::run_process({testing::imapcheck_binary(), "--config", yaml, "--format", "json"},
                             {}, std::chrono::seconds(30));
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    ASSERT_TRUE(json::accept(r.out)) << r.out << r.err;
    json j = json::parse(r.out);
    std::map<std::string, std::string> status;
    for (const auto& t : j["targets"]) status[t["name"]] = t["status"];
    EXPECT_EQ(status["good"], "OK") << j.dump(1);
    EXPECT_EQ(status["broken"], "UNKNOWN") << j.dump(1);
    EXPECT_NE(r.err.find("[broken] " + yaml + ":10: targets[1].password-file"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("absent.pw"), std::string::npos) << r.err;
}

// Issue 19 §1: when a run cannot start at all, an existing output file is replaced by one
// that says so, never left stale.
TEST_F(TrustTest, ARunThatCannotStartReplacesItsTextfile) {
    const std::string prom = write("imapcheck.prom", "imapcheck_up 1\n");
    ProcessResult r =
        testing::run_process({testing::imapcheck_binary(), "--host", "localhost", "--user", "alice",
                              "--port", "0", "--format", "prometheus", "-o", prom},
                             {{"IMAPCHECK_PASSWORD", "x"}}, std::chrono::seconds(10));
    EXPECT_EQ(r.exit_code, 3) << r.err;
    const std::string text = slurp(prom);
    EXPECT_NE(text.find("imapcheck_up{host=\"\",user=\"\"} 0\n"), std::string::npos) << text;
    EXPECT_NE(text.find("imapcheck_error_info{"), std::string::npos) << text;
    EXPECT_NE(text.find("--port"), std::string::npos) << text;
}

// Issue 19 §7: --quit-after tls required --user and a password, against README's "before
// any user exists: no credentials are sent".
TEST_F(TrustTest, QuitAfterTlsNeedsNoUserAndNoPassword) {
    FakeImapServer server(quota_options());
    ProcessResult r =
        testing::run_process({testing::imapcheck_binary(), "--host", "localhost", "--port",
                              std::to_string(server.port()), "--cacert", pki_->ca_pem,
                              "--quit-after", "tls", "--format", "json"},
                             {}, std::chrono::seconds(20));
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_FALSE(sent_command(server, "LOGIN"));
    EXPECT_FALSE(sent_command(server, "AUTHENTICATE"));
}

// Issue 19 §7: --config fleet.yml -u bob applied -u to every target.
TEST_F(TrustTest, AnIdentityOnTheCommandLineWithAConfigNeedsOneTarget) {
    const std::string yaml = write("fleet.yml",
                                   "targets:\n  - {name: a, host: h, user: u, password-env: PW}\n"
                                   "  - {name: b, host: g, user: u, password-env: PW}\n");
    ProcessResult r =
        testing::run_process({testing::imapcheck_binary(), "--config", yaml, "-u", "bob"},
                             {{"PW", "x"}}, std::chrono::seconds(10));
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("--user on the command line would apply to every target"),
              std::string::npos)
        << r.err;
    ProcessResult one = testing::run_process(
        {testing::imapcheck_binary(), "--config", yaml, "-u", "bob", "--target", "a",
         "--quit-after", "connect", "--connect-timeout", "1", "--timeout", "2"},
        {{"PW", "x"}}, std::chrono::seconds(10));
    EXPECT_EQ(one.err.find("would apply to every target"), std::string::npos) << one.err;
}

// Issue 19 §5: STATUS INBOX answered NO [NONEXISTENT] while LIST listed INBOX and EXAMINE,
// SEARCH and GETQUOTAROOT answered OK: select, search and quota were skipped as "INBOX does
// not exist". Each answer that came is judged; the diagnosis names the contradiction.
TEST_F(TrustTest, OneNoFromStatusErasesNoOtherAnswer) {
    FakeImapServer server(quota_options());
    server.on("STATUS", [](fake::Session& s, const fake::Command& c) {
        s.tagged(c, "NO [NONEXISTENT] Mailbox doesn't exist: INBOX");
    });
    ProcessResult r = run(server, {});
    EXPECT_EQ(r.exit_code, 2) << r.out;
    json j = json::parse(r.out);
    const json& status = find_check(j, "status");
    EXPECT_EQ(status["status"], "fail");
    EXPECT_EQ(status["diagnosis"]["class"], "server.protocol") << status.dump(1);
    EXPECT_NE(status["diagnosis"]["cause"].get<std::string>().find("but LIST lists it"),
              std::string::npos);
    for (const char* id : {"select", "search", "fetch", "quota"})
        EXPECT_EQ(find_check(j, id)["status"], "pass") << id << ": " << find_check(j, id).dump(1);
}

// Issue 19 §5: a server that closed right after LOGIN's OK was reported "FAIL list ... LIST
// was not sent". The session broke after login: the report says so, with what was in flight.
TEST_F(TrustTest, ASessionThatBreaksRightAfterLoginSaysSo) {
    FakeImapServer server(quota_options());
    server.on("AUTHENTICATE", [](fake::Session& s, const fake::Command& c) {
        s.tagged(c, "OK [CAPABILITY IMAP4rev1 LITERAL+ QUOTA] Logged in");
        s.close();
    });
    ProcessResult r = run(server, {"--command-timeout", "2"});
    EXPECT_EQ(r.exit_code, 2) << r.out;
    json j = json::parse(r.out);
    EXPECT_EQ(find_check(j, "login")["status"], "pass");
    const json& list = find_check(j, "list");
    EXPECT_EQ(list["summary"].get<std::string>().rfind("the session broke right after login: ", 0),
              0u)
        << list.dump(1);
    EXPECT_EQ(list["diagnosis"]["class"], "connection.lost");
    EXPECT_NE(list["diagnosis"]["cause"].get<std::string>().find("right after login"),
              std::string::npos);
}

// Issue 19 §6: LOGINDISABLED on --tls none suggested --allow-plaintext-auth and "enable
// AUTH=PLAIN": the server refuses cleartext on purpose, and the remedy is TLS.
TEST_F(TrustTest, LoginDisabledWithoutTlsSuggestsOnlyTls) {
    for (bool allow : {false, true}) {
        ServerOptions o = options(TlsMode::None);
        o.capabilities_pre_tls = {"IMAP4rev1", "LOGINDISABLED"};
        FakeImapServer server(o);
        std::vector<std::string> extra = {"--tls", "none"};
        if (allow) extra.push_back("--allow-plaintext-auth");
        ProcessResult r = run(server, extra);
        EXPECT_EQ(r.exit_code, 2) << r.out;
        const json report = json::parse(r.out);
        const json& login = find_check(report, "login");
        ASSERT_TRUE(login.contains("diagnosis")) << report.dump(1);
        EXPECT_EQ(login["diagnosis"]["class"], "auth.logindisabled") << login.dump(1);
        const std::string tries = login["diagnosis"]["try"].dump();
        EXPECT_NE(tries.find("--tls starttls or --tls implicit"), std::string::npos) << tries;
        EXPECT_EQ(tries.find("allow-plaintext"), std::string::npos) << tries;
        EXPECT_EQ(tries.find("AUTH=PLAIN"), std::string::npos) << tries;
        EXPECT_FALSE(sent_command(server, "LOGIN")) << "no password in clear";
    }
}

// Issue 19, the property with --baseline and the real binary: over every single --only,
// --skip and --quit-after against a server where everything passes, each run comparing
// against a baseline saved from a full run, the exit code is 0 only if every check that
// was asked for ran and passed, and the baseline check ran and passed.
TEST_F(TrustTest, WithABaselineExitIsZeroOnlyWhenEverythingAskedForRanAndPassed) {
    FakeImapServer server(quota_options());
    const std::string saved = dir_ + "/saved.json";
    ProcessResult first = run(server, {"--save-baseline", saved});
    ASSERT_EQ(first.exit_code, 0) << first.out;
    const std::vector<std::string> ids = {"connect", "tls",    "capability", "login",
                                          "list",    "status", "select",     "search",
                                          "fetch",   "quota",  "logout"};
    std::vector<std::vector<std::string>> selections = {{}};
    for (const auto& id : ids) {
        selections.push_back({"--only", id});
        selections.push_back({"--skip", id});
        selections.push_back({"--quit-after", id});
    }
    int zero = 0;
    for (const auto& selection : selections) {
        std::vector<std::string> extra = {"--baseline", saved};
        extra.insert(extra.end(), selection.begin(), selection.end());
        ProcessResult r = run(server, extra);
        const std::string what = ::testing::PrintToString(selection);
        if (r.exit_code == 3) continue;  // a selection refused as a usage error
        ASSERT_TRUE(json::accept(r.out)) << what << r.out << r.err;
        if (r.exit_code != 0) continue;
        ++zero;
        const json j = json::parse(r.out);
        EXPECT_EQ(find_check(j, "baseline")["status"], "pass") << what;
        for (const auto& id : ids) {
            const json& c = find_check(j, id);
            const std::string summary = c["summary"];
            const bool left_out = c["status"] == "skip" && (summary.rfind("--skip", 0) == 0 ||
                                                            summary.rfind("--quit-after", 0) == 0 ||
                                                            summary == "not selected by --only");
            const bool named =
                selection.size() == 2 && selection[0] == "--only" && selection[1] == id;
            if (named || !left_out) {
                EXPECT_EQ(c["status"], "pass") << what << " exits 0, but " << id << ": " << summary;
            }
        }
    }
    EXPECT_GT(zero, 20) << "most selections pass against a server where everything works";
}

// Issue 19 §9: --help and serve --help had lines of up to 100 columns.
TEST_F(TrustTest, BothHelpsFitIn80Columns) {
    for (const std::vector<std::string>& argv :
         {std::vector<std::string>{testing::imapcheck_binary(), "--help"},
          std::vector<std::string>{testing::imapcheck_binary(), "serve", "--help"}}) {
        ProcessResult r = testing::run_process(argv, {}, std::chrono::seconds(10));
        EXPECT_EQ(r.exit_code, 0) << argv.back();
        std::istringstream lines(r.out);
        std::string line;
        int count = 0;
        while (std::getline(lines, line)) {
            ++count;
            EXPECT_LE(line.size(), 80u) << argv[1] << ": " << line;
        }
        EXPECT_GT(count, 10) << r.out;
    }
}

// Issue 20 §3 (the part this round builds): --resolve pins a name to addresses without DNS,
// as curl's; the name is still the one verified (the test certificate names localhost).
TEST_F(TrustTest, ResolvePinsANameToAnAddressWithoutDns) {
    FakeImapServer server(quota_options());
    const std::string port = std::to_string(server.port());
    ProcessResult r =
        testing::run_process({testing::imapcheck_binary(), "--host", "imap.invalid", "--port", port,
                              "--user", user, "--cacert", pki_->ca_pem, "--resolve",
                              "imap.invalid:" + port + ":127.0.0.1", "--format", "json"},
                             {{"IMAPCHECK_PASSWORD", kPassword}}, std::chrono::seconds(20));
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    const json j = json::parse(r.out);
    EXPECT_EQ(find_check(j, "connect")["details"]["address"], "127.0.0.1") << j.dump(1);
    EXPECT_EQ(find_check(j, "tls")["diagnosis"]["class"], "tls.name_mismatch")
        << "the pinned name is the one verified";
    for (const std::string bad : {"imap.invalid", "imap.invalid:143", "imap.invalid:x:127.0.0.1",
                                  "imap.invalid:143:not-an-address", ":143:127.0.0.1"}) {
        ProcessResult refused =
            testing::run_process({testing::imapcheck_binary(), "--host", "imap.invalid", "--user",
                                  user, "--resolve", bad},
                                 {{"IMAPCHECK_PASSWORD", kPassword}}, std::chrono::seconds(10));
        EXPECT_EQ(refused.exit_code, 3) << bad;
        EXPECT_NE(refused.err.find("--resolve must be HOST:PORT:ADDR[,ADDR...]"), std::string::npos)
            << refused.err;
    }
}

}  // namespace
}  // namespace imapcheck
