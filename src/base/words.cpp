// imapcheck: "did you mean ...?" (words.hpp): the choice within two edits of a word, or
// that it begins. For option names, check ids, config keys and mailbox names alike.
#include "imapcheck/words.hpp"

#include <algorithm>

namespace imapcheck {
namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

std::optional<std::string> closest_word(const std::string& word,
                                        const std::vector<std::string>& choices) {
    std::optional<std::string> best;
    std::size_t best_distance = 3;  // more than two edits away is a different word
    for (const auto& name : choices) {
        std::size_t d = edit_distance(word, name);
        // A prefix is a suggestion too: --connect for --connect-to.
        if (name.size() > word.size() && word.size() >= 3 &&
            name.compare(0, word.size(), word) == 0)
            d = std::min<std::size_t>(d, 1);
        if (d < best_distance) {
            best_distance = d;
            best = name;
        }
    }
    return best;
}

}  // namespace imapcheck
