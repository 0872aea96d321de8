// imapcheck: small helpers on the response data types (RFC 3501 §7 resp-text).
#include "imapcheck/imap/response.hpp"

#include <cctype>

namespace imapcheck::imap {

bool Value::is_atom(std::string_view upper_name) const {
    if (kind != Kind::Atom || text.size() != upper_name.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(text[i])) != upper_name[i]) return false;
    return true;
}

const Value* Value::value_after(std::string_view upper_key) const {
    if (kind != Kind::List) return nullptr;
    for (std::size_t i = 0; i + 1 < items.size(); i += 2)
        if (items[i].is_atom(upper_key)) return &items[i + 1];
    return nullptr;
}

bool Response::is_status() const {
    return name == "OK" || name == "NO" || name == "BAD" || name == "BYE" || name == "PREAUTH";
}

std::string Response::status_text() const {
    std::string out;
    if (!code.empty()) {
        out = "[" + code;
        if (!code_args.empty()) out += " " + code_args;
        out += "]";
        if (!text.empty()) out += " ";
    }
    return out + text;
}

namespace {

std::size_t memory_size(const Value& v) {
    std::size_t n = sizeof(Value) + v.text.capacity();
    for (const auto& item : v.items) n += memory_size(item);  // depth is capped by the reader
    return n;
}

}  // namespace

std::size_t memory_size(const Response& r) {
    std::size_t n = sizeof(Response) + r.tag.capacity() + r.name.capacity() + r.code.capacity() +
                    r.code_args.capacity() + r.text.capacity() + r.anomaly.capacity() +
                    r.sent.capacity() + r.numbers.capacity() * sizeof(std::uint32_t);
    for (const auto& v : r.data) n += memory_size(v);
    return n;
}

std::vector<std::string> capability_list(const Response& r) {
    std::vector<std::string> caps;
    // A name listed twice ("AUTH=GSSAPI AUTH=GSSAPI") is one capability: kept once, in the
    // spelling the server used first (capability names are case-insensitive).
    auto add = [&caps](std::string_view name) {
        for (const auto& c : caps)
            if (same_capability(c, name)) return;
        caps.emplace_back(name);
    };
    if (r.kind == Response::Kind::Untagged && r.name == "CAPABILITY") {
        for (const auto& v : r.data)
            if (v.is_string_like()) add(v.text);
    } else if (r.code == "CAPABILITY") {
        for (std::size_t i = 0; i < r.code_args.size();) {
            std::size_t sp = r.code_args.find(' ', i);
            if (sp == std::string::npos) sp = r.code_args.size();
            if (sp > i) add(std::string_view(r.code_args).substr(i, sp - i));
            i = sp + 1;
        }
    }
    return caps;
}

bool same_capability(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(a[i])) !=
            std::toupper(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

}  // namespace imapcheck::imap
