// Unit tests for imapcheck::imap::Command: how arguments become atoms, quoted strings or
// {N}/{N+} literals in segments(), how redacted() hides secrets for the transcript, mailbox
// names (INBOX, modified UTF-7), and the CR/LF guard on raw text.
#include "imapcheck/imap/command.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace imapcheck::imap {
namespace {

TEST(Command, VerbAloneIsOneSegment) {
    Command c("NOOP");
    auto segs = c.segments(false);
    ASSERT_EQ(segs.size(), 1u);
    EXPECT_EQ(segs[0].text, "NOOP");
    EXPECT_FALSE(segs[0].literal.has_value());
    EXPECT_FALSE(segs[0].secret);
    EXPECT_EQ(c.redacted(), "NOOP");
    EXPECT_EQ(c.verb(), "NOOP");
}

TEST(Command, RawTextIsSentAsGiven) {
    Command c("UID");
    c.raw("FETCH").raw("1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
    auto segs = c.segments(false);
    ASSERT_EQ(segs.size(), 1u);
    EXPECT_EQ(segs[0].text, "UID FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
    EXPECT_EQ(c.redacted(), segs[0].text);
}

TEST(Command, StringsAreQuotedWithBackslashAndQuoteEscaped) {
    Command c("LIST");
    c.string("").string("a \"b\" c:\\d");
    auto segs = c.segments(false);
    ASSERT_EQ(segs.size(), 1u);
    EXPECT_EQ(segs[0].text, R"(LIST "" "a \"b\" c:\\d")");
}

TEST(Command, NonAsciiStringBecomesASynchronizingLiteral) {
    Command c("SEARCH");
    c.raw("CHARSET UTF-8 SUBJECT").string("Grüße");  // 7 bytes in UTF-8
    auto segs = c.segments(false);
    ASSERT_EQ(segs.size(), 2u);
    EXPECT_EQ(segs[0].text, "SEARCH CHARSET UTF-8 SUBJECT {7}");
    ASSERT_TRUE(segs[0].literal.has_value());
    EXPECT_EQ(*segs[0].literal, "Grüße");
    EXPECT_EQ(segs[1].text, "");  // the line ends right after the literal
    EXPECT_FALSE(segs[1].literal.has_value());
}

TEST(Command, LiteralPlusUsesTheNonSynchronizingMarker) {
    Command c("SEARCH");
    c.raw("CHARSET UTF-8 SUBJECT").string("Grüße").raw("UNSEEN");
    auto segs = c.segments(true);
    ASSERT_EQ(segs.size(), 2u);
    EXPECT_EQ(segs[0].text, "SEARCH CHARSET UTF-8 SUBJECT {7+}");
    EXPECT_EQ(*segs[0].literal, "Grüße");
    EXPECT_EQ(segs[1].text, " UNSEEN");
}

TEST(Command, CrLfAndNulForceALiteral) {
    for (std::string value : {std::string("a\r\nb"), std::string("a\nb"), std::string("a\0b", 3)}) {
        Command c("X");
        c.string(value);
        auto segs = c.segments(false);
        ASSERT_EQ(segs.size(), 2u);
        EXPECT_EQ(segs[0].text, "X {" + std::to_string(value.size()) + "}");
        ASSERT_TRUE(segs[0].literal.has_value());
        EXPECT_EQ(*segs[0].literal, value);
    }
}

TEST(Command, RedactedSummarisesLiteralsByTheirSize) {
    Command c("SEARCH");
    c.raw("CHARSET UTF-8 SUBJECT").string("Grüße");
    EXPECT_EQ(c.redacted(), "SEARCH CHARSET UTF-8 SUBJECT {7}");
}

TEST(Command, QuotedSecretIsMaskedAndItsSegmentMarkedSecret) {
    Command c("LOGIN");
    c.string("alice").string("p@ss w\"rd{", true);
    auto segs = c.segments(false);
    ASSERT_EQ(segs.size(), 1u);
    EXPECT_EQ(segs[0].text, R"(LOGIN "alice" "p@ss w\"rd{")");
    EXPECT_TRUE(segs[0].secret);
    EXPECT_EQ(c.redacted(), R"(LOGIN "alice" ***)");
    EXPECT_EQ(c.redacted().find("p@ss"), std::string::npos);
}

TEST(Command, LiteralSecretIsMaskedAndOnlyItsSegmentMarkedSecret) {
    Command c("LOGIN");
    c.string("jürgen").string("pässwört", true);  // both 8-bit: both literals
    auto segs = c.segments(false);
    ASSERT_EQ(segs.size(), 3u);
    EXPECT_EQ(segs[0].text, "LOGIN {7}");
    EXPECT_EQ(*segs[0].literal, "jürgen");
    EXPECT_FALSE(segs[0].secret);
    EXPECT_EQ(segs[1].text, " {10}");
    EXPECT_EQ(*segs[1].literal, "pässwört");
    EXPECT_TRUE(segs[1].secret);
    EXPECT_FALSE(segs[2].secret);
    EXPECT_EQ(c.redacted(), "LOGIN {7} ***");
    EXPECT_EQ(c.redacted().find("pässwört"), std::string::npos);
}

TEST(Command, RawSecretIsMasked) {
    Command c("AUTHENTICATE");
    c.raw("PLAIN").raw("AGFsaWNlAHNlY3JldA==", true);
    EXPECT_EQ(c.redacted(), "AUTHENTICATE PLAIN ***");
    auto segs = c.segments(false);
    ASSERT_EQ(segs.size(), 1u);
    EXPECT_EQ(segs[0].text, "AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==");
    EXPECT_TRUE(segs[0].secret);
}

TEST(Command, InboxIsCaseInsensitive) {
    for (const char* name : {"inbox", "InBoX", "INBOX"}) {
        Command c("SELECT");
        c.mailbox(name);
        EXPECT_EQ(c.segments(false)[0].text, "SELECT \"INBOX\"") << name;
    }
}

TEST(Command, InboxChildKeepsItsCase) {
    Command c("SELECT");
    c.mailbox("inbox/Archive");
    EXPECT_EQ(c.segments(false)[0].text, "SELECT \"inbox/Archive\"");
}

TEST(Command, MailboxIsSentAsQuotedModifiedUtf7) {
    Command c("SELECT");
    c.mailbox("Entwürfe");
    auto segs = c.segments(false);
    ASSERT_EQ(segs.size(), 1u);
    EXPECT_EQ(segs[0].text, "SELECT \"Entw&APw-rfe\"");
    Command amp("STATUS");
    amp.mailbox("Tom & Jerry");
    EXPECT_EQ(amp.segments(false)[0].text, "STATUS \"Tom &- Jerry\"");
}

TEST(Command, MailboxWithInvalidUtf8IsSentAsGivenInALiteral) {
    Command c("SELECT");
    c.mailbox("bad\xff");
    auto segs = c.segments(false);
    ASSERT_EQ(segs.size(), 2u);
    EXPECT_EQ(segs[0].text, "SELECT {4}");
    EXPECT_EQ(*segs[0].literal, "bad\xff");
}

TEST(Command, RawWithLineBreakOrNulThrows) {
    Command c("SEARCH");
    EXPECT_THROW(c.raw("UNSEEN\r\nA1 LOGOUT"), std::invalid_argument);
    EXPECT_THROW(c.raw("UNSEEN\n"), std::invalid_argument);
    EXPECT_THROW(c.raw("\rX"), std::invalid_argument);
    EXPECT_THROW(c.raw(std::string("A\0B", 3)), std::invalid_argument);
    // Nothing of the refused text was kept.
    EXPECT_EQ(c.redacted(), "SEARCH");
}

TEST(Command, QuotableAndQuoteHelpers) {
    EXPECT_TRUE(quotable("plain text with \"quotes\" and \\"));
    EXPECT_FALSE(quotable("ü"));
    EXPECT_FALSE(quotable("a\rb"));
    EXPECT_FALSE(quotable(std::string("\0", 1)));
    EXPECT_EQ(quote(R"(a"b\c)"), R"("a\"b\\c")");
    EXPECT_EQ(quote(""), "\"\"");
}

}  // namespace
}  // namespace imapcheck::imap
