// Unit tests of baselines (baseline.hpp): what a run's baseline holds, the masking of
// volatile parts, and each rule of README's "Baselines" table, on the sample passing run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "imapcheck/baseline.hpp"
#include "sample_report.hpp"

namespace imapcheck {
namespace {

using testing::passing_report;

class BaselineTest : public ::testing::Test {
  protected:
    BaselineTest() : saved(baseline_of(passing_report())), now(saved) {}
    CheckResult compare(std::vector<std::string> ignore = {}) {
        return compare_baseline(saved, now, ignore, "before.json");
    }
    static std::vector<std::string> diff(const CheckResult& r) {
        return r.details["diff"].get<std::vector<std::string>>();
    }
    Json& field(const char* name) { return now["fields"][name]; }

    Json saved, now;
};

TEST_F(BaselineTest, HoldsWhatTheRunEstablishedNormalised) {
    const Json& f = saved["fields"];
    EXPECT_EQ(saved["schema"], "imapcheck.baseline/1");
    EXPECT_EQ(f["greeting"], "* OK Dovecot sandbox ready.") << "its [CAPABILITY] code is apart";
    EXPECT_EQ(f["capabilities"]["after_login"],
              Json({"ENABLE", "ID", "IDLE", "IMAP4REV1", "LITERAL+", "LOGIN-REFERRALS", "QUOTA",
                    "SASL-IR"}));
    EXPECT_EQ(f["auth_mechanisms"], Json({"PLAIN"}));
    EXPECT_EQ(f["tls"]["version"], "TLSv1.3");
    EXPECT_EQ(f["certificate"]["issuer"], "CN=imapcheck sandbox CA");
    EXPECT_EQ(f["certificate"]["expires_not_before"], "2027-02-22T18:15:36Z")
        << "the expiry is kept as the start of a window";
    EXPECT_EQ(f["folders"].size(), 4u);
    EXPECT_EQ(f["mailbox"]["uidvalidity"], 1700000001);
    EXPECT_EQ(f["mailbox"]["messages"], 5);
    EXPECT_EQ(f["mailbox"]["messages_tolerance"], 0) << "a tenth of 5, rounded down";
    EXPECT_EQ(f["quota"][0]["resource"], "STORAGE");
}

TEST_F(BaselineTest, TheSameRunIsNoChange) {
    CheckResult r = compare();
    EXPECT_EQ(r.status, CheckStatus::Pass) << r.summary;
    EXPECT_TRUE(r.details["changes"].empty());
    EXPECT_EQ(r.details["compared"].size(), 9u)
        << r.details["compared"].dump() << " (no namespace)";
}

TEST_F(BaselineTest, ALostCapabilityFailsAndANewOneWarns) {
    auto& after = field("capabilities")["after_login"];
    after.erase(std::find(after.begin(), after.end(), "IDLE"));
    CheckResult lost = compare();
    EXPECT_EQ(lost.status, CheckStatus::Fail);
    EXPECT_EQ(diff(lost), (std::vector<std::string>{"- capability after_login IDLE"}));
    EXPECT_EQ(lost.details["changes"][0]["verdict"], "fail");
    now = saved;
    field("capabilities")["before_login"].push_back("XNEW");
    CheckResult added = compare();
    EXPECT_EQ(added.status, CheckStatus::Warn);
    EXPECT_EQ(diff(added), (std::vector<std::string>{"+ capability before_login XNEW"}));
}

TEST_F(BaselineTest, ALostAuthMechanismFails) {
    field("auth_mechanisms") = Json::array({"LOGIN"});
    CheckResult r = compare();
    EXPECT_EQ(r.status, CheckStatus::Fail);
    EXPECT_EQ(diff(r),
              (std::vector<std::string>{"- AUTH mechanism PLAIN", "+ AUTH mechanism LOGIN"}));
}

TEST_F(BaselineTest, ATlsDowngradeFailsAnUpgradeWarns) {
    field("tls")["version"] = "TLSv1.2";
    CheckResult down = compare();
    EXPECT_EQ(down.status, CheckStatus::Fail);
    EXPECT_EQ(diff(down),
              (std::vector<std::string>{"- TLS version TLSv1.3", "+ TLS version TLSv1.2"}));
    std::swap(saved, now);
    EXPECT_EQ(compare().status, CheckStatus::Warn);
}

TEST_F(BaselineTest, ANewKeyFromTheSameIssuerWarnsAnotherIssuerFails) {
    field("certificate")["key_sha256"] = std::string(64, 'a');
    CheckResult key = compare();
    EXPECT_EQ(key.status, CheckStatus::Warn) << key.summary;
    field("certificate")["issuer"] = "CN=Another CA";
    CheckResult issuer = compare();
    EXPECT_EQ(issuer.status, CheckStatus::Fail);
    EXPECT_EQ(diff(issuer),
              (std::vector<std::string>{"- certificate issuer CN=imapcheck sandbox CA",
                                        "+ certificate issuer CN=Another CA"}))
        << "a new issuer's key is not reported as well";
}

TEST_F(BaselineTest, ARenewedCertificateIsNoChangeAnOlderOneWarns) {
    field("certificate")["expires_not_before"] = "2027-05-01T00:00:00Z";
    EXPECT_EQ(compare().status, CheckStatus::Pass) << "expires later: a renewal";
    field("certificate")["expires_not_before"] = "2027-01-01T00:00:00Z";
    CheckResult r = compare();
    EXPECT_EQ(r.status, CheckStatus::Warn);
    EXPECT_EQ(diff(r), (std::vector<std::string>{"- certificate expiry 2027-02-22T18:15:36Z",
                                                 "+ certificate expiry 2027-01-01T00:00:00Z"}));
}

TEST_F(BaselineTest, ARenamedFolderIsALostOneAndANewOne) {
    for (auto& folder : field("folders"))
        if (folder["name"] == "Sent") folder["name"] = "INBOX.Sent";
    CheckResult r = compare();
    EXPECT_EQ(r.status, CheckStatus::Fail);
    EXPECT_EQ(diff(r), (std::vector<std::string>{"- folder Sent", "+ folder INBOX.Sent"}));
}

TEST_F(BaselineTest, ALostSpecialUseFlagFails) {
    saved["fields"]["folders"][3]["special_use"] = Json::array({"\\Sent"});
    CheckResult r = compare();
    EXPECT_EQ(r.status, CheckStatus::Fail);
    EXPECT_EQ(diff(r), (std::vector<std::string>{"- folder Sent (\\Sent)", "+ folder Sent"}));
}

TEST_F(BaselineTest, AChangedUidvalidityFails) {
    field("mailbox")["uidvalidity"] = 1700000002;
    CheckResult r = compare();
    EXPECT_EQ(r.status, CheckStatus::Fail);
    EXPECT_EQ(diff(r), (std::vector<std::string>{"- UIDVALIDITY of INBOX 1700000001",
                                                 "+ UIDVALIDITY of INBOX 1700000002"}));
}

TEST_F(BaselineTest, MessagesFailOnlyWhenTheyFellByMoreThanTheTolerance) {
    saved["fields"]["mailbox"]["messages"] = 20;
    saved["fields"]["mailbox"]["messages_tolerance"] = 2;
    field("mailbox")["messages"] = 18;
    EXPECT_EQ(compare().status, CheckStatus::Pass) << "fell by 2, the tolerance";
    field("mailbox")["messages"] = 17;
    CheckResult r = compare();
    EXPECT_EQ(r.status, CheckStatus::Fail);
    EXPECT_EQ(diff(r),
              (std::vector<std::string>{"- messages in INBOX 20", "+ messages in INBOX 17"}));
    field("mailbox")["messages"] = 500;
    EXPECT_EQ(compare().status, CheckStatus::Pass) << "new mail is no change";
}

TEST_F(BaselineTest, AChangedServerIdWarns) {
    saved["fields"]["id"] = {{"name", "Dovecot"}};
    field("id") = {{"name", "Dovecot"}, {"version", "2.4.1"}};
    CheckResult r = compare();
    EXPECT_EQ(r.status, CheckStatus::Warn);
    EXPECT_EQ(diff(r),
              (std::vector<std::string>{"- ID {\"name\":\"Dovecot\"}",
                                        "+ ID {\"name\":\"Dovecot\",\"version\":\"2.4.1\"}"}));
}

TEST_F(BaselineTest, AChangedGreetingOrQuotaLimitWarns) {
    field("greeting") = "* OK Dovecot (Ubuntu) ready.";
    EXPECT_EQ(compare().status, CheckStatus::Warn);
    now = saved;
    field("quota")[0]["limit"] = 1;
    EXPECT_EQ(compare().status, CheckStatus::Warn);
    field("quota") = Json::array();
    EXPECT_EQ(compare().status, CheckStatus::Fail) << "a quota root that moved away";
}

TEST_F(BaselineTest, IgnoredFieldsAndFieldsThisRunDidNotEstablishAreNotJudged) {
    field("mailbox")["uidvalidity"] = 1;
    CheckResult ignored = compare({"uidvalidity"});
    EXPECT_EQ(ignored.status, CheckStatus::Pass) << ignored.summary;
    EXPECT_EQ(ignored.details["ignored"], Json({"uidvalidity"}));
    now["fields"].erase("folders");
    CheckResult r = compare({"uidvalidity"});
    EXPECT_EQ(r.status, CheckStatus::Pass);
    EXPECT_EQ(r.details["not_compared"], Json({"folders"}));
}

TEST(Baseline, GreetingMasksTimestampsAndSessionIds) {
    EXPECT_EQ(normalised_greeting("* OK [CAPABILITY IMAP4rev1 IDLE] Dovecot ready."),
              "* OK Dovecot ready.");
    EXPECT_EQ(normalised_greeting("* OK mx1 Cyrus IMAP 3.6.1 server ready at 2026-12-02 01:02:03"),
              "* OK mx# Cyrus IMAP # server ready at # #")
        << "mx1 and mx2 behind one name are the same server";
    EXPECT_EQ(normalised_greeting("* OK <1f3a9c2e.4711@mail.example.com> ready."),
              "* OK <#@mail.example.com> ready.");
}

TEST(Baseline, ALoadedFileMustBeABaseline) {
    const std::string path =
        (std::filesystem::temp_directory_path() / "imapcheck-baseline-test.json").string();
    std::ofstream(path) << R"({"schema": "imapcheck.report/1"})";
    auto foreign = load_baseline(path);
    ASSERT_FALSE(foreign);
    EXPECT_NE(foreign.error().message.find("is not an imapcheck.baseline/1 file"),
              std::string::npos);
    std::ofstream(path) << baseline_of(passing_report()).dump();
    EXPECT_TRUE(load_baseline(path));
    std::filesystem::remove(path);
    EXPECT_FALSE(load_baseline(path));
}

}  // namespace
}  // namespace imapcheck
