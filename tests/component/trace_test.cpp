// Component tests for --trace standing alone (issue 9): a header saying what was checked
// and how (version, target, TLS mode, trust store, route, user), a closing result line,
// and a server's control characters and invalid UTF-8 shown as \xNN escapes.
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

}  // namespace
}  // namespace imapcheck
