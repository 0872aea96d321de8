// libFuzzer target for the IMAP response reader (RFC 3501 §9 grammar): arbitrary server bytes,
// fed in arbitrary chunks, must give responses or errors under the limits; never a crash, a
// hang or an allocation the limits did not allow. Also run as a CTest replay of its corpus.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "imapcheck/imap/reader.hpp"

using imapcheck::imap::ReaderLimits;
using imapcheck::imap::ResponseReader;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    // Small limits so the fuzzer reaches them; the first byte picks the chunk size, so
    // framing across feed() boundaries is exercised too.
    ReaderLimits limits;
    limits.max_line = 4096;
    limits.max_literal = 8192;
    limits.literal_keep = 512;
    limits.max_depth = 16;
    const std::size_t chunk = 1 + data[0] % 64;
    std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

    ResponseReader reader(limits);
    reader.keep_transcript(true);
    std::size_t responses = 0;
    for (std::size_t pos = 0; pos < input.size(); pos += chunk) {
        reader.feed(input.substr(pos, chunk));
        while (auto r = reader.next()) {
            if (!r->ok() && r->error().kind == imapcheck::Error::Kind::Limit) return 0;  // sticky
            if (r->ok()) {
                const auto& resp = r->value();
                // Touch what checks read, so a bad value is found here and not in production.
                for (const auto& v : resp.data) (void)v.value_after("UID");
                (void)resp.status_text();
                for (const auto& line : reader.transcript_lines()) (void)line.size();
            }
            if (++responses > size) __builtin_trap();  // more responses than bytes: a loop
        }
        (void)reader.progress();
    }
    (void)imapcheck::imap::parse_response_line(input, limits);
    return 0;
}
