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
