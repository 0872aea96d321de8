// Unit tests for what --trace shows of bytes (trace_printable): valid UTF-8 as it is,
// control characters and invalid UTF-8 as \xNN; and the proxy URL without credentials.
#include <gtest/gtest.h>

#include "imapcheck/trace_frame.hpp"
#include "imapcheck/transcript.hpp"

namespace imapcheck {
namespace {

TEST(TracePrintable, ValidUtf8AndPlainTextStayAsTheyAre) {
    EXPECT_EQ(trace_printable("* OK ready"), "* OK ready");
    EXPECT_EQ(trace_printable("Entw\xc3\xbcrfe \xe2\x82\xac \xf0\x9f\x93\xa7"),
              "Entw\xc3\xbcrfe \xe2\x82\xac \xf0\x9f\x93\xa7");
    EXPECT_EQ(trace_printable("a \"q\\\\b\""), "a \"q\\\\b\"") << "backslashes are not doubled";
    EXPECT_EQ(trace_printable(""), "");
}

TEST(TracePrintable, ControlCharactersAreHexEscapes) {
    EXPECT_EQ(trace_printable("\x1b[2Jx"), "\\x1b[2Jx");
    EXPECT_EQ(trace_printable(std::string_view("a\0b", 3)), "a\\x00b");
    EXPECT_EQ(trace_printable("tab\there\r"), "tab\\x09here\\x0d");
    EXPECT_EQ(trace_printable("del\x7f"), "del\\x7f");
    EXPECT_EQ(trace_printable("csi\xc2\x9b"
                              "31m"),
              "csi\\xc2\\x9b31m")
        << "C1 controls too";
    EXPECT_EQ(trace_printable("nbsp\xc2\xa0"), "nbsp\xc2\xa0") << "U+00A0 is not a control";
}

TEST(TracePrintable, InvalidUtf8IsEscapedByteByByte) {
    EXPECT_EQ(trace_printable("caf\xe9"), "caf\\xe9") << "Latin-1";
    EXPECT_EQ(trace_printable("\xff\xfe"), "\\xff\\xfe");
    EXPECT_EQ(trace_printable("\xc0\xaf"), "\\xc0\\xaf") << "overlong '/'";
    EXPECT_EQ(trace_printable("\xed\xa0\x80"), "\\xed\\xa0\\x80") << "a surrogate";
    EXPECT_EQ(trace_printable("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80") << "above U+10FFFF";
    EXPECT_EQ(trace_printable("cut \xe2\x82"), "cut \\xe2\\x82") << "truncated at the end";
    EXPECT_EQ(trace_printable("\xe2(x"), "\\xe2(x") << "the byte after a bad lead is read again";
}

TEST(TraceFrame, ProxyCredentialsAreMasked) {
    EXPECT_EQ(without_credentials("socks5h://bob:S3cret@10.0.0.1:1080"),
              "socks5h://***@10.0.0.1:1080");
    EXPECT_EQ(without_credentials("http://p@ss@proxy:3128/x@y"), "http://***@proxy:3128/x@y");
    EXPECT_EQ(without_credentials("socks5://127.0.0.1:1080"), "socks5://127.0.0.1:1080");
    EXPECT_EQ(without_credentials("bob:pw@proxy:3128"), "***@proxy:3128");
}

}  // namespace
}  // namespace imapcheck
