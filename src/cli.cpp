// imapcheck: command-line parsing and validation (SPEC §4). cxxopts reads the words; the
// checks here turn them into a Config or into one clear line for a usage error (exit 3).
#include "imapcheck/cli.hpp"

#include <curl/curl.h>
#include <openssl/opensslv.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <stdexcept>

#include "cli_options.hpp"
#include "imapcheck/credentials.hpp"
#include "imapcheck/imap/mutf7.hpp"
#include "imapcheck/render.hpp"

namespace imapcheck {
namespace {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

template <typename T>
T number(const cxxopts::ParseResult& r, const char* name, T min, T max) {
    std::string text = r[name].as<std::string>();
    // Plain decimal only: std::stod alone would also take "0x3e1", "1e3" or " 5".
    bool decimal = !text.empty() && text.find_first_not_of("0123456789.") == std::string::npos &&
                   std::count(text.begin(), text.end(), '.') <= 1 && text.front() != '.' &&
                   text.back() != '.';
    try {
        if (!decimal) throw std::invalid_argument(text);
        std::size_t used = 0;
        double v = std::stod(text, &used);
        if (used == text.size() && std::isfinite(v) && v >= static_cast<double>(min) &&
            v <= static_cast<double>(max) && (std::is_floating_point_v<T> || v == std::floor(v)))
            return static_cast<T>(v);
    } catch (const std::exception&) {
    }
    throw UsageError("--" + std::string(name) + " must be a " +
                     (std::is_floating_point_v<T> ? "number" : "whole number") + " from " +
                     std::to_string(min).substr(0, std::to_string(min).find('.')) + " to " +
                     std::to_string(max).substr(0, std::to_string(max).find('.')) + " (got '" + text + "')");
}

std::chrono::milliseconds seconds_option(const cxxopts::ParseResult& r, const char* name) {
    double s = number<double>(r, name, 0.001, 86400);
    return std::chrono::milliseconds(static_cast<long long>(std::llround(s * 1000)));
}

template <typename E>
E choice(const cxxopts::ParseResult& r, const char* name,
         std::initializer_list<std::pair<const char*, E>> options) {
    std::string value = r[name].as<std::string>();
    std::string allowed;
    for (const auto& [word, e] : options) {
        if (value == word) return e;
        allowed += (allowed.empty() ? "" : "|") + std::string(word);
    }
    throw UsageError("--" + std::string(name) + " must be one of " + allowed + " (got '" + value + "')");
}

void check_text(const std::string& value, const char* name) {
    for (char c : value)
        if (c == '\r' || c == '\n' || c == '\0')
            throw UsageError("--" + std::string(name) + " must not contain line breaks");
}

std::optional<unsigned> port_number(const std::string& text) {
    if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    unsigned port = static_cast<unsigned>(std::stoul(text));
    return port >= 1 && port <= 65535 ? std::optional(port) : std::nullopt;
}

// --connect-to ADDR, ADDR:PORT, [V6], [V6]:PORT or a bare IPv6 address, as libcurl's
// CONNECT_TO wants the target: "ADDR:PORT" with IPv6 in brackets.
std::string connect_to_entry(const std::string& value, unsigned default_port) {
    check_text(value, "connect-to");
    std::string addr = value, port;
    bool port_given = false;
    if (!addr.empty() && addr.front() == '[') {
        auto close = addr.find(']');
        if (close == std::string::npos) throw UsageError("--connect-to has an unclosed '['");
        if (close + 1 < addr.size()) {
            if (addr[close + 1] != ':') throw UsageError("--connect-to must be ADDR[:PORT]");
            port = addr.substr(close + 2);
            port_given = true;
        }
        addr = addr.substr(0, close + 1);
        if (addr.size() == 2) throw UsageError("--connect-to has an empty address");
    } else if (std::count(addr.begin(), addr.end(), ':') == 1) {
        port = addr.substr(addr.find(':') + 1);
        addr = addr.substr(0, addr.find(':'));
        port_given = true;
    } else if (addr.find(':') != std::string::npos) {
        addr = "[" + addr + "]";
    }
    if (addr.empty()) throw UsageError("--connect-to needs an address: ADDR[:PORT]");
    if (addr.find_first_of(" /@") != std::string::npos)
        throw UsageError("--connect-to '" + value + "' is not an address");
    if (port_given && !port_number(port))
        throw UsageError("--connect-to port must be 1-65535 (got '" + port + "')");
    return addr + ":" + (port.empty() ? std::to_string(default_port) : port);
}

OutputFormat output_format(const cxxopts::ParseResult& r) {
    return choice<OutputFormat>(r, "format",
                                {{"text", OutputFormat::Text},
                                 {"json", OutputFormat::Json},
                                 {"nagios", OutputFormat::Nagios},
                                 {"junit", OutputFormat::Junit},
                                 {"prometheus", OutputFormat::Prometheus}});
}

Config build_config(const cxxopts::ParseResult& r, const GetEnv& getenv) {
    Config c;
    if (!r.count("host")) throw UsageError("--host is required (the IMAP server to check)");
    c.host = r["host"].as<std::string>();
    if (c.host.size() > 2 && c.host.front() == '[' && c.host.back() == ']')
        c.host = c.host.substr(1, c.host.size() - 2);  // accept [::1] as well as ::1
    if (c.host.empty() || c.host.find_first_of(" /\r\n@") != std::string::npos)
        throw UsageError("--host '" + c.host + "' is not a host name or address");

    std::optional<unsigned> port;
    if (r.count("port")) port = number<unsigned>(r, "port", 1, 65535);
    if (r.count("tls"))
        c.tls = choice<TlsMode>(r, "tls", {{"implicit", TlsMode::Implicit},
                                           {"starttls", TlsMode::StartTls},
                                           {"none", TlsMode::None}});
    else
        c.tls = port == 993 ? TlsMode::Implicit : TlsMode::StartTls;
    c.port = static_cast<std::uint16_t>(port.value_or(c.tls == TlsMode::Implicit ? 993 : 143));

    if (r.count("connect-to")) c.connect_to = connect_to_entry(r["connect-to"].as<std::string>(), c.port);
    if (r.count("proxy")) c.proxy = r["proxy"].as<std::string>();
    if (r.count("ipv4") && r.count("ipv6")) throw UsageError("-4 and -6 exclude each other");
    c.ip_version = r.count("ipv4")   ? IpVersion::V4
                   : r.count("ipv6") ? IpVersion::V6
                                     : IpVersion::Any;
    if (r.count("cacert")) c.cacert = r["cacert"].as<std::string>();
    c.insecure = r.count("insecure") > 0;
    if (r.count("min-tls")) {
        c.min_tls = r["min-tls"].as<std::string>();
        if (c.min_tls != "1.2" && c.min_tls != "1.3")
            throw UsageError("--min-tls must be 1.2 or 1.3 (got '" + c.min_tls + "')");
    }
    c.timeout = seconds_option(r, "timeout");
    c.connect_timeout = seconds_option(r, "connect-timeout");
    c.command_timeout = seconds_option(r, "command-timeout");

    if (r.count("user")) c.user = r["user"].as<std::string>();
    check_text(c.user, "user");
    c.auth = choice<AuthMechanism>(r, "auth", {{"auto", AuthMechanism::Auto},
                                               {"login", AuthMechanism::Login},
                                               {"plain", AuthMechanism::Plain},
                                               {"xoauth2", AuthMechanism::XOAuth2},
                                               {"oauthbearer", AuthMechanism::OAuthBearer}});
    c.allow_plaintext_auth = r.count("allow-plaintext-auth") > 0;

    c.mailbox = r["mailbox"].as<std::string>();
    check_text(c.mailbox, "mailbox");
    if (c.mailbox.empty() || !imap::encode_mutf7(c.mailbox))
        throw UsageError("--mailbox must be a non-empty UTF-8 name");
    c.search = r["search"].as<std::string>();
    check_text(c.search, "search");
    if (c.search.empty()) throw UsageError("--search must not be empty (the default is UNSEEN)");
    for (char ch : c.search)
        if (static_cast<unsigned char>(ch) >= 0x80)
            throw UsageError("--search must be ASCII (non-ASCII search keys are not supported yet)");
    c.fetch_bytes = number<std::uint64_t>(r, "fetch-bytes", 0, 64ull << 20);
    if (r.count("expect-folder")) c.expect_folders = r["expect-folder"].as<std::vector<std::string>>();

    c.quota_warn = number<double>(r, "quota-warn", 0, 100);
    c.quota_crit = number<double>(r, "quota-crit", 0, 100);
    if (c.quota_warn > c.quota_crit) throw UsageError("--quota-warn must not be above --quota-crit");
    c.cert_warn_days = number<int>(r, "cert-warn-days", 0, 3650);
    c.cert_crit_days = number<int>(r, "cert-crit-days", 0, 3650);
    if (c.cert_crit_days > c.cert_warn_days)
        throw UsageError("--cert-crit-days must not be above --cert-warn-days");
    if (r.count("warn-time")) c.warn_time_ms = number<double>(r, "warn-time", 0, 86400000);
    if (r.count("crit-time")) c.crit_time_ms = number<double>(r, "crit-time", 0, 86400000);

    c.format = output_format(r);
    if (r.count("output")) c.output = r["output"].as<std::string>();
    if (r.count("trace")) c.trace = r["trace"].as<std::string>();
    auto no_color = getenv("NO_COLOR");  // no-color.org: set and not empty
    c.color = !r.count("no-color") && !(no_color && !no_color->empty());

    if (c.user.empty() && !r.count("netrc") && !r.count("netrc-file"))
        throw UsageError("--user is required (the account to log in as)");
    CredentialSources sources;
    sources.password_env = r["password-env"].as<std::string>();
    if (r.count("password-file")) sources.password_file = r["password-file"].as<std::string>();
    sources.netrc = r.count("netrc") > 0;
    if (r.count("netrc-file")) sources.netrc_file = r["netrc-file"].as<std::string>();
    auto secret = load_secret(sources, c.host, c.user, getenv);
    if (!secret) throw UsageError(secret.error().message);
    if (c.user.empty()) throw UsageError("--user is required (the account to log in as)");
    c.password = std::move(secret.value());
    return c;
}

// The option name cxxopts quotes in its messages (‘name’), or "" when there is none.
std::string quoted_option(const std::string& message) {
    auto open = message.find("\xE2\x80\x98"), close = message.find("\xE2\x80\x99");
    if (open == std::string::npos || close == std::string::npos || close < open) return "";
    return message.substr(open + 3, close - open - 3);
}

// cxxopts' words for a parse error, turned into one line that suggests the fix.
std::string explain(const cxxopts::exceptions::exception& e) {
    std::string name = quoted_option(e.what());
    if (dynamic_cast<const cxxopts::exceptions::no_such_option*>(&e) && !name.empty()) {
        std::string dashes = name.size() == 1 ? "-" : "--";
        auto suggestion = name.size() > 1 ? cli::closest_option(name) : std::nullopt;
        return "unknown option " + dashes + name +
               (suggestion ? " (did you mean --" + *suggestion + "?)" : "");
    }
    if (dynamic_cast<const cxxopts::exceptions::missing_argument*>(&e) && !name.empty())
        return (name.size() == 1 ? "-" : "--") + name + " needs a value";
    return e.what();
}

// A usage error about an option that came from IMAPCHECK_<OPTION> says so, or the
// administrator would search the command line for it in vain.
std::string with_source(std::string message, const std::map<std::string, std::string>& from_env) {
    for (const auto& [name, variable] : from_env) {
        std::string flag = "--" + name;
        auto at = message.find(flag);
        bool whole = at != std::string::npos &&
                     (at + flag.size() == message.size() ||
                      !(std::isalnum(static_cast<unsigned char>(message[at + flag.size()])) ||
                        message[at + flag.size()] == '-'));
        if (whole) return message + " (set by " + variable + ")";
    }
    return message;
}

}  // namespace

CliOutcome parse_command_line(int argc, const char* const* argv, const GetEnv& getenv) {
    CliOutcome out;
    std::map<std::string, std::string> from_env;
    try {
        std::vector<std::string> args = cli::with_environment(argc, argv, getenv, from_env);
        std::vector<const char*> pointers;
        for (const auto& a : args) pointers.push_back(a.c_str());
        auto r = cli::make_parser().parse(static_cast<int>(pointers.size()), pointers.data());
        if (r.count("help")) {
            out.kind = CliOutcome::Kind::Help;
            return out;
        }
        if (r.count("version")) {
            out.kind = CliOutcome::Kind::Version;
            return out;
        }
        // Known before anything else is checked, so that a usage error can still be told
        // in the format's own way (a Nagios plugin says UNKNOWN on stdout).
        try {
            out.config.format = output_format(r);
        } catch (const UsageError&) {
        }
        if (!r.unmatched().empty())
            throw UsageError("unexpected argument '" + r.unmatched().front() + "' (options start with --)");
        out.config = build_config(r, getenv);
    } catch (const UsageError& e) {
        out.kind = CliOutcome::Kind::UsageError;
        out.message = with_source(e.what(), from_env);
    } catch (const std::invalid_argument& e) {  // an IMAPCHECK_<FLAG> that is not 1 or 0
        out.kind = CliOutcome::Kind::UsageError;
        out.message = e.what();
    } catch (const cxxopts::exceptions::exception& e) {
        out.kind = CliOutcome::Kind::UsageError;
        out.message = with_source(explain(e), from_env);
    }
    return out;
}

std::string version_text() {
    const curl_version_info_data* v = curl_version_info(CURLVERSION_NOW);
    return std::string("imapcheck ") + kVersion + " (libcurl " + v->version + ", " +
           (v->ssl_version ? v->ssl_version : "no TLS") + ")\n";
}

std::string help_text() {
    return R"(imapcheck - check that an IMAP account really works, in one run

Usage: imapcheck --host HOST --user USER [options]
The password comes from $IMAPCHECK_PASSWORD, --password-file or --netrc, never the command line.

Connection:
  -H, --host HOST          IMAP server (name, IPv4 or IPv6 address)
  -p, --port N             port (default 993 with --tls implicit, else 143)
      --tls MODE           implicit | starttls | none (default: implicit on port 993, else starttls)
      --connect-to ADDR[:PORT]  connect there, but verify the certificate for HOST
      --proxy URL          e.g. socks5h://127.0.0.1:1080
  -4, --ipv4 / -6, --ipv6  use only IPv4 / IPv6
      --cacert FILE        trust these CA certificates (PEM) instead of the system store
  -k, --insecure           do not verify the certificate (the tls check then warns)
      --min-tls 1.2|1.3    lowest TLS version accepted
      --timeout SECONDS    bound for the whole run (default 30)
      --connect-timeout SECONDS  bound for TCP, TLS and greeting (default 10)
      --command-timeout SECONDS  bound for each IMAP command's answer (default 15)
Auth:
  -u, --user USER          account to log in as
      --password-env VAR   read the password from VAR (default IMAPCHECK_PASSWORD)
      --password-file FILE first line of FILE (must not be readable by group or others)
      --netrc              password from ~/.netrc (or --netrc-file FILE)
      --auth MECH          auto | login | plain | xoauth2 | oauthbearer (default auto:
                           AUTHENTICATE PLAIN when offered, else LOGIN)
      --allow-plaintext-auth  allow sending the password with --tls none
Checks:
      --mailbox NAME       mailbox to examine (UTF-8; default INBOX)
      --search CRITERIA    IMAP SEARCH criteria (default UNSEEN)
      --fetch-bytes N      bytes of message text to fetch (default 4096; 0 = header only)
      --expect-folder NAME fail unless LIST shows NAME (repeatable)
Thresholds:
      --quota-warn PCT     (default 80)     --quota-crit PCT     (default 95)
      --cert-warn-days N   (default 14)     --cert-crit-days N   (default 3)
      --warn-time MS       --crit-time MS   bounds for the whole run's wall time
Output:
      --format FORMAT      report format (default text):
                           text        one line per check, for people
                           json        schema imapcheck.report/1, for scripts
                           nagios      Nagios/Icinga plugin output with perfdata
                           junit       JUnit XML for CI test reports (GitLab, Jenkins)
                           prometheus  metrics for node_exporter's textfile collector
  -o, --output FILE        write the report to FILE (atomically) instead of stdout
      --trace FILE|-       protocol transcript, passwords masked (- = stderr)
      --no-color           no colour (also NO_COLOR)
  -V, --version            version, with libcurl and OpenSSL versions
  -h, --help               this help

Every option can also be set as IMAPCHECK_<OPTION> (IMAPCHECK_HOST, IMAPCHECK_CONNECT_TIMEOUT,
IMAPCHECK_INSECURE=1, ...); the command line wins.

Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad usage or internal error).

Examples:
  IMAPCHECK_PASSWORD=... imapcheck --host mail.example.com --user alice
  imapcheck -H mail.example.com -u alice --password-file ~/.imapcheck-pw --format json -o alice.json
  imapcheck -H mail.example.com -u alice --connect-to 10.0.0.7 --expect-folder Sent --trace -
  imapcheck -H mail.example.com -u alice --password-file /etc/imapcheck/alice.pw --format prometheus \
      -o /var/lib/prometheus/node-exporter/imapcheck-alice.prom
  IMAPCHECK_HOST=mail.example.com IMAPCHECK_USER=alice IMAPCHECK_FORMAT=nagios imapcheck
)";
}

}  // namespace imapcheck
