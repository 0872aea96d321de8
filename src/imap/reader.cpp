// imapcheck: framing half of the response reader (RFC 3501 §4.3 literals, §2.2.2 lines).
// Splits the byte stream into whole responses: a line, and when it ends in {N}, exactly N
// bytes of literal and the line that continues it. N is never trusted for allocation.
#include "imapcheck/imap/reader.hpp"

#include <algorithm>
#include <charconv>

#include "imap/decoder.hpp"

namespace imapcheck::imap {
namespace {

// The size announced by a line ending in "{N}" or "{N+}", if it does.
std::optional<std::uint64_t> literal_announcement(std::string_view line) {
    if (line.empty() || line.back() != '}') return std::nullopt;
    std::size_t open = line.rfind('{');
    if (open == std::string_view::npos) return std::nullopt;
    std::string_view digits = line.substr(open + 1, line.size() - open - 2);
    if (!digits.empty() && digits.back() == '+') digits.remove_suffix(1);
    if (digits.empty() || digits.size() > 19) return std::nullopt;
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return n;
}

// A literal's line with the mail masked: a header keeps its field name ("From: ***"), any
// other line (a body) is "***". What the exporter's debug output shows: the protocol, not
// the mail.
std::string masked_literal_line(std::string_view line) {
    const auto colon = line.find(':');
    bool field = colon != std::string_view::npos && colon > 0;
    for (std::size_t i = 0; field && i < colon; ++i) field = line[i] > ' ' && line[i] < 127;
    return field ? std::string(line.substr(0, colon)) + ": ***" : "***";
}

// The raw response as --trace shows it: its lines, each literal cut to a few lines.
// `last_literal_left`: bytes of the last literal not received yet (a response cut short).
std::vector<std::string> transcript_of(const std::string& text,
                                       const std::vector<detail::FramedLiteral>& literals,
                                       bool mask, std::uint64_t last_literal_left = 0) {
    constexpr std::size_t kLiteralLines = 3, kLineChars = 200;
    std::vector<std::string> out;
    std::size_t literal = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t eol = text.find("\r\n", pos);
        if (eol == std::string::npos) eol = text.size();
        std::string_view line(text.data() + pos, eol - pos);
        out.emplace_back(line.substr(0, kLineChars * 4));
        pos = eol + 2;
        if (!literal_announcement(line) || literal >= literals.size()) continue;
        const auto& lit = literals[literal++];
        std::string_view data = lit.data;
        for (std::size_t n = 0; n < kLiteralLines && !data.empty(); ++n) {
            std::size_t nl = data.find('\n');
            std::string_view l = data.substr(0, nl);
            if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
            out.push_back("| " + (mask ? masked_literal_line(l.substr(0, kLineChars))
                                       : std::string(l.substr(0, kLineChars))));
            data = nl == std::string_view::npos ? std::string_view{} : data.substr(nl + 1);
        }
        if (literal == literals.size() && last_literal_left > 0)
            out.push_back("| ... (" + std::to_string(lit.size - last_literal_left) + " of " +
                          std::to_string(lit.size) + " bytes received)");
        else if (!data.empty() || lit.data.size() < lit.size)
            out.push_back("| ... (" + std::to_string(lit.size) + " bytes in all)");
    }
    return out;
}

}  // namespace

void ResponseReader::feed(std::string_view bytes) {
    if (error_) return;
    buffer_.append(bytes);
}

std::optional<Result<Response>> ResponseReader::fail(std::string message) {
    error_ = make_error(Error::Kind::Limit, std::move(message));
    return Result<Response>(*error_);
}

void ResponseReader::compact() {
    // Erase consumed bytes only now and then, so a long stream is not quadratic.
    if (read_pos_ > 65536 && read_pos_ * 2 > buffer_.size()) {
        buffer_.erase(0, read_pos_);
        scan_from_ = scan_from_ > read_pos_ ? scan_from_ - read_pos_ : 0;
        read_pos_ = 0;
    }
}

std::optional<Result<Response>> ResponseReader::next() {
    if (error_) return Result<Response>(*error_);
    while (true) {
        if (in_literal_) {
            std::size_t avail = buffer_.size() - read_pos_;
            std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(literal_left_, avail));
            auto& lit = current_.literals.back();
            std::size_t room = limits_.literal_keep > lit.data.size()
                                   ? limits_.literal_keep - lit.data.size()
                                   : 0;
            lit.data.append(buffer_, read_pos_, std::min(take, room));
            read_pos_ += take;
            literal_left_ -= take;
            compact();
            if (literal_left_ > 0) return std::nullopt;
            in_literal_ = false;
        }

        // Resume the search where the last one stopped: a line dripped in byte by byte is
        // then scanned once, not once per byte.
        std::size_t eol = buffer_.find('\n', std::max(read_pos_, scan_from_));
        if (eol == std::string::npos) {
            scan_from_ = buffer_.size();
            if (pending() + current_.text.size() > limits_.max_line)
                return fail("server line longer than " + std::to_string(limits_.max_line) +
                            " bytes");
            return std::nullopt;
        }
        std::size_t line_end = (eol > read_pos_ && buffer_[eol - 1] == '\r') ? eol - 1 : eol;
        std::string_view line(buffer_.data() + read_pos_, line_end - read_pos_);
        if (current_.text.size() + line.size() > limits_.max_line)
            return fail("server response longer than " + std::to_string(limits_.max_line) +
                        " bytes");
        current_.text.append(line);
        current_.text.append("\r\n");
        read_pos_ = eol + 1;

        if (auto n = literal_announcement(line)) {
            if (*n > limits_.max_literal)
                return fail("server announced a literal of " + std::to_string(*n) +
                            " bytes, over the limit of " + std::to_string(limits_.max_literal));
            current_.literals.push_back({});
            current_.literals.back().size = *n;
            literal_left_ = *n;
            in_literal_ = true;
            continue;
        }

        Raw raw = std::move(current_);
        current_ = Raw{};
        compact();
        if (keep_transcript_)
            transcript_lines_ = transcript_of(raw.text, raw.literals, mask_literals_);
        auto decoded = detail::decode(raw.text, raw.literals, limits_);
        if (!decoded && lenient_)
            return Result<Response>(
                detail::salvage(raw.text, raw.literals, limits_, decoded.error().message));
        if (!decoded) {
            // The framing is intact, so the stream stays in step: report this response only.
            Error e = decoded.error();
            std::string shown = raw.text.substr(0, std::min<std::size_t>(raw.text.size(), 120));
            while (!shown.empty() && (shown.back() == '\n' || shown.back() == '\r'))
                shown.pop_back();
            e.message = "unparsable server response: " + e.message + ": " + shown;
            return Result<Response>(e);
        }
        return decoded;
    }
}

std::string ResponseReader::progress() const {
    if (in_literal_) {
        const auto& lit = current_.literals.back();
        return "a literal (" + std::to_string(lit.size - literal_left_) + " of " +
               std::to_string(lit.size) + " bytes received)";
    }
    std::size_t partial = pending() + current_.text.size();
    if (partial > 0) return "the end of a line (" + std::to_string(partial) + " bytes received)";
    return "a response";
}

std::vector<std::string> ResponseReader::pending_transcript() const {
    std::string text = current_.text;
    std::size_t unended = 0;  // bytes of a line whose end has not arrived
    if (!in_literal_) {
        unended = buffer_.size() - read_pos_;
        text.append(buffer_, read_pos_, std::min<std::size_t>(unended, 800));
    }
    auto lines =
        transcript_of(text, current_.literals, mask_literals_, in_literal_ ? literal_left_ : 0);
    if (unended > 0 && !lines.empty())
        lines.back() += " [no line end yet: " + std::to_string(unended) + " bytes]";
    return lines;
}

Result<Response> parse_response_line(std::string_view line, const ReaderLimits& limits) {
    ResponseReader reader(limits);
    reader.feed(line);
    if (line.empty() || line.back() != '\n') reader.feed("\r\n");
    auto r = reader.next();
    if (!r) return make_error(Error::Kind::Protocol, "incomplete response");
    return std::move(*r);
}

}  // namespace imapcheck::imap
