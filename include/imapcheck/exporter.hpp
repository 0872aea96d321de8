// imapcheck: the Prometheus multi-target exporter behind `imapcheck serve`, apart from the
// HTTP library: a request's parameters in, a status and a body out. /probe runs a target of
// the config file (or a server with a module's settings and credentials), protecting the
// servers probed: bounded concurrency, one probe in flight per account, and no new login for
// an account whose password the server refused until a back-off period has passed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "imapcheck/fleet_config.hpp"
#include "imapcheck/probe.hpp"

namespace imapcheck {

struct ExporterLimits {
    unsigned max_concurrent = 16;  // probes at once
    unsigned per_host = 4;         // probes at once against one server address
    std::chrono::seconds auth_backoff{600};
};

struct HttpReply {
    int status = 200;
    std::string content_type = "text/plain; version=0.0.4; charset=utf-8";
    std::string body;
};

// Query parameters as the HTTP library parsed them; a key may repeat.
using QueryParams = std::multimap<std::string, std::string>;

class Exporter {
  public:
    Exporter(std::string config_path, ExporterLimits limits, Transport& transport, GetEnv getenv);
    ~Exporter();

    // Reads the config file again; a bad one is reported and the old one kept. The first
    // call must succeed for the exporter to start.
    Result<Unit> reload();

    // GET /probe?target=NAME | ?target=HOST[:PORT]&module=M [&debug=true].
    // `scrape_timeout` is X-Prometheus-Scrape-Timeout-Seconds, when sent.
    HttpReply probe(const QueryParams& params, std::optional<double> scrape_timeout);
    // GET /metrics: the exporter's own metrics.
    HttpReply metrics();
    // Waits until no probe is running (SIGTERM: drain before exiting).
    void drain();

  private:
    struct Config;
    struct Flight;
    struct Backoff {
        Report report;
        Clock::time_point at;
    };
    struct Counters;

    HttpReply run(const TargetConfig& target, const std::string& module, bool debug,
                  std::chrono::milliseconds budget);
    Report probe_once(const TargetConfig& target, std::chrono::milliseconds budget,
                      Transcript* transcript);
    bool acquire(const std::string& server, Clock::time_point until);
    void release(const std::string& server);
    void count(const std::string& module, bool success, double seconds);

    const std::string config_path_;
    const ExporterLimits limits_;
    Transport& transport_;
    GetEnv getenv_;

    std::mutex lock_;
    std::condition_variable slot_freed_;
    std::shared_ptr<const Config> config_;
    std::map<std::string, std::shared_future<Report>> in_flight_;  // by account
    std::map<std::string, Backoff> refused_;  // by account and a hash of the credential
    unsigned running_ = 0;
    std::map<std::string, unsigned> running_per_host_;
    std::unique_ptr<Counters> counters_;
};

}  // namespace imapcheck
