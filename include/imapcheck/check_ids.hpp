// imapcheck: the stable check ids, in the order a run takes them (README, "The checks").
// Configuration validates --only/--skip/--quit-after against this list without reaching up
// to the checks themselves; a unit test holds check_registry() to the same ids and order.
#pragma once

#include <array>
#include <string_view>

namespace imapcheck {

inline constexpr std::array<std::string_view, 11> kCheckIds = {
    "connect", "tls",    "capability", "login", "list",  "status",
    "select",  "search", "fetch",      "quota", "logout"};

}  // namespace imapcheck
