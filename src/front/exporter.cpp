// imapcheck: the exporter's request handling (exporter.hpp). Parameters are checked before
// anything is connected: credentials never come from the URL, and only the config file's
// targets, or the servers its `exporter.allow` patterns name, are probed.
#include "imapcheck/exporter.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <set>

#include <openssl/sha.h>

#include "imapcheck/credentials.hpp"
#include "imapcheck/render.hpp"
#include "imapcheck/timestamp.hpp"
#include "report/machine_text.hpp"

namespace imapcheck {

struct Exporter::Config {
    FleetFile file;
    OptionMap environment;
    std::map<std::string, TargetConfig> targets;  // by name
};

struct Exporter::Counters {
    // probes by module ("" for a named target) and result
    std::map<std::pair<std::string, std::string>, unsigned long long> probes;
    static constexpr std::array<double, 9> kBuckets = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
    std::array<unsigned long long, kBuckets.size()> buckets{};
    unsigned long long observed = 0;
    double seconds_sum = 0;
    bool last_reload_ok = false;
    double last_reload_success_time = 0;
    unsigned long long reloads_failed = 0;
};

namespace {

HttpReply refuse(std::string why) {
    return {400, "text/plain; charset=utf-8", "imapcheck: " + std::move(why) + "\n"};
}

double unix_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The account a probe logs in as: what single flight is kept by.
std::string account_of(const TargetConfig& t) {
    return t.user + "@" + t.server_key();
}

// What the back-off is kept by: the account and the credential it would send, as a hash of
// the secret (never the secret). Another target of the same user with the right password,
// or the same target after its file was fixed, is a new credential and is tried.
std::string credential_of(const TargetConfig& t, const GetEnv& getenv) {
    std::string user = t.user;
    auto secret = load_secret(t.credentials, t.host, user, getenv);
    if (!secret) return account_of(t) + " (unreadable)";
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(secret->reveal().data()), secret->reveal().size(),
           digest);
    secret->wipe();
    static const char* hex = "0123456789abcdef";
    std::string key = account_of(t) + " ";
    for (unsigned char b : digest) {
        key += hex[b >> 4];
        key += hex[b & 15];
    }
    return key;
}

bool login_refused(const Report& report) {
    for (const auto& c : report.checks) {
        if (c.id != "login" || c.status != CheckStatus::Fail) continue;
        const Json& d = c.details;
        std::string code =
            d.contains("code") && d["code"].is_string() ? d["code"].get<std::string>() : "";
        std::string response = d.contains("response") && d["response"].is_string()
                                   ? d["response"].get<std::string>()
                                   : "";
        // RFC 5530 AUTHENTICATIONFAILED, or a NO with no code (servers before RFC 5530).
        return code == "AUTHENTICATIONFAILED" || (response == "NO" && code.empty());
    }
    return false;
}

// "host", "host:port" or "[v6]:port" of /probe?target=, split; false when malformed.
bool split_host_port(const std::string& target, std::string& host, std::string& port) {
    if (target.empty() || target.size() > 255) return false;
    if (target.front() == '[') {
        auto close = target.find(']');
        if (close == std::string::npos) return false;
        host = target.substr(1, close - 1);
        if (close + 1 < target.size()) {
            if (target[close + 1] != ':') return false;
            port = target.substr(close + 2);
        }
    } else if (std::count(target.begin(), target.end(), ':') == 1) {
        host = target.substr(0, target.find(':'));
        port = target.substr(target.find(':') + 1);
    } else {
        host = target;
    }
    return !host.empty() && host.find_first_of(" /@\\\r\n") == std::string::npos;
}

bool allowed(const std::vector<std::string>& patterns, const std::string& host, unsigned port) {
    std::string lower = host;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::string with_port = lower + ":" + std::to_string(port);
    for (const auto& p : patterns)
        if (::fnmatch(p.c_str(), lower.c_str(), FNM_CASEFOLD) == 0 ||
            ::fnmatch(p.c_str(), with_port.c_str(), FNM_CASEFOLD) == 0)
            return true;
    return false;
}

std::string gauge(const char* name, const char* help, const std::string& value) {
    return std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" + name +
           " " + value + "\n";
}

}  // namespace

Exporter::Exporter(std::string config_path, ExporterLimits limits, Transport& transport,
                   GetEnv getenv)
    : config_path_(std::move(config_path)),
      limits_(limits),
      transport_(transport),
      getenv_(std::move(getenv)),
      counters_(std::make_unique<Counters>()) {}

Exporter::~Exporter() = default;

Result<Unit> Exporter::reload() {
    auto fail = [this](Error e) {
        std::lock_guard<std::mutex> held(lock_);
        counters_->last_reload_ok = false;
        ++counters_->reloads_failed;
        return e;
    };
    auto file = load_fleet_file(config_path_);
    if (!file) return fail(file.error());
    auto environment = options_from_environment(getenv_);
    if (!environment) return fail(environment.error());
    auto config = std::make_shared<Config>();
    // Named targets are validated now, as a fleet's are: a mistake is found at reload.
    if (!file->targets.empty()) {
        auto targets = build_fleet(*file, *environment, {}, {}, getenv_);
        if (!targets) return fail(targets.error());
        // A fleet run reports a broken target on its own; the exporter keeps its old
        // configuration instead, so a scrape never meets a half-applied file.
        for (const auto& t : *targets)
            if (!t.unusable.empty()) return fail(make_error(Error::Kind::Usage, t.unusable));
        for (auto& t : *targets) config->targets.emplace(t.name, std::move(t));
    }
    config->file = std::move(*file);
    config->environment = std::move(*environment);
    std::lock_guard<std::mutex> held(lock_);
    config_ = std::move(config);
    // A reload is how an operator says "fixed": no remembered refusal outlives it.
    refused_.clear();
    counters_->last_reload_ok = true;
    counters_->last_reload_success_time = unix_now();
    return Unit{};
}

HttpReply Exporter::probe(const QueryParams& params, std::optional<double> scrape_timeout) {
    // Everything about the request is checked before anything is connected.
    static const std::set<std::string> known = {"target", "module", "debug"};
    static const std::set<std::string> secrets = {
        "password", "pass", "passwd", "pw", "secret", "token", "auth", "authorization", "key"};
    for (const auto& [key, value] : params) {
        std::string lower = key;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (secrets.count(lower) || lower.find("password") != std::string::npos)
            return refuse("credentials are never taken from the URL ('" + key +
                          "'); they come from the config file's password-file, password-env or "
                          "netrc");
        if (!known.count(key))
            return refuse("unknown parameter '" + key + "' (target, module, debug)");
        if (params.count(key) > 1) return refuse("parameter '" + key + "' given more than once");
    }
    auto param = [&](const char* key) {
        auto it = params.find(key);
        return it == params.end() ? std::string() : it->second;
    };
    const std::string target = param("target"), module = param("module"), debug = param("debug");
    if (target.empty()) return refuse("missing parameter 'target'");
    // target=alice:pw@host: a credential in the URL. Refused without echoing the value,
    // which would put the password in a 400 (and in whatever logs the reply).
    if (target.find('@') != std::string::npos)
        return refuse(
            "credentials are never taken from the URL (target holds 'user:password@'); "
            "they come from the config file's password-file, password-env or netrc");
    if (!debug.empty() && debug != "true" && debug != "false")
        return refuse("debug must be true or false");

    std::shared_ptr<const Config> config;
    {
        std::lock_guard<std::mutex> held(lock_);
        config = config_;
    }
    if (!config) return {503, "text/plain; charset=utf-8", "imapcheck: no configuration loaded\n"};

    TargetConfig chosen;
    if (module.empty()) {
        auto it = config->targets.find(target);
        if (it == config->targets.end())
            return refuse("unknown target '" + target + "' (not in " + config->file.path + ")");
        chosen = it->second;
    } else {
        if (!config->file.modules.count(module)) return refuse("unknown module '" + module + "'");
        std::string host, port;
        if (!split_host_port(target, host, port))
            return refuse("target must be HOST or HOST:PORT with module= (got '" + target + "')");
        // A target of the module's whose own options are the host and port asked for: the
        // precedence of a config file's targets.
        FleetTarget asked{.name = module + "/" + target, .module = module, .where = "/probe",
                          .options = {{"host", {{host}, "--host"}}}};
        if (!port.empty()) asked.options["port"] = {{port}, "--port"};
        auto built = build_target_config(
            target_options(config->file, asked, config->environment, {}), getenv_);
        if (!built)
            return refuse("module '" + module + "' with target '" + target +
                          "': " + built.error().message);
        if (!allowed(config->file.exporter_allow, built->host, built->port))
            return refuse("target '" + target + "' is not allowed by exporter.allow in " +
                          config->file.path);
        chosen = std::move(*built);
        chosen.name = module + "/" + target;
    }

    chosen.served_over_http = true;
    // The module's (or target's) timeout, capped by Prometheus' own, less a margin for the
    // answer to reach it.
    std::chrono::milliseconds budget = chosen.timeout;
    if (scrape_timeout && *scrape_timeout > 0)
        budget = std::min(budget, std::chrono::milliseconds(static_cast<long long>(
                                      std::max(0.5, *scrape_timeout - 0.5) * 1000)));
    return run(chosen, module, debug == "true", budget);
}

HttpReply Exporter::run(const TargetConfig& target, const std::string& module, bool debug,
                        std::chrono::milliseconds budget) {
    const auto started = Clock::now();
    const std::string account = account_of(target);
    const std::string credential = credential_of(target, getenv_);
    Report report;
    std::string transcript_text;
    std::optional<long long> refused_age;  // seconds since the refusal this answer repeats
    std::shared_future<Report> flight;
    std::optional<std::promise<Report>> mine;  // set when this request runs the probe
    {
        std::lock_guard<std::mutex> held(lock_);
        auto refused = refused_.find(credential);
        if (refused != refused_.end() && Clock::now() - refused->second.at < limits_.auth_backoff) {
            // No new login: a wrong password must not get the monitoring host banned.
            report = refused->second.report;
            refused_age =
                std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - refused->second.at)
                    .count();
            report.notes.push_back(
                "not logged in again: the server refused this account's "
                "login " +
                std::to_string(*refused_age) +
                " s ago with this password; the next attempt is "
                "after the " +
                std::to_string(limits_.auth_backoff.count()) +
                " s back-off, or at once after the password changes or POST /-/reload");
        } else if (auto it = in_flight_.find(account); it != in_flight_.end() && !debug) {
            flight = it->second;  // a probe of this account is running: share its result
        } else if (!debug) {
            mine.emplace();
            flight = mine->get_future().share();
            in_flight_.emplace(account, flight);
        }
    }
    auto remember = [&](const Report& fresh) {
        std::lock_guard<std::mutex> held(lock_);
        if (login_refused(fresh))
            refused_[credential] = {fresh, Clock::now()};
        else
            refused_.erase(credential);
    };
    if (refused_age) {
        // The cached refusal is the answer: nothing is connected.
    } else if (debug) {
        // A debug probe runs on its own (its transcript is its own), within the same limits.
        char* buffer = nullptr;
        std::size_t size = 0;
        std::FILE* sink = ::open_memstream(&buffer, &size);
        {
            Transcript transcript(sink, started);
            transcript.mask_mail(true);
            report = probe_once(target, budget, &transcript);
        }
        if (sink) std::fclose(sink);
        transcript_text.assign(buffer ? buffer : "", size);
        std::free(buffer);
        remember(report);
    } else if (mine) {
        report = probe_once(target, budget, nullptr);
        remember(report);
        {
            std::lock_guard<std::mutex> held(lock_);
            in_flight_.erase(account);
        }
        mine->set_value(report);
    } else {
        report = flight.get();
    }

    const bool success = report.exit_code() <= 1;
    const double seconds = elapsed_ms(started) / 1000.0;
    count(module, success, seconds);
    if (debug) {
        return {
            200, "text/plain; charset=utf-8",
            "Transcript (passwords masked):\n" +
                (refused_age ? "(none: no login was attempted, see the note)\n" : transcript_text) +
                "\nReport:\n" + render_text(report, false)};
    }
    std::string body =
        gauge("probe_success", "1 when the IMAP probe ended OK or WARNING, 0 when it did not.",
              success ? "1" : "0") +
        gauge("probe_duration_seconds", "How long the probe took, in seconds.", decimal(seconds));
    if (refused_age)
        body += gauge("imapcheck_login_refused_age_seconds",
                      "This answer repeats the server's refusal of the account's password, this "
                      "many seconds old, instead of logging in again (--auth-backoff); a changed "
                      "password or POST /-/reload tries again at once.",
                      std::to_string(*refused_age));
    return {200, "text/plain; version=0.0.4; charset=utf-8", body + render_prometheus(report)};
}

Report Exporter::probe_once(const TargetConfig& target, std::chrono::milliseconds budget,
                            Transcript* transcript) {
    const std::string server = target.server_key();
    if (!acquire(server, Clock::now() + budget)) {
        Report report;
        report.target = {target.host, target.port, to_string(target.tls), target.user,
                         target.mailbox};
        report.started_at = utc_now_rfc3339();
        report.time_status = Overall::Critical;
        report.notes.push_back(
            "not probed: no free slot within the probe's budget (--max-concurrent " +
            std::to_string(limits_.max_concurrent) + ", --per-host " +
            std::to_string(limits_.per_host) + ")");
        return report;
    }
    ProbeOptions options{.transcript = transcript, .getenv = getenv_, .budget = budget};
    Report report = imapcheck::probe(target, transport_, options);
    release(server);
    return report;
}

bool Exporter::acquire(const std::string& server, Clock::time_point until) {
    std::unique_lock<std::mutex> held(lock_);
    bool free = slot_freed_.wait_until(held, until, [&] {
        return running_ < limits_.max_concurrent && running_per_host_[server] < limits_.per_host;
    });
    if (!free) return false;
    ++running_;
    ++running_per_host_[server];
    return true;
}

void Exporter::release(const std::string& server) {
    {
        std::lock_guard<std::mutex> held(lock_);
        --running_;
        if (--running_per_host_[server] == 0) running_per_host_.erase(server);
    }
    slot_freed_.notify_all();
}

void Exporter::drain() {
    std::unique_lock<std::mutex> held(lock_);
    slot_freed_.wait(held, [&] { return running_ == 0; });
}

void Exporter::count(const std::string& module, bool success, double seconds) {
    std::lock_guard<std::mutex> held(lock_);
    ++counters_->probes[{module, success ? "success" : "failure"}];
    for (std::size_t i = 0; i < Counters::kBuckets.size(); ++i)
        if (seconds <= Counters::kBuckets[i]) ++counters_->buckets[i];
    ++counters_->observed;
    counters_->seconds_sum += seconds;
}

HttpReply Exporter::metrics() {
    std::lock_guard<std::mutex> held(lock_);
    const Counters& c = *counters_;
    std::string out =
        "# HELP imapcheck_exporter_probes_total Probes answered, by module (empty for a "
        "configured target) and result.\n# TYPE imapcheck_exporter_probes_total counter\n";
    for (const auto& [key, n] : c.probes)
        out += "imapcheck_exporter_probes_total{module=\"" + prometheus_label_value(key.first) +
               "\",result=\"" + key.second + "\"} " + std::to_string(n) + "\n";
    out +=
        "# HELP imapcheck_exporter_probe_duration_seconds How long probes took.\n"
        "# TYPE imapcheck_exporter_probe_duration_seconds histogram\n";
    for (std::size_t i = 0; i < Counters::kBuckets.size(); ++i)
        out += "imapcheck_exporter_probe_duration_seconds_bucket{le=\"" +
               decimal(Counters::kBuckets[i]) + "\"} " + std::to_string(c.buckets[i]) + "\n";
    out += "imapcheck_exporter_probe_duration_seconds_bucket{le=\"+Inf\"} " +
           std::to_string(c.observed) + "\n";
    out += "imapcheck_exporter_probe_duration_seconds_sum " + decimal(c.seconds_sum) + "\n";
    out += "imapcheck_exporter_probe_duration_seconds_count " + std::to_string(c.observed) + "\n";
    out += gauge("imapcheck_exporter_probes_in_flight", "Probes running now.",
                 std::to_string(running_));
    out += gauge("imapcheck_exporter_config_last_reload_successful",
                 "1 when the last reading of the config file succeeded.",
                 c.last_reload_ok ? "1" : "0");
    out += gauge("imapcheck_exporter_config_last_reload_success_timestamp_seconds",
                 "Unix time of the last successful reading of the config file.",
                 decimal(c.last_reload_success_time, 3));
    out +=
        "# HELP imapcheck_exporter_config_reloads_failed_total Readings of the config file "
        "that failed (the old configuration was kept).\n"
        "# TYPE imapcheck_exporter_config_reloads_failed_total counter\n"
        "imapcheck_exporter_config_reloads_failed_total " +
        std::to_string(c.reloads_failed) + "\n";
    out +=
        "# HELP imapcheck_exporter_build_info The exporter's version.\n"
        "# TYPE imapcheck_exporter_build_info gauge\n"
        "imapcheck_exporter_build_info{version=\"" +
        std::string(kVersion) + "\"} 1\n";
    return {200, "text/plain; version=0.0.4; charset=utf-8", out};
}

}  // namespace imapcheck
