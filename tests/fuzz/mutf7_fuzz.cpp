// libFuzzer target for the modified UTF-7 codec (RFC 3501 §5.1.3): decoding arbitrary bytes
// never crashes, and whatever decodes re-encodes to a name that decodes to the same UTF-8.
// Also run as a CTest replay of its corpus.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "imapcheck/imap/mutf7.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto decoded = imapcheck::imap::decode_mutf7(input);
    if (decoded) {
        auto encoded = imapcheck::imap::encode_mutf7(decoded.value());
        if (!encoded) __builtin_trap();  // decoder produced invalid UTF-8
        auto again = imapcheck::imap::decode_mutf7(encoded.value());
        if (!again || again.value() != decoded.value()) __builtin_trap();
    }
    // The other direction: arbitrary bytes as UTF-8 input.
    if (auto encoded = imapcheck::imap::encode_mutf7(input)) {
        auto back = imapcheck::imap::decode_mutf7(encoded.value());
        // Names with control characters encode but are refused on decode, by design.
        if (back && back.value() != input) __builtin_trap();
    }
    return 0;
}
