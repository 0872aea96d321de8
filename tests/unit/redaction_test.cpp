// Unit tests for what keeps secrets out of output: redact_client_line() on the client lines
// libcurl sends (LOGIN, AUTHENTICATE, SASL continuations), the base64 helpers used for SASL,
// and Secret, which wipes its bytes when moved from or wiped.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "imapcheck/base64.hpp"
#include "imapcheck/secret.hpp"
#include "imapcheck/transcript.hpp"

namespace imapcheck {
namespace {

// --- redact_client_line -------------------------------------------------------------------

TEST(RedactClientLine, LoginKeepsTheUserAndMasksAQuotedPassword) {
    std::string out = redact_client_line("A002 LOGIN alice \"p@ss w\\\"rd{\"");
    EXPECT_EQ(out, "A002 LOGIN alice ***");
    EXPECT_EQ(out.find("p@ss"), std::string::npos);
    EXPECT_EQ(out.find("rd{"), std::string::npos);
}

TEST(RedactClientLine, LoginKeepsAQuotedUserWithSpacesAndEscapes) {
    EXPECT_EQ(redact_client_line("A002 LOGIN \"alice smith\" hunter2"),
              "A002 LOGIN \"alice smith\" ***");
    EXPECT_EQ(redact_client_line("A002 LOGIN \"al\\\"ice x\" \"hunter 2\""),
              "A002 LOGIN \"al\\\"ice x\" ***");
}

TEST(RedactClientLine, LoginVerbIsMatchedCaseInsensitively) {
    EXPECT_EQ(redact_client_line("a1 login alice hunter2"), "a1 login alice ***");
}

TEST(RedactClientLine, LoginWithoutPasswordStillEndsMasked) {
    EXPECT_EQ(redact_client_line("A002 LOGIN alice"), "A002 LOGIN alice ***");
}

TEST(RedactClientLine, AuthenticateInitialResponseIsMasked) {
    std::string out = redact_client_line("A003 AUTHENTICATE PLAIN AGFsaWNlAGh1bnRlcjI=");
    EXPECT_EQ(out, "A003 AUTHENTICATE PLAIN ***");
    EXPECT_EQ(redact_client_line("A003 AUTHENTICATE XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlcg=="),
              "A003 AUTHENTICATE XOAUTH2 ***");
}

TEST(RedactClientLine, AuthenticateWithoutInitialResponseIsUnchanged) {
    EXPECT_EQ(redact_client_line("A003 AUTHENTICATE PLAIN"), "A003 AUTHENTICATE PLAIN");
}

TEST(RedactClientLine, BareSaslContinuationLineIsFullyMasked) {
    EXPECT_EQ(redact_client_line("AGFsaWNlAGh1bnRlcjI="), "***");
    EXPECT_EQ(redact_client_line("dXNlcj1hbGljZQFhdXRoPUJlYXJlciB5YTI5LmEw"), "***");
    EXPECT_EQ(redact_client_line(""), "***");
}

TEST(RedactClientLine, OrdinaryCommandsAreUnchanged) {
    for (const char* line :
         {"A001 CAPABILITY", "A004 SELECT \"INBOX\"", "A005 STARTTLS", "A006 UID FETCH 1:* (FLAGS)",
          "A007 LOGOUT", "A008 STATUS \"Sent\" (MESSAGES UNSEEN)"})
        EXPECT_EQ(redact_client_line(line), line);
}

TEST(RedactClientLine, LineWhoseSecondWordIsNotAVerbIsMasked) {
    // Not "tag COMMAND": could be a password sent as a continuation; show nothing.
    EXPECT_EQ(redact_client_line("hunter2 2secret"), "***");
    EXPECT_EQ(redact_client_line(" leading-space"), "***");
}

TEST(RedactClientLine, LoginWithNothingAfterTheVerbStaysInsideTheLine) {
    // Regression (was a bug): src/imap/transcript.cpp:35 reads line[sp2 + 1] when the line ends
    // right after "LOGIN " (sp2 + 1 == size): one byte past the end. Seen with
    // -DIMAPCHECK_SANITIZE=ON as a heap-buffer-overflow; the buffer below is sized exactly so that
    // ASan can see it.
    const std::string text = "A002 LOGIN ";
    auto exact = std::make_unique<char[]>(text.size());
    std::copy(text.begin(), text.end(), exact.get());
    std::string out = redact_client_line(std::string_view(exact.get(), text.size()));
    EXPECT_EQ(out.rfind("A002 LOGIN", 0), 0u) << out;
    EXPECT_EQ(out.substr(out.size() - 3), "***") << out;
}

// --- base64 -------------------------------------------------------------------------------

TEST(Base64, EncodesRfc4648TestVectors) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
    EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, DecodesRfc4648TestVectorsWithEachPadding) {
    EXPECT_EQ(base64_decode(""), std::optional<std::string>(""));
    EXPECT_EQ(base64_decode("Zg=="), std::optional<std::string>("f"));
    EXPECT_EQ(base64_decode("Zm8="), std::optional<std::string>("fo"));
    EXPECT_EQ(base64_decode("Zm9v"), std::optional<std::string>("foo"));
    EXPECT_EQ(base64_decode("Zm9vYg=="), std::optional<std::string>("foob"));
    EXPECT_EQ(base64_decode("Zm9vYmE="), std::optional<std::string>("fooba"));
    EXPECT_EQ(base64_decode("Zm9vYmFy"), std::optional<std::string>("foobar"));
}

TEST(Base64, SaslPlainWithNulBytesRoundTrips) {
    const std::string plain("\0alice\0hunter2", 14);
    std::string encoded = base64_encode(plain);
    EXPECT_EQ(encoded, "AGFsaWNlAGh1bnRlcjI=");
    EXPECT_EQ(base64_decode(encoded), std::optional<std::string>(plain));
}

TEST(Base64, AllByteValuesRoundTrip) {
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
    EXPECT_EQ(base64_decode(base64_encode(bytes)), std::optional<std::string>(bytes));
}

TEST(Base64, DecodeRejectsLengthNotAMultipleOfFour) {
    EXPECT_EQ(base64_decode("Zm9"), std::nullopt);
    EXPECT_EQ(base64_decode("Zg="), std::nullopt);
    EXPECT_EQ(base64_decode("Zm9vY"), std::nullopt);
}

TEST(Base64, DecodeRejectsCharactersOutsideTheAlphabet) {
    EXPECT_EQ(base64_decode("Zm9!"), std::nullopt);
    EXPECT_EQ(base64_decode("Zm,v"), std::nullopt);
    EXPECT_EQ(base64_decode(std::string("Zm\0v", 4)), std::nullopt);
}

TEST(Base64, DecodeRejectsMisplacedPaddingAndSurroundingWhitespace) {
    // Regression (was a bug): src/base64.cpp base64_decode() relies on EVP_DecodeBlock, which treats '=' anywhere
    // as a zero digit and trims surrounding whitespace, and then counts padding from the last
    // two characters only (lines 20-28). So "Zg==Zm9v" gives "f\0\0foo", "Z=9v" gives
    // "d\x0fo", "====" gives "\0", "Zg=A" gives "f\0" and "Zg==    " gives "f\0\0".
    EXPECT_EQ(base64_decode("Zg==Zm9v"), std::nullopt);
    EXPECT_EQ(base64_decode("Z=9v"), std::nullopt);
    EXPECT_EQ(base64_decode("===="), std::nullopt);
    EXPECT_EQ(base64_decode("Zg=A"), std::nullopt);
    EXPECT_EQ(base64_decode("=Zm9"), std::nullopt);
    auto trailing = base64_decode("Zg==    ");
    EXPECT_TRUE(!trailing || *trailing == "f");
}

// --- Secret -------------------------------------------------------------------------------

TEST(SecretTest, RevealsItsValue) {
    Secret s(std::string("hunter2"));
    EXPECT_FALSE(s.empty());
    EXPECT_EQ(s.reveal(), "hunter2");
}

TEST(SecretTest, MoveConstructionLeavesTheSourceEmpty) {
    Secret a(std::string("hunter2"));
    Secret b(std::move(a));
    EXPECT_EQ(b.reveal(), "hunter2");
    EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the point of the test
    EXPECT_EQ(a.reveal(), "");
}

TEST(SecretTest, MoveAssignmentReplacesTheTargetAndEmptiesTheSource) {
    Secret a(std::string("new-password"));
    Secret b(std::string("old-password"));
    b = std::move(a);
    EXPECT_EQ(b.reveal(), "new-password");
    EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move)
}

TEST(SecretTest, SelfMoveAssignmentKeepsTheValue) {
    Secret a(std::string("hunter2"));
    Secret& alias = a;
    a = std::move(alias);
    EXPECT_EQ(a.reveal(), "hunter2");
}

TEST(SecretTest, WipeEmptiesIt) {
    Secret s(std::string("hunter2"));
    s.wipe();
    EXPECT_TRUE(s.empty());
    EXPECT_EQ(s.reveal(), "");
    s.wipe();  // twice is harmless
    EXPECT_TRUE(s.empty());
}

TEST(SecretTest, DefaultIsEmpty) {
    Secret s;
    EXPECT_TRUE(s.empty());
}

}  // namespace
}  // namespace imapcheck
