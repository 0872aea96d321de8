// Integration test of `imapcheck serve` as Prometheus uses it: the real exporter in front of
// the real sandbox Dovecot, and a real Prometheus (Debian's, its own config and TSDB in a
// temporary directory, loopback ports) scraping it through the multi-target relabelling.
// probe_success must arrive in Prometheus' query API for each target: 1 for the account
// that works, 0 for the one with a wrong password.
#include <httplib.h>

#include <fstream>
#include <thread>

#include "background_process.hpp"
#include "dovecot_fixture.hpp"
#include "loopback.hpp"

namespace imapcheck {
namespace {

// GET http://127.0.0.1:port/path, or "" when nothing answered with 200.
std::string http_get(std::uint16_t port, const std::string& path) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(2, 0);
    client.set_read_timeout(10, 0);
    auto r = client.Get(path.c_str());
    return r && r->status == 200 ? r->body : "";
}

TEST_F(DovecotTest, PrometheusScrapesTheExporterThroughMultiTargetRelabelling) {
    const std::string dir = env("SANDBOX_DIR");
    const std::uint16_t exporter_port = testing::closed_loopback_port();
    std::ofstream(dir + "/serve.yml")
        << "defaults:\n  host: localhost\n  port: " << env("IMAP_PORT")
        << "\n  cacert: " << env("CA_FILE") << "\n"
        << "targets:\n"
        << "  - {name: alice, user: alice, password-env: ALICE_PW}\n"
        << "  - {name: wrong-password, user: bob, password-env: WRONG_PW}\n";
    testing::BackgroundProcess exporter(
        {testing::imapcheck_binary(), "serve", "--config", dir + "/serve.yml", "--listen",
         "127.0.0.1:" + std::to_string(exporter_port)},
        {"ALICE_PW=" + env("IMAP_PASSWORD"), "WRONG_PW=not-bobs-password"}, dir + "/serve.log");

    const std::uint16_t prometheus_port = testing::closed_loopback_port();
    std::ofstream(dir + "/prometheus.yml")
        << "global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}\n"
        << "scrape_configs:\n"
        << "  - job_name: imap\n"
        << "    metrics_path: /probe\n"
        << "    static_configs: [{targets: [alice, wrong-password]}]\n"
        << "    relabel_configs:\n"
        << "      - {source_labels: [__address__], target_label: __param_target}\n"
        << "      - {source_labels: [__param_target], target_label: instance}\n"
        << "      - {target_label: __address__, replacement: '127.0.0.1:" << exporter_port
        << "'}\n";
    testing::BackgroundProcess prometheus(
        {"/usr/bin/prometheus", "--config.file=" + dir + "/prometheus.yml",
         "--storage.tsdb.path=" + dir + "/tsdb",
         "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port)},
        {}, dir + "/prometheus.log");

    // Up to 30 s for Prometheus to start, scrape both targets and answer the query.
    json result;
    for (int i = 0; i < 60; ++i) {
        std::string body = http_get(prometheus_port, "/api/v1/query?query=probe_success");
        if (!body.empty() && json::accept(body)) {
            result = json::parse(body)["data"]["result"];
            if (result.size() == 2) break;
        }
        ASSERT_TRUE(prometheus.running()) << "Prometheus exited:\n" << prometheus.log();
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    ASSERT_EQ(result.size(), 2u) << result.dump() << "\n" << prometheus.log() << exporter.log();
    std::map<std::string, std::string> success;
    for (const auto& series : result)
        success[series["metric"]["instance"].get<std::string>()] =
            series["value"][1].get<std::string>();
    EXPECT_EQ(success["alice"], "1");
    EXPECT_EQ(success["wrong-password"], "0");

    // The per-check series came along, labelled by the relabelled instance.
    std::map<std::string, std::string> status;
    for (int i = 0; i < 20 && status.size() < 2; ++i) {
        std::string login = http_get(
            prometheus_port, "/api/v1/query?query=imapcheck_check_status%7Bcheck%3D%22login%22%7D");
        // Parsed into a variable: a range-for over a member of a temporary would dangle.
        const json answer = json::accept(login) ? json::parse(login) : json::object();
        if (answer.contains("data"))
            for (const auto& series : answer["data"]["result"])
                status[series["metric"]["instance"].get<std::string>()] =
                    series["value"][1].get<std::string>();
        if (status.size() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    EXPECT_EQ(status["alice"], "0") << "login passed";
    EXPECT_EQ(status["wrong-password"], "2") << "login failed";
    std::string all = exporter.log() + prometheus.log();
    EXPECT_EQ(all.find(env("IMAP_PASSWORD")), std::string::npos) << "a password in a log";
}

}  // namespace
}  // namespace imapcheck
