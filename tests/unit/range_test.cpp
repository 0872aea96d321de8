// Unit tests of the Monitoring Plugins range syntax (range.hpp): every form at and around
// its boundaries, and the texts that are not ranges.
#include <gtest/gtest.h>

#include "imapcheck/range.hpp"

namespace imapcheck {
namespace {

struct RangeCase {
    const char* range;
    double value;
    bool alerts;
};

class RangeAlerts : public ::testing::TestWithParam<RangeCase> {};

TEST_P(RangeAlerts, AsTheGuidelinesSay) {
    const RangeCase& c = GetParam();
    auto r = parse_range(c.range);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->alerts(c.value), c.alerts) << c.range << " at " << c.value;
    EXPECT_EQ(r->text, c.range);
}

INSTANTIATE_TEST_SUITE_P(
    Range, RangeAlerts,
    ::testing::Values(
        // N: alert outside 0..N
        RangeCase{"10", -1, true}, RangeCase{"10", 0, false}, RangeCase{"10", 10, false},
        RangeCase{"10", 11, true}, RangeCase{"0", 0, false}, RangeCase{"0", 1, true},
        // N: alert below N
        RangeCase{"10:", 9, true}, RangeCase{"10:", 10, false}, RangeCase{"10:", 1e9, false},
        // ~:N alert above N
        RangeCase{"~:10", -1e9, false}, RangeCase{"~:10", 10, false}, RangeCase{"~:10", 11, true},
        // N:M alert outside N..M
        RangeCase{"10:20", 9, true}, RangeCase{"10:20", 10, false}, RangeCase{"10:20", 20, false},
        RangeCase{"10:20", 21, true}, RangeCase{"10:10", 10, false}, RangeCase{"10:10", 11, true},
        // @N:M alert inside N..M
        RangeCase{"@10:20", 9, false}, RangeCase{"@10:20", 10, true}, RangeCase{"@10:20", 20, true},
        RangeCase{"@10:20", 21, false}, RangeCase{"@10", 0, true}, RangeCase{"@10", 11, false},
        RangeCase{"@~:5", -3, true}, RangeCase{"@5:", 4, false}, RangeCase{"@5:", 5, true},
        // decimals and negative bounds
        RangeCase{"-5:-1", -0.5, true}, RangeCase{"-5:-1", -5, false}, RangeCase{"2.5", 2.6, true},
        RangeCase{"2.5", 2.5, false}));

TEST(Range, BoundsAreReadAsWritten) {
    auto plain = parse_range("10");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->start, 0.0);
    EXPECT_EQ(plain->end, 10.0);
    EXPECT_FALSE(plain->inside);
    auto open = parse_range("~:7");
    ASSERT_TRUE(open);
    EXPECT_FALSE(open->start.has_value());
    EXPECT_EQ(open->end, 7.0);
    auto above = parse_range("@3:");
    ASSERT_TRUE(above);
    EXPECT_EQ(above->start, 3.0);
    EXPECT_FALSE(above->end.has_value());
    EXPECT_TRUE(above->inside);
}

class NotARange : public ::testing::TestWithParam<const char*> {};

TEST_P(NotARange, IsAnErrorSayingWhatIsWrong) {
    auto r = parse_range(GetParam());
    ASSERT_FALSE(r) << GetParam();
    EXPECT_EQ(r.error().kind, Error::Kind::Usage);
    EXPECT_NE(r.error().message.find("is not a range"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("N:M"), std::string::npos) << "says the syntax";
}

INSTANTIATE_TEST_SUITE_P(Range, NotARange,
                         ::testing::Values("", "@", "abc", "10:x", "x:10", "20:10", "~:", "1e3",
                                           "0x10", " 5", "5 ", "1:2:3", "--1", "1.", ".5", "~",
                                           "@@1", "1..2"));

}  // namespace
}  // namespace imapcheck
