// Diagnosis component tests: the real imapcheck binary against fake servers and listeners
// on loopback that reproduce each class of README's "Diagnosing a server" for real (a
// silent implicit-TLS port, other protocols' banners, the test PKI's bad certificates,
// refusals with RFC 5530 codes), asserting the class, the exit code, the words of `try`
// and, for the wrong-port cases, the time to fail with the default timeouts.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "component_fixture.hpp"
#include "loopback.hpp"
#include "raw_server.hpp"

namespace imapcheck {
namespace {

using namespace std::chrono_literals;
using fake::Command;
using fake::Session;
using testing::RawServer;

class DiagnosisTest : public ComponentTest {
  protected:
    // The real binary with its default connect and command timeouts, STARTTLS unless
    // `extra` says otherwise, the test CA trusted.
    ProcessResult probe(uint16_t port, std::vector<std::string> extra = {}) {
        std::vector<std::string> argv = {testing::imapcheck_binary(),
                                         "--host",
                                         "localhost",
                                         "--port",
                                         std::to_string(port),
                                         "--user",
                                         "alice",
                                         "--cacert",
                                         pki_->ca_pem,
                                         "--format",
                                         "json"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        return testing::run_process(argv, {{"IMAPCHECK_PASSWORD", kPassword}}, 40s);
    }

    static json parsed(const ProcessResult& r, int exit_code) {
        EXPECT_FALSE(r.timed_out);
        EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
        EXPECT_TRUE(json::accept(r.out)) << r.out << r.err;
        return json::accept(r.out) ? json::parse(r.out) : json::object();
    }

    // The check's status and class, and that each of `words` is in its cause or a `try`.
    static void expect_diagnosis(const json& j, const std::string& check, const std::string& status,
                                 const std::string& id, std::vector<std::string> words = {}) {
        const json& c = find_check(j, check);
        EXPECT_EQ(c["status"], status) << check << ": " << c["summary"];
        ASSERT_TRUE(c.contains("diagnosis")) << check << " has no diagnosis: " << c.dump();
        const json& d = c["diagnosis"];
        EXPECT_EQ(d["class"], id) << d.dump();
        std::string text = d["cause"].get<std::string>() + "\n" + d["evidence"].get<std::string>();
        for (const auto& t : d["try"]) text += "\n" + t.get<std::string>();
        for (const auto& w : words)
            EXPECT_NE(text.find(w), std::string::npos) << "no '" << w << "' in " << d.dump();
    }
};

// --- the connection ---------------------------------------------------------------------

TEST_F(DiagnosisTest, SilentImplicitTlsPortIsNamedWithinThreeSecondsWithoutSendingAnything) {
    ServerOptions o = options(TlsMode::Implicit);  // waits for a ClientHello
    o.concurrent = true;                           // and answers a second connection meanwhile
    FakeImapServer server(o);
    ProcessResult r = probe(server.port(), {"--trace", "-"});  // STARTTLS, default timeouts
    json j = parsed(r, 2);
    expect_diagnosis(j, "connect", "fail", "greeting.tls_port", {"--tls implicit"});
    // The trace tells the follow-up and the failure as events.
    EXPECT_NE(r.err.find("follow-up: the TLS handshake completed"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("connect phase failed: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[greeting.tls_port]"), std::string::npos) << r.err;
    EXPECT_LT(r.seconds, 3.0) << "not the 10 s connect timeout";
    EXPECT_GT(r.seconds, 1.5) << "the server is given its moment to greet first";
    ASSERT_TRUE(server.wait_for_connections_done(2));
    // The follow-up is a TLS handshake and nothing else: no IMAP, no user name.
    EXPECT_EQ(server.tls_handshake_count(), 1u);
    EXPECT_EQ(server.received(), "");
    EXPECT_EQ(server.received_plaintext_before_tls(), "");
    EXPECT_TRUE(server.commands().empty());
}

// Issue 19 §4: an HTTP server probed with --tls implicit was told "try: --tls starttls (port
// N is plain IMAP)" though it answered "HTTP/1.1 400". The protocol that answered is named,
// well under the connect timeout (an HTTP server waits for the client: no greeting comes).
TEST_F(DiagnosisTest, AnHttpServerAnsweringTheClientHelloIsNamedHttp) {
    RawServer server(
        {{std::chrono::milliseconds(100),
          "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"}});
    ProcessResult r = probe(server.port(), {"--tls", "implicit", "--connect-timeout", "8"});
    json j = parsed(r, 2);
    expect_diagnosis(j, "connect", "fail", "tls.plaintext_port",
                     {"answered the TLS handshake in HTTP", "speaks HTTP"});
    const std::string tries = find_check(j, "connect")["diagnosis"]["try"].dump();
    EXPECT_EQ(tries.find("--tls starttls"), std::string::npos) << tries;
    EXPECT_LT(r.seconds, 5.0);
}

TEST_F(DiagnosisTest, PlainPortWithTlsImplicitQuotesTheGreetingAndFailsConnect) {
    FakeImapServer server(options(TlsMode::StartTls));
    ProcessResult r = probe(server.port(), {"--tls", "implicit"});
    json j = parsed(r, 2);
    expect_diagnosis(j, "connect", "fail", "tls.plaintext_port", {"--tls starttls", "fake ready"});
    EXPECT_EQ(find_check(j, "tls")["status"], "skip");
    EXPECT_LT(r.seconds, 3.0);
    ASSERT_TRUE(server.wait_for_connections_done(2));
    // The first connection's ClientHello reads as junk lines; the follow-up sent nothing.
    for (const auto& c : server.commands())
        for (const char* verb : {"LOGIN", "AUTHENTICATE", "CAPABILITY", "STARTTLS"})
            EXPECT_NE(c.name, verb);
    EXPECT_EQ(server.received().find("alice"), std::string::npos);
}

struct Banner {
    const char* name;
    const char* line;
    const char* protocol;
};

class BannerTest : public DiagnosisTest, public ::testing::WithParamInterface<Banner> {};

TEST_P(BannerTest, AnotherProtocolIsNamedOnItsFirstLineInUnderASecond) {
    RawServer server({{0ms, std::string(GetParam().line) + "\r\n"}});
    ProcessResult r = probe(server.port());
    json j = parsed(r, 2);
    expect_diagnosis(j, "connect", "fail", "greeting.not_imap",
                     {std::string("speaks ") + GetParam().protocol, "143", "993", GetParam().line});
    EXPECT_LT(r.seconds, 1.0) << "the banner arrived at once";
    EXPECT_EQ(server.received(), "") << "nothing is sent to a server that is not IMAP";
}

INSTANTIATE_TEST_SUITE_P(Protocols, BannerTest,
                         ::testing::Values(Banner{"smtp", "220 mx.example.test ESMTP Postfix",
                                                  "SMTP"},
                                           Banner{"pop3", "+OK Dovecot ready.", "POP3"},
                                           Banner{"ssh", "SSH-2.0-OpenSSH_9.2p1 Debian-2", "SSH"},
                                           Banner{"http", "HTTP/1.1 400 Bad Request", "HTTP"}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(DiagnosisTest, ClosedPortIsRefusedAndNamesTheImapPorts) {
    ProcessResult r = probe(testing::closed_loopback_port());
    expect_diagnosis(parsed(r, 2), "connect", "fail", "net.refused", {"143", "993"});
}

TEST_F(DiagnosisTest, ServerThatHangsUpAtOnceIsNetClosed) {
    RawServer server({}, /*hang_up_at_once=*/true);
    ProcessResult r = probe(server.port());
    expect_diagnosis(parsed(r, 2), "connect", "fail", "net.closed", {"connection limits"});
    EXPECT_TRUE(server.accepted());
    EXPECT_LT(r.seconds, 3.0);
}

TEST_F(DiagnosisTest, PortThatDropsConnectionAttemptsIsNetTimeout) {
    // A listener that never accepts, its queue full: the kernel drops further SYNs, as a
    // filtering firewall would.
    auto listener = testing::listen_on_loopback(0);
    std::vector<int> queued;
    for (int i = 0; i < 4; ++i) {  // non-blocking: a connect the kernel drops must not wait here
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(listener.port);
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        (void)::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to);
        queued.push_back(fd);
    }
    std::this_thread::sleep_for(100ms);  // their handshakes fill the queue
    ProcessResult r = probe(listener.port, {"--connect-timeout", "1", "--timeout", "5"});
    json j = parsed(r, 2);
    expect_diagnosis(j, "connect", "fail", "net.timeout", {"firewall", "--connect-timeout"});
    for (int fd : queued)
        if (fd >= 0) ::close(fd);
    ::close(listener.fd);
}

TEST_F(DiagnosisTest, NameThatDoesNotResolveIsNetDnsNamingTheName) {
    ProcessResult r = probe(testing::closed_loopback_port(), {"--host", "nosuch.invalid"});
    expect_diagnosis(parsed(r, 2), "connect", "fail", "net.dns",
                     {"nosuch.invalid", "getent hosts"});
    // Through --connect-to, the name that failed is that one, not --host.
    r = probe(testing::closed_loopback_port(), {"--connect-to", "nosuch.invalid"});
    expect_diagnosis(parsed(r, 2), "connect", "fail", "net.dns",
                     {"'nosuch.invalid'", "--connect-to"});
}

TEST_F(DiagnosisTest, ProxyThatIsNotThereIsNetProxy) {
    const std::string proxy =
        "socks5h://127.0.0.1:" + std::to_string(testing::closed_loopback_port());
    ProcessResult r = probe(testing::closed_loopback_port(), {"--proxy", proxy});
    expect_diagnosis(parsed(r, 2), "connect", "fail", "net.proxy", {proxy});
}

// Issue 19 §4: an HTTP proxy answering 403 to CONNECT was "port N speaks HTTP, not IMAP"
// (greeting.not_imap). It is the proxy that refused, in its words.
TEST_F(DiagnosisTest, AnHttpProxyThatRefusesTheTunnelIsNetProxy) {
    RawServer proxy(
        {{std::chrono::milliseconds(100), "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"}});
    const std::string url = "http://127.0.0.1:" + std::to_string(proxy.port());
    ProcessResult r = probe(143, {"--proxy", url});
    expect_diagnosis(parsed(r, 2), "connect", "fail", "net.proxy", {url, "HTTP/1.1 403 Forbidden"});
    EXPECT_NE(proxy.received().find("CONNECT localhost:143"), std::string::npos)
        << proxy.received();
}

// Issue 19 §4: a refused --connect-to was "cannot connect to localhost:143 ... try: check
// --port". The address actually tried, and the rule that chose it, are named.
TEST_F(DiagnosisTest, ARefusedConnectToNamesTheAddressTried) {
    const std::string to = "127.0.0.1:" + std::to_string(testing::closed_loopback_port());
    json j = parsed(probe(143, {"--connect-to", to}), 2);
    expect_diagnosis(j, "connect", "fail", "net.refused",
                     {"nothing listens on " + to + " (--connect-to, for localhost:143)",
                      "check the address and port of --connect-to " + to});
}

TEST_F(DiagnosisTest, SilentPlainServerIsGreetingTimeoutAfterTheTlsQuestion) {
    RawServer server({});
    ProcessResult r = probe(server.port(), {"--connect-timeout", "3"});
    expect_diagnosis(parsed(r, 2), "connect", "fail", "greeting.timeout",
                     {"does not speak TLS first either", "--trace"});
    EXPECT_EQ(server.received(), "") << "the first connection got nothing from us";
}

// Issue 19 §3: `--timeout 3` against a silent port said "no IMAP greeting came within 10 s
// ... raise --connect-timeout" after 3 s. The message names the limit that ended the wait.
TEST_F(DiagnosisTest, AGreetingTimeoutNamesTheLimitThatEndedTheWait) {
    RawServer server({});
    const auto started = std::chrono::steady_clock::now();
    ProcessResult r = probe(server.port(), {"--timeout", "3"});  // --connect-timeout: 10 s
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    expect_diagnosis(parsed(r, 2), "connect", "fail", "greeting.timeout",
                     {"within 3 s (--timeout)", "raise --timeout"});
    EXPECT_LT(seconds, 6.0);
    ProcessResult c = probe(server.port(), {"--timeout", "20", "--connect-timeout", "3"});
    expect_diagnosis(parsed(c, 2), "connect", "fail", "greeting.timeout",
                     {"within 3 s (--connect-timeout)", "raise --connect-timeout"});
}

// Issue 19 §3: a server dripping its greeting (one byte per 50 ms) and then not answering
// CAPABILITY ended "OK 0 warnings, 0 failures, 10 skipped" (every later step "--timeout used
// up"), or blamed tls. The step that stalled is named, and the run is CRITICAL.
TEST_F(DiagnosisTest, ADrippingServerIsBlamedOnTheStepThatStalled) {
    std::vector<RawServer::Step> drip;
    for (char c : std::string("* OK [CAPABILITY IMAP4rev1 STARTTLS] drip\r\n"))
        drip.push_back({std::chrono::milliseconds(50), std::string(1, c)});
    RawServer server(drip);
    // 6 s: the greeting's 2 s, the TLS-port follow-up's (at most 2 s), then CAPABILITY's wait.
    ProcessResult r = probe(server.port(), {"--timeout", "6"});
    json j = parsed(r, 2);
    EXPECT_EQ(find_check(j, "connect")["status"], "pass") << find_check(j, "connect").dump(1);
    EXPECT_EQ(find_check(j, "tls")["status"], "skip") << find_check(j, "tls").dump(1);
    expect_diagnosis(j, "capability", "fail", "command.timeout",
                     {"CAPABILITY (before STARTTLS) within 6 s (--timeout)"});
    EXPECT_EQ(j["status"], "CRITICAL");
}

TEST_F(DiagnosisTest, ByeGreetingIsGreetingBye) {
    ServerOptions o = options(TlsMode::StartTls);
    o.greeting = "* BYE Too many connections from 127.0.0.1";
    FakeImapServer server(o);
    expect_diagnosis(parsed(probe(server.port()), 2), "connect", "fail", "greeting.bye",
                     {"Too many connections"});
}

// --- TLS ----------------------------------------------------------------------------------

TEST_F(DiagnosisTest, ServerWithoutStartTlsIsStartTlsMissing) {
    FakeImapServer server(options(TlsMode::None));
    expect_diagnosis(parsed(probe(server.port()), 2), "tls", "fail", "tls.starttls_missing",
                     {"--tls implicit"});
}

TEST_F(DiagnosisTest, ServerRefusingStartTlsIsStartTlsRefused) {
    FakeImapServer server(options(TlsMode::StartTls));
    server.on("STARTTLS",
              [](Session& s, const Command& c) { s.tagged(c, "NO TLS is broken here"); });
    expect_diagnosis(parsed(probe(server.port()), 2), "tls", "fail", "tls.starttls_refused",
                     {"TLS configuration"});
}

struct BadCertificate {
    const char* name;
    std::string fake::TestPki::*cert;
    std::string fake::TestPki::*key;
    const char* id;
    std::vector<std::string> words;
};

class CertificateTest : public DiagnosisTest,
                        public ::testing::WithParamInterface<BadCertificate> {};

TEST_P(CertificateTest, EachBadCertificateIsItsClassWithTheFacts) {
    const BadCertificate& bad = GetParam();
    ServerOptions o = options(TlsMode::Implicit);
    o.cert_file = (*pki_).*bad.cert;
    o.key_file = (*pki_).*bad.key;
    FakeImapServer server(o);
    ProcessResult r = probe(server.port(), {"--tls", "implicit"});
    json j = parsed(r, 2);
    expect_diagnosis(j, "tls", "fail", bad.id, bad.words);
    EXPECT_EQ(find_check(j, "connect")["status"], "pass") << "TCP and the handshake's start worked";
    EXPECT_EQ(find_check(j, "login")["status"], "skip");
    ASSERT_TRUE(server.wait_for_connections_done(1));
    EXPECT_EQ(server.received().find("alice"), std::string::npos);
}

using fake::TestPki;
INSTANTIATE_TEST_SUITE_P(
    TestPki, CertificateTest,
    ::testing::Values(BadCertificate{"wrong_name",
                                     &TestPki::wrong_name_cert,
                                     &TestPki::wrong_name_key,
                                     "tls.name_mismatch",
                                     {"does not name 'localhost'", "wrong.example",
                                      "--host wrong.example"}},
                      BadCertificate{"expired",
                                     &TestPki::expired_cert,
                                     &TestPki::expired_key,
                                     "tls.expired",
                                     {"expired 1 day ago", "renew", "valid "}},
                      BadCertificate{"not_yet_valid",
                                     &TestPki::future_cert,
                                     &TestPki::future_key,
                                     "tls.not_yet_valid",
                                     {"valid only from", "in 10 days", "clocks"}},
                      BadCertificate{"self_signed",
                                     &TestPki::self_signed_cert,
                                     &TestPki::self_signed_key,
                                     "tls.self_signed",
                                     {"self-signed", "--cacert"}},
                      BadCertificate{"leaf_only",
                                     &TestPki::leaf_only_cert,
                                     &TestPki::leaf_only_key,
                                     "tls.chain_incomplete",
                                     {"only its own certificate", "imapcheck test intermediate",
                                      "full chain", "sent 1 certificate"}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(DiagnosisTest, CertificateFromACaNotInTheStoreIsUntrusted) {
    FakeImapServer server(options(TlsMode::Implicit));
    std::vector<std::string> argv = {testing::imapcheck_binary(),
                                     "--host",
                                     "localhost",
                                     "--port",
                                     std::to_string(server.port()),
                                     "--tls",
                                     "implicit",
                                     "--user",
                                     "alice",
                                     "--format",
                                     "json"};  // the system store only
    ProcessResult r = testing::run_process(argv, {{"IMAPCHECK_PASSWORD", kPassword}}, 20s);
    expect_diagnosis(parsed(r, 2), "tls", "fail", "tls.untrusted",
                     {"the system trust store", "--cacert FILE", "imapcheck test CA"});
}

TEST_F(DiagnosisTest, CertificateNearItsEndIsExpiringWithTheBoundItCrossed) {
    ServerOptions o = options(TlsMode::Implicit);
    o.cert_file = pki_->expiring_cert;
    o.key_file = pki_->expiring_key;
    FakeImapServer server(o);
    json j = parsed(probe(server.port(), {"--tls", "implicit", "--cert-crit-days", "1"}), 1);
    expect_diagnosis(j, "tls", "warn", "tls.expiring",
                     {"expires in 2 days", "--cert-warn-days 14"});
    j = parsed(probe(server.port(), {"--tls", "implicit"}), 2);
    expect_diagnosis(j, "tls", "fail", "tls.expiring", {"--cert-crit-days 3"});
}

// Issue 19 §2: -k on an expired certificate was WARNING ("-2 days left" beside "expired 1
// day ago"). -k skips verification only: expired is CRITICAL, with one number of days, and
// the run still goes on over the working channel.
TEST_F(DiagnosisTest, InsecureOnAnExpiredCertificateIsCriticalAndGoesOn) {
    ServerOptions o = options(TlsMode::Implicit);
    o.cert_file = pki_->expired_cert;
    o.key_file = pki_->expired_key;
    FakeImapServer server(o);
    json j = parsed(probe(server.port(), {"--tls", "implicit", "--insecure"}), 2);
    expect_diagnosis(j, "tls", "fail", "tls.expired",
                     {"expired 1 day ago", "--insecure skips verification, not the expiry date"});
    const json& tls = find_check(j, "tls");
    EXPECT_EQ(tls["details"]["days_left"], -1) << "the same number as 'expired 1 day ago'";
    EXPECT_EQ(tls["summary"].get<std::string>().find("days left"), std::string::npos)
        << tls["summary"];
    EXPECT_EQ(find_check(j, "login")["status"], "pass") << "-k lets the run go on";
    EXPECT_EQ(find_check(j, "logout")["status"], "pass");
    // Nagios: the status line and the perfdata say the same.
    ProcessResult nagios =
        probe(server.port(), {"--tls", "implicit", "--insecure", "--format", "nagios"});
    EXPECT_EQ(nagios.exit_code, 2) << nagios.out;
    EXPECT_EQ(nagios.out.rfind("IMAP CRITICAL", 0), 0u) << nagios.out;
    EXPECT_NE(nagios.out.find("cert_days_left=-1;14:;3:"), std::string::npos) << nagios.out;
}

// Issue 19 §2: -k with --cert-crit-days 5 on a certificate 2 days from expiry was WARNING
// (without -k: CRITICAL), while the perfdata said critical under IMAP WARNING.
TEST_F(DiagnosisTest, InsecureJudgesExpiryAsWithoutIt) {
    ServerOptions o = options(TlsMode::Implicit);
    o.cert_file = pki_->expiring_cert;
    o.key_file = pki_->expiring_key;
    FakeImapServer server(o);
    for (bool insecure : {false, true}) {
        std::vector<std::string> extra = {"--tls", "implicit", "--cert-crit-days", "5"};
        if (insecure) extra.push_back("-k");
        json j = parsed(probe(server.port(), extra), 2);
        expect_diagnosis(j, "tls", "fail", "tls.expiring", {"--cert-crit-days 5"});
        extra.insert(extra.end(), {"--format", "nagios"});
        ProcessResult nagios = probe(server.port(), extra);
        EXPECT_EQ(nagios.out.rfind("IMAP CRITICAL", 0), 0u) << insecure << nagios.out;
        EXPECT_NE(nagios.out.find(";14:;5:"), std::string::npos) << nagios.out;
    }
    // Inside the warning window only: WARNING either way, the days named.
    json j = parsed(probe(server.port(), {"--tls", "implicit", "--cert-crit-days", "1", "-k"}), 1);
    expect_diagnosis(j, "tls", "warn", "tls.expiring",
                     {"expires in 2 days", "--cert-warn-days 14"});
}

TEST_F(DiagnosisTest, InsecureOnAGoodCertificateClaimsNoProblem) {
    FakeImapServer server(options(TlsMode::Implicit));
    json j = parsed(probe(server.port(), {"--tls", "implicit", "--insecure"}), 1);
    expect_diagnosis(j, "tls", "warn", "tls.insecure", {"verifies against", "drop --insecure"});
    EXPECT_EQ(find_check(j, "tls")["diagnosis"]["cause"].get<std::string>().find("would fail"),
              std::string::npos);
}

TEST_F(DiagnosisTest, InsecureOnAWrongNameReportsTheMismatch) {
    ServerOptions o = options(TlsMode::Implicit);
    o.cert_file = pki_->wrong_name_cert;
    o.key_file = pki_->wrong_name_key;
    FakeImapServer server(o);
    json j = parsed(probe(server.port(), {"--tls", "implicit", "-k"}), 1);
    expect_diagnosis(j, "tls", "warn", "tls.insecure", {"does not name 'localhost'"});
    EXPECT_EQ(find_check(j, "tls")["diagnosis"]["cause"].get<std::string>().find("issuer"),
              std::string::npos)
        << "the chain verifies against --cacert: no false trust problem";
}

TEST_F(DiagnosisTest, NoSharedTlsVersionIsTlsVersion) {
    ServerOptions o = options(TlsMode::Implicit);
    o.max_tls_1_2 = true;
    FakeImapServer server(o);
    // Issue 19 §6: the diagnosis names what the server does offer (one handshake without
    // the floor, on a second connection, within the same budget).
    expect_diagnosis(parsed(probe(server.port(), {"--tls", "implicit", "--min-tls", "1.3"}), 2),
                     "tls", "fail", "tls.version",
                     {"the server offers at most TLS 1.2; --min-tls 1.3 forbids it"});
    EXPECT_EQ(server.tls_handshake_count(), 1u) << "the follow-up handshake, and no more";
}

TEST_F(DiagnosisTest, TlsAlertInsteadOfAHandshakeIsTlsHandshake) {
    // A handshake_failure alert record, as a server with no cipher in common sends.
    RawServer server({{0ms, std::string("\x15\x03\x03\x00\x02\x02\x28", 7)}});
    expect_diagnosis(parsed(probe(server.port(), {"--tls", "implicit"}), 2), "tls", "fail",
                     "tls.handshake", {"--trace"});
}

// --- login --------------------------------------------------------------------------------

struct LoginRefusal {
    const char* name;
    const char* answer;
    const char* id;
    std::vector<std::string> words;
};

class LoginRefusalTest : public DiagnosisTest,
                         public ::testing::WithParamInterface<LoginRefusal> {};

TEST_P(LoginRefusalTest, TheCodeNamesTheClass) {
    FakeImapServer server(options(TlsMode::StartTls));
    const std::string answer = GetParam().answer;
    server.on("AUTHENTICATE", [answer](Session& s, const Command& c) { s.tagged(c, answer); });
    ProcessResult r = probe(server.port());
    json j = parsed(r, 2);
    expect_diagnosis(j, "login", "fail", GetParam().id, GetParam().words);
    EXPECT_EQ(r.out.find(kPassword), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5530, LoginRefusalTest,
    ::testing::Values(LoginRefusal{"no_code",
                                   "NO Authentication failed.",
                                   "auth.failed",
                                   {"PLAIN", "from $IMAPCHECK_PASSWORD (11 characters)"}},
                      LoginRefusal{"authenticationfailed",
                                   "NO [AUTHENTICATIONFAILED] Authentication failed.",
                                   "auth.failed",
                                   {"the server's log"}},
                      LoginRefusal{"authorizationfailed",
                                   "NO [AUTHORIZATIONFAILED] Not for you",
                                   "auth.authorization",
                                   {"master-user"}},
                      LoginRefusal{"expired",
                                   "NO [EXPIRED] Password expired",
                                   "auth.expired",
                                   {"renew the password"}},
                      LoginRefusal{"privacyrequired",
                                   "NO [PRIVACYREQUIRED] Encrypt first",
                                   "auth.privacy_required",
                                   {"--tls starttls"}},
                      LoginRefusal{"unavailable",
                                   "NO [UNAVAILABLE] Auth back end down",
                                   "auth.unavailable",
                                   {"LDAP", "later"}},
                      LoginRefusal{"alert",
                                   "NO [ALERT] Account locked by the administrator",
                                   "server.alert",
                                   {"Account locked"}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(DiagnosisTest, LoginDisabledWithoutAnAuthMechanismIsAuthLoginDisabled) {
    ServerOptions o = options(TlsMode::StartTls);
    o.capabilities_post_tls = {"IMAP4rev1", "LOGINDISABLED"};
    FakeImapServer server(o);
    expect_diagnosis(parsed(probe(server.port()), 2), "login", "fail", "auth.logindisabled",
                     {"LOGINDISABLED"});
}

TEST_F(DiagnosisTest, MechanismTheServerDoesNotOfferIsAuthMechanism) {
    FakeImapServer server(options(TlsMode::StartTls));
    expect_diagnosis(parsed(probe(server.port(), {"--auth", "xoauth2"}), 2), "login", "fail",
                     "auth.mechanism", {"AUTH=PLAIN"});
}

TEST_F(DiagnosisTest, NoTlsWithoutPermissionIsAuthCleartext) {
    FakeImapServer server(options(TlsMode::None));
    expect_diagnosis(parsed(probe(server.port(), {"--tls", "none"}), 2), "login", "fail",
                     "auth.cleartext", {"--allow-plaintext-auth"});
}

// --- after login --------------------------------------------------------------------------

TEST_F(DiagnosisTest, NoselectMailboxIsOneFailureAndTheChecksThatNeedItSkip) {
    ServerOptions o = quota_options();
    o.mailboxes[1].list_flags = {"\\Noselect", "\\HasChildren"};  // Archive
    FakeImapServer server(o);
    server.on("STATUS",
              [](Session& s, const Command& c) { s.tagged(c, "NO Mailbox isn't selectable"); });
    server.on("EXAMINE",
              [](Session& s, const Command& c) { s.tagged(c, "NO Mailbox isn't selectable"); });
    json j = parsed(probe(server.port(), {"--mailbox", "Archive"}), 2);
    expect_diagnosis(j, "status", "fail", "mailbox.noselect", {"holds folders"});
    for (const char* id : {"select", "search", "fetch", "quota"})
        EXPECT_EQ(find_check(j, id)["status"], "skip")
            << id << ": " << find_check(j, id)["summary"];
    EXPECT_EQ(find_check(j, "logout")["status"], "pass");
}

struct CodeCase {
    const char* name;
    const char* command;
    const char* answer;
    const char* check;
    const char* id;
};

class ResponseCodeTest : public DiagnosisTest, public ::testing::WithParamInterface<CodeCase> {};

TEST_P(ResponseCodeTest, AnRfc5530CodeNamesTheClassWhateverTheCommand) {
    FakeImapServer server(quota_options());
    const std::string answer = GetParam().answer;
    server.on(GetParam().command, [answer](Session& s, const Command& c) { s.tagged(c, answer); });
    json j = parsed(probe(server.port()), 2);
    expect_diagnosis(j, GetParam().check, "fail", GetParam().id);
    EXPECT_EQ(find_check(j, GetParam().check)["details"]["code"],
              std::string(answer).substr(4, std::string(answer).find(']') - 4));
}

INSTANTIATE_TEST_SUITE_P(
    Codes, ResponseCodeTest,
    ::testing::Values(
        CodeCase{"noperm", "STATUS", "NO [NOPERM] No access", "status", "mailbox.noperm"},
        CodeCase{"inuse", "EXAMINE", "NO [INUSE] Mailbox in use", "select", "server.unavailable"},
        CodeCase{"serverbug", "GETQUOTAROOT", "NO [SERVERBUG] Internal error", "quota",
                 "server.bug"},
        CodeCase{"overquota", "GETQUOTAROOT", "NO [OVERQUOTA] Over quota", "quota", "quota.full"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(DiagnosisTest, BadAnswerWithoutACodeIsCommandFailed) {
    FakeImapServer server(quota_options());
    server.on("LIST",
              [](Session& s, const Command& c) { s.tagged(c, "BAD Command unrecognized"); });
    expect_diagnosis(parsed(probe(server.port()), 2), "list", "fail", "command.failed",
                     {"Command unrecognized"});
}

TEST_F(DiagnosisTest, QuotaOverEachBoundNamesTheBoundAndTheResource) {
    FakeImapServer server(quota_options());  // 10 % used
    expect_diagnosis(parsed(probe(server.port(), {"--quota-warn", "5"}), 1), "quota", "warn",
                     "quota.warn", {"STORAGE", "over --quota-warn 5%"});
    expect_diagnosis(parsed(probe(server.port(), {"--quota-warn", "5", "--quota-crit", "8"}), 2),
                     "quota", "fail", "quota.full", {"over --quota-crit 8%"});
}

TEST_F(DiagnosisTest, SilenceAfterACommandIsCommandTimeoutAndAHangUpIsConnectionLost) {
    FakeImapServer stalls(quota_options());
    stalls.on("LIST", [](Session& s, const Command&) {
        for (;;) (void)s.read_line();  // ends with the client's close
    });
    expect_diagnosis(parsed(probe(stalls.port(), {"--command-timeout", "1"}), 2), "list", "fail",
                     "command.timeout", {"--command-timeout"});

    FakeImapServer hangs_up(quota_options());
    hangs_up.on("LIST", [](Session& s, const Command&) { s.close(); });
    expect_diagnosis(parsed(probe(hangs_up.port()), 2), "list", "fail", "connection.lost",
                     {"proxy or load balancer"});
}

TEST_F(DiagnosisTest, SlowStepWarnsEvenWithoutWarnTime) {
    FakeImapServer server(quota_options());
    server.on("GETQUOTAROOT", [](Session& s, const Command& c) {
        std::this_thread::sleep_for(1200ms);
        FakeImapServer::default_handler("GETQUOTAROOT")(s, c);
    });
    json j = parsed(probe(server.port(), {"--slow-step", "1"}), 1);
    expect_diagnosis(j, "quota", "warn", "slow.step",
                     {"over --slow-step 1 s", "--slow-step SECONDS"});
    // The default bound (5 s) lets the same run pass.
    EXPECT_EQ(find_check(parsed(probe(server.port()), 0), "quota")["status"], "pass");
}

}  // namespace
}  // namespace imapcheck

namespace imapcheck {
namespace {

TEST_F(DiagnosisTest, BreakInAPipelinedBatchBlamesTheCommandInFlightAndKeepsTheAnswers) {
    FakeImapServer server(quota_options());
    // STATUS and EXAMINE are answered; the connection breaks with SEARCH in flight, before
    // LIST (which goes alone, after them) was ever sent.
    server.on("SEARCH", [](Session& s, const Command&) { s.close(); });
    json j = parsed(probe(server.port(), {"--command-timeout", "2"}), 2);
    const std::string list = find_check(j, "list")["summary"];
    EXPECT_NE(list.find("SEARCH UNSEEN"), std::string::npos) << list;
    EXPECT_NE(list.find("LIST was not sent"), std::string::npos) << list;
    expect_diagnosis(j, "list", "fail", "connection.lost", {"SEARCH UNSEEN"});
    EXPECT_EQ(find_check(j, "status")["status"], "pass") << "its answer arrived: it is judged";
    EXPECT_EQ(find_check(j, "select")["status"], "pass") << find_check(j, "select")["summary"];
    EXPECT_EQ(find_check(j, "search")["status"], "skip");
    for (const auto& c : server.commands()) EXPECT_NE(c.name, "LIST");
}

}  // namespace
}  // namespace imapcheck
