// Unit tests for configuration mistakes refused before any connection (issue 9): a bad
// --cacert, a port inside --host, curl's --connect-to form, -4/-6 against an address of
// the other family, --connect-timeout above --timeout, an empty password variable, a
// password file that is a directory; and the same mistakes in a fleet config file.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "imapcheck/fleet_config.hpp"
#include "parsed_cli.hpp"

namespace imapcheck {
namespace {

// A real self-signed certificate (EC P-256, valid until 2126): what --cacert must hold.
constexpr const char* kCaPem = R"(-----BEGIN CERTIFICATE-----
MIIBmTCCAT+gAwIBAgIUClCRmRrYLBKG4OUkgUFvgqaaIIYwCgYIKoZIzj0EAwIw
ITEfMB0GA1UEAwwWaW1hcGNoZWNrIHVuaXQgdGVzdCBDQTAgFw0yNjEyMDIwMTE2
MDBaGA8yMTI2MTEwODAxMTYwMFowITEfMB0GA1UEAwwWaW1hcGNoZWNrIHVuaXQg
dGVzdCBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABCBKRfVLw9lT6bpxqJSd
gEKloxXLsy2+egfU1ghUs2d39jPheDWC7TEvaZ0BFbmKYKbw/GWTd+adWNObI2+h
KlqjUzBRMB0GA1UdDgQWBBRgTVNW2oAkQoS8rz8tkj9NsbbBTDAfBgNVHSMEGDAW
gBRgTVNW2oAkQoS8rz8tkj9NsbbBTDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49
BAMCA0gAMEUCIDwNL7E/egyJKRFSuaXy3/S33Q8gasQx3z7zWWfTyJ4TAiEAiR6H
Bkb1FTeRlEQEdaKqR6SqSYewU8Bh6WEMJDQii+8=
-----END CERTIFICATE-----
)";

class ConfigMistakes : public ::testing::Test {
  protected:
    void SetUp() override {
        char pattern[] = "/tmp/imapcheck-mistakes.XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string write(const std::string& name, const std::string& text, mode_t mode = 0644) {
        std::string path = dir_ + "/" + name;
        std::ofstream(path) << text;
        ::chmod(path.c_str(), mode);
        return path;
    }

    static ParsedCli parse(std::vector<std::string> more,
                           Env env = {{"IMAPCHECK_PASSWORD", "pw"}}) {
        std::vector<std::string> args = {"--host", "mail.example.com", "--user", "alice"};
        args.insert(args.end(), more.begin(), more.end());
        return parse_args(std::move(args), std::move(env));
    }
    // The usage error's message, which must be one line.
    static std::string refused(const ParsedCli& out) {
        EXPECT_EQ(out.kind, CliOutcome::Kind::UsageError) << "accepted, expected a usage error";
        EXPECT_EQ(out.message.find('\n'), std::string::npos) << out.message;
        return out.message;
    }
    std::string dir_;
};

TEST_F(ConfigMistakes, CacertMustBeAReadableFileWithAPemCertificate) {
    ParsedCli good = parse({"--cacert", write("ca.pem", kCaPem)});
    ASSERT_EQ(good.kind, CliOutcome::Kind::Run) << good.message;
    EXPECT_EQ(good.target.cacert, dir_ + "/ca.pem");

    EXPECT_EQ(
        refused(parse({"--cacert", dir_ + "/missing.pem"})),
        "--cacert '" + dir_ + "/missing.pem': no such file; give a file of PEM CA certificates");
    std::string dir = refused(parse({"--cacert", dir_}));
    EXPECT_NE(dir.find("--cacert '" + dir_ + "' is a directory"), std::string::npos) << dir;
    std::string der = refused(parse({"--cacert", write("ca.der", "\x30\x82\x01\x99 not PEM")}));
    EXPECT_NE(der.find("holds no PEM certificate"), std::string::npos) << der;
    EXPECT_NE(der.find("openssl x509 -inform der"), std::string::npos) << der;
    std::string key = refused(parse({"--cacert", write("key.pem",
                                                       "-----BEGIN PRIVATE KEY-----\n"
                                                       "MC4CAQA=\n-----END PRIVATE KEY-----\n")}));
    EXPECT_NE(key.find("holds no PEM certificate"), std::string::npos) << key;
    EXPECT_NE(refused(parse({"--cacert", write("empty.pem", "")})).find("holds no PEM"),
              std::string::npos);
}

TEST_F(ConfigMistakes, HostWithAPortSaysToUsePort) {
    auto host = [](const std::string& h) {
        return parse_args({"--host", h, "--user", "alice"}, {{"IMAPCHECK_PASSWORD", "pw"}});
    };
    EXPECT_EQ(refused(host("mail.example.com:993")),
              "--host: 'mail.example.com:993' contains a port; give it with --port 993");
    EXPECT_EQ(refused(host("[::1]:993")),
              "--host: '[::1]:993' contains a port; give it with --port 993");
    EXPECT_EQ(refused(host("10.0.0.7:143")),
              "--host: '10.0.0.7:143' contains a port; give it with --port 143");
    EXPECT_NE(refused(host("mail.example.com:imap")).find("is not a host name or address"),
              std::string::npos);
    EXPECT_NE(refused(host("[::1")).find("is not a host name or address"), std::string::npos);
    EXPECT_NE(refused(host("a:b:c")).find("is not a host name or address"), std::string::npos);
    // IPv6 literals are hosts, bracketed or not.
    for (const char* v6 : {"::1", "[::1]", "2001:db8::7", "fe80::1%eth0"}) {
        ParsedCli out = host(v6);
        EXPECT_EQ(out.kind, CliOutcome::Kind::Run) << v6 << ": " << out.message;
    }
    // From the environment, the variable is named.
    ParsedCli env = parse_args({"--user", "alice"},
                               {{"IMAPCHECK_PASSWORD", "pw"}, {"IMAPCHECK_HOST", "h.example:993"}});
    EXPECT_NE(refused(env).find("(set by IMAPCHECK_HOST)"), std::string::npos) << env.message;
}

TEST_F(ConfigMistakes, CurlsConnectToFormIsRefusedWithTheRightOne) {
    EXPECT_EQ(
        refused(parse({"--connect-to", "mail.example.com:993:10.0.0.7:993"})),
        "--connect-to 'mail.example.com:993:10.0.0.7:993' is curl's HOST1:PORT1:HOST2:PORT2 "
        "form; imapcheck's --connect-to takes only where to connect, ADDR[:PORT] (HOST1:PORT1 "
        "are --host and --port): --connect-to 10.0.0.7:993");
    EXPECT_NE(
        refused(parse({"--connect-to", "::10.0.0.7:993"})).find(": --connect-to 10.0.0.7:993"),
        std::string::npos);
    EXPECT_NE(refused(parse({"--connect-to", "mail.example.com:143:[2001:db8::7]:"}))
                  .find(": --connect-to [2001:db8::7]"),
              std::string::npos);
    EXPECT_NE(refused(parse({"--connect-to", "mail.example.com:143::1143"})).find("use --port"),
              std::string::npos);
    // Bare IPv6 addresses still are addresses.
    for (const char* v6 : {"::1", "::10.0.0.7", "2001:db8::7"}) {
        ParsedCli out = parse({"--connect-to", v6});
        EXPECT_EQ(out.kind, CliOutcome::Kind::Run) << v6 << ": " << out.message;
    }
}

TEST_F(ConfigMistakes, AddressFamilyMustFitALiteralAddress) {
    auto with = [](std::vector<std::string> args) {
        return parse_args(std::move(args), {{"IMAPCHECK_PASSWORD", "pw"}});
    };
    EXPECT_EQ(refused(with({"-H", "::1", "-u", "a", "-4"})),
              "-4 (IPv4 only) cannot reach the IPv6 address ::1 of --host; drop -4, or give an "
              "IPv4 address");
    EXPECT_EQ(
        refused(with({"-H", "127.0.0.1", "-u", "a", "-6"})),
        "-6 (IPv6 only) cannot reach the IPv4 address 127.0.0.1 of --host; drop -6, or give an "
        "IPv6 address");
    EXPECT_NE(refused(parse({"--connect-to", "[2001:db8::7]:993", "-4"}))
                  .find("2001:db8::7 of --connect-to"),
              std::string::npos);
    EXPECT_NE(refused(parse({"--connect-to", "10.0.0.7", "-6"})).find("10.0.0.7 of --connect-to"),
              std::string::npos);
    // What is connected to counts: --connect-to over the host; names; a proxy.
    EXPECT_EQ(with({"-H", "::1", "-u", "a", "-4", "--connect-to", "127.0.0.1"}).kind,
              CliOutcome::Kind::Run);
    EXPECT_EQ(parse({"-6"}).kind, CliOutcome::Kind::Run);
    // Issue 19 §4: through a proxy, libcurl would apply -4/-6 to the proxy's own address.
    EXPECT_NE(refused(with({"-H", "::1", "-u", "a", "-4", "--proxy", "socks5h://127.0.0.1:1080"}))
                  .find("-4 cannot choose the IMAP server's address family through --proxy"),
              std::string::npos);
}

TEST_F(ConfigMistakes, ConnectTimeoutAboveTimeoutIsRefused) {
    EXPECT_EQ(
        refused(parse({"--timeout", "5", "--connect-timeout", "8"})),
        "--connect-timeout 8 must not be above --timeout 5 (the whole run's bound); lower it or "
        "raise --timeout");
    EXPECT_EQ(parse({"--timeout", "5", "--connect-timeout", "5"}).kind, CliOutcome::Kind::Run);
    // The default connect timeout (10 s) under a short --timeout is just cut short.
    EXPECT_EQ(parse({"--timeout", "5"}).kind, CliOutcome::Kind::Run);
}

TEST_F(ConfigMistakes, PasswordVariableSetButEmptySaysSo) {
    EXPECT_EQ(refused(parse({}, {{"IMAPCHECK_PASSWORD", ""}})),
              "IMAPCHECK_PASSWORD is set but empty; put the password in it, or unset it and use "
              "--password-file FILE or --netrc");
    EXPECT_NE(refused(parse({"--password-env", "PW"}, {{"PW", ""}})).find("PW is set but empty"),
              std::string::npos);
    // Unset stays the plain "no password".
    EXPECT_NE(refused(parse({}, {})).find("no password: set IMAPCHECK_PASSWORD"),
              std::string::npos);
}

TEST_F(ConfigMistakes, PasswordFileThatIsADirectoryIsNamedSo) {
    ::chmod(dir_.c_str(), 0755);  // the usual mode: no "chmod 600" advice for a directory
    EXPECT_EQ(refused(parse({"--password-file", dir_})),
              "password file '" + dir_ + "' is a directory; give the path of the file itself");
    EXPECT_NE(refused(parse({"--netrc-file", dir_})).find("is a directory"), std::string::npos);
}

TEST_F(ConfigMistakes, TheSameMistakesInAFleetFileNameFileAndLine) {
    std::string pw = write("pw", "S3cret\n", 0600);
    auto error = [&](const std::string& target_keys) {
        std::string file =
            write("imapcheck.yml", "defaults:\n  password-file: " + pw +
                                       "\ntargets:\n  - name: a\n    user: u\n" + target_keys);
        auto loaded = load_fleet_file(file);
        EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().message);
        if (!loaded) return std::string();
        GetEnv getenv = fake_env({});
        auto built = build_fleet(*loaded, {}, {}, {}, getenv);
        EXPECT_FALSE(built) << "accepted:\n" << target_keys;
        return built ? std::string() : built.error().message;
    };
    const std::string file = dir_ + "/imapcheck.yml";
    EXPECT_EQ(
        error("    host: mail.example.com:993\n"),
        file +
            ":6: targets[0].host: 'mail.example.com:993' contains a port; give it with --port 993");
    EXPECT_NE(error("    host: h\n    cacert: " + dir_ + "/nope.pem\n")
                  .find(file + ":7: targets[0].cacert '"),
              std::string::npos);
    EXPECT_NE(error("    host: h\n    connect-to: h:993:10.0.0.7:993\n")
                  .find(file + ":7: targets[0].connect-to '"),
              std::string::npos);
    EXPECT_NE(
        error("    host: ::1\n    ipv4: true\n").find(file + ":7: targets[0].ipv4: -4 (IPv4 only)"),
        std::string::npos);
    EXPECT_NE(error("    host: h\n    timeout: 5\n    connect-timeout: 6\n")
                  .find(file + ":8: targets[0].connect-timeout 6 must not be above --timeout 5"),
              std::string::npos);
}

}  // namespace
}  // namespace imapcheck
