// imapcheck: every rule and default of a target's config (docs/contract.md §4), applied to an
// option map whatever filled it. An error names the option where it was set: "--port" on
// the command line, "(set by IMAPCHECK_PORT)", or "imapcheck.yml:12: targets[3].port".
#include <arpa/inet.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "config/option_table.hpp"
#include "imapcheck/baseline_file.hpp"
#include "imapcheck/check_ids.hpp"
#include "imapcheck/imap/mutf7.hpp"
#include "imapcheck/options.hpp"
#include "imapcheck/output.hpp"
#include "imapcheck/selection.hpp"

namespace imapcheck {
namespace {

// Thrown by the rules, caught at the boundary and turned into an error value.
struct OptionError : std::runtime_error {
    OptionError(std::string option, const std::string& message)
        : std::runtime_error(message), option(std::move(option)) {}
    std::string option;  // the long name the message is about
};

// A password source that cannot be read now: the configuration is right, the file around
// it is not (Error::Kind::Credential).
struct CredentialError : OptionError {
    using OptionError::OptionError;
};

// The option map as the rules read it: a value, or the table's default.
class Options {
  public:
    explicit Options(const OptionMap& map) : map_(map) {}

    bool has(const std::string& name) const { return map_.count(name) > 0; }
    std::string text(const std::string& name) const {
        if (auto it = map_.find(name); it != map_.end() && !it->second.values.empty())
            return it->second.values.back();
        const cli::OptionSpec* spec = cli::find_option(name);
        return spec && spec->default_value ? spec->default_value : "";
    }
    std::vector<std::string> all(const std::string& name) const {
        auto it = map_.find(name);
        return it == map_.end() ? std::vector<std::string>{} : it->second.values;
    }
    bool flag(const std::string& name) const { return has(name) && text(name) != "0"; }

  private:
    const OptionMap& map_;
};

[[noreturn]] void reject(const std::string& option, const std::string& message) {
    throw OptionError(option, message);
}

std::string bound_text(double v) {
    std::string s = std::to_string(v);
    return s.substr(0, s.find('.'));
}

template <typename T>
T number(const Options& o, const std::string& name, T min, T max) {
    std::string text = o.text(name);
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
    reject(name, "--" + name + " must be a " +
                     (std::is_floating_point_v<T> ? "number" : "whole number") + " from " +
                     bound_text(static_cast<double>(min)) + " to " +
                     bound_text(static_cast<double>(max)) + " (got '" + text + "')");
}

std::chrono::milliseconds seconds_option(const Options& o, const std::string& name) {
    double s = number<double>(o, name, 0.001, 86400);
    return std::chrono::milliseconds(static_cast<long long>(std::llround(s * 1000)));
}

template <typename E>
E choice(const Options& o, const std::string& name,
         std::initializer_list<std::pair<const char*, E>> options) {
    std::string value = o.text(name);
    std::string allowed;
    for (const auto& [word, e] : options) {
        if (value == word) return e;
        allowed += (allowed.empty() ? "" : "|") + std::string(word);
    }
    reject(name, "--" + name + " must be one of " + allowed + " (got '" + value + "')");
}

void check_text(const std::string& value, const std::string& name) {
    for (char c : value)
        if (c == '\r' || c == '\n' || c == '\0')
            reject(name, "--" + name + " must not contain line breaks");
}

std::optional<unsigned> port_number(const std::string& text) {
    if (text.empty() || text.size() > 5 ||
        text.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    unsigned port = static_cast<unsigned>(std::stoul(text));
    return port >= 1 && port <= 65535 ? std::optional(port) : std::nullopt;
}

bool is_ipv4_literal(const std::string& text) {
    in_addr a{};
    return ::inet_pton(AF_INET, text.c_str(), &a) == 1;
}

// A zone ("fe80::1%eth0") is part of a link-local literal but not of inet_pton's syntax.
bool is_ipv6_literal(const std::string& text) {
    in6_addr a{};
    return ::inet_pton(AF_INET6, text.substr(0, text.find('%')).c_str(), &a) == 1;
}

// Skips one host of curl's --connect-to syntax at `i`: "[V6]" or up to the next ':'.
bool skip_curl_host(const std::string& v, std::size_t& i) {
    if (i < v.size() && v[i] == '[') {
        auto close = v.find(']', i);
        if (close == std::string::npos) return false;
        i = close + 1;
    } else {
        while (i < v.size() && v[i] != ':') ++i;
    }
    return true;
}

// curl's own --connect-to is HOST1:PORT1:HOST2:PORT2 (either host may be empty); someone
// who knows curl writes that here. Returns the HOST2[:PORT2] part when `value` has that
// form, so the message can show the form imapcheck wants.
std::optional<std::string> curl_connect_to_target(const std::string& v) {
    if (is_ipv6_literal(v)) return std::nullopt;  // "::1" has the colons but is an address
    std::size_t i = 0;
    if (!skip_curl_host(v, i) || i >= v.size() || v[i] != ':') return std::nullopt;
    std::size_t port1 = ++i;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
    if (i >= v.size() || v[i] != ':' || i - port1 > 5) return std::nullopt;
    std::size_t host2 = ++i;
    if (!skip_curl_host(v, i)) return std::nullopt;
    if (i == v.size()) return v.substr(host2);
    if (v[i] != ':') return std::nullopt;
    if (i + 1 == v.size()) return v.substr(host2, i - host2);  // an empty PORT2: the same port
    if (!port_number(v.substr(i + 1))) return std::nullopt;
    return v.substr(host2);
}

[[noreturn]] void reject_curl_connect_to(const std::string& value, const std::string& target) {
    std::string message = "--connect-to '" + value +
                          "' is curl's HOST1:PORT1:HOST2:PORT2 form; imapcheck's --connect-to "
                          "takes only where to connect, ADDR[:PORT] (HOST1:PORT1 are --host "
                          "and --port)";
    if (target.empty() || target.front() == ':')
        message += "; to change only the port, use --port";
    else
        message += ": --connect-to " + target;
    reject("connect-to", message);
}

// --connect-to ADDR, ADDR:PORT, [V6], [V6]:PORT or a bare IPv6 address, as libcurl's
// CONNECT_TO wants the target: "ADDR:PORT" with IPv6 in brackets.
// --resolve HOST:PORT:ADDR[,ADDR...], as curl has it: the name is pinned to these addresses
// (IPv6 in brackets) and DNS is not asked. Checked here so that libcurl never sees a
// malformed entry (it would ignore it with a warning, and DNS would answer after all).
std::string resolve_entry(const std::string& value) {
    const auto bad = [&value](const std::string& why) -> std::string {
        reject("resolve",
               "--resolve must be HOST:PORT:ADDR[,ADDR...] (" + why + "; got '" + value + "')");
    };
    const auto first = value.find(':');
    if (first == std::string::npos || first == 0) return bad("no HOST");
    const auto second = value.find(':', first + 1);
    if (second == std::string::npos) return bad("no ADDR");
    const std::string port = value.substr(first + 1, second - first - 1);
    char* end = nullptr;
    const long n = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || n < 1 || n > 65535) return bad("PORT must be 1 to 65535");
    std::string addresses = value.substr(second + 1);
    if (addresses.empty()) return bad("no ADDR");
    std::size_t start = 0;
    while (start <= addresses.size()) {
        const auto comma = std::min(addresses.find(',', start), addresses.size());
        std::string address = addresses.substr(start, comma - start);
        if (address.size() > 2 && address.front() == '[' && address.back() == ']')
            address = address.substr(1, address.size() - 2);
        if (!is_ipv4_literal(address) && !is_ipv6_literal(address))
            return bad("'" + address + "' is not an IP address; IPv6 goes in brackets");
        start = comma + 1;
    }
    return value;
}

std::string connect_to_entry(const std::string& value, unsigned default_port) {
    const std::string name = "connect-to";
    check_text(value, name);
    if (auto target = curl_connect_to_target(value)) reject_curl_connect_to(value, *target);
    std::string addr = value, port;
    bool port_given = false;
    if (!addr.empty() && addr.front() == '[') {
        auto close = addr.find(']');
        if (close == std::string::npos) reject(name, "--connect-to has an unclosed '['");
        if (close + 1 < addr.size()) {
            if (addr[close + 1] != ':') reject(name, "--connect-to must be ADDR[:PORT]");
            port = addr.substr(close + 2);
            port_given = true;
        }
        addr = addr.substr(0, close + 1);
        if (addr.size() == 2) reject(name, "--connect-to has an empty address");
    } else if (std::count(addr.begin(), addr.end(), ':') == 1) {
        port = addr.substr(addr.find(':') + 1);
        addr = addr.substr(0, addr.find(':'));
        port_given = true;
    } else if (addr.find(':') != std::string::npos) {
        addr = "[" + addr + "]";
    }
    if (addr.empty()) reject(name, "--connect-to needs an address: ADDR[:PORT]");
    if (addr.find_first_of(" /@") != std::string::npos)
        reject(name, "--connect-to '" + value + "' is not an address");
    if (port_given && !port_number(port))
        reject(name, "--connect-to port must be 1-65535 (got '" + port + "')");
    return addr + ":" + (port.empty() ? std::to_string(default_port) : port);
}

// --host: a name or an address, [V6] accepted for V6. "HOST:PORT" is refused with the fix,
// since curl (and habit) would otherwise make it a host name that never resolves.
std::string host_name(const std::string& value) {
    const std::string bad = "--host '" + value + "' is not a host name or address";
    auto refuse_port = [&value](const std::string& port) {
        reject("host", "--host: '" + value + "' contains a port; give it with --port " + port);
    };
    std::string host = value;
    if (!value.empty() && value.front() == '[') {
        auto close = value.find(']');
        if (close == std::string::npos) reject("host", bad);
        std::string rest = value.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() == ':' && port_number(rest.substr(1))) refuse_port(rest.substr(1));
            reject("host", bad);
        }
        host = value.substr(1, close - 1);  // accept [::1] as well as ::1
    } else if (std::count(value.begin(), value.end(), ':') == 1) {
        std::string port = value.substr(value.find(':') + 1);
        if (port_number(port)) refuse_port(port);
        reject("host", bad);
    }
    if (host.find(':') != std::string::npos && !is_ipv6_literal(host)) reject("host", bad);
    if (host.empty() || host.find_first_of(" /\r\n@") != std::string::npos) reject("host", bad);
    return host;
}

// -4/-6 against an address literal that can only be reached the other way: libcurl would
// report "could not resolve" or "no route", which sends people looking at DNS. Through a
// proxy, libcurl would apply the family to the proxy's own address, not the IMAP server's
// (which the proxy reaches as it likes): a -6 run that fails on the proxy's IPv4 address
// would blame the proxy for what was asked of the server. Said at once instead.
void address_family_rules(const TargetConfig& c) {
    if (c.ip_version == IpVersion::Any) return;
    if (!c.proxy.empty()) {
        const char* flag = c.ip_version == IpVersion::V4 ? "-4" : "-6";
        reject(c.ip_version == IpVersion::V4 ? "ipv4" : "ipv6",
               std::string(flag) + " cannot choose the IMAP server's address family through " +
                   "--proxy " + c.proxy + ": the proxy connects to the server itself (libcurl " +
                   "would apply " + flag + " to the proxy's own address); drop " + flag +
                   ", or give the server's address with --connect-to");
    }
    std::string address = c.host;
    const char* where = "--host";
    if (!c.connect_to.empty()) {
        address = c.connect_to.substr(0, c.connect_to.rfind(':'));
        if (address.size() > 2 && address.front() == '[')
            address = address.substr(1, address.size() - 2);
        where = "--connect-to";
    }
    if (c.ip_version == IpVersion::V4 && is_ipv6_literal(address))
        reject("ipv4", std::string("-4 (IPv4 only) cannot reach the IPv6 address ") + address +
                           " of " + where + "; drop -4, or give an IPv4 address");
    if (c.ip_version == IpVersion::V6 && is_ipv4_literal(address))
        reject("ipv6", std::string("-6 (IPv6 only) cannot reach the IPv4 address ") + address +
                           " of " + where + "; drop -6, or give an IPv6 address");
}

// --cacert is read here, so that a wrong path is a usage error naming the option rather
// than a CRITICAL TLS failure blamed on the server. Counts the certificates the way
// libcurl's OpenSSL backend loads them (PEM blocks; DER and keys do not count).
void check_cacert(const std::string& path) {
    const std::string quoted = "--cacert '" + path + "'";
    const char* fix = "give a file of PEM CA certificates";
    struct stat st {};
    if (path.empty()) reject("cacert", std::string("--cacert needs a file name; ") + fix);
    if (::stat(path.c_str(), &st) != 0)
        reject("cacert", quoted + ": " + (errno == ENOENT ? "no such file" : std::strerror(errno)) +
                             "; " + fix);
    if (S_ISDIR(st.st_mode))
        reject("cacert",
               quoted + " is a directory; " + fix + " (concatenate them: cat DIR/*.pem > ca.pem)");
    if (!S_ISREG(st.st_mode))
        reject("cacert", quoted + " is not a regular file (it is read more than once); " + fix);
    BIO* bio = BIO_new_file(path.c_str(), "r");
    if (!bio) {
        ERR_clear_error();
        reject("cacert", quoted + " cannot be read (" + std::strerror(errno) + ")");
    }
    STACK_OF(X509_INFO)* infos = PEM_X509_INFO_read_bio(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    int certificates = 0;
    for (int i = 0; infos && i < sk_X509_INFO_num(infos); ++i)
        certificates += sk_X509_INFO_value(infos, i)->x509 != nullptr;
    if (infos) sk_X509_INFO_pop_free(infos, X509_INFO_free);
    ERR_clear_error();  // what OpenSSL queued here is not the TLS handshake's to report
    if (certificates == 0)
        reject("cacert", quoted + " holds no PEM certificate (no readable -----BEGIN " +
                             "CERTIFICATE----- block); " + fix +
                             " (a DER file: openssl x509 -inform der -in FILE -out ca.pem)");
}

OutputFormat output_format(const Options& o) {
    return choice<OutputFormat>(o, "format",
                                {{"text", OutputFormat::Text},
                                 {"json", OutputFormat::Json},
                                 {"nagios", OutputFormat::Nagios},
                                 {"junit", OutputFormat::Junit},
                                 {"prometheus", OutputFormat::Prometheus}});
}

void connection_rules(const Options& o, TargetConfig& c) {
    if (!o.has("host")) reject("host", "--host is required (the IMAP server to check)");
    c.host = host_name(o.text("host"));

    std::optional<unsigned> port;
    if (o.has("port")) port = number<unsigned>(o, "port", 1, 65535);
    if (o.has("tls"))
        c.tls = choice<TlsMode>(o, "tls",
                                {{"implicit", TlsMode::Implicit},
                                 {"starttls", TlsMode::StartTls},
                                 {"none", TlsMode::None}});
    else
        c.tls = port == 993 ? TlsMode::Implicit : TlsMode::StartTls;
    c.port = static_cast<std::uint16_t>(port.value_or(c.tls == TlsMode::Implicit ? 993 : 143));

    if (o.has("connect-to")) c.connect_to = connect_to_entry(o.text("connect-to"), c.port);
    for (const auto& value : o.all("resolve")) c.resolve.push_back(resolve_entry(value));
    if (o.has("proxy")) c.proxy = o.text("proxy");
    if (o.flag("ipv4") && o.flag("ipv6")) reject("ipv6", "-4 and -6 exclude each other");
    c.ip_version = o.flag("ipv4") ? IpVersion::V4 : o.flag("ipv6") ? IpVersion::V6 : IpVersion::Any;
    address_family_rules(c);
    if (o.has("cacert")) {
        c.cacert = o.text("cacert");
        check_cacert(c.cacert);
    }
    c.insecure = o.flag("insecure");
    if (o.has("min-tls")) {
        c.min_tls = o.text("min-tls");
        if (c.min_tls != "1.2" && c.min_tls != "1.3")
            reject("min-tls", "--min-tls must be 1.2 or 1.3 (got '" + c.min_tls + "')");
    }
    c.timeout = seconds_option(o, "timeout");
    c.connect_timeout = seconds_option(o, "connect-timeout");
    c.command_timeout = seconds_option(o, "command-timeout");
    // Only when both are set: the default (10 s) under a short --timeout is simply cut
    // short by the run's deadline, as the user asked.
    if (o.has("connect-timeout") && c.connect_timeout > c.timeout)
        reject("connect-timeout", "--connect-timeout " + o.text("connect-timeout") +
                                      " must not be above --timeout " + o.text("timeout") +
                                      " (the whole run's bound); lower it or raise --timeout");
}

void check_rules(const Options& o, TargetConfig& c) {
    c.mailbox = o.text("mailbox");
    check_text(c.mailbox, "mailbox");
    if (c.mailbox.empty() || !imap::encode_mutf7(c.mailbox))
        reject("mailbox", "--mailbox must be a non-empty UTF-8 name");
    c.search = o.text("search");
    check_text(c.search, "search");
    if (c.search.empty()) reject("search", "--search must not be empty (the default is UNSEEN)");
    for (char ch : c.search)
        if (static_cast<unsigned char>(ch) >= 0x80)
            reject("search",
                   "--search must be ASCII (non-ASCII search keys are not supported yet)");
    c.fetch_bytes = number<std::uint64_t>(o, "fetch-bytes", 0, 64ull << 20);
    c.expect_folders = o.all("expect-folder");
    for (const auto& folder : c.expect_folders) check_text(folder, "expect-folder");
}

// A check id of the registry, or a usage error with the closest one and the whole list.
std::string check_id(const std::string& option, std::string word) {
    while (!word.empty() && word.front() == ' ') word.erase(0, 1);
    while (!word.empty() && word.back() == ' ') word.pop_back();
    std::vector<std::string> ids;
    for (const auto& check : check_sequence()) ids.emplace_back(check.id);
    if (std::find(ids.begin(), ids.end(), word) != ids.end()) return word;
    std::string message = "--" + option + " '" + word + "' is not a check";
    if (auto near = cli::closest_word(word, ids)) message += " (did you mean " + *near + "?)";
    std::string all;
    for (const auto& id : ids) all += (all.empty() ? "" : ", ") + id;
    reject(option, message + "; the checks are " + all);
}

// --only and --skip take ids comma-separated, repeated, or (in a config file) as a list.
std::vector<std::string> check_ids(const Options& o, const std::string& option) {
    std::vector<std::string> ids;
    for (const auto& value : o.all(option)) {
        std::size_t start = 0;
        while (start <= value.size()) {
            auto end = std::min(value.find(',', start), value.size());
            ids.push_back(check_id(option, value.substr(start, end - start)));
            start = end + 1;
        }
    }
    return ids;
}

// --baseline is read now, so that a missing or foreign file is a usage error before any
// connection; probe() reads it again for the comparison.
void baseline_rules(const Options& o, TargetConfig& c) {
    if (o.has("save-baseline")) c.save_baseline = o.text("save-baseline");
    if (!c.save_baseline.empty())
        if (auto writable = check_writable(c.save_baseline); !writable)
            reject("save-baseline", "--save-baseline: " + writable.error().message);
    if (o.has("baseline")) {
        c.baseline = o.text("baseline");
        if (auto saved = load_baseline(c.baseline); !saved)
            reject("baseline", saved.error().message);
    }
    if ((o.has("save-baseline") && c.save_baseline.empty()) ||
        (o.has("baseline") && c.baseline.empty()))
        reject(c.save_baseline.empty() ? "save-baseline" : "baseline", "a baseline needs a FILE");
    const auto& fields = baseline_fields();
    for (const auto& value : o.all("baseline-ignore")) {
        std::size_t start = 0;
        while (start <= value.size()) {
            auto end = std::min(value.find(',', start), value.size());
            std::string field = value.substr(start, end - start);
            start = end + 1;
            if (std::find(fields.begin(), fields.end(), field) != fields.end()) {
                c.baseline_ignore.push_back(field);
                continue;
            }
            std::string message = "--baseline-ignore '" + field + "' is not a baseline field";
            if (auto near = cli::closest_word(field, fields))
                message += " (did you mean " + *near + "?)";
            std::string all;
            for (const auto& f : fields) all += (all.empty() ? "" : ", ") + f;
            reject("baseline-ignore", message + "; the fields are " + all);
        }
    }
}

void selection_rules(const Options& o, TargetConfig& c) {
    c.only_checks = check_ids(o, "only");
    c.skip_checks = check_ids(o, "skip");
    if (o.has("quit-after")) c.quit_after = check_id("quit-after", o.text("quit-after"));
    for (const auto& id : c.only_checks)
        if (std::find(c.skip_checks.begin(), c.skip_checks.end(), id) != c.skip_checks.end())
            reject("skip", "--skip " + id + " contradicts --only " + id);
    if (auto conflict = selection_conflict(c))
        reject(c.skip_checks.empty() ? "quit-after" : "skip", *conflict);
}

// A --search-warn style option as a Monitoring Plugins range, if given.
std::optional<Range> range_option(const Options& o, const std::string& name) {
    if (!o.has(name)) return std::nullopt;
    auto range = parse_range(o.text(name));
    if (!range) reject(name, "--" + name + " " + range.error().message);
    return *range;
}

void threshold_rules(const Options& o, TargetConfig& c) {
    c.quota_warn = number<double>(o, "quota-warn", 0, 100);
    c.quota_crit = number<double>(o, "quota-crit", 0, 100);
    if (c.quota_warn > c.quota_crit)
        reject("quota-warn", "--quota-warn must not be above --quota-crit");
    c.cert_warn_days = number<int>(o, "cert-warn-days", 0, 3650);
    c.cert_crit_days = number<int>(o, "cert-crit-days", 0, 3650);
    if (c.cert_crit_days > c.cert_warn_days)
        reject("cert-crit-days", "--cert-crit-days must not be above --cert-warn-days");
    if (o.has("warn-time")) c.warn_time_ms = number<double>(o, "warn-time", 0, 86400000);
    if (o.has("crit-time")) c.crit_time_ms = number<double>(o, "crit-time", 0, 86400000);
    // 0 turns the warning off; otherwise at least a millisecond.
    const double slow = number<double>(o, "slow-step", 0, 86400);
    c.slow_step = std::chrono::milliseconds(static_cast<long long>(std::llround(slow * 1000)));
    c.search_warn = range_option(o, "search-warn");
    c.search_crit = range_option(o, "search-crit");
    c.messages_warn = range_option(o, "messages-warn");
    c.messages_crit = range_option(o, "messages-crit");
}

void auth_rules(const Options& o, TargetConfig& c) {
    if (o.has("user")) c.user = o.text("user");
    check_text(c.user, "user");
    c.auth = choice<AuthMechanism>(o, "auth",
                                   {{"auto", AuthMechanism::Auto},
                                    {"login", AuthMechanism::Login},
                                    {"plain", AuthMechanism::Plain},
                                    {"xoauth2", AuthMechanism::XOAuth2},
                                    {"oauthbearer", AuthMechanism::OAuthBearer}});
    c.allow_plaintext_auth = o.flag("allow-plaintext-auth");
}

void credential_rules(const Options& o, TargetConfig& c, const GetEnv& getenv, bool may_prompt) {
    // A run that stops before login (--quit-after tls) sends no credentials: it needs none,
    // and asks for none (README: "before any user exists").
    if (!selection_logs_in(c)) return;
    if (c.user.empty() && !o.flag("netrc") && !o.has("netrc-file"))
        reject("user", "--user is required (the account to log in as)");
    c.credentials.password_env = o.text("password-env");
    if (o.has("password-file")) c.credentials.password_file = o.text("password-file");
    c.credentials.netrc = o.flag("netrc");
    if (o.has("netrc-file")) c.credentials.netrc_file = o.text("netrc-file");
    // ssh's way: a person at a terminal with no source configured is asked. A variable
    // that is set but empty is a mistake to report, not a reason to ask.
    c.credentials.prompt = may_prompt && !c.user.empty() && c.credentials.password_file.empty() &&
                           !c.credentials.netrc && c.credentials.netrc_file.empty() &&
                           !getenv(c.credentials.password_env);
    // Read now, so that a missing or unreadable source is a usage error before any
    // connection; the secret itself is dropped (wiped) here and read again by probe().
    auto secret = load_secret(c.credentials, c.host, c.user, getenv);
    if (!secret) {
        const char* source = !c.credentials.password_file.empty() ? "password-file"
                             : (c.credentials.netrc || !c.credentials.netrc_file.empty())
                                 ? (o.has("netrc-file") ? "netrc-file" : "netrc")
                                 : "password-env";
        throw CredentialError(source, secret.error().message);
    }
    if (c.user.empty()) reject("user", "--user is required (the account to log in as)");
}

// The message with the option's origin: as it is for the command line (its words already
// say "--port"), "(set by VAR)" for the environment, the file position for a config file.
std::string with_origin(const OptionMap& map, const OptionError& e) {
    std::string message = e.what();
    auto it = map.find(e.option);
    if (it == map.end() || it->second.origin.empty() || it->second.origin.starts_with("--"))
        return message;
    const std::string& origin = it->second.origin;
    if (origin.starts_with("IMAPCHECK_")) return message + " (set by " + origin + ")";
    const std::string flag = "--" + e.option;
    if (message.starts_with(flag + " ") || message.starts_with(flag + ":"))
        return origin + message.substr(flag.size());
    return origin + ": " + message;
}

}  // namespace

Result<TargetConfig> build_target_config(const OptionMap& map, const GetEnv& getenv,
                                         bool may_prompt) {
    Options o(map);
    TargetConfig c;
    try {
        connection_rules(o, c);
        auth_rules(o, c);
        check_rules(o, c);
        selection_rules(o, c);
        baseline_rules(o, c);
        threshold_rules(o, c);
        credential_rules(o, c, getenv, may_prompt);
    } catch (const CredentialError& e) {
        return make_error(Error::Kind::Credential, with_origin(map, e));
    } catch (const OptionError& e) {
        return make_error(Error::Kind::Usage, with_origin(map, e));
    }
    return c;
}

Result<OutputSettings> build_output_settings(const OptionMap& map, const GetEnv& getenv) {
    Options o(map);
    OutputSettings s;
    try {
        s.format = output_format(o);
    } catch (const OptionError& e) {
        return make_error(Error::Kind::Usage, with_origin(map, e));
    }
    if (o.has("output")) s.output = o.text("output");
    if (o.has("trace")) s.trace = o.text("trace");
    auto no_color = getenv("NO_COLOR");  // no-color.org: set and not empty
    s.color = !o.flag("no-color") && !(no_color && !no_color->empty());
    return s;
}

Result<FleetLimits> build_fleet_limits(const OptionMap& map) {
    Options o(map);
    FleetLimits limits;
    try {
        limits.concurrency = number<unsigned>(o, "concurrency", 1, 1024);
        limits.per_host = number<unsigned>(o, "per-host", 1, 1024);
    } catch (const OptionError& e) {
        return make_error(Error::Kind::Usage, with_origin(map, e));
    }
    return limits;
}

}  // namespace imapcheck
