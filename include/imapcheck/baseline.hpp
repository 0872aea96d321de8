// imapcheck: baselines for deploy pipelines (README, "Baselines"). What a deploy must not
// change, taken from a run's report and normalised (volatile parts masked), saved as
// versioned JSON (schema/imapcheck.baseline-1.schema.json), and compared with a later run
// as the `baseline` check, with ndiff-style -/+ lines.
#pragma once

#include <string>
#include <vector>

#include "imapcheck/baseline_file.hpp"
#include "imapcheck/expected.hpp"
#include "imapcheck/report.hpp"

namespace imapcheck {

// The baseline of a finished run: only what its checks established (a field whose check
// did not pass is left out, and then not compared).
Json baseline_of(const Report& report);

// The `baseline` check: `current` (baseline_of this run) judged against `saved` by the
// rules of README's table; fields in `ignore` are not compared.
CheckResult compare_baseline(const Json& saved, const Json& current,
                             const std::vector<std::string>& ignore, const std::string& file);

// The greeting with what changes from connection to connection masked: its [CAPABILITY]
// code (compared on its own), digits ("#") and long hex or base64-like tokens (session ids).
std::string normalised_greeting(const std::string& greeting);

}  // namespace imapcheck
