// Unit tests for the modified UTF-7 mailbox name codec (RFC 3501 §5.1.3): round trips of
// ASCII, "&", Latin, CJK (RFC 3501's own example) and emoji (surrogate pairs), and the
// decode and encode errors that keep hostile or broken names out.
#include "imapcheck/imap/mutf7.hpp"

#include <gtest/gtest.h>

#include <string>

namespace imapcheck::imap {
namespace {

// Encodes `utf8`, checks the wire form, and checks it decodes back to the same bytes.
void expect_round_trip(const std::string& utf8, const std::string& wire) {
    auto encoded = encode_mutf7(utf8);
    ASSERT_TRUE(encoded.ok()) << encoded.error().message;
    EXPECT_EQ(encoded.value(), wire);
    auto decoded = decode_mutf7(wire);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(decoded.value(), utf8);
}

void expect_decode_error(const std::string& wire) {
    auto decoded = decode_mutf7(wire);
    EXPECT_FALSE(decoded.ok()) << "'" << wire << "' decoded to '" << decoded.value() << "'";
}

TEST(Mutf7, PrintableAsciiIsUnchanged) {
    expect_round_trip("INBOX", "INBOX");
    expect_round_trip("Sent Items/2024 ~backup", "Sent Items/2024 ~backup");
    expect_round_trip("", "");
}

TEST(Mutf7, AmpersandIsWrittenAsAmpersandDash) {
    expect_round_trip("&", "&-");
    expect_round_trip("Tom & Jerry", "Tom &- Jerry");
    expect_round_trip("&&", "&-&-");
}

TEST(Mutf7, LatinNonAsciiIsShifted) {
    expect_round_trip("Entwürfe", "Entw&APw-rfe");
    expect_round_trip("ä", "&AOQ-");
}

TEST(Mutf7, ConsecutiveNonAsciiCharactersShareOneShift) {
    expect_round_trip("Grüße", "Gr&APwA3w-e");
}

TEST(Mutf7, Rfc3501ExampleWithCjkAndCommaForSlash) {
    expect_round_trip("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
}

TEST(Mutf7, EmojiBecomesASurrogatePair) {
    expect_round_trip("😀", "&2D3eAA-");
    expect_round_trip("Grüße 😀 &Co", "Gr&APwA3w-e &2D3eAA- &-Co");
}

TEST(Mutf7, ControlCharactersAreShiftedNotSentRaw) {
    auto encoded = encode_mutf7("a\tb");
    ASSERT_TRUE(encoded.ok());
    EXPECT_EQ(encoded.value(), "a&AAk-b");
}

TEST(Mutf7, DecodeAcceptsAdjacentShifts) {
    auto decoded = decode_mutf7("&AOQ-&APY-");
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(decoded.value(), "äö");
}

// --- decode errors ------------------------------------------------------------------------

TEST(Mutf7, DecodeRejectsUnterminatedShift) {
    expect_decode_error("Entw&APw");
    expect_decode_error("&");
}

TEST(Mutf7, DecodeRejectsCharactersOutsideModifiedBase64) {
    expect_decode_error("&AP!-");
    expect_decode_error("&AP/w-");  // '/' is ',' in modified base64
    expect_decode_error("&APw=-");  // no padding in modified base64
}

TEST(Mutf7, DecodeRejectsPrintableAsciiEncodedInsideAShift) {
    expect_decode_error("&AGE-");  // 'a'
    expect_decode_error("&ACY-");  // '&' itself
}

TEST(Mutf7, DecodeRejectsLoneSurrogates) {
    expect_decode_error("&2D0-");     // high surrogate at the end
    expect_decode_error("&3gA-");     // low surrogate alone
    expect_decode_error("&2D0A5A-");  // high surrogate followed by U+00E4
}

TEST(Mutf7, DecodeRejectsNonZeroPaddingBits) {
    expect_decode_error("&AOR-");  // "&AOQ-" with a padding bit set
    expect_decode_error("&AA-");   // 12 bits: not even one UTF-16 unit
}

TEST(Mutf7, DecodeRejectsBytesOutsidePrintableAscii) {
    expect_decode_error("Entwürfe");
    expect_decode_error(std::string("a\0b", 3));
    expect_decode_error("a\r\nb");
    expect_decode_error("a\x7f");
}

// --- encode errors ------------------------------------------------------------------------

TEST(Mutf7, EncodeRejectsOverlongUtf8) {
    EXPECT_FALSE(encode_mutf7("\xc0\xaf").ok());      // '/' in two bytes
    EXPECT_FALSE(encode_mutf7("\xe0\x80\xaf").ok());  // '/' in three bytes
}

TEST(Mutf7, EncodeRejectsSurrogateCodePoints) {
    EXPECT_FALSE(encode_mutf7("\xed\xa0\x80").ok());  // U+D800
    EXPECT_FALSE(encode_mutf7("\xed\xbf\xbf").ok());  // U+DFFF
}

TEST(Mutf7, EncodeRejectsTruncatedAndStrayBytes) {
    EXPECT_FALSE(encode_mutf7("Entw\xc3").ok());          // cut in the middle of ü
    EXPECT_FALSE(encode_mutf7("\xe6\x97").ok());          // two of three bytes
    EXPECT_FALSE(encode_mutf7("a\x80z").ok());            // continuation byte alone
    EXPECT_FALSE(encode_mutf7("\xff").ok());              // never valid in UTF-8
    EXPECT_FALSE(encode_mutf7("\xf4\x90\x80\x80").ok());  // above U+10FFFF
}

TEST(Mutf7, DecodeRefusesNamesThatDecodeToControlCharacters) {
    // "&AA0ACg-" is CR LF in UTF-16: valid encoding, but it could rewrite a terminal line.
    EXPECT_FALSE(decode_mutf7("&AA0ACg-").ok());
    EXPECT_FALSE(decode_mutf7("a&AJs-b").ok());  // U+009B, the C1 control sequence introducer
}

TEST(Mutf7, EncodeAcceptsTheLargestCodePoint) {
    auto encoded = encode_mutf7("\xf4\x8f\xbf\xbf");  // U+10FFFF
    ASSERT_TRUE(encoded.ok()) << encoded.error().message;
    auto decoded = decode_mutf7(encoded.value());
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(decoded.value(), "\xf4\x8f\xbf\xbf");
}

}  // namespace
}  // namespace imapcheck::imap
