// Unit tests for parse_mail_header (the `fetch` check's Subject/From/Date): field name case,
// RFC 5322 unfolding, RFC 2047 B and Q encoded words in UTF-8, other charsets left alone,
// control characters cleaned, missing fields, long values cut, and where the header ends.
#include "imapcheck/mail_header.hpp"

#include <gtest/gtest.h>

#include <string>

namespace imapcheck {
namespace {

// True when `s` is well-formed UTF-8 (no cut or stray multi-byte sequences).
bool valid_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80           ? 1
                          : (c >> 5) == 0x6  ? 2
                          : (c >> 4) == 0xe  ? 3
                          : (c >> 3) == 0x1e ? 4
                                             : 0;
        if (len == 0 || i + len > s.size()) return false;
        for (std::size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
        i += len;
    }
    return true;
}

TEST(MailHeader, ReadsSubjectFromAndDate) {
    MailHeader h = parse_mail_header(
        "Return-Path: <bob@example.org>\r\n"
        "From: Bob <bob@example.org>\r\n"
        "To: alice@example.com\r\n"
        "Subject: Lunch tomorrow?\r\n"
        "Date: Tue, 7 May 2024 12:30:00 +0200\r\n"
        "\r\n");
    EXPECT_EQ(h.subject, "Lunch tomorrow?");
    EXPECT_EQ(h.from, "Bob <bob@example.org>");
    EXPECT_EQ(h.date, "Tue, 7 May 2024 12:30:00 +0200");
}

TEST(MailHeader, FieldNamesAreCaseInsensitive) {
    MailHeader h = parse_mail_header("SUBJECT: one\r\nfrom: two\r\nDaTe: three\r\n\r\n");
    EXPECT_EQ(h.subject, "one");
    EXPECT_EQ(h.from, "two");
    EXPECT_EQ(h.date, "three");
}

TEST(MailHeader, FoldedLinesAreUnfolded) {
    MailHeader h = parse_mail_header(
        "Subject: a very\r\n long subject\r\n\tcontinued here\r\nFrom: x@example.org\r\n\r\n");
    EXPECT_EQ(h.subject, "a very long subject continued here");
    EXPECT_EQ(h.from, "x@example.org");
}

TEST(MailHeader, BareLfLineEndingsWork) {
    MailHeader h = parse_mail_header("Subject: hi\n there\nFrom: a@b\n\n");
    EXPECT_EQ(h.subject, "hi there");
    EXPECT_EQ(h.from, "a@b");
}

TEST(MailHeader, DecodesBase64EncodedWordInUtf8) {
    MailHeader h = parse_mail_header("Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n\r\n");
    EXPECT_EQ(h.subject, "Grüße");
}

TEST(MailHeader, DecodesQuotedPrintableEncodedWordWithUnderscoresAsSpaces) {
    MailHeader h = parse_mail_header("Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe_aus_Berlin?=\r\n\r\n");
    EXPECT_EQ(h.subject, "Grüße aus Berlin");
}

TEST(MailHeader, AdjacentEncodedWordsAreJoinedWithoutTheSpace) {
    MailHeader h = parse_mail_header("Subject: =?UTF-8?Q?Gr=C3=BC?= =?UTF-8?B?w59l?=\r\n\r\n");
    EXPECT_EQ(h.subject, "Grüße");
}

TEST(MailHeader, EncodedWordsSplitAcrossAFoldAreJoined) {
    MailHeader h =
        parse_mail_header("Subject: =?UTF-8?Q?Gr=C3=BC?=\r\n =?UTF-8?Q?=C3=9Fe?=\r\n\r\n");
    EXPECT_EQ(h.subject, "Grüße");
}

TEST(MailHeader, SpaceBetweenEncodedWordAndPlainTextIsKept) {
    MailHeader h = parse_mail_header(
        "Subject: Re: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from Berlin\r\n"
        "From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.de>\r\n\r\n");
    EXPECT_EQ(h.subject, "Re: Grüße from Berlin");
    EXPECT_EQ(h.from, "Jürgen <j@example.de>");
}

TEST(MailHeader, UsAsciiEncodedWordIsDecoded) {
    MailHeader h = parse_mail_header("Subject: =?us-ascii?Q?plain_text?=\r\n\r\n");
    EXPECT_EQ(h.subject, "plain text");
}

TEST(MailHeader, UnknownCharsetIsLeftAsSent) {
    MailHeader h =
        parse_mail_header("Subject: =?ISO-8859-1?Q?Gr=FC=DFe?= =?KOI8-R?B?8NLJ18XU?=\r\n\r\n");
    EXPECT_EQ(h.subject, "=?ISO-8859-1?Q?Gr=FC=DFe?= =?KOI8-R?B?8NLJ18XU?=");
}

TEST(MailHeader, BrokenEncodedWordIsLeftAsSent) {
    MailHeader h = parse_mail_header("Subject: =?UTF-8?B?not*base64?= and =?UTF-8?X?x?=\r\n\r\n");
    EXPECT_EQ(h.subject, "=?UTF-8?B?not*base64?= and =?UTF-8?X?x?=");
}

TEST(MailHeader, ControlCharactersBecomeSpaces) {
    MailHeader h = parse_mail_header(
        "Subject: a\x01"
        "b\x7f"
        "c\x1b[31m\r\n\r\n");
    EXPECT_EQ(h.subject, "a b c [31m");
}

TEST(MailHeader, ControlCharactersFromEncodedWordsAreCleanedToo) {
    // An encoded CR LF must not end up as a line break in the report.
    MailHeader h = parse_mail_header("Subject: =?UTF-8?Q?a=0D=0AFrom:_evil?=\r\n\r\n");
    EXPECT_EQ(h.subject, "a  From: evil");
    EXPECT_EQ(h.from, "");
}

TEST(MailHeader, MissingFieldsAreEmpty) {
    MailHeader h = parse_mail_header("Subject: only this\r\nX-Other: y\r\n\r\n");
    EXPECT_EQ(h.subject, "only this");
    EXPECT_EQ(h.from, "");
    EXPECT_EQ(h.date, "");
    MailHeader empty = parse_mail_header("");
    EXPECT_EQ(empty.subject, "");
}

TEST(MailHeader, SurroundingWhitespaceIsTrimmed) {
    MailHeader h = parse_mail_header("Subject:    padded   \r\nFrom:\tx@y\t\r\n\r\n");
    EXPECT_EQ(h.subject, "padded");
    EXPECT_EQ(h.from, "x@y");
}

TEST(MailHeader, LongValuesAreCutWithAnEllipsis) {
    MailHeader h = parse_mail_header("Subject: " + std::string(500, 'x') + "\r\n\r\n");
    EXPECT_EQ(h.subject, std::string(200, 'x') + "...");
    MailHeader folded = parse_mail_header("Subject: start\r\n" + std::string(50, ' ') +
                                          std::string(5000, 'y') + "\r\n\r\n");
    EXPECT_LE(folded.subject.size(), 203u);
    EXPECT_EQ(folded.subject.substr(0, 5), "start");
}

TEST(MailHeader, CutDoesNotSplitAUtf8Character) {
    // Regression (was a bug): src/mail_header.cpp clean() cuts at byte 200 with value.substr(0, kMaxValue), so
    // "a" + 150 x "ü" (301 bytes) keeps half of the 100th "ü": invalid UTF-8 in the report.
    std::string value = "a";
    for (int i = 0; i < 150; ++i) value += "ü";
    MailHeader h = parse_mail_header("Subject: " + value + "\r\n\r\n");
    EXPECT_TRUE(valid_utf8(h.subject));
    EXPECT_LT(h.subject.size(), value.size());
}

TEST(MailHeader, HeaderWithoutFinalBlankLineIsStillRead) {
    MailHeader h = parse_mail_header("Subject: hi\r\nFrom: a@example.org");
    EXPECT_EQ(h.subject, "hi");
    EXPECT_EQ(h.from, "a@example.org");
}

TEST(MailHeader, TheBlankLineEndsTheHeader) {
    MailHeader h = parse_mail_header("Subject: hi\r\n\r\nFrom: not-a-header@example.org\r\n");
    EXPECT_EQ(h.subject, "hi");
    EXPECT_EQ(h.from, "");
}

TEST(MailHeader, FirstOccurrenceWins) {
    MailHeader h = parse_mail_header("Subject: first\r\nSubject: second\r\n\r\n");
    EXPECT_EQ(h.subject, "first");
}

TEST(MailHeader, SimilarFieldNamesDoNotMatch) {
    MailHeader h = parse_mail_header(
        "Resent-From: r@example.org\r\nX-Subject: no\r\nDelivery-Date: never\r\n\r\n");
    EXPECT_EQ(h.from, "");
    EXPECT_EQ(h.subject, "");
    EXPECT_EQ(h.date, "");
}

}  // namespace
}  // namespace imapcheck
