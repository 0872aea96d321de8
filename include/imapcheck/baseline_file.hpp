// imapcheck: the baseline file as configuration sees it (README, "Baselines"): the fields
// --baseline-ignore names, and reading a saved file (schema imapcheck.baseline/1). Building
// and comparing baselines is the engine's (baseline.hpp).
#pragma once

#include <string>
#include <vector>

#include "imapcheck/expected.hpp"
#include "imapcheck/report.hpp"

namespace imapcheck {

inline constexpr const char* kBaselineSchema = "imapcheck.baseline/1";

// The fields --baseline-ignore takes, in the order they are compared.
const std::vector<std::string>& baseline_fields();

// Reads and checks a saved baseline (its schema name and version); a usage error otherwise.
Result<Json> load_baseline(const std::string& path);

}  // namespace imapcheck
