// imapcheck fake server: FETCH item parsing and section extraction (RFC 3501 §6.4.5, §7.4.2).
// Unsupported items (ENVELOPE, BODYSTRUCTURE, MIME parts) are rejected with a clear reason
// instead of being answered wrongly, so a test author knows to add an override.
#include "fake_fetch_items.hpp"

#include <charconv>

#include "fake_mailbox.hpp"

namespace imapcheck::fake {

namespace {

// Splits "A B[C D] E<0.5>" into items, keeping bracketed parts (which may hold spaces) whole.
std::vector<std::string> tokens(std::string_view list) {
    std::vector<std::string> out;
    std::string cur;
    int depth = 0;
    for (char c : list) {
        if (c == '[') ++depth;
        if (c == ']') --depth;
        if (c == ' ' && depth == 0) {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

bool parse_number(std::string_view s, std::size_t& out) {
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && ptr == s.data() + s.size() && !s.empty();
}

bool valid_section(const std::string& section) {
    if (section.empty() || section == "HEADER" || section == "TEXT" || section == "1") return true;
    for (std::string_view prefix : {"HEADER.FIELDS (", "HEADER.FIELDS.NOT ("}) {
        if (section.starts_with(prefix) && section.ends_with(")")) return true;
    }
    return false;
}

// BODY[section]<o.n> or BODY.PEEK[section]<o.n>; `upper` is the upper-cased token.
std::optional<FetchItem> parse_body(const std::string& upper) {
    bool peek = upper.starts_with("BODY.PEEK[");
    if (!peek && !upper.starts_with("BODY[")) return std::nullopt;
    auto open = upper.find('[');
    auto close = upper.find(']', open);
    if (close == std::string::npos) return std::nullopt;
    FetchItem item;
    item.kind = FetchItem::Kind::Section;
    item.section = upper.substr(open + 1, close - open - 1);
    item.sets_seen = !peek;
    if (!valid_section(item.section)) return std::nullopt;
    item.label = "BODY[" + item.section + "]";
    std::string_view tail = std::string_view(upper).substr(close + 1);
    if (!tail.empty()) {
        auto dot = tail.find('.');
        std::size_t origin = 0, count = 0;
        if (tail.front() != '<' || tail.back() != '>' || dot == std::string_view::npos ||
            !parse_number(tail.substr(1, dot - 1), origin) ||
            !parse_number(tail.substr(dot + 1, tail.size() - dot - 2), count) || count == 0) {
            return std::nullopt;
        }
        item.partial = std::make_pair(origin, count);
        item.label += "<" + std::to_string(origin) + ">";  // RFC 3501: only the origin is echoed
    }
    return item;
}

std::optional<FetchItem> parse_item(const std::string& token) {
    std::string upper = to_upper(token);
    FetchItem item;
    if (upper == "UID") {
        item.kind = FetchItem::Kind::Uid;
    } else if (upper == "FLAGS") {
        item.kind = FetchItem::Kind::Flags;
    } else if (upper == "RFC822.SIZE") {
        item.kind = FetchItem::Kind::Size;
    } else if (upper == "INTERNALDATE") {
        item.kind = FetchItem::Kind::InternalDate;
    } else if (upper == "RFC822" || upper == "RFC822.HEADER" || upper == "RFC822.TEXT") {
        item.kind = FetchItem::Kind::Section;
        item.label = upper;
        item.section = upper == "RFC822" ? "" : upper == "RFC822.HEADER" ? "HEADER" : "TEXT";
        item.sets_seen = upper != "RFC822.HEADER";
    } else {
        return parse_body(upper);
    }
    item.label = item.label.empty() ? upper : item.label;
    return item;
}

// RFC 5322 header fields of `header` (continuation lines included) whose names are (or, with
// `invert`, are not) in `names`; always ends with the blank line, as servers return it.
std::string filter_header(const std::string& header, const std::vector<std::string>& names,
                          bool invert) {
    std::string out;
    bool keep = false;
    std::size_t pos = 0;
    while (pos < header.size()) {
        auto eol = header.find("\r\n", pos);
        if (eol == std::string::npos) eol = header.size();
        std::string_view line(header.data() + pos, eol - pos);
        if (line.empty()) break;
        if (line.front() != ' ' && line.front() != '\t') {
            std::string_view name = line.substr(0, line.find(':'));
            keep = has_token(names, name) != invert;
        }
        if (keep) out.append(header, pos, eol + 2 - pos);
        pos = eol + 2;
    }
    return out + "\r\n";
}

}  // namespace

FetchItems parse_fetch_items(std::string_view spec) {
    FetchItems result;
    std::vector<std::string> toks;
    if (!spec.empty() && spec.front() == '(') {
        if (spec.back() != ')') {
            result.error = "unbalanced parentheses";
            return result;
        }
        toks = tokens(spec.substr(1, spec.size() - 2));
    } else {
        toks = tokens(spec);
        if (toks.size() != 1) {
            result.error = "several items need parentheses";
            return result;
        }
    }
    for (const std::string& tok : toks) {
        if (to_upper(tok) == "FAST") {  // macro: FLAGS INTERNALDATE RFC822.SIZE
            for (const char* t : {"FLAGS", "INTERNALDATE", "RFC822.SIZE"}) {
                result.items.push_back(*parse_item(t));
            }
            continue;
        }
        auto item = parse_item(tok);
        if (!item) {
            result.error = "unsupported FETCH item " + tok;
            return result;
        }
        result.items.push_back(*item);
    }
    if (result.items.empty()) result.error = "no FETCH items";
    return result;
}

std::string section_data(const FetchItem& item, const Message& m) {
    const std::string& s = item.section;
    std::string data;
    if (s.empty()) {
        data = m.header + m.text;
    } else if (s == "HEADER") {
        data = m.header;
    } else if (s == "TEXT" || s == "1") {
        data = m.text;  // a single-part message's part 1 is its body
    } else {
        bool invert = s.starts_with("HEADER.FIELDS.NOT");
        std::string list = s.substr(s.find('(') + 1);
        list.pop_back();
        data = filter_header(m.header, tokens(list), invert);
    }
    if (item.partial) {
        auto [origin, count] = *item.partial;
        data = origin >= data.size() ? std::string() : data.substr(origin, count);
    }
    return data;
}

}  // namespace imapcheck::fake
