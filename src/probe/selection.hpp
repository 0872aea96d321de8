// imapcheck: which checks of a sequence a run leaves out, and why (--only, --skip,
// --quit-after; README "In a deploy pipeline"). The runner reports each as `skip` with
// that reason, so that no check is ever silently missing (SPEC §2).
#pragma once

#include <string>
#include <vector>

#include "imapcheck/check.hpp"
#include "imapcheck/config.hpp"

namespace imapcheck {

struct Deselection {
    std::string cause;    // "" when the check runs
    bool blocks = false;  // true: checks that need it are skipped with the same cause
};

// One entry per check of `checks`, in order. --only keeps the named checks, what they need
// (transitively) and logout, the clean end of every session; --skip leaves out the named
// ones and, through the runner, what needs them; --quit-after leaves out every check after
// the named one but logout.
std::vector<Deselection> deselect(const TargetConfig& config, const std::vector<Check>& checks);

}  // namespace imapcheck
