// Component-test fixture: a test PKI made once per suite, a fake server per test, and the
// real imapcheck binary run against it with a bounded time, its JSON report parsed.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "fake_imap_server.hpp"
#include "run_process.hpp"
#include "test_certs.hpp"

namespace imapcheck {

using fake::FakeImapServer;
using fake::ServerOptions;
using fake::TlsMode;
using nlohmann::json;
using testing::ProcessResult;

// Deliberately needs IMAP quoting: space, double quote, backslash.
inline const std::string kPassword = "pa ss\"wo\\rd";

class ComponentTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { pki_ = new fake::TestPki(fake::make_test_pki(testing::make_temp_dir("imapcheck-pki"))); }
    static void TearDownTestSuite() {
        // Each test runs in a process of its own (gtest_discover_tests): leave no key behind.
        std::error_code ignored;
        if (pki_) std::filesystem::remove_all(pki_->dir, ignored);
        delete pki_;
        pki_ = nullptr;
    }

    static ServerOptions options(TlsMode tls) {
        ServerOptions o;
        o.tls = tls;
        o.cert_file = pki_->server_cert;
        o.key_file = pki_->server_key;
        o.password = kPassword;
        return o;
    }

    ProcessResult run(const FakeImapServer& server, std::vector<std::string> extra,
                      const std::string& password = kPassword) {
        std::vector<std::string> argv = {testing::imapcheck_binary(), "--host", "localhost", "--port",
                                         std::to_string(server.port()), "--user", user, "--cacert",
                                         pki_->ca_pem, "--timeout", "10", "--format", "json"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        return testing::run_process(argv, {{"IMAPCHECK_PASSWORD", password}}, std::chrono::seconds(20));
    }

    // STARTTLS, QUOTA advertised (10% used), a 5 s I/O bound: the well-behaved server whose
    // behaviours the hostile and interoperability tests break one at a time.
    static ServerOptions quota_options() {
        ServerOptions o = options(TlsMode::StartTls);
        o.storage_quota = std::make_pair(100u, 1000u);
        o.io_timeout = std::chrono::seconds(5);
        return o;
    }

    struct Deadlines {
        double run, connect, command;  // --timeout, --connect-timeout, --command-timeout
    };
    // The real binary against 127.0.0.1:port (STARTTLS, the test CA) with these deadlines.
    ProcessResult run_on_port(uint16_t port, std::vector<std::string> extra, const char* format,
                              Deadlines d) {
        auto secs = [](double s) { return std::to_string(s); };
        std::vector<std::string> argv = {testing::imapcheck_binary(), "--host", "localhost",
                                         "--port", std::to_string(port)};
        argv.insert(argv.end(),
                    {"--user", user, "--cacert", pki_->ca_pem, "--format", format, "--no-color"});
        argv.insert(argv.end(), {"--timeout", secs(d.run), "--connect-timeout", secs(d.connect),
                                 "--command-timeout", secs(d.command)});
        argv.insert(argv.end(), extra.begin(), extra.end());
        return testing::run_process(argv, {{"IMAPCHECK_PASSWORD", kPassword}},
                                    std::chrono::seconds(20));
    }

    static json report(const ProcessResult& r) {
        EXPECT_FALSE(r.timed_out);
        return json::parse(r.out);
    }
    static const json& find_check(const json& report, const std::string& id) {
        for (const auto& c : report["checks"])
            if (c["id"] == id) return c;
        throw std::runtime_error("no check " + id);
    }
    static void expect_no_password(const ProcessResult& r) {
        EXPECT_EQ(r.out.find(kPassword), std::string::npos);
        EXPECT_EQ(r.err.find(kPassword), std::string::npos);
    }

    std::string user = "alice";
    static inline fake::TestPki* pki_ = nullptr;
};

}  // namespace imapcheck
