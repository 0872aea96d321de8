// imapcheck: the CLI (docs/contract.md §4). cxxopts reads the words into an option map, over
// the IMAPCHECK_* variables; target_rules.cpp validates it. Help and version texts.
#include "imapcheck/cli.hpp"

#include "config/option_table.hpp"
#include "imapcheck/fleet_config.hpp"
#include "imapcheck/options.hpp"
#include "imapcheck/output.hpp"
#include "imapcheck/transport.hpp"
#include "imapcheck/version.hpp"

namespace imapcheck {
namespace {

// What the command line gives, as options: each named as the user would write it.
OptionMap options_from_argv(const cxxopts::ParseResult& r) {
    OptionMap options;
    for (const auto& spec : cli::option_table()) {
        std::string name = cli::long_name(spec);
        if (!r.count(name)) continue;
        OptionValue value{{}, "--" + name};
        if (!spec.takes_value)
            value.values = {"1"};
        else if (spec.repeatable)
            value.values = r[name].as<std::vector<std::string>>();
        else
            value.values = {r[name].as<std::string>()};
        options[name] = std::move(value);
    }
    return options;
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

// --config FILE: every target of the file, the command line's options over each.
CliOutcome fleet(CliOutcome out, const GetEnv& getenv) {
    auto fail = [&out](std::string message) {
        out.kind = CliOutcome::Kind::UsageError;
        out.message = std::move(message);
        return std::move(out);
    };
    auto limits = build_fleet_limits(out.options);
    if (!limits) return fail(limits.error().message);
    out.limits = *limits;
    auto file = load_fleet_file(out.options.at("config").values.back());
    if (!file) return fail(file.error().message);
    std::vector<std::string> selected;
    if (auto it = out.options.find("target"); it != out.options.end()) selected = it->second.values;
    auto targets = build_fleet(*file, out.environment, out.command_line, selected, getenv);
    if (!targets) return fail(targets.error().message);
    if (targets->empty()) return fail(file->path + ": no targets: section");
    // Who logs in is the file's business: an identity on the command line would apply to
    // every target, and one typo would be one failed login per server (fail2ban).
    for (const char* identity : {"user", "password-file", "password-env", "netrc", "netrc-file"})
        if (out.command_line.count(identity) && selected.size() != 1)
            return fail(std::string("--") + identity +
                        " on the command line would apply to every " + "target of " + file->path +
                        "; write it in the file, or name one target " + "with --target NAME");
    out.targets = std::move(*targets);
    out.kind = CliOutcome::Kind::Fleet;
    return out;
}

}  // namespace

CliOutcome parse_command_line(int argc, const char* const* argv, const GetEnv& getenv,
                              bool stdin_is_terminal) {
    CliOutcome out;
    auto usage = [&out](std::string message) {
        out.kind = CliOutcome::Kind::UsageError;
        out.message = std::move(message);
        return out;
    };
    try {
        auto r = cli::make_parser().parse(argc, argv);
        if (r.count("help")) {
            out.kind = CliOutcome::Kind::Help;
            return out;
        }
        if (r.count("version")) {
            out.kind = CliOutcome::Kind::Version;
            return out;
        }
        auto environment = options_from_environment(getenv);
        if (!environment) return usage(environment.error().message);
        out.environment = std::move(*environment);
        out.command_line = options_from_argv(r);
        out.options = out.environment;
        overlay(out.options, out.command_line);  // the command line wins
        // Known before anything else is checked, so that a usage error can still be told
        // in the format's own way (a Nagios plugin says UNKNOWN on stdout).
        auto settings = build_output_settings(out.options, getenv);
        if (!settings) return usage(settings.error().message);
        out.output = std::move(*settings);
        // Before any connection: a typo in -o must not cost a whole session.
        if (!out.output.output.empty())
            if (auto writable = check_writable(out.output.output); !writable)
                return usage("-o: " + writable.error().message);
        if (!r.unmatched().empty())
            return usage("unexpected argument '" + r.unmatched().front() +
                         "' (options start with --)");
        if (out.options.count("config")) return fleet(std::move(out), getenv);
        for (const char* fleet_only : {"target", "concurrency", "per-host"})
            if (out.command_line.count(fleet_only))
                return usage(std::string("--") + fleet_only + " goes with --config FILE");
        auto target = build_target_config(out.options, getenv, stdin_is_terminal);
        if (!target) return usage(target.error().message);
        out.target = std::move(*target);
    } catch (const cxxopts::exceptions::exception& e) {
        return usage(explain(e));
    }
    return out;
}

std::string version_text() {
    return std::string("imapcheck ") + kVersion + " (" + transport_versions() + ")\n";
}

std::string help_text() {
    return R"(imapcheck - check that an IMAP account really works, in one run

Usage: imapcheck --host HOST --user USER [options]
       imapcheck --config FILE [--target NAME]... [options]
       imapcheck serve --config FILE [--listen ADDR:PORT]
                       (see imapcheck serve --help)
The password comes from $IMAPCHECK_PASSWORD, --password-file or --netrc, never
the command line; with none of them, it is asked for when stdin is a terminal.

Connection:
  -H, --host HOST          IMAP server (name, IPv4 or IPv6 address; the port
                           goes in --port)
  -p, --port N             port (default 993 with --tls implicit, else 143)
      --tls MODE           implicit | starttls | none (default: implicit on port
                           993, else starttls)
      --connect-to ADDR[:PORT]  connect there, but verify the certificate for
                           HOST (not curl's HOST1:PORT1:HOST2:PORT2 form)
      --resolve HOST:PORT:ADDR[,ADDR...]  use these addresses for HOST:PORT,
                           no DNS (as curl's --resolve; repeatable)
      --proxy URL          e.g. socks5h://127.0.0.1:1080
  -4, --ipv4 / -6, --ipv6  use only IPv4 / IPv6
      --cacert FILE        trust these CA certificates (PEM) instead of the
                           system store
  -k, --insecure           do not verify the chain or the name (the tls check
                           then warns); expiry is still judged exactly as
                           without it (an expired certificate is CRITICAL)
      --min-tls 1.2|1.3    lowest TLS version accepted
      --timeout SECONDS    bound for the whole run (default 30)
      --connect-timeout SECONDS  bound for TCP, TLS and greeting (default 10;
                           not above --timeout)
      --command-timeout SECONDS  bound for each IMAP command's answer
                           (default 15)
Auth:
  -u, --user USER          account to log in as
      --password-env VAR   read the password from VAR
                           (default IMAPCHECK_PASSWORD)
      --password-file FILE first line of FILE (must not be readable by group
                           or others)
      --netrc              password from ~/.netrc (or --netrc-file FILE)
      --auth MECH          auto | login | plain | xoauth2 | oauthbearer
                           (default auto: AUTHENTICATE PLAIN when offered,
                           else LOGIN)
      --allow-plaintext-auth  allow sending the password with --tls none
Checks:
      --mailbox NAME       mailbox to examine (UTF-8; default INBOX)
      --search CRITERIA    IMAP SEARCH criteria (default UNSEEN)
      --fetch-bytes N      bytes of message text to fetch (default 4096;
                           0 = header only)
      --expect-folder NAME fail unless LIST shows NAME (repeatable)
Part of the sequence (CHECK: connect tls capability login list status select
search fetch quota logout; comma-separated or repeated):
      --only CHECK         run only these, the checks they need, and logout
      --skip CHECK         leave these out, and every check that needs one
      --quit-after CHECK   run nothing after CHECK but logout (tls: no
                           credentials sent)
Baselines (after a deploy: what must not change):
      --save-baseline FILE write this run's baseline (JSON, schema
                           imapcheck.baseline/1)
      --baseline FILE      compare with a saved baseline (the baseline check,
                           -/+ lines)
      --baseline-ignore FIELD  do not compare FIELD (repeatable,
                           comma-separated): greeting id capabilities
                           auth_mechanisms tls certificate namespace folders
                           uidvalidity messages quota
Thresholds:
      --quota-warn PCT     (default 80)     --quota-crit PCT     (default 95)
      --cert-warn-days N   (default 14)     --cert-crit-days N   (default 3)
      --warn-time MS       --crit-time MS   bounds for the whole run's wall time
      --slow-step SECONDS  a step that passes but takes longer warns
                           (default 5; 0 = never)
      --search-warn RANGE  --search-crit RANGE    on the number of SEARCH hits
      --messages-warn RANGE  --messages-crit RANGE
                           on the mailbox's STATUS MESSAGES
                           RANGE alerts outside N:M (N alone = 0:N, N: = N
                           and up, ~:M = up to M), or inside it with @N:M
Output:
      --format FORMAT      report format (default text):
                           text        one line per check, for people
                           json        schema imapcheck.report/1, for scripts
                           nagios      Nagios/Icinga plugin output with perfdata
                           junit       JUnit XML for CI test reports
                                       (GitLab, Jenkins)
                           prometheus  metrics for node_exporter's textfile
                                       collector
  -o, --output FILE        write the report to FILE (atomically) instead of
                           stdout
      --trace FILE|-       protocol transcript with a header and the result,
                           passwords masked (- = stderr)
      --no-color           no colour (also NO_COLOR)
Many accounts:
      --config FILE        check every target of a YAML config file (defaults,
                           modules, targets; keys are these long option
                           names); options given here apply to every target
                           and win
      --target NAME        only this target of the file (repeatable)
      --concurrency N      targets checked at once (default 8)
      --per-host N         connections at once to one server address
                           (default 4)
  -V, --version            version, with libcurl and OpenSSL versions
  -h, --help               this help

Every option can also be set as IMAPCHECK_<OPTION> (IMAPCHECK_HOST,
IMAPCHECK_CONNECT_TIMEOUT, IMAPCHECK_INSECURE=1, ...); the command line wins.

Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad usage, internal error).

Examples:
  IMAPCHECK_PASSWORD=... imapcheck --host mail.example.com --user alice
  imapcheck -H mail.example.com -u alice --password-file ~/.imapcheck-pw \
      --format json -o alice.json
  imapcheck -H mail.example.com -u alice --connect-to 10.0.0.7 \
      --expect-folder Sent --trace -
  imapcheck -H mail.example.com -u alice \
      --password-file /etc/imapcheck/alice.pw --format prometheus \
      -o /var/lib/prometheus/node-exporter/imapcheck-alice.prom
  IMAPCHECK_HOST=mail.example.com IMAPCHECK_USER=alice \
      IMAPCHECK_FORMAT=nagios imapcheck
)";
}

}  // namespace imapcheck
