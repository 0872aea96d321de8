// imapcheck: many targets in one process. Probes run on a fixed pool of threads, at most
// `concurrency` at once and at most `per_host` against one server address (Dovecot allows
// 10 connections per user and address by default, and fail2ban bans bursts); results come
// back in the targets' order, whatever order they finished in.
#pragma once

#include <cstdio>
#include <functional>
#include <vector>

#include "imapcheck/config.hpp"
#include "imapcheck/probe.hpp"
#include "imapcheck/report.hpp"

namespace imapcheck {

// Called on the thread that finished a probe, one call at a time: `done` of `total`.
using FleetProgress =
    std::function<void(std::size_t done, std::size_t total, const Report& report)>;

// Probes every target. A target that hangs is cut off at its own --timeout; the others go on.
// `trace`, when given, gets every target's transcript, each line led by "[name] ".
FleetReport run_fleet(const std::vector<TargetConfig>& targets, Transport& transport,
                      const FleetLimits& limits, std::FILE* trace = nullptr,
                      const FleetProgress& progress = {});

}  // namespace imapcheck
