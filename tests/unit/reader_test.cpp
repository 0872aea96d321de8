// Unit tests for imapcheck::imap::ResponseReader (framing: lines, {N} literals, limits,
// incremental feeds, sticky errors) and parse_response_line (the RFC 3501 §9 response
// grammar: status responses and codes, continuations, LIST/STATUS/SEARCH/QUOTA/FETCH data),
// including hostile and malformed server input.
#include "imapcheck/imap/reader.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace imapcheck::imap {
namespace {

using namespace std::string_literals;

// Parses one line, failing the test with the reader's message when it does not parse.
Response must_parse(std::string_view line, const ReaderLimits& limits = {}) {
    auto r = parse_response_line(line, limits);
    if (!r) {
        ADD_FAILURE() << "did not parse: " << line << "\n  error: " << r.error().message;
        return {};
    }
    return std::move(r.value());
}

// Every field of a value, so two parses can be compared as a whole.
std::string describe(const Value& v) {
    switch (v.kind) {
        case Value::Kind::Atom:
            return "atom:" + v.text;
        case Value::Kind::Number:
            return "num:" + std::to_string(v.number);
        case Value::Kind::Nil:
            return "NIL";
        case Value::Kind::String:
            return std::string(v.literal ? "lit" : "str") + "[" + std::to_string(v.size) +
                   (v.truncated ? ",cut" : "") + "]:" + v.text;
        case Value::Kind::List: {
            std::string out = "(";
            for (const auto& item : v.items) out += describe(item) + " ";
            return out + ")";
        }
    }
    return "?";
}

std::string describe(const Response& r) {
    std::string out = r.kind == Response::Kind::Tagged         ? "T:" + r.tag
                      : r.kind == Response::Kind::Continuation ? std::string("+")
                                                               : std::string("*");
    if (r.number) out += " #" + std::to_string(*r.number);
    out += " " + r.name + " code=" + r.code + " args=" + r.code_args + " text=" + r.text + " data=";
    for (const auto& v : r.data) out += describe(v) + " ";
    out += "nums=";
    for (auto n : r.numbers) out += std::to_string(n) + ",";
    return out;
}

// Everything the reader returns until it needs more bytes (or a sticky framing error).
std::vector<Result<Response>> drain(ResponseReader& reader) {
    std::vector<Result<Response>> out;
    while (auto r = reader.next()) {
        out.push_back(std::move(*r));
        if (!out.back().ok() && out.back().error().kind == Error::Kind::Limit) break;
    }
    return out;
}

// The responses as text, or "ERROR: ..." for each failed one.
std::vector<std::string> describe_all(const std::vector<Result<Response>>& results) {
    std::vector<std::string> out;
    for (const auto& r : results)
        out.push_back(r.ok() ? describe(r.value()) : "ERROR: " + r.error().message);
    return out;
}

std::vector<std::string> feed_whole(std::string_view stream, const ReaderLimits& limits = {}) {
    ResponseReader reader(limits);
    reader.feed(stream);
    return describe_all(drain(reader));
}

std::vector<std::string> feed_byte_by_byte(std::string_view stream,
                                           const ReaderLimits& limits = {}) {
    ResponseReader reader(limits);
    std::vector<Result<Response>> all;
    for (char c : stream) {
        reader.feed(std::string_view(&c, 1));
        for (auto& r : drain(reader)) all.push_back(std::move(r));
    }
    return describe_all(all);
}

// A FETCH whose literals contain lines that look like other responses, then a tagged OK.
struct TrickyFetch {
    std::string header =
        "Subject: test\r\n"
        "A007 OK fake tagged line\r\n"
        "* 1 FETCH (FLAGS (\\Deleted))\r\n"
        ")\r\n"
        "* BYE\r\n"
        "\r\n";
    std::string body = "fake literal {5}\r\nnul\0byte \xff\r\n)\r\n* BYE"s;
    std::string stream() const {
        return "* 1 FETCH (UID 7 FLAGS (\\Seen) RFC822.SIZE 100 BODY[HEADER] {" +
               std::to_string(header.size()) + "}\r\n" + header + " BODY[TEXT]<0> {" +
               std::to_string(body.size()) + "}\r\n" + body + ")\r\nA007 OK FETCH completed\r\n";
    }
};

// --- tagged status responses --------------------------------------------------------------

TEST(ReaderGrammar, TaggedOkWithoutCodeKeepsTagNameAndText) {
    Response r = must_parse("A1 OK LOGIN completed");
    EXPECT_EQ(r.kind, Response::Kind::Tagged);
    EXPECT_EQ(r.tag, "A1");
    EXPECT_EQ(r.name, "OK");
    EXPECT_EQ(r.code, "");
    EXPECT_EQ(r.text, "LOGIN completed");
    EXPECT_TRUE(r.is_status());
}

TEST(ReaderGrammar, TaggedNoWithCodeSplitsCodeFromText) {
    Response r = must_parse("A1 NO [AUTHENTICATIONFAILED] Authentication failed.");
    EXPECT_EQ(r.kind, Response::Kind::Tagged);
    EXPECT_EQ(r.tag, "A1");
    EXPECT_EQ(r.name, "NO");
    EXPECT_EQ(r.code, "AUTHENTICATIONFAILED");
    EXPECT_EQ(r.code_args, "");
    EXPECT_EQ(r.text, "Authentication failed.");
    EXPECT_EQ(r.status_text(), "[AUTHENTICATIONFAILED] Authentication failed.");
}

TEST(ReaderGrammar, TaggedBadIsAStatusResponse) {
    Response r = must_parse("A22 BAD Error in IMAP command: Unknown command.");
    EXPECT_EQ(r.tag, "A22");
    EXPECT_EQ(r.name, "BAD");
    EXPECT_EQ(r.text, "Error in IMAP command: Unknown command.");
}

TEST(ReaderGrammar, StatusNameAndCodeNameAreUpperCased) {
    Response r = must_parse("a3 ok [read-only] EXAMINE completed");
    EXPECT_EQ(r.tag, "a3");
    EXPECT_EQ(r.name, "OK");
    EXPECT_EQ(r.code, "READ-ONLY");
    EXPECT_EQ(r.text, "EXAMINE completed");
}

TEST(ReaderGrammar, CodeWithoutTextLeavesTextEmpty) {
    Response r = must_parse("A4 OK [READ-WRITE]");
    EXPECT_EQ(r.code, "READ-WRITE");
    EXPECT_EQ(r.text, "");
    EXPECT_EQ(r.status_text(), "[READ-WRITE]");
}

// --- untagged status responses with codes -------------------------------------------------

TEST(ReaderGrammar, UntaggedOkWithUidValidityCodeKeepsArgs) {
    Response r = must_parse("* OK [UIDVALIDITY 3857529045] UIDs valid");
    EXPECT_EQ(r.kind, Response::Kind::Untagged);
    EXPECT_FALSE(r.number.has_value());
    EXPECT_EQ(r.name, "OK");
    EXPECT_EQ(r.code, "UIDVALIDITY");
    EXPECT_EQ(r.code_args, "3857529045");
    EXPECT_EQ(r.text, "UIDs valid");
    EXPECT_EQ(r.status_text(), "[UIDVALIDITY 3857529045] UIDs valid");
}

TEST(ReaderGrammar, UntaggedAlertCode) {
    Response r = must_parse("* OK [ALERT] System shutdown in 10 minutes");
    EXPECT_EQ(r.code, "ALERT");
    EXPECT_EQ(r.text, "System shutdown in 10 minutes");
}

TEST(ReaderGrammar, CapabilityCodeInGreetingKeepsTheListAsArgs) {
    Response r = must_parse(
        "* OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL+ STARTTLS AUTH=PLAIN] Dovecot ready.");
    EXPECT_EQ(r.name, "OK");
    EXPECT_EQ(r.code, "CAPABILITY");
    EXPECT_EQ(r.code_args, "IMAP4rev1 SASL-IR LITERAL+ STARTTLS AUTH=PLAIN");
    EXPECT_EQ(r.text, "Dovecot ready.");
}

TEST(ReaderGrammar, PermanentFlagsCodeKeepsParenthesesAndBackslashes) {
    Response r = must_parse("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Flags permitted.");
    EXPECT_EQ(r.code, "PERMANENTFLAGS");
    EXPECT_EQ(r.code_args, "(\\Deleted \\Seen \\*)");
    EXPECT_EQ(r.text, "Flags permitted.");
}

TEST(ReaderGrammar, ByeAndPreauthAreUntaggedStatusResponses) {
    Response bye = must_parse("* BYE Logging out");
    EXPECT_EQ(bye.name, "BYE");
    EXPECT_EQ(bye.text, "Logging out");
    EXPECT_TRUE(bye.is_status());
    Response pre = must_parse("* PREAUTH [CAPABILITY IMAP4rev1] Logged in as alice");
    EXPECT_EQ(pre.name, "PREAUTH");
    EXPECT_EQ(pre.code, "CAPABILITY");
    EXPECT_EQ(pre.code_args, "IMAP4rev1");
}

TEST(ReaderGrammar, ResponseCodeWithoutClosingBracketIsAnError) {
    auto r = parse_response_line("* OK [ALERT System shutdown");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, Error::Kind::Protocol);
}

// --- continuations ------------------------------------------------------------------------

TEST(ReaderGrammar, ContinuationWithText) {
    Response r = must_parse("+ Ready for literal data");
    EXPECT_EQ(r.kind, Response::Kind::Continuation);
    EXPECT_EQ(r.text, "Ready for literal data");
    EXPECT_EQ(r.tag, "");
}

TEST(ReaderGrammar, ContinuationWithEmptyText) {
    Response with_space = must_parse("+ ");
    EXPECT_EQ(with_space.kind, Response::Kind::Continuation);
    EXPECT_EQ(with_space.text, "");
    Response bare = must_parse("+");
    EXPECT_EQ(bare.kind, Response::Kind::Continuation);
    EXPECT_EQ(bare.text, "");
}

TEST(ReaderGrammar, ContinuationCarriesBase64ChallengeAsText) {
    Response r = must_parse("+ eyJzdGF0dXMiOiI0MDEifQ==");
    EXPECT_EQ(r.kind, Response::Kind::Continuation);
    EXPECT_EQ(r.text, "eyJzdGF0dXMiOiI0MDEifQ==");
}

// --- untagged data ------------------------------------------------------------------------

TEST(ReaderGrammar, NumberedDataResponse) {
    Response r = must_parse("* 5 EXISTS");
    EXPECT_EQ(r.kind, Response::Kind::Untagged);
    ASSERT_TRUE(r.number.has_value());
    EXPECT_EQ(*r.number, 5u);
    EXPECT_EQ(r.name, "EXISTS");
    EXPECT_TRUE(r.data.empty());
    EXPECT_FALSE(r.is_status());
    Response zero = must_parse("* 0 RECENT");
    ASSERT_TRUE(zero.number.has_value());
    EXPECT_EQ(*zero.number, 0u);
    EXPECT_EQ(zero.name, "RECENT");
}

TEST(ReaderGrammar, CapabilityDataIsAListOfAtoms) {
    Response r = must_parse("* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN LOGINDISABLED");
    EXPECT_EQ(r.name, "CAPABILITY");
    ASSERT_EQ(r.data.size(), 4u);
    EXPECT_EQ(r.data[0].kind, Value::Kind::Atom);
    EXPECT_EQ(r.data[0].text, "IMAP4rev1");
    EXPECT_TRUE(r.data[2].is_atom("AUTH=PLAIN"));
    EXPECT_TRUE(r.data[3].is_atom("LOGINDISABLED"));
    EXPECT_FALSE(r.data[3].is_atom("LOGIN"));
}

TEST(ReaderGrammar, IsAtomComparesCaseInsensitively) {
    Response r = must_parse("* CAPABILITY imap4rev1 StartTLS");
    ASSERT_EQ(r.data.size(), 2u);
    EXPECT_TRUE(r.data[0].is_atom("IMAP4REV1"));
    EXPECT_TRUE(r.data[1].is_atom("STARTTLS"));
}

TEST(ReaderGrammar, ListWithAttributesDelimiterAndAtomName) {
    Response r = must_parse("* LIST (\\HasNoChildren) \"/\" INBOX");
    EXPECT_EQ(r.name, "LIST");
    ASSERT_EQ(r.data.size(), 3u);
    ASSERT_EQ(r.data[0].kind, Value::Kind::List);
    ASSERT_EQ(r.data[0].items.size(), 1u);
    EXPECT_TRUE(r.data[0].items[0].is_atom("\\HASNOCHILDREN"));
    EXPECT_EQ(r.data[1].kind, Value::Kind::String);
    EXPECT_EQ(r.data[1].text, "/");
    EXPECT_FALSE(r.data[1].literal);
    EXPECT_EQ(r.data[2].kind, Value::Kind::Atom);
    EXPECT_EQ(r.data[2].text, "INBOX");
}

TEST(ReaderGrammar, ListWithNilDelimiterAndEmptyQuotedName) {
    Response r = must_parse("* LIST (\\Noselect) NIL \"\"");
    ASSERT_EQ(r.data.size(), 3u);
    EXPECT_EQ(r.data[1].kind, Value::Kind::Nil);
    EXPECT_EQ(r.data[2].kind, Value::Kind::String);
    EXPECT_EQ(r.data[2].text, "");
    EXPECT_EQ(r.data[2].size, 0u);
}

TEST(ReaderGrammar, QuotedNameUnescapesQuoteAndBackslash) {
    Response r = must_parse(R"(* LIST () "/" "say \"hi\" to C:\\mail")");
    ASSERT_EQ(r.data.size(), 3u);
    EXPECT_EQ(r.data[0].kind, Value::Kind::List);
    EXPECT_TRUE(r.data[0].items.empty());
    EXPECT_EQ(r.data[2].kind, Value::Kind::String);
    EXPECT_EQ(r.data[2].text, R"(say "hi" to C:\mail)");
    EXPECT_EQ(r.data[2].size, r.data[2].text.size());
}

TEST(ReaderGrammar, NameAsLiteralIsAStringMarkedLiteral) {
    Response r = must_parse("* LIST () \"/\" {5}\r\nhello\r\n");
    ASSERT_EQ(r.data.size(), 3u);
    EXPECT_EQ(r.data[2].kind, Value::Kind::String);
    EXPECT_TRUE(r.data[2].literal);
    EXPECT_FALSE(r.data[2].truncated);
    EXPECT_EQ(r.data[2].text, "hello");
    EXPECT_EQ(r.data[2].size, 5u);
}

TEST(ReaderGrammar, EmptyLiteralIsAnEmptyString) {
    Response r = must_parse("* LIST () \"/\" {0}\r\n\r\n");
    ASSERT_EQ(r.data.size(), 3u);
    EXPECT_TRUE(r.data[2].literal);
    EXPECT_EQ(r.data[2].text, "");
    EXPECT_EQ(r.data[2].size, 0u);
}

TEST(ReaderGrammar, NonSynchronizingLiteralMarkerIsAccepted) {
    Response r = must_parse("* LIST () \"/\" {3+}\r\nabc\r\n");
    ASSERT_EQ(r.data.size(), 3u);
    EXPECT_TRUE(r.data[2].literal);
    EXPECT_EQ(r.data[2].text, "abc");
}

TEST(ReaderGrammar, NilAtomDiffersFromQuotedNil) {
    Response r = must_parse("* LIST () NIL \"NIL\"");
    ASSERT_EQ(r.data.size(), 3u);
    EXPECT_EQ(r.data[1].kind, Value::Kind::Nil);
    EXPECT_EQ(r.data[2].kind, Value::Kind::String);
    EXPECT_EQ(r.data[2].text, "NIL");
    Response lower = must_parse("* LIST () nil x");
    ASSERT_EQ(lower.data.size(), 3u);
    EXPECT_EQ(lower.data[1].kind, Value::Kind::Nil);
}

TEST(ReaderGrammar, StatusItemsAreFoundWithValueAfter) {
    Response r = must_parse("* STATUS \"INBOX\" (MESSAGES 3 UNSEEN 1)");
    EXPECT_EQ(r.name, "STATUS");
    ASSERT_EQ(r.data.size(), 2u);
    EXPECT_EQ(r.data[0].text, "INBOX");
    const Value* messages = r.data[1].value_after("MESSAGES");
    const Value* unseen = r.data[1].value_after("UNSEEN");
    ASSERT_NE(messages, nullptr);
    ASSERT_NE(unseen, nullptr);
    EXPECT_EQ(messages->kind, Value::Kind::Number);
    EXPECT_EQ(messages->number, 3u);
    EXPECT_EQ(unseen->number, 1u);
    EXPECT_EQ(r.data[1].value_after("RECENT"), nullptr);
    // Values are not keys: "3" must not be taken for a key whose value is UNSEEN.
    EXPECT_EQ(r.data[1].value_after("3"), nullptr);
    // value_after only works on lists.
    EXPECT_EQ(r.data[0].value_after("INBOX"), nullptr);
}

TEST(ReaderGrammar, StatusKeysMatchCaseInsensitively) {
    Response r = must_parse("* STATUS INBOX (messages 12 uidnext 40)");
    ASSERT_EQ(r.data.size(), 2u);
    const Value* uidnext = r.data[1].value_after("UIDNEXT");
    ASSERT_NE(uidnext, nullptr);
    EXPECT_EQ(uidnext->number, 40u);
}

TEST(ReaderGrammar, EmptySearchHasNoNumbers) {
    Response r = must_parse("* SEARCH");
    EXPECT_EQ(r.name, "SEARCH");
    EXPECT_TRUE(r.numbers.empty());
    EXPECT_TRUE(r.data.empty());
}

TEST(ReaderGrammar, SearchNumbersGoIntoNumbersNotData) {
    Response r = must_parse("* SEARCH 2 84 882 4294967295");
    EXPECT_EQ(r.numbers, (std::vector<std::uint32_t>{2, 84, 882, 4294967295u}));
    EXPECT_TRUE(r.data.empty());
}

TEST(ReaderGrammar, SearchNumberAboveUint32IsAnError) {
    auto r = parse_response_line("* SEARCH 1 4294967296");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, Error::Kind::Protocol);
    EXPECT_NE(r.error().message.find("4294967296"), std::string::npos) << r.error().message;
}

TEST(ReaderGrammar, SearchWithATrailingSpaceIsTolerated) {
    Response r = must_parse("* SEARCH 1 2 ");
    EXPECT_EQ(r.numbers, (std::vector<std::uint32_t>{1, 2}));
}

TEST(ReaderGrammar, SearchWithANonNumberIsAnError) {
    EXPECT_FALSE(parse_response_line("* SEARCH 1 two 3").ok());
}

TEST(ReaderGrammar, SearchWithModseqKeepsItAsData) {
    Response r = must_parse("* SEARCH 2 5 (MODSEQ 917162500)");
    EXPECT_EQ(r.numbers, (std::vector<std::uint32_t>{2, 5}));
    ASSERT_EQ(r.data.size(), 1u);
    const Value* modseq = r.data[0].value_after("MODSEQ");
    ASSERT_NE(modseq, nullptr);
    EXPECT_EQ(modseq->number, 917162500u);
}

TEST(ReaderGrammar, QuotaWithEmptyRootAndEmptyList) {
    Response r = must_parse("* QUOTA \"\" ()");
    EXPECT_EQ(r.name, "QUOTA");
    ASSERT_EQ(r.data.size(), 2u);
    EXPECT_EQ(r.data[0].kind, Value::Kind::String);
    EXPECT_EQ(r.data[0].text, "");
    EXPECT_EQ(r.data[1].kind, Value::Kind::List);
    EXPECT_TRUE(r.data[1].items.empty());
}

TEST(ReaderGrammar, QuotaResourceTriple) {
    Response r = must_parse("* QUOTA \"User quota\" (STORAGE 10 512 MESSAGE 7 1000)");
    ASSERT_EQ(r.data.size(), 2u);
    EXPECT_EQ(r.data[0].text, "User quota");
    const auto& items = r.data[1].items;
    ASSERT_EQ(items.size(), 6u);
    EXPECT_TRUE(items[0].is_atom("STORAGE"));
    EXPECT_EQ(items[1].number, 10u);
    EXPECT_EQ(items[2].number, 512u);
    EXPECT_TRUE(items[3].is_atom("MESSAGE"));
}

TEST(ReaderGrammar, SectionWithSpacesInsideBracketsIsOneAtom) {
    const std::string header = "Subject: hi\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\n";
    Response r = must_parse("* 2 FETCH (BODY[HEADER.FIELDS (SUBJECT DATE)] {" +
                            std::to_string(header.size()) + "}\r\n" + header + ")\r\n");
    ASSERT_EQ(r.data.size(), 1u);
    const auto& items = r.data[0].items;
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0].kind, Value::Kind::Atom);
    EXPECT_EQ(items[0].text, "BODY[HEADER.FIELDS (SUBJECT DATE)]");
    const Value* value = r.data[0].value_after("BODY[HEADER.FIELDS (SUBJECT DATE)]");
    ASSERT_NE(value, nullptr);
    EXPECT_EQ(value->text, header);
}

TEST(ReaderGrammar, PartialSuffixStaysPartOfTheAtom) {
    Response r = must_parse("* 3 FETCH (BODY[]<0> \"abc\")");
    ASSERT_EQ(r.data.size(), 1u);
    ASSERT_EQ(r.data[0].items.size(), 2u);
    EXPECT_EQ(r.data[0].items[0].text, "BODY[]<0>");
    EXPECT_EQ(r.data[0].items[1].text, "abc");
}

// --- the decisive FETCH test: literal content is never parsed as protocol -----------------

TEST(ReaderFraming, FetchLiteralsComeBackByteExactAndTheNextResponseParses) {
    TrickyFetch f;
    ResponseReader reader;
    reader.feed(f.stream());
    auto results = drain(reader);
    ASSERT_EQ(results.size(), 2u) << ::testing::PrintToString(describe_all(results));
    ASSERT_TRUE(results[0].ok()) << results[0].error().message;
    const Response& fetch = results[0].value();
    EXPECT_EQ(fetch.kind, Response::Kind::Untagged);
    ASSERT_TRUE(fetch.number.has_value());
    EXPECT_EQ(*fetch.number, 1u);
    EXPECT_EQ(fetch.name, "FETCH");
    ASSERT_EQ(fetch.data.size(), 1u);
    const Value& att = fetch.data[0];
    ASSERT_EQ(att.kind, Value::Kind::List);
    ASSERT_EQ(att.items.size(), 10u) << describe(att);

    ASSERT_NE(att.value_after("UID"), nullptr);
    EXPECT_EQ(att.value_after("UID")->number, 7u);
    const Value* flags = att.value_after("FLAGS");
    ASSERT_NE(flags, nullptr);
    ASSERT_EQ(flags->items.size(), 1u);
    EXPECT_TRUE(flags->items[0].is_atom("\\SEEN"));
    ASSERT_NE(att.value_after("RFC822.SIZE"), nullptr);
    EXPECT_EQ(att.value_after("RFC822.SIZE")->number, 100u);

    const Value* header = att.value_after("BODY[HEADER]");
    ASSERT_NE(header, nullptr);
    EXPECT_TRUE(header->literal);
    EXPECT_FALSE(header->truncated);
    EXPECT_EQ(header->size, f.header.size());
    EXPECT_EQ(header->text, f.header);

    const Value* body = att.value_after("BODY[TEXT]<0>");
    ASSERT_NE(body, nullptr);
    EXPECT_EQ(body->size, f.body.size());
    EXPECT_EQ(body->text, f.body);  // includes a NUL, 0xff and a line ending in {5}

    ASSERT_TRUE(results[1].ok()) << results[1].error().message;
    EXPECT_EQ(results[1]->kind, Response::Kind::Tagged);
    EXPECT_EQ(results[1]->tag, "A007");
    EXPECT_EQ(results[1]->name, "OK");
    EXPECT_EQ(results[1]->text, "FETCH completed");
    EXPECT_EQ(reader.pending(), 0u);
    EXPECT_FALSE(reader.next().has_value());
}

TEST(ReaderFraming, ByteByByteFeedGivesTheSameResponsesAsOneFeed) {
    TrickyFetch f;
    const std::string stream =
        "* OK [CAPABILITY IMAP4rev1] ready\r\n" + f.stream() + "* 4 EXISTS\r\n";
    auto whole = feed_whole(stream);
    ASSERT_EQ(whole.size(), 4u) << ::testing::PrintToString(whole);
    EXPECT_EQ(feed_byte_by_byte(stream), whole);
}

TEST(ReaderFraming, EverySplitPointGivesTheSameResponses) {
    const std::string stream =
        "* 1 FETCH (BODY[] {12}\r\nab\r\n{3}\r\n)xy UID 9)\r\nA1 OK done\r\n* 2 EXPUNGE\r\n";
    auto whole = feed_whole(stream);
    ASSERT_EQ(whole.size(), 3u) << ::testing::PrintToString(whole);
    for (std::size_t split = 0; split <= stream.size(); ++split) {
        ResponseReader reader;
        std::vector<Result<Response>> all;
        reader.feed(std::string_view(stream).substr(0, split));
        for (auto& r : drain(reader)) all.push_back(std::move(r));
        reader.feed(std::string_view(stream).substr(split));
        for (auto& r : drain(reader)) all.push_back(std::move(r));
        EXPECT_EQ(describe_all(all), whole) << "split at byte " << split;
    }
}

TEST(ReaderFraming, LiteralAndCrLfSplitAcrossFeeds) {
    ResponseReader reader;
    reader.feed("* 1 FETCH (BODY[] {10}\r");
    EXPECT_FALSE(reader.next().has_value());  // CR without LF: the line is not over
    reader.feed("\nhello");
    EXPECT_FALSE(reader.next().has_value());
    EXPECT_EQ(reader.progress(), "a literal (5 of 10 bytes received)");
    reader.feed(" worl");
    EXPECT_FALSE(reader.next().has_value());
    // The literal is complete; what is missing now is the rest of the line it sits in.
    EXPECT_EQ(reader.progress(), "the end of a line (24 bytes received)");
    reader.feed(" UID 1)\r");
    EXPECT_FALSE(reader.next().has_value());
    reader.feed("\n");
    auto r = reader.next();
    ASSERT_TRUE(r.has_value());
    ASSERT_TRUE(r->ok()) << r->error().message;
    ASSERT_EQ(r->value().data.size(), 1u);
    const Value* body = r->value().data[0].value_after("BODY[]");
    ASSERT_NE(body, nullptr);
    EXPECT_EQ(body->text, "hello worl");
    const Value* uid = r->value().data[0].value_after("UID");
    ASSERT_NE(uid, nullptr);
    EXPECT_EQ(uid->number, 1u);
}

TEST(ReaderFraming, BareLfLineEndingsAreTolerated) {
    auto out = feed_whole(
        "* 3 EXISTS\n* OK [UIDNEXT 4] Predicted next UID\n* 1 FETCH (BODY[] {3}\nabc)\nA1 OK "
        "done\n");
    ASSERT_EQ(out.size(), 4u) << ::testing::PrintToString(out);
    ResponseReader reader;
    reader.feed("* 1 FETCH (BODY[] {3}\nabc)\nA1 OK done\n");
    auto results = drain(reader);
    ASSERT_EQ(results.size(), 2u);
    ASSERT_TRUE(results[0].ok()) << results[0].error().message;
    const Value* body = results[0]->data[0].value_after("BODY[]");
    ASSERT_NE(body, nullptr);
    EXPECT_EQ(body->text, "abc");
    ASSERT_TRUE(results[1].ok());
    EXPECT_EQ(results[1]->text, "done");
}

TEST(ReaderFraming, SeveralResponsesInOneFeedComeOutInOrder) {
    auto out = feed_whole("* 1 EXISTS\r\n* 2 EXISTS\r\n* 3 EXISTS\r\n* 4 EXIS");
    ASSERT_EQ(out.size(), 3u);
    EXPECT_NE(out[0].find("#1 EXISTS"), std::string::npos) << out[0];
    EXPECT_NE(out[2].find("#3 EXISTS"), std::string::npos) << out[2];
}

// --- nesting limits -----------------------------------------------------------------------

TEST(ReaderLimitsTest, NestingUpToMaxDepthPasses) {
    ReaderLimits limits;
    limits.max_depth = 3;
    // The innermost atom sits three lists deep.
    Response r = must_parse("* X (((a)))", limits);
    ASSERT_EQ(r.data.size(), 1u);
    EXPECT_EQ(r.data[0].items[0].items[0].items[0].text, "a");
}

TEST(ReaderLimitsTest, NestingDeeperThanMaxDepthFails) {
    ReaderLimits limits;
    limits.max_depth = 3;
    auto r = parse_response_line("* X ((((a))))", limits);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("nesting"), std::string::npos) << r.error().message;
}

TEST(ReaderLimitsTest, HostileDeepNestingFailsWithoutExhaustingTheStack) {
    std::string line = "* 1 FETCH " + std::string(200000, '(');
    auto r = parse_response_line(line);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("nesting"), std::string::npos) << r.error().message;
}

// --- size limits and sticky framing errors ------------------------------------------------

TEST(ReaderLimitsTest, LineLongerThanMaxLineIsALimitError) {
    ReaderLimits limits;
    limits.max_line = 64;
    ResponseReader reader(limits);
    reader.feed("* OK " + std::string(100, 'x') + "\r\n");
    auto r = reader.next();
    ASSERT_TRUE(r.has_value());
    ASSERT_FALSE(r->ok());
    EXPECT_EQ(r->error().kind, Error::Kind::Limit);
    EXPECT_NE(r->error().message.find("64"), std::string::npos) << r->error().message;
}

TEST(ReaderLimitsTest, LongLineIsRefusedBeforeItsEndArrives) {
    ReaderLimits limits;
    limits.max_line = 64;
    ResponseReader reader(limits);
    reader.feed(std::string(60, 'x'));
    EXPECT_FALSE(reader.next().has_value());  // still within the limit: wait
    reader.feed(std::string(10, 'x'));        // no newline, but already too long
    auto r = reader.next();
    ASSERT_TRUE(r.has_value());
    ASSERT_FALSE(r->ok());
    EXPECT_EQ(r->error().kind, Error::Kind::Limit);
}

TEST(ReaderLimitsTest, LineExactlyAtMaxLinePasses) {
    ReaderLimits limits;
    limits.max_line = 64;
    std::string line = "* OK " + std::string(59, 'x');
    ASSERT_EQ(line.size(), 64u);
    ResponseReader reader(limits);
    reader.feed(line + "\r\n");
    auto r = reader.next();
    ASSERT_TRUE(r.has_value());
    ASSERT_TRUE(r->ok()) << r->error().message;
    EXPECT_EQ(r->value().text, std::string(59, 'x'));
}

TEST(ReaderLimitsTest, FramingErrorsAreSticky) {
    ReaderLimits limits;
    limits.max_line = 32;
    ResponseReader reader(limits);
    reader.feed(std::string(40, 'x') + "\r\nA1 OK fine\r\n");
    auto first = reader.next();
    ASSERT_TRUE(first.has_value());
    ASSERT_FALSE(first->ok());
    reader.feed("A2 OK also fine\r\n");
    for (int i = 0; i < 3; ++i) {
        auto again = reader.next();
        ASSERT_TRUE(again.has_value());
        ASSERT_FALSE(again->ok());
        EXPECT_EQ(again->error().kind, Error::Kind::Limit);
        EXPECT_EQ(again->error().message, first->error().message);
    }
}

TEST(ReaderLimitsTest, HugeLiteralAnnouncementIsRefusedWithoutWaitingOrAllocating) {
    // 100 GB: were the reader to reserve or wait for it, this test would run out of memory
    // or hang. It must refuse at once, from the announcement alone.
    ResponseReader reader;
    reader.feed("* 1 FETCH (BODY[] {107374182400}\r\n");
    auto r = reader.next();
    ASSERT_TRUE(r.has_value());
    ASSERT_FALSE(r->ok());
    EXPECT_EQ(r->error().kind, Error::Kind::Limit);
    EXPECT_NE(r->error().message.find("107374182400"), std::string::npos) << r->error().message;
    reader.feed("A1 OK done\r\n");
    auto again = reader.next();
    ASSERT_TRUE(again.has_value());
    EXPECT_FALSE(again->ok());
}

TEST(ReaderLimitsTest, LiteralJustOverMaxLiteralIsRefusedAndAtTheLimitIsAccepted) {
    ReaderLimits limits;
    limits.max_literal = 8;
    {
        ResponseReader reader(limits);
        reader.feed("* 1 FETCH (BODY[] {9}\r\n");
        auto r = reader.next();
        ASSERT_TRUE(r.has_value());
        EXPECT_FALSE(r->ok());
    }
    ResponseReader reader(limits);
    reader.feed("* 1 FETCH (BODY[] {8}\r\n12345678)\r\n");
    auto r = reader.next();
    ASSERT_TRUE(r.has_value());
    ASSERT_TRUE(r->ok()) << r->error().message;
    EXPECT_EQ(r->value().data[0].value_after("BODY[]")->text, "12345678");
}

TEST(ReaderLimitsTest, LiteralLongerThanLiteralKeepIsTruncatedWithItsAnnouncedSize) {
    ReaderLimits limits;
    limits.literal_keep = 16;
    std::string content;
    for (int i = 0; content.size() < 300000; ++i) content += "line " + std::to_string(i) + "\r\n";
    ResponseReader reader(limits);
    const std::string head = "* 1 FETCH (BODY[] {" + std::to_string(content.size()) + "}\r\n";
    reader.feed(head);
    // Feed the literal in chunks, reading as we go as a session does: nothing is left
    // pending, so the reader holds at most a chunk plus literal_keep bytes of it.
    for (std::size_t pos = 0; pos < content.size(); pos += 4096) {
        reader.feed(std::string_view(content).substr(pos, 4096));
        EXPECT_FALSE(reader.next().has_value());
        EXPECT_EQ(reader.pending(), 0u);
    }
    reader.feed(" UID 5)\r\n* 2 EXISTS\r\n");
    auto results = drain(reader);
    ASSERT_EQ(results.size(), 2u);
    ASSERT_TRUE(results[0].ok()) << results[0].error().message;
    const Value& att = results[0]->data[0];
    const Value* body = att.value_after("BODY[]");
    ASSERT_NE(body, nullptr);
    EXPECT_TRUE(body->truncated);
    EXPECT_EQ(body->size, content.size());
    EXPECT_EQ(body->text, content.substr(0, 16));
    ASSERT_NE(att.value_after("UID"), nullptr);
    EXPECT_EQ(att.value_after("UID")->number, 5u);
    ASSERT_TRUE(results[1].ok());
    EXPECT_EQ(results[1]->name, "EXISTS");
}

TEST(ReaderLimitsTest, LiteralExactlyLiteralKeepIsNotTruncated) {
    ReaderLimits limits;
    limits.literal_keep = 5;
    Response r = must_parse("* LIST () \"/\" {5}\r\nhello\r\n", limits);
    ASSERT_EQ(r.data.size(), 3u);
    EXPECT_FALSE(r.data[2].truncated);
    EXPECT_EQ(r.data[2].text, "hello");
}

TEST(ReaderLimitsTest, LiteralSizeWithTooManyDigitsIsAnErrorNotACrash) {
    auto r = parse_response_line("* 1 FETCH (BODY[] {99999999999999999999999}\r\nabc)\r\n");
    EXPECT_FALSE(r.ok());
}

// --- malformed input: always an error, never a crash --------------------------------------

TEST(ReaderMalformed, UnbalancedParenthesesAreErrors) {
    EXPECT_FALSE(parse_response_line("* 1 FETCH (FLAGS (\\Seen)").ok());
    EXPECT_FALSE(parse_response_line("* 1 FETCH (FLAGS (\\Seen)))").ok());
    EXPECT_FALSE(parse_response_line("* LIST )(").ok());
}

TEST(ReaderMalformed, UnterminatedQuoteIsAnError) {
    auto r = parse_response_line("* LIST () \"/ INBOX");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("quoted"), std::string::npos) << r.error().message;
}

TEST(ReaderMalformed, TaggedResponseThatIsNotOkNoBadIsAnError) {
    EXPECT_FALSE(parse_response_line("A1 FETCH 1 (FLAGS ())").ok());
    EXPECT_FALSE(parse_response_line("A1 PREAUTH welcome").ok());
    EXPECT_FALSE(parse_response_line("A1 EXISTS").ok());
    EXPECT_FALSE(parse_response_line("A1").ok());
}

TEST(ReaderMalformed, GarbageBytesAreErrors) {
    EXPECT_FALSE(parse_response_line(std::string("\x01\x02\x03 OK", 6)).ok());
    EXPECT_FALSE(parse_response_line("").ok());
    EXPECT_FALSE(parse_response_line(" OK leading space").ok());
    EXPECT_FALSE(parse_response_line("* ").ok());
    EXPECT_FALSE(parse_response_line("* 5").ok());
}

TEST(ReaderMalformed, NonImapServersAreErrors) {
    EXPECT_FALSE(parse_response_line("HTTP/1.1 400 Bad Request").ok());
    EXPECT_FALSE(parse_response_line("SSH-2.0-OpenSSH_9.2p1 Debian-2").ok());
    EXPECT_FALSE(parse_response_line("220 mail.example.com ESMTP Postfix").ok());
    // A TLS alert / ServerHello start, as seen when speaking plain text to port 993.
    EXPECT_FALSE(parse_response_line(std::string("\x15\x03\x03\x00\x02\x02\x46", 7)).ok());
    EXPECT_FALSE(parse_response_line(std::string("\x16\x03\x03\x00\x5a\x02\x00\x00", 8)).ok());
}

TEST(ReaderMalformed, DecodeErrorDoesNotDesynchroniseTheNextResponse) {
    ResponseReader reader;
    reader.feed(
        "* 1 FETCH (FLAGS (\\Seen)\r\n"
        "* 2 FETCH (BODY[] {6}\r\nA9 OK\n UNCLOSED\r\n"
        "* 3 EXISTS\r\n"
        "A1 OK done\r\n");
    auto results = drain(reader);
    ASSERT_EQ(results.size(), 4u) << ::testing::PrintToString(describe_all(results));
    ASSERT_FALSE(results[0].ok());
    EXPECT_EQ(results[0].error().kind, Error::Kind::Protocol);
    EXPECT_NE(results[0].error().message.find("* 1 FETCH"), std::string::npos)
        << results[0].error().message;
    ASSERT_FALSE(results[1].ok());
    ASSERT_TRUE(results[2].ok()) << results[2].error().message;
    EXPECT_EQ(results[2]->name, "EXISTS");
    ASSERT_TRUE(results[2]->number.has_value());
    EXPECT_EQ(*results[2]->number, 3u);
    ASSERT_TRUE(results[3].ok()) << results[3].error().message;
    EXPECT_EQ(results[3]->tag, "A1");
}

TEST(ReaderMalformed, RandomJunkNeverCrashesAndErrorsAlwaysSaySomething) {
    const std::string alphabet = "(){}[]\"\\ \r\n*+0123456789NILOKA<>.";
    std::mt19937 rng(20240501);
    for (int round = 0; round < 3000; ++round) {
        std::string junk;
        std::size_t len = rng() % 60;
        for (std::size_t i = 0; i < len; ++i)
            junk.push_back(rng() % 4 == 0 ? static_cast<char>(rng() % 256)
                                          : alphabet[rng() % alphabet.size()]);
        ReaderLimits limits;
        limits.max_literal = 64;
        ResponseReader reader(limits);
        reader.feed(junk);
        for (int i = 0; i < 100; ++i) {
            auto r = reader.next();
            if (!r) break;
            if (!r->ok()) {
                EXPECT_FALSE(r->error().message.empty()) << "junk: " << junk;
                if (r->error().kind == Error::Kind::Limit) break;
            }
        }
    }
}

// --- progress and transcript --------------------------------------------------------------

TEST(ReaderProgress, SaysWhatTheReaderIsWaitingFor) {
    ResponseReader reader;
    EXPECT_EQ(reader.progress(), "a response");
    reader.feed("* 1 FE");
    EXPECT_FALSE(reader.next().has_value());
    EXPECT_EQ(reader.progress(), "the end of a line (6 bytes received)");
    reader.feed("TCH (BODY[] {6000}\r\n");
    reader.feed(std::string(1200, 'x'));
    EXPECT_FALSE(reader.next().has_value());
    EXPECT_EQ(reader.progress(), "a literal (1200 of 6000 bytes received)");
    reader.feed(std::string(4800, 'x') + ")\r\n");
    auto r = reader.next();
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->ok());
    EXPECT_EQ(reader.progress(), "a response");
}

TEST(ReaderProgress, TranscriptShowsALiteralAsItsFirstLinesAndItsSize) {
    ResponseReader reader;
    reader.keep_transcript(true);
    const std::string literal = "one\r\ntwo\r\nthree\r\nfour\r\nfive\r\n";
    reader.feed("* 1 FETCH (BODY[] {" + std::to_string(literal.size()) + "}\r\n" + literal +
                ")\r\n");
    auto r = reader.next();
    ASSERT_TRUE(r.has_value());
    ASSERT_TRUE(r->ok());
    EXPECT_EQ(reader.transcript_lines(),
              (std::vector<std::string>{"* 1 FETCH (BODY[] {29}", "| one", "| two", "| three",
                                        "| ... (29 bytes in all)", ")"}));
}

TEST(ReaderProgress, NoTranscriptUnlessAskedFor) {
    ResponseReader reader;
    reader.feed("* 1 EXISTS\r\n");
    ASSERT_TRUE(reader.next().has_value());
    EXPECT_TRUE(reader.transcript_lines().empty());
}

// --- lenient reading: a complete line that breaks the grammar costs that line only ------------

// Everything a lenient reader returns for `bytes`.
std::vector<Result<Response>> lenient_drain(std::string_view bytes) {
    ResponseReader reader;
    reader.lenient(true);
    reader.feed(bytes);
    return drain(reader);
}

TEST(ReaderLenient, UnquotedStatusMailboxIsReadFromTheListAtTheEnd) {
    // Seen in the wild (issue 10): the mailbox name neither quoted nor an atom.
    const std::string line =
        "* STATUS Paren(x) (MESSAGES 0 UNSEEN 0 UIDNEXT 1 UIDVALIDITY 1796161557)";
    EXPECT_FALSE(parse_response_line(line).ok()) << "the strict grammar still refuses it";
    auto got = lenient_drain(line + "\r\n");
    ASSERT_EQ(got.size(), 1u);
    ASSERT_TRUE(got[0].ok()) << got[0].error().message;
    const Response& r = got[0].value();
    EXPECT_TRUE(r.lenient);
    EXPECT_NE(r.anomaly.find("unexpected data before the end of the line"), std::string::npos)
        << r.anomaly;
    EXPECT_EQ(r.sent, line);
    EXPECT_EQ(describe(r),
              "* STATUS code= args= text= data=str[8]:Paren(x) (atom:MESSAGES num:0 "
              "atom:UNSEEN num:0 atom:UIDNEXT num:1 atom:UIDVALIDITY num:1796161557 ) "
              "nums=");
    EXPECT_EQ(r.data[1].value_after("UIDVALIDITY")->number, 1796161557u);
}

TEST(ReaderLenient, StatusWithoutAListAtTheEndIsSetAsideNotGuessed) {
    auto got = lenient_drain("* STATUS Paren(x) MESSAGES 0\r\n");
    ASSERT_EQ(got.size(), 1u);
    ASSERT_TRUE(got[0].ok());
    EXPECT_FALSE(got[0]->lenient);
    EXPECT_EQ(got[0]->name, "STATUS");
    EXPECT_TRUE(got[0]->data.empty());
    EXPECT_FALSE(got[0]->anomaly.empty());
}

TEST(ReaderLenient, ABadLineKeepsItsKindAndTheNextResponseIsReadAsUsual) {
    auto got = lenient_drain(
        "* SEARCH 2 x3\r\n* 7 FETCH (FLAGS (\\Seen)))\r\nC005 FETCH 1\r\n"
        "* OK [ALERT System shutdown\r\nC006 OK done\r\n");
    ASSERT_EQ(got.size(), 5u);
    for (const auto& r : got) ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(got[0]->name, "SEARCH");
    EXPECT_FALSE(got[0]->lenient);
    EXPECT_TRUE(got[0]->numbers.empty()) << "no half-read hits";
    EXPECT_NE(got[0]->anomaly.find("SEARCH result is not a number"), std::string::npos);
    EXPECT_EQ(got[1]->name, "FETCH");
    EXPECT_EQ(got[1]->number, 7u);
    EXPECT_TRUE(got[1]->data.empty());
    // A tagged reply that is not OK/NO/BAD/BYE keeps its tag: the command it ends is known.
    EXPECT_EQ(got[2]->kind, Response::Kind::Tagged);
    EXPECT_EQ(got[2]->tag, "C005");
    EXPECT_EQ(got[2]->name, "FETCH");
    EXPECT_EQ(got[2]->text, "1");
    // A status line with a broken code still says what it says: as text.
    EXPECT_TRUE(got[3]->lenient);
    EXPECT_EQ(got[3]->name, "OK");
    EXPECT_EQ(got[3]->code, "");
    EXPECT_EQ(got[3]->text, "[ALERT System shutdown");
    EXPECT_TRUE(got[4]->anomaly.empty());
    EXPECT_EQ(got[4]->tag, "C006");
    EXPECT_EQ(got[4]->name, "OK");
}

TEST(ReaderLenient, FramingErrorsStayFatal) {
    auto got = lenient_drain("* 1 FETCH (BODY[] {99999999999}\r\n");
    ASSERT_EQ(got.size(), 1u);
    ASSERT_FALSE(got[0].ok());
    EXPECT_EQ(got[0].error().kind, Error::Kind::Limit);
}

TEST(ReaderTranscript, ResponseCutShortIsShownAsFarAsItCame) {
    ResponseReader reader;
    reader.keep_transcript(true);
    reader.feed("* 3 FETCH (UID 14 BODY[HEADER] {1000}\r\nSubject: hi\r\nFrom: x");
    EXPECT_FALSE(reader.next().has_value());
    EXPECT_EQ(reader.pending_transcript(),
              (std::vector<std::string>{"* 3 FETCH (UID 14 BODY[HEADER] {1000}", "| Subject: hi",
                                        "| From: x", "| ... (20 of 1000 bytes received)"}));

    ResponseReader line;
    line.feed("* LIST (\\HasNoChildren) \"/\" \"Arch");
    EXPECT_FALSE(line.next().has_value());
    EXPECT_EQ(line.pending_transcript(),
              (std::vector<std::string>{
                  "* LIST (\\HasNoChildren) \"/\" \"Arch [no line end yet: 33 bytes]"}));
    EXPECT_TRUE(ResponseReader().pending_transcript().empty());
}

TEST(ReaderGrammar, CapabilityNamedTwiceCountsOnceInTheServersSpelling) {
    Response r = must_parse("* CAPABILITY IMAP4rev1 AUTH=GSSAPI auth=gssapi AUTH=GSSAPI Idle IDLE");
    EXPECT_EQ(capability_list(r), (std::vector<std::string>{"IMAP4rev1", "AUTH=GSSAPI", "Idle"}));
    Response code = must_parse("* OK [CAPABILITY IMAP4rev1 LITERAL+ literal+] ready");
    EXPECT_EQ(capability_list(code), (std::vector<std::string>{"IMAP4rev1", "LITERAL+"}));
    EXPECT_TRUE(same_capability("imap4REV1", "IMAP4rev1"));
    EXPECT_FALSE(same_capability("IMAP4rev1", "IMAP4rev2"));
}

}  // namespace
}  // namespace imapcheck::imap
