// imapcheck: the nearest of a few words, for "did you mean ...?" in usage errors and
// diagnoses (an option, a check id, a config key, a mailbox name).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace imapcheck {

// The choice within two edits of `word` (or that it begins), or nothing.
std::optional<std::string> closest_word(const std::string& word,
                                        const std::vector<std::string>& choices);

}  // namespace imapcheck
