// imapcheck: `imapcheck serve`, the Prometheus multi-target exporter's HTTP side, with
// cpp-httplib (Debian's libcpp-httplib). Routes: /probe, /metrics, /-/healthy, /-/reload
// (POST). SIGHUP reloads the config; SIGTERM and SIGINT stop accepting, let running probes
// finish, and exit.
#include "front/serve_command.hpp"

#include <httplib.h>
#include <signal.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

#define CXXOPTS_NO_REGEX
#include <cxxopts.hpp>

#include "front/web_config.hpp"
#include "imapcheck/exporter.hpp"

namespace imapcheck {
namespace {

constexpr const char* kDefaultListen = "127.0.0.1:9993";

const char* kServeHelp = R"(imapcheck serve - a Prometheus multi-target exporter that logs in

Usage: imapcheck serve --config FILE [--listen ADDR:PORT] [options]

  --config FILE          targets, modules and exporter.allow (as for
                         imapcheck --config)
  --listen ADDR:PORT     where to answer (default 127.0.0.1:9993)
  --max-concurrent N     probes at once (default 16)
  --per-host N           probes at once against one server address (default 4)
  --auth-backoff SECONDS after the server refuses an account's password, report
                         that failure again instead of logging in, for this long
                         (default 600)
  --web-config FILE      TLS and basic auth for the listener (exporter-toolkit's
                         format: tls_server_config: {cert_file, key_file},
                         basic_auth_users: {user: bcrypt hash}); required to
                         listen beyond loopback
  -h, --help             this help

Endpoints: GET /probe?target=NAME, GET /probe?target=HOST[:PORT]&module=M
[&debug=true], GET /metrics, GET /-/healthy, POST /-/reload (also SIGHUP).
)";

struct ServeOptions {
    std::string config, web_config, host = "127.0.0.1";
    int port = 9993;
    ExporterLimits limits;
};

// ADDR:PORT, [V6]:PORT.
bool parse_listen(const std::string& text, std::string& host, int& port) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon + 1 == text.size()) return false;
    host = text.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const std::string digits = text.substr(colon + 1);
    if (digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos)
        return false;
    port = std::stoi(digits);
    return !host.empty() && port >= 1 && port <= 65535;
}

bool whole_number(const std::string& text, unsigned min, unsigned max, unsigned& out) {
    if (text.empty() || text.size() > 6 ||
        text.find_first_not_of("0123456789") != std::string::npos)
        return false;
    out = static_cast<unsigned>(std::stoul(text));
    return out >= min && out <= max;
}

// The serve options, or a usage error's message.
std::string parse(int argc, char** argv, ServeOptions& o, bool& help) {
    cxxopts::Options parser("imapcheck serve");
    parser.add_options()("config", "", cxxopts::value<std::string>())(
        "listen", "", cxxopts::value<std::string>()->default_value(kDefaultListen))(
        "max-concurrent", "", cxxopts::value<std::string>()->default_value("16"))(
        "per-host", "", cxxopts::value<std::string>()->default_value("4"))(
        "auth-backoff", "", cxxopts::value<std::string>()->default_value("600"))(
        "web-config", "", cxxopts::value<std::string>())("h,help", "");
    try {
        auto r = parser.parse(argc, argv);
        if (r.count("help")) {
            help = true;
            return "";
        }
        if (!r.unmatched().empty()) return "unexpected argument '" + r.unmatched().front() + "'";
        if (!r.count("config"))
            return "--config FILE is required (the targets and modules to serve)";
        o.config = r["config"].as<std::string>();
        if (!parse_listen(r["listen"].as<std::string>(), o.host, o.port))
            return "--listen must be ADDR:PORT (got '" + r["listen"].as<std::string>() + "')";
        unsigned backoff = 0;
        if (!whole_number(r["max-concurrent"].as<std::string>(), 1, 1024, o.limits.max_concurrent))
            return "--max-concurrent must be a whole number from 1 to 1024";
        if (!whole_number(r["per-host"].as<std::string>(), 1, 1024, o.limits.per_host))
            return "--per-host must be a whole number from 1 to 1024";
        if (!whole_number(r["auth-backoff"].as<std::string>(), 0, 86400, backoff))
            return "--auth-backoff must be a whole number of seconds from 0 to 86400";
        o.limits.auth_backoff = std::chrono::seconds(backoff);
        if (r.count("web-config")) o.web_config = r["web-config"].as<std::string>();
    } catch (const cxxopts::exceptions::exception& e) {
        return e.what();
    }
    return "";
}

bool loopback(const std::string& host) {
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

void reply(httplib::Response& res, const HttpReply& r) {
    res.status = r.status;
    res.set_content(r.body, r.content_type);
}

}  // namespace

int serve_command(int argc, char** argv) {
    ServeOptions options;
    bool help = false;
    if (std::string error = parse(argc, argv, options, help); !error.empty()) {
        std::fprintf(stderr, "imapcheck serve: %s (see imapcheck serve --help)\n", error.c_str());
        return 3;
    }
    if (help) {
        std::fputs(kServeHelp, stdout);
        return 0;
    }
    // Signals are taken by one thread with sigwait: blocked here, before any thread starts,
    // so that every thread inherits the mask.
    sigset_t signals;
    sigemptyset(&signals);
    for (int s : {SIGHUP, SIGTERM, SIGINT}) sigaddset(&signals, s);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    WebConfig web;
    if (!options.web_config.empty()) {
        auto loaded = load_web_config(options.web_config);
        if (!loaded) {
            std::fprintf(stderr, "imapcheck serve: %s\n", loaded.error().message.c_str());
            return 3;
        }
        web = std::move(*loaded);
    }
    // /probe logs in with the config's credentials: beyond loopback only behind TLS and a
    // password, as exporter-toolkit's web config gives them.
    if (!loopback(options.host) && (!web.tls() || web.users.empty())) {
        std::fprintf(stderr,
                     "imapcheck serve: --listen %s is reachable from the network; give "
                     "--web-config FILE with tls_server_config and basic_auth_users, or listen "
                     "on loopback\n",
                     options.host.c_str());
        return 3;
    }

    auto transport = make_curl_transport();
    Exporter exporter(options.config, options.limits, *transport, process_getenv);
    if (auto loaded = exporter.reload(); !loaded) {
        std::fprintf(stderr, "imapcheck serve: %s\n", loaded.error().message.c_str());
        return 3;
    }

    std::unique_ptr<httplib::Server> listener_server =
        web.tls()
            ? std::make_unique<httplib::SSLServer>(web.cert_file.c_str(), web.key_file.c_str())
            : std::make_unique<httplib::Server>();
    httplib::Server& server = *listener_server;
    if (!server.is_valid()) {
        std::fprintf(stderr, "imapcheck serve: cannot use the TLS certificate or key of %s\n",
                     options.web_config.c_str());
        return 3;
    }
    auto reload = [&exporter](httplib::Response& res) {
        auto loaded = exporter.reload();
        if (loaded) {
            res.set_content("reloaded\n", "text/plain; charset=utf-8");
        } else {
            res.status = 500;
            res.set_content(
                "imapcheck: the old configuration is kept: " + loaded.error().message + "\n",
                "text/plain; charset=utf-8");
            std::fprintf(stderr,
                         "imapcheck serve: reload failed, the old configuration is kept: %s\n",
                         loaded.error().message.c_str());
        }
    };
    server.set_pre_routing_handler(
        [&web, &reload](const httplib::Request& req, httplib::Response& res) {
            if (web.authorized(req.get_header_value("Authorization"))) {
                // `curl -X POST .../-/reload` sends no body and no Content-Length: cpp-httplib
                // would read until the client closes (5 s, then 400). There is nothing to read.
                if (req.method == "POST" && req.path == "/-/reload" &&
                    !req.has_header("Transfer-Encoding") &&
                    (!req.has_header("Content-Length") ||
                     req.get_header_value("Content-Length") == "0")) {
                    reload(res);
                    return httplib::Server::HandlerResponse::Handled;
                }
                return httplib::Server::HandlerResponse::Unhandled;
            }
            res.status = 401;
            res.set_header("WWW-Authenticate", "Basic realm=\"imapcheck\"");
            res.set_content("imapcheck: authentication required\n", "text/plain; charset=utf-8");
            return httplib::Server::HandlerResponse::Handled;
        });
    // Slow or idle clients each hold a worker until the read timeout: enough workers that
    // they cannot starve probes, a short timeout, and small bounds on what a request may be.
    const unsigned workers = options.limits.max_concurrent * 2 + 64;
    server.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
    server.set_read_timeout(5, 0);
    server.set_write_timeout(10, 0);
    server.set_keep_alive_timeout(5);
    server.set_payload_max_length(64 * 1024);

    server.Get("/probe", [&](const httplib::Request& req, httplib::Response& res) {
        QueryParams params(req.params.begin(), req.params.end());
        std::optional<double> scrape_timeout;
        if (req.has_header("X-Prometheus-Scrape-Timeout-Seconds")) {
            const std::string v = req.get_header_value("X-Prometheus-Scrape-Timeout-Seconds");
            char* end = nullptr;
            double seconds = std::strtod(v.c_str(), &end);
            if (end && *end == '\0' && seconds > 0 && seconds < 86400) scrape_timeout = seconds;
        }
        reply(res, exporter.probe(params, scrape_timeout));
    });
    server.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
        reply(res, exporter.metrics());
    });
    server.Get("/-/healthy", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("OK\n", "text/plain; charset=utf-8");
    });
    server.Post("/-/reload", [&](const httplib::Request&, httplib::Response& res) { reload(res); });

    // cpp-httplib's default socket options add SO_REUSEPORT: a second exporter on the same
    // port would start, and scrapes would alternate between two configurations. Only
    // SO_REUSEADDR (a restart may bind over connections in TIME_WAIT).
    int listen_fd = -1;
    server.set_socket_options([&listen_fd](int fd) {
        int yes = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        listen_fd = fd;
    });
    errno = 0;
    if (!server.bind_to_port(options.host, options.port)) {
        const int why = errno;
        std::fprintf(stderr, "imapcheck serve: cannot listen on %s:%d: %s\n", options.host.c_str(),
                     options.port, why ? std::strerror(why) : "the address cannot be used");
        return 3;
    }
    // Debian's cpp-httplib listens with a backlog of 5: scrapes beyond that queue overflow
    // and retry after a second. listen() again raises it (Linux takes the new backlog).
    if (listen_fd >= 0) ::listen(listen_fd, SOMAXCONN);
    std::fprintf(stderr, "imapcheck serve: listening on %s:%d, config %s\n", options.host.c_str(),
                 options.port, options.config.c_str());
    std::thread listener([&] { server.listen_after_bind(); });
    for (;;) {
        int signal = 0;
        if (sigwait(&signals, &signal) != 0) continue;
        if (signal == SIGHUP) {
            if (auto loaded = exporter.reload(); loaded)
                std::fputs("imapcheck serve: config reloaded\n", stderr);
            else
                std::fprintf(stderr,
                             "imapcheck serve: reload failed, the old configuration is kept: %s\n",
                             loaded.error().message.c_str());
            continue;
        }
        break;  // SIGTERM, SIGINT
    }
    // Stop accepting; the pool finishes the requests it has, each within its probe budget.
    server.stop();
    listener.join();
    exporter.drain();
    std::fprintf(stderr, "imapcheck serve: stopped\n");
    return 0;
}

}  // namespace imapcheck
