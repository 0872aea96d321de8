// Component tests for --trace standing alone (issue 9): a header saying what was checked
// and how (version, target, TLS mode, trust store, route, user), a closing result line,
// and a server's control characters and invalid UTF-8 shown as \xNN escapes.
#include <fstream>
#include <regex>

#include "component_fixture.hpp"

namespace imapcheck {
namespace {

TEST_F(ComponentTest, TraceStartsWithWhatIsCheckedAndEndsWithTheResult) {
    ServerOptions o = options(TlsMode::StartTls);
    o.greeting =
        "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN SASL-IR LITERAL+] caf\xc3\xa9 \xff\x1b[2J "
        "ready";
    FakeImapServer server(o);
    ProcessResult r = run(server, {"--trace", "-", "--connect-to", "127.0.0.1"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::string& t = r.err;
    const std::string port = std::to_string(server.port());
    auto first = t.find("*: imapcheck ");
    ASSERT_NE(first, std::string::npos) << t;
    EXPECT_NE(t.find(" trace of localhost:" + port + ", TLS starttls\n", first), std::string::npos)
        << t;
    EXPECT_NE(t.find("*: trust: --cacert " + pki_->ca_pem + "\n"), std::string::npos) << t;
    EXPECT_NE(t.find("*: connect-to: 127.0.0.1:" + port + "\n"), std::string::npos) << t;
    EXPECT_NE(t.find("*: user: alice\n"), std::string::npos) << t;
    EXPECT_LT(first, t.find(" C: ")) << "the header comes before the first command";
    // The greeting's bytes: UTF-8 kept, the rest escaped so the terminal is not driven.
    EXPECT_NE(
        t.find("S: * OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN SASL-IR LITERAL+] caf\xc3\xa9 "
               "\\xff\\x1b[2J ready\n"),
        std::string::npos)
        << t;
    EXPECT_EQ(t.find('\x1b'), std::string::npos);
    // The last line: how it ended.
    auto result = t.rfind("*: result: OK (exit 0) in ");
    ASSERT_NE(result, std::string::npos) << t;
    EXPECT_EQ(t.find('\n', result), t.size() - 1) << "the result is the last line: " << t;
    expect_no_password(r);
}

TEST_F(ComponentTest, TraceOfAFailedRunEndsWithItsStatus) {
    FakeImapServer server(options(TlsMode::StartTls));
    ProcessResult r = run(server, {"--trace", "-", "--insecure"}, "wrong-password");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("*: trust: not verified (--insecure)\n"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("*: result: CRITICAL (exit 2) in "), std::string::npos) << r.err;
}

TEST_F(ComponentTest, AFleetTraceFramesEachTargetUnderItsName) {
    FakeImapServer server(options(TlsMode::StartTls));
    std::string dir = testing::make_temp_dir("imapcheck-trace-fleet");
    std::string config = dir + "/fleet.yml";
    std::ofstream(config) << "defaults: {host: localhost, port: " << server.port()
                          << ", cacert: " << pki_->ca_pem
                          << "}\ntargets:\n  - {name: good, user: alice}\n"
                             "  - {name: bad, user: alice, password-env: WRONG_PW}\n";
    ProcessResult r =
        testing::run_process({testing::imapcheck_binary(), "--config", config, "--trace", "-",
                              "--format", "json", "--concurrency", "1"},
                             {{"IMAPCHECK_PASSWORD", kPassword}, {"WRONG_PW", "wrong-password"}},
                             std::chrono::seconds(20));
    std::filesystem::remove_all(dir);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    // The header opens each target's trace (its time depends on the machine's load).
    for (const char* name : {"good", "bad"})
        EXPECT_TRUE(std::regex_search(
            r.err, std::regex("\\[" + std::string(name) + "\\] +[0-9]+\\.[0-9] \\*: imapcheck ")))
            << name << r.err;
    auto good = r.err.find("*: result: OK (exit 0) in ");
    auto bad = r.err.find("*: result: CRITICAL (exit 2) in ");
    ASSERT_NE(good, std::string::npos) << r.err;
    ASSERT_NE(bad, std::string::npos) << r.err;
    EXPECT_EQ(r.err.rfind("[good] ", good), r.err.rfind('\n', good) + 1)
        << "the result line has its name";
    EXPECT_EQ(r.err.rfind("[bad] ", bad), r.err.rfind('\n', bad) + 1)
        << "the result line has its name";
    expect_no_password(r);
}

}  // namespace
}  // namespace imapcheck
