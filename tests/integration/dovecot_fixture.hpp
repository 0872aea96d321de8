// Integration test fixture: one real Dovecot (scripts/dovecot-sandbox) for the whole
// integration suite, on 127.0.0.1 with the seeded accounts, and helpers to run the real
// imapcheck binary against it.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run_process.hpp"

namespace imapcheck {

using nlohmann::json;
using testing::ProcessResult;

inline const json& find_check(const json& report, const std::string& id) {
    static const json missing = {
        {"status", "missing"}, {"details", json::object()}, {"summary", ""}};
    for (const auto& c : report["checks"])
        if (c["id"] == id) return c;
    return missing;
}

// KEY=VALUE lines as the sandbox writes them (values may be single-quoted, shell style).
inline std::map<std::string, std::string> read_env_file(const std::string& path) {
    std::map<std::string, std::string> out;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        auto eq = line.find('=');
        if (eq == std::string::npos || line[0] == '#') continue;
        std::string raw = line.substr(eq + 1), value;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] != '\'') {
                value += raw[i];
                continue;
            }
            auto close = raw.find('\'', i + 1);
            value += raw.substr(i + 1, close - i - 1);
            i = close;
            if (raw.compare(i + 1, 2, "\\'") == 0) {  // '\'' : an escaped quote
                value += '\'';
                i += 2;
            }
        }
        out[line.substr(0, eq)] = value;
    }
    return out;
}

class DovecotTest : public ::testing::Test {
  protected:
    static constexpr int kFleetAccounts = 24;

    static void SetUpTestSuite() {
        dir_ = new std::string(testing::make_temp_dir("imapcheck-dovecot"));
        // The seeded accounts, and kFleetAccounts more for the fleet tests.
        ProcessResult r = sandbox({"start", *dir_, "--accounts", std::to_string(kFleetAccounts)});
        if (r.exit_code != 0) {
            start_error_ = new std::string(r.err + r.out);
            return;
        }
        env_ = new std::map<std::string, std::string>(read_env_file(*dir_ + "/env"));
    }
    static void TearDownTestSuite() {
        if (dir_) {
            (void)sandbox({"stop", *dir_});
            // Keys, mail and logs of a throwaway server: nothing is left in /tmp.
            std::error_code ignored;
            std::filesystem::remove_all(*dir_, ignored);
        }
        delete env_;
        delete dir_;
        delete start_error_;
        env_ = nullptr;
        dir_ = start_error_ = nullptr;
    }
    void SetUp() override {
        ASSERT_EQ(start_error_, nullptr) << "Dovecot sandbox did not start: " << *start_error_;
        ASSERT_NE(env_, nullptr);
    }

    static ProcessResult sandbox(std::vector<std::string> args) {
        args.insert(args.begin(),
                    {"/bin/bash", std::string(IMAPCHECK_SOURCE_DIR) + "/scripts/dovecot-sandbox"});
        return testing::run_process(args, {}, std::chrono::seconds(60));
    }
    static std::string env(const std::string& key) { return env_->at(key); }

    // Runs imapcheck against the sandbox; `args` come after the connection options.
    ProcessResult run(std::vector<std::string> args, const std::string& port_key = "IMAP_PORT",
                      const std::string& user = "IMAP_USER",
                      const std::string& password_key = "IMAP_PASSWORD") {
        return run_with_password(std::move(args), env(password_key), port_key, user);
    }
    // The same with a password of the test's own (a wrong one).
    ProcessResult run_with_password(std::vector<std::string> args, const std::string& password,
                                    const std::string& port_key = "IMAP_PORT",
                                    const std::string& user = "IMAP_USER") {
        std::vector<std::string> argv = {testing::imapcheck_binary(),
                                         "--host",
                                         "localhost",
                                         "--port",
                                         env(port_key),
                                         "--user",
                                         env(user),
                                         "--cacert",
                                         env("CA_FILE"),
                                         "--timeout",
                                         "20"};
        argv.insert(argv.end(), args.begin(), args.end());
        return testing::run_process(argv, {{"IMAPCHECK_PASSWORD", password}},
                                    std::chrono::seconds(30));
    }
    static json report(const ProcessResult& r) {
        EXPECT_FALSE(r.timed_out);
        EXPECT_TRUE(json::accept(r.out)) << r.out << r.err;
        return json::accept(r.out) ? json::parse(r.out) : json::object();
    }
    static std::string summary(const json& report, const std::string& id) {
        return find_check(report, id)["summary"].get<std::string>();
    }
    static std::string flags() {
        ProcessResult r = sandbox({"flags", *dir_});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out;
    }
    void expect_no_password(const ProcessResult& r) {
        EXPECT_EQ(r.out.find(env("IMAP_PASSWORD")), std::string::npos);
        EXPECT_EQ(r.err.find(env("IMAP_PASSWORD")), std::string::npos);
    }

    static inline std::string* dir_ = nullptr;
    static inline std::string* start_error_ = nullptr;
    static inline std::map<std::string, std::string>* env_ = nullptr;
};

}  // namespace imapcheck
