// Test helper: parse_command_line() on a fake environment, keeping that environment so a
// test can load the password the way probe() will (the outcome holds only its source).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "imapcheck/cli.hpp"
#include "imapcheck/credentials.hpp"

namespace imapcheck {

using Env = std::map<std::string, std::string>;

inline GetEnv fake_env(Env env) {
    return [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
        auto it = env.find(name);
        if (it == env.end()) return std::nullopt;
        return it->second;
    };
}

struct ParsedCli : CliOutcome {
    GetEnv getenv;
};

// `args` without argv[0].
inline ParsedCli parse_args(std::vector<std::string> args, Env env) {
    args.insert(args.begin(), "imapcheck");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    GetEnv getenv = fake_env(std::move(env));
    return {parse_command_line(static_cast<int>(args.size()), argv.data(), getenv), getenv};
}

// The password a run of `out` sends, or "<error: ...>". Compare with EXPECT_TRUE(a == b),
// so that a failure never prints it.
inline std::string loaded_password(const ParsedCli& out) {
    std::string user = out.target.user;
    auto secret = load_secret(out.target.credentials, out.target.host, user, out.getenv);
    return secret ? std::string(secret->reveal()) : "<error: " + secret.error().message + ">";
}

}  // namespace imapcheck
