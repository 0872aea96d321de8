// imapcheck fake server: parsing FETCH item lists and producing section data (RFC 3501 §6.4.5,
// RFC 9051 §6.4.5): UID, FLAGS, RFC822.SIZE, INTERNALDATE, FAST, BODY[...] / BODY.PEEK[...]
// with HEADER, TEXT, HEADER.FIELDS[.NOT], partial <o.n>, and the RFC822.* forms.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fake_types.hpp"

namespace imapcheck::fake {

struct FetchItem {
    enum class Kind { Uid, Flags, Size, InternalDate, Section };
    Kind kind = Kind::Uid;
    std::string label;    // name in the response, e.g. "BODY[HEADER]", "BODY[TEXT]<0>"
    std::string section;  // upper-cased: "", "HEADER", "TEXT", "1", "HEADER.FIELDS (A B)"...
    std::optional<std::pair<std::size_t, std::size_t>> partial;  // <origin.count>
    bool sets_seen = false;  // BODY[...] without .PEEK, RFC822, RFC822.TEXT
};

struct FetchItems {
    std::vector<FetchItem> items;
    std::string error;  // non-empty: why the list was rejected
};

// `spec` is the FETCH argument after the sequence set: one item or "(item item ...)".
FetchItems parse_fetch_items(std::string_view spec);

// The bytes a Section item returns for `m`, partial range applied.
std::string section_data(const FetchItem& item, const Message& m);

}  // namespace imapcheck::fake
