// imapcheck: the fleet runner (fleet.hpp). A worker takes the first target, in config
// order, whose server has a connection to spare; when every remaining target's server is at
// its --per-host limit it waits for a probe to finish. No thread or buffer per target: the
// pool is min(concurrency, targets) threads, each running one probe at a time.
#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "imapcheck/fleet.hpp"
#include "imapcheck/timestamp.hpp"

namespace imapcheck {

FleetReport run_fleet(const std::vector<TargetConfig>& targets, Transport& transport,
                      const FleetLimits& limits, std::FILE* trace, const FleetProgress& progress) {
    const auto started = Clock::now();
    FleetReport fleet;
    fleet.started_at = utc_now_rfc3339();
    fleet.targets.resize(targets.size());

    std::mutex lock;
    std::condition_variable slot_freed;
    std::vector<bool> taken(targets.size(), false);
    std::map<std::string, unsigned> busy;  // server key -> probes running against it
    std::size_t next_untaken = 0, done = 0;
    const unsigned per_host = std::max(1u, limits.per_host);
    std::vector<std::string> server(targets.size());
    for (std::size_t i = 0; i < targets.size(); ++i) server[i] = targets[i].server_key();

    // The next target whose server has room, or targets.size() when none is left.
    auto take = [&](std::unique_lock<std::mutex>& held) -> std::size_t {
        while (true) {
            while (next_untaken < targets.size() && taken[next_untaken]) ++next_untaken;
            if (next_untaken == targets.size()) return targets.size();
            for (std::size_t i = next_untaken; i < targets.size(); ++i) {
                if (taken[i] || busy[server[i]] >= per_host) continue;
                taken[i] = true;
                ++busy[server[i]];
                return i;
            }
            slot_freed.wait(held);
        }
    };
    auto work = [&] {
        std::unique_lock<std::mutex> held(lock);
        for (std::size_t i = take(held); i < targets.size(); i = take(held)) {
            held.unlock();
            Transcript transcript(trace, Clock::now(), "[" + targets[i].name + "] ");
            Report report = probe(targets[i], transport, {.transcript = &transcript});
            held.lock();
            --busy[server[i]];
            fleet.targets[i] = std::move(report);
            ++done;
            if (progress) progress(done, targets.size(), fleet.targets[i]);
            slot_freed.notify_all();
        }
    };

    const std::size_t workers =
        std::min<std::size_t>(std::max(1u, limits.concurrency), targets.size());
    std::vector<std::thread> pool;
    for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work);
    if (workers > 0) work();  // this thread is one of the workers
    for (auto& t : pool) t.join();
    fleet.duration_ms = elapsed_ms(started);
    return fleet;
}

}  // namespace imapcheck
