// imapcheck: which checks of a sequence a run leaves out, and why (--only, --skip,
// --quit-after; README "In a deploy pipeline"). The runner reports each as `skip` with
// that reason, so that no check is ever silently missing (docs/contract.md §2); a selection
// that would leave out a check --only asks for, or every check, is a usage error.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "imapcheck/check_ids.hpp"
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
std::vector<Deselection> deselect(const TargetConfig& config,
                                  const std::vector<CheckShape>& checks);

// Whether the run logs in: without `login` in the sequence (--quit-after tls, --only tls)
// no user or password is needed, asked for or read.
bool selection_logs_in(const TargetConfig& config);

// Why this selection cannot give an honest verdict, naming the conflict ("--only quota needs
// login, which --skip login leaves out"), or nothing when it can.
std::optional<std::string> selection_conflict(const TargetConfig& config);

}  // namespace imapcheck
