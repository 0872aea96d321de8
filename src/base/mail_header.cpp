// imapcheck: header field extraction for the `fetch` check (RFC 5322 §2.2.3 unfolding,
// RFC 2047 §4 encoded words).
#include "imapcheck/mail_header.hpp"

#include <cctype>
#include <optional>

#include "imapcheck/base64.hpp"

namespace imapcheck {
namespace {

constexpr std::size_t kMaxValue = 200;

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

std::optional<std::string> decode_q(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '_') {
            out.push_back(' ');
        } else if (s[i] == '=' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
                   std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

// =?charset?B|Q?text?= for UTF-8 and US-ASCII; anything else stays as sent.
std::string decode_encoded_words(const std::string& in) {
    std::string out;
    std::size_t pos = 0;
    bool last_was_word = false;
    while (pos < in.size()) {
        std::size_t start = in.find("=?", pos);
        if (start == std::string::npos) break;
        std::size_t q1 = in.find('?', start + 2);
        std::size_t q2 = q1 == std::string::npos ? q1 : in.find('?', q1 + 1);
        std::size_t end = q2 == std::string::npos ? q2 : in.find("?=", q2 + 1);
        if (end == std::string::npos) break;
        std::string charset = in.substr(start + 2, q1 - start - 2);
        std::string enc = in.substr(q1 + 1, q2 - q1 - 1);
        std::string_view payload(in.data() + q2 + 1, end - q2 - 1);
        std::optional<std::string> decoded;
        if (iequals(charset, "utf-8") || iequals(charset, "us-ascii")) {
            if (iequals(enc, "B")) decoded = base64_decode(payload);
            else if (iequals(enc, "Q")) decoded = decode_q(payload);
        }
        std::string between = in.substr(pos, start - pos);
        // White space between two encoded words is dropped (RFC 2047 §6.2).
        bool blank = between.find_first_not_of(" \t") == std::string::npos;
        if (!(last_was_word && blank && decoded)) out += between;
        out += decoded ? *decoded : in.substr(start, end + 2 - start);
        last_was_word = decoded.has_value();
        pos = end + 2;
    }
    return out + in.substr(pos);
}

std::string clean(std::string value) {
    for (char& c : value)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    std::size_t first = value.find_first_not_of(' ');
    std::size_t last = value.find_last_not_of(' ');
    value = first == std::string::npos ? "" : value.substr(first, last - first + 1);
    if (value.size() > kMaxValue) {
        // Cut before a UTF-8 continuation byte would be split from its lead byte.
        std::size_t cut = kMaxValue;
        while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xc0) == 0x80) --cut;
        value = value.substr(0, cut) + "...";
    }
    return value;
}

}  // namespace

MailHeader parse_mail_header(std::string_view header) {
    MailHeader out;
    std::string field, value;
    auto finish = [&] {
        if (field.empty()) return;
        std::string* slot = iequals(field, "subject") ? &out.subject
                            : iequals(field, "from")  ? &out.from
                            : iequals(field, "date")  ? &out.date
                                                      : nullptr;
        if (slot && slot->empty()) *slot = clean(decode_encoded_words(value));
        field.clear();
        value.clear();
    };
    while (!header.empty()) {
        std::size_t nl = header.find('\n');
        std::string_view line = header.substr(0, nl);
        header = nl == std::string_view::npos ? std::string_view{} : header.substr(nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) break;  // end of the header
        if (line[0] == ' ' || line[0] == '\t') {  // folded continuation
            if (!field.empty() && value.size() < 4 * kMaxValue) value += std::string(line);
            continue;
        }
        finish();
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        field = std::string(line.substr(0, colon));
        value = std::string(line.substr(colon + 1));
    }
    finish();
    return out;
}

}  // namespace imapcheck
