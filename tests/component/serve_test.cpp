// Component tests of `imapcheck serve` with the real binary as an exporter on 127.0.0.1 and
// the scripted fake IMAP server behind it: every refusal is a 400 with no connection made,
// concurrent scrapes of one account share one login, a refused password is not tried again
// within the back-off, debug output masks the password, a bad reload keeps the old config.
#include <crypt.h>
#include <httplib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "background_process.hpp"
#include "component_fixture.hpp"
#include "loopback.hpp"

namespace imapcheck {
namespace {

// `imapcheck serve` as a child process, stopped with SIGTERM (and reaped) when it goes away.
class Exporter {
  public:
    // `ca`: talk HTTPS to "localhost", verified against this CA (a --web-config with TLS).
    Exporter(const std::string& config, std::vector<std::string> env,
             std::vector<std::string> extra = {}, const std::string& ca = "")
        : port_(testing::closed_loopback_port()) {
        std::vector<std::string> args = {
            testing::imapcheck_binary(),          "serve",          "--config", config, "--listen",
            "127.0.0.1:" + std::to_string(port_), "--auth-backoff", "600"};
        args.insert(args.end(), extra.begin(), extra.end());
        process_ = std::make_unique<testing::BackgroundProcess>(args, std::move(env),
                                                                config + ".serve.log");
        if (ca.empty()) {
            client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
        } else {
            client_ =
                std::make_unique<httplib::Client>("https://localhost:" + std::to_string(port_));
            client_->set_ca_cert_path(ca.c_str());
            client_->enable_server_certificate_verification(true);
        }
        client_->set_read_timeout(20, 0);
        // Up within 5 s, or the test fails on its first request.
        for (int i = 0; i < 100 && !get("/-/healthy"); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    httplib::Result get(const std::string& path) { return client_->Get(path.c_str()); }
    httplib::Result get_as(const std::string& path, const std::string& user,
                           const std::string& password) {
        client_->set_basic_auth(user.c_str(), password.c_str());
        auto r = client_->Get(path.c_str());
        client_->set_basic_auth("", "");
        return r;
    }
    httplib::Result post(const std::string& path) {
        return client_->Post(path.c_str(), "", "text/plain");
    }
    uint16_t port() const { return port_; }
    pid_t pid() const { return process_->pid(); }

  private:
    uint16_t port_;
    std::unique_ptr<testing::BackgroundProcess> process_;
    std::unique_ptr<httplib::Client> client_;
};

class ServeTest : public ComponentTest {
  protected:
    void SetUp() override { dir_ = testing::make_temp_dir("imapcheck-serve"); }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string write_config(const FakeImapServer& server, const std::string& extra_targets = "") {
        std::string path = dir_ + "/serve.yml";
        std::ofstream(path) << "defaults:\n  port: " << server.port()
                            << "\n  cacert: " << pki_->ca_pem << "\n  user: " << user
                            << "\n  timeout: 10\n"
                            << "modules:\n  m: {password-env: GOOD_PW}\n"
                            << "exporter:\n  allow: [localhost]\n"
                            << "targets:\n"
                            << "  - {name: good, host: localhost, password-env: GOOD_PW}\n"
                            << "  - {name: wrong, host: localhost, password-env: WRONG_PW}\n"
                            << extra_targets;
        return path;
    }
    std::vector<std::string> env() const { return {"GOOD_PW=" + kPassword, "WRONG_PW=not-it"}; }

    std::string dir_;
};

TEST_F(ServeTest, EveryRefusalIs400AndConnectsNothing) {
    FakeImapServer server(options(TlsMode::StartTls));
    Exporter exporter(write_config(server), env());
    for (const char* path :
         {"/probe?target=good&password=x", "/probe?target=good&token=x",
          "/probe?target=good&Password=x", "/probe?target=nosuch",
          "/probe?target=localhost&module=nosuch", "/probe?target=evil.example&module=m",
          "/probe?target=good&colour=red", "/probe?target=good&target=wrong", "/probe",
          "/probe?target=good&debug=yes"}) {
        auto r = exporter.get(path);
        ASSERT_TRUE(r) << path;
        EXPECT_EQ(r->status, 400) << path << ": " << r->body;
        EXPECT_EQ(r->body.find("probe_success"), std::string::npos) << path;
    }
    auto credentials = exporter.get("/probe?target=good&password=x");
    EXPECT_NE(credentials->body.find("credentials are never taken from the URL"),
              std::string::npos);
    // Issue 19 §8: a 400 never echoes a URL's credentials.
    for (const char* path : {"/probe?target=alice:pw-S3cret@localhost&module=m",
                             "/probe?target=alice:pw-S3cret@localhost"}) {
        auto in_target = exporter.get(path);
        ASSERT_TRUE(in_target) << path;
        EXPECT_EQ(in_target->status, 400) << path;
        EXPECT_NE(in_target->body.find("credentials are never taken from the URL"),
                  std::string::npos)
            << in_target->body;
        EXPECT_EQ(in_target->body.find("S3cret"), std::string::npos) << in_target->body;
    }
    EXPECT_EQ(server.connection_count(), 0u) << "nothing is connected for a refused request";
}

TEST_F(ServeTest, AProbeAnswersBlackboxSeriesAndTheRunsMetrics) {
    FakeImapServer server(options(TlsMode::StartTls));
    Exporter exporter(write_config(server), env());
    auto r = exporter.get("/probe?target=good");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_NE(r->body.find("\nprobe_success 1\n"), std::string::npos) << r->body;
    EXPECT_NE(r->body.find("\nprobe_duration_seconds "), std::string::npos);
    EXPECT_NE(r->body.find("imapcheck_check_status{host=\"localhost\",user=\"" + user +
                           "\",check=\"login\"} 0"),
              std::string::npos)
        << r->body;
    auto module = exporter.get("/probe?target=localhost&module=m");
    ASSERT_TRUE(module);
    EXPECT_NE(module->body.find("\nprobe_success 1\n"), std::string::npos) << module->body;
    auto metrics = exporter.get("/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_NE(
        metrics->body.find("imapcheck_exporter_probes_total{module=\"\",result=\"success\"} 1"),
        std::string::npos)
        << metrics->body;
    EXPECT_NE(
        metrics->body.find("imapcheck_exporter_probes_total{module=\"m\",result=\"success\"} 1"),
        std::string::npos);
}

TEST_F(ServeTest, TenConcurrentScrapesOfOneAccountShareOneLogin) {
    FakeImapServer server(options(TlsMode::StartTls));
    // A slow login keeps the first probe in flight while the other scrapes arrive.
    server.on("AUTHENTICATE", [](fake::Session& s, const fake::Command& c) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2000));
        FakeImapServer::default_handler("AUTHENTICATE")(s, c);
    });
    Exporter exporter(write_config(server), env());
    std::vector<std::thread> scrapes;
    std::vector<std::string> bodies(10);
    for (int i = 0; i < 10; ++i)
        scrapes.emplace_back([&, i] {
            httplib::Client client("127.0.0.1", exporter.port());
            client.set_read_timeout(20, 0);
            if (auto r = client.Get("/probe?target=good")) bodies[i] = r->body;
        });
    for (auto& t : scrapes) t.join();
    for (const auto& body : bodies)
        EXPECT_NE(body.find("\nprobe_success 1\n"), std::string::npos) << body;
    EXPECT_EQ(server.connection_count(), 1u) << "one login for ten concurrent scrapes";
}

TEST_F(ServeTest, ARefusedPasswordIsNotTriedAgainWithinTheBackoff) {
    FakeImapServer server(options(TlsMode::StartTls));
    Exporter exporter(write_config(server), env());
    auto first = exporter.get("/probe?target=wrong");
    ASSERT_TRUE(first);
    EXPECT_NE(first->body.find("\nprobe_success 0\n"), std::string::npos) << first->body;
    ASSERT_TRUE(server.wait_for_connections_done(1));
    auto again = exporter.get("/probe?target=wrong");
    ASSERT_TRUE(again);
    EXPECT_NE(again->body.find("\nprobe_success 0\n"), std::string::npos);
    EXPECT_NE(again->body.find("\nimapcheck_login_refused_age_seconds "), std::string::npos)
        << again->body;
    auto debug = exporter.get("/probe?target=wrong&debug=true");
    ASSERT_TRUE(debug);
    EXPECT_NE(debug->body.find("not logged in again"), std::string::npos) << debug->body;
    EXPECT_EQ(server.connection_count(), 1u) << "no second login within the back-off";
}

// Issue 19 §8: the back-off was keyed by account only: after `wrong` failed, `good` (the same
// user, the right password) answered probe_success 0, and a reload did not clear it.
TEST_F(ServeTest, TheBackoffIsPerCredentialAndAReloadClearsIt) {
    FakeImapServer server(options(TlsMode::StartTls));
    Exporter exporter(write_config(server), env());
    auto wrong = exporter.get("/probe?target=wrong");
    ASSERT_TRUE(wrong);
    EXPECT_NE(wrong->body.find("\nprobe_success 0\n"), std::string::npos) << wrong->body;
    ASSERT_TRUE(server.wait_for_connections_done(1));
    auto good = exporter.get("/probe?target=good");
    ASSERT_TRUE(good);
    EXPECT_NE(good->body.find("\nprobe_success 1\n"), std::string::npos)
        << "another credential of the same account is tried: " << good->body;
    ASSERT_TRUE(server.wait_for_connections_done(2));
    auto cached = exporter.get("/probe?target=wrong&debug=true");
    ASSERT_TRUE(cached);
    EXPECT_NE(cached->body.find("or at once after the password changes or POST /-/reload"),
              std::string::npos)
        << cached->body;
    EXPECT_EQ(server.connection_count(), 2u);
    ASSERT_EQ(exporter.post("/-/reload")->status, 200);
    auto retried = exporter.get("/probe?target=wrong");
    ASSERT_TRUE(retried);
    EXPECT_EQ(retried->body.find("imapcheck_login_refused_age_seconds"), std::string::npos)
        << "a reload clears the back-off: " << retried->body;
    EXPECT_EQ(server.connection_count(), 3u);
}

TEST_F(ServeTest, DebugShowsTheTranscriptAndTheReportWithThePasswordMasked) {
    FakeImapServer server(options(TlsMode::StartTls));
    Exporter exporter(write_config(server), env());
    auto r = exporter.get("/probe?target=good&debug=true");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_NE(r->body.find("Transcript (passwords masked):"), std::string::npos) << r->body;
    EXPECT_NE(r->body.find(" C: "), std::string::npos) << r->body;
    EXPECT_NE(r->body.find("AUTHENTICATE PLAIN ***"), std::string::npos) << r->body;
    EXPECT_NE(r->body.find("\nOK  0 warnings, 0 failures"), std::string::npos) << r->body;
    EXPECT_EQ(r->body.find(kPassword), std::string::npos) << "the password leaked";
}

// Issue 19 §8: debug=true (no auth by default) showed the newest unseen message's From,
// To and Subject, and the refused password's length. Debug shows the protocol, not the mail.
TEST_F(ServeTest, DebugShowsNoMailAndNoPasswordShape) {
    FakeImapServer server(options(TlsMode::StartTls));
    Exporter exporter(write_config(server), env());
    auto r = exporter.get("/probe?target=good&debug=true");
    ASSERT_TRUE(r);
    EXPECT_NE(r->body.find("| From: ***"), std::string::npos) << r->body;
    for (const char* mail :
         {"carol@example.com", "Quarterly report", "alice@example.com", "Hi Alice"})
        EXPECT_EQ(r->body.find(mail), std::string::npos) << mail << " in\n" << r->body;
    auto wrong = exporter.get("/probe?target=wrong&debug=true");
    ASSERT_TRUE(wrong);
    EXPECT_NE(wrong->body.find("from $WRONG_PW"), std::string::npos) << wrong->body;
    EXPECT_EQ(wrong->body.find("characters"), std::string::npos) << wrong->body;
}

TEST_F(ServeTest, ReloadTakesAGoodConfigAndKeepsTheOldOneForABadOne) {
    FakeImapServer server(options(TlsMode::StartTls));
    std::string config = write_config(server);
    Exporter exporter(config, env());
    EXPECT_EQ(exporter.get("/probe?target=added")->status, 400);
    write_config(server, "  - {name: added, host: localhost, password-env: GOOD_PW}\n");
    auto reloaded = exporter.post("/-/reload");
    ASSERT_TRUE(reloaded);
    EXPECT_EQ(reloaded->status, 200) << reloaded->body;
    EXPECT_NE(exporter.get("/probe?target=added")->body.find("\nprobe_success 1\n"),
              std::string::npos);

    std::ofstream(config) << "targets:\n  - {name: broken, host: localhost, prot: 1}\n";
    auto bad = exporter.post("/-/reload");
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 500);
    EXPECT_NE(bad->body.find("prot is not an option"), std::string::npos) << bad->body;
    EXPECT_NE(exporter.get("/probe?target=added")->body.find("\nprobe_success 1\n"),
              std::string::npos)
        << "the old configuration is kept";
    EXPECT_NE(
        exporter.get("/metrics")->body.find("imapcheck_exporter_config_last_reload_successful 0"),
        std::string::npos);
}

// exporter-toolkit's web config: HTTPS with the given certificate, basic auth against a bcrypt
// hash (crypt's $2b$), every route behind it.
TEST_F(ServeTest, WebConfigServesHttpsAndRequiresBasicAuth) {
    FakeImapServer server(options(TlsMode::StartTls));
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    ASSERT_NE(crypt_gensalt_rn("$2b$", 5, nullptr, 0, salt, sizeof salt), nullptr);
    crypt_data data{};
    const char* hash = crypt_r("scrape-S3cret", salt, &data);
    ASSERT_NE(hash, nullptr);
    std::string web = dir_ + "/web.yml";
    std::ofstream(web) << "tls_server_config:\n  cert_file: " << pki_->server_cert
                       << "\n  key_file: " << pki_->server_key
                       << "\nbasic_auth_users:\n  prometheus: '" << hash << "'\n";
    Exporter exporter(write_config(server), env(), {"--web-config", web}, pki_->ca_pem);
    auto anonymous = exporter.get("/metrics");
    ASSERT_TRUE(anonymous) << "HTTPS, verified against the test CA";
    EXPECT_EQ(anonymous->status, 401);
    EXPECT_EQ(anonymous->get_header_value("WWW-Authenticate"), "Basic realm=\"imapcheck\"");
    EXPECT_EQ(exporter.get_as("/probe?target=good", "prometheus", "wrong")->status, 401);
    EXPECT_EQ(exporter.get_as("/probe?target=good", "nobody", "scrape-S3cret")->status, 401);
    EXPECT_EQ(server.connection_count(), 0u) << "an unauthenticated probe connects nothing";
    auto r = exporter.get_as("/probe?target=good", "prometheus", "scrape-S3cret");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_NE(r->body.find("\nprobe_success 1\n"), std::string::npos) << r->body;
}

TEST_F(ServeTest, ListeningBeyondLoopbackNeedsTlsAndBasicAuth) {
    FakeImapServer server(options(TlsMode::StartTls));
    std::string config = write_config(server);
    ProcessResult open = testing::run_process(
        {testing::imapcheck_binary(), "serve", "--config", config, "--listen", "0.0.0.0:1"}, {},
        std::chrono::seconds(10));
    EXPECT_EQ(open.exit_code, 3);
    EXPECT_NE(open.err.find("reachable from the network"), std::string::npos) << open.err;
    std::string web = dir_ + "/web.yml";
    std::ofstream(web) << "basic_auth_users:\n  prometheus: plain-S3cret\n";
    ProcessResult bad = testing::run_process(
        {testing::imapcheck_binary(), "serve", "--config", config, "--web-config", web}, {},
        std::chrono::seconds(10));
    EXPECT_EQ(bad.exit_code, 3);
    EXPECT_NE(bad.err.find("must be a bcrypt hash"), std::string::npos) << bad.err;
    EXPECT_EQ(bad.err.find("plain-S3cret"), std::string::npos) << "the value is not echoed";
}

// The exporter's resident memory, from /proc (kB), or 0.
long resident_kb(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return 0;
}

// One raw request on its own connection; the status line's code, or 0 when none came.
int raw_status(uint16_t port, const std::string& request) {
    int fd = testing::connect_to_loopback(port);
    if (fd < 0) return 0;
    timeval limit{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    (void)!::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    char buf[64] = {};
    ssize_t got = ::recv(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    std::string head(buf, got > 0 ? static_cast<std::size_t>(got) : 0);
    return head.rfind("HTTP/1.1 ", 0) == 0 && head.size() >= 12 ? std::stoi(head.substr(9, 3)) : 0;
}

// Fifty clients that send half a request and wait do not hold up a probe.
TEST_F(ServeTest, HalfSentRequestsDoNotDelayAProbe) {
    FakeImapServer server(options(TlsMode::StartTls));
    Exporter exporter(write_config(server), env());
    std::vector<int> idle;
    for (int i = 0; i < 50; ++i) {
        int fd = testing::connect_to_loopback(exporter.port());
        ASSERT_GE(fd, 0);
        (void)!::send(fd, "GET /probe?tar", 14, MSG_NOSIGNAL);
        idle.push_back(fd);
    }
    auto started = std::chrono::steady_clock::now();
    auto r = exporter.get("/probe?target=good");
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    for (int fd : idle) ::close(fd);
    ASSERT_TRUE(r);
    EXPECT_NE(r->body.find("\nprobe_success 1\n"), std::string::npos);
    EXPECT_LT(seconds, 3.0) << "the probe waited for the idle clients";
}

// A thousand bad requests: each a 4xx, and the exporter's memory does not grow with them.
TEST_F(ServeTest, MalformedRequestsGet4xxAndMemoryStaysFlat) {
    FakeImapServer server(options(TlsMode::StartTls));
    Exporter exporter(write_config(server), env());
    const std::vector<std::string> requests = {
        "GET /probe?target=%zz%%&debug HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /probe?" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /probe?target=good HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'b') +
            "\r\n\r\n",
        "GET /probe?target=good&target=good&password=x HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /probe?module=m&target=../../etc HTTP/1.1\r\nHost: x\r\n\r\n",
        "\x16\x03\x01\x02\x01\x01\x01\x01\xfc garbage\r\n\r\n",  // no NUL: a C string
        "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n",
    };
    auto burst = [&](int count) {
        int bad = 0;
        for (int i = 0; i < count; ++i) {
            int status = raw_status(exporter.port(), requests[i % requests.size()]);
            if (status < 400 || status > 499) ++bad;
        }
        return bad;
    };
    EXPECT_EQ(burst(100), 0);  // warms the pool's threads and allocator up
    long before = resident_kb(exporter.pid());
    EXPECT_EQ(burst(1000), 0) << "every malformed request gets a 4xx";
    long after = resident_kb(exporter.pid());
    EXPECT_GT(before, 0);
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer keeps freed memory in quarantine by design: memory is judged in the
    // normal build, this build judges the 4xx answers and memory errors.
    (void)after;
#else
    EXPECT_LT(after - before, 2048) << "RSS " << before << " kB -> " << after << " kB";
#endif
    EXPECT_EQ(server.connection_count(), 0u);
}

// A server that accepts and never greets holds its own probe to its budget, not others.
TEST_F(ServeTest, AHangingProbeDoesNotBlockAnother) {
    FakeImapServer server(options(TlsMode::StartTls));
    auto silent = testing::listen_on_loopback(4);  // accepts (the backlog), never answers
    Exporter exporter(write_config(server, "  - {name: silent, host: 127.0.0.1, port: " +
                                               std::to_string(silent.port) +
                                               ", password-env: GOOD_PW, timeout: 4}\n"),
                      env());
    std::thread hanging([&] {
        httplib::Client client("127.0.0.1", exporter.port());
        client.set_read_timeout(20, 0);
        auto r = client.Get("/probe?target=silent");
        EXPECT_TRUE(r && r->body.find("\nprobe_success 0\n") != std::string::npos);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto started = std::chrono::steady_clock::now();
    auto r = exporter.get("/probe?target=good");
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    hanging.join();
    ::close(silent.fd);
    ASSERT_TRUE(r);
    EXPECT_NE(r->body.find("\nprobe_success 1\n"), std::string::npos);
    EXPECT_LT(seconds, 2.0) << "the good probe waited for the hanging one";
}

// Issue 19 §8: a second `serve --listen` on a port in use started (cpp-httplib sets
// SO_REUSEPORT), and scrapes alternated between two configurations. It is refused.
TEST_F(ServeTest, ASecondExporterOnAPortInUseIsRefused) {
    FakeImapServer server(options(TlsMode::StartTls));
    Exporter first(write_config(server), env());
    ASSERT_TRUE(first.get("/-/healthy"));
    ProcessResult second = testing::run_process(
        {testing::imapcheck_binary(), "serve", "--config", dir_ + "/serve.yml", "--listen",
         "127.0.0.1:" + std::to_string(first.port())},
        {{"GOOD_PW", kPassword}, {"WRONG_PW", "not-it"}}, std::chrono::seconds(10));
    EXPECT_FALSE(second.timed_out) << "it kept running beside the first";
    EXPECT_NE(second.exit_code, 0);
    EXPECT_NE(second.err.find("Address already in use"), std::string::npos) << second.err;
}

// Issue 19 §8: `curl -X POST .../-/reload` (no body, no Content-Length) waited 5 s for a body
// and got 400. It reloads at once.
TEST_F(ServeTest, AReloadWithoutABodyReloadsAtOnce) {
    FakeImapServer server(options(TlsMode::StartTls));
    Exporter exporter(write_config(server), env());
    int fd = testing::connect_to_loopback(exporter.port());
    ASSERT_GE(fd, 0);
    timeval bound{3, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
    const std::string request = "POST /-/reload HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n";
    ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    const auto started = std::chrono::steady_clock::now();
    char buffer[512] = {};
    ssize_t n = ::recv(fd, buffer, sizeof buffer - 1, 0);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ::close(fd);
    ASSERT_GT(n, 0) << "no answer within 3 s";
    EXPECT_EQ(std::string(buffer).rfind("HTTP/1.1 200", 0), 0u) << buffer;
    EXPECT_LT(seconds, 2.0);
}

}  // namespace
}  // namespace imapcheck
