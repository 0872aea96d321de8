// imapcheck: the stable check ids, in the order a run takes them, with what each needs
// (README, "The checks"). Configuration validates --only/--skip/--quit-after against this
// without reaching up to the checks themselves; a unit test holds check_registry() to it.
#pragma once

#include <string_view>
#include <vector>

namespace imapcheck {

// A check as the selection sees it: its id and the checks it needs.
struct CheckShape {
    std::string_view id;
    std::vector<std::string_view> requires_checks;
};

// The sequence, in order (src/config/selection.cpp).
const std::vector<CheckShape>& check_sequence();

}  // namespace imapcheck
