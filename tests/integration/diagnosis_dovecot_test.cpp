// Diagnoses against the real sandbox Dovecot (issue 9's auth, mailbox, namespace and search
// cases): a refused login with where the password came from, a mailbox given in the wrong
// case, a folder given with a prefix this server does not use, a --search with an ISO date.
#include "dovecot_fixture.hpp"

namespace imapcheck {
namespace {

const json& diagnosis_of(const json& report, const std::string& check) {
    static const json none = {{"class", ""}, {"cause", ""}, {"try", json::array()}};
    const json& c = find_check(report, check);
    return c.contains("diagnosis") ? c["diagnosis"] : none;
}

std::string tries(const json& d) {
    std::string out;
    for (const auto& t : d["try"]) out += t.get<std::string>() + "\n";
    return out;
}

TEST_F(DovecotTest, RefusedLoginSaysWhereThePasswordCameFromNeverThePassword) {
    const std::string wrong = "not the password ";
    ProcessResult r = run_with_password({"--format", "json"}, wrong);
    EXPECT_EQ(r.exit_code, 2);
    json j = report(r);
    const json& d = diagnosis_of(j, "login");
    EXPECT_EQ(d["class"], "auth.failed");
    EXPECT_EQ(find_check(j, "login")["details"]["code"], "AUTHENTICATIONFAILED");
    EXPECT_NE(d["cause"].get<std::string>().find(
                  "from $IMAPCHECK_PASSWORD (17 characters, ends in a space)"),
              std::string::npos)
        << d;
    EXPECT_NE(tries(d).find("server's log"), std::string::npos) << d;
    EXPECT_EQ(r.out.find(wrong), std::string::npos) << "never the password";
}

TEST_F(DovecotTest, MailboxInTheWrongCaseIsOneFailureWithDidYouMean) {
    ProcessResult r = run({"--format", "json", "--mailbox", "sent"});
    EXPECT_EQ(r.exit_code, 2);
    json j = report(r);
    const json& d = diagnosis_of(j, "status");
    EXPECT_EQ(d["class"], "mailbox.missing");
    EXPECT_NE(tries(d).find("--mailbox Sent (case)"), std::string::npos) << d;
    for (const char* id : {"select", "search", "fetch", "quota"})
        EXPECT_EQ(find_check(j, id)["status"], "skip")
            << id << ": " << find_check(j, id)["summary"];
    EXPECT_EQ(find_check(j, "logout")["status"], "pass");
}

TEST_F(DovecotTest, FolderWithAPrefixThisServerDoesNotUseSuggestsTheRealName) {
    ProcessResult r = run({"--format", "json", "--expect-folder", "INBOX.Sent"});
    EXPECT_EQ(r.exit_code, 2);
    json j = report(r);
    const json& d = diagnosis_of(j, "list");
    EXPECT_EQ(d["class"], "folder.missing");
    EXPECT_NE(tries(d).find("--expect-folder Sent (without the namespace prefix)"),
              std::string::npos)
        << d;
    EXPECT_EQ(find_check(j, "status")["status"], "pass") << "a missing folder blocks nothing else";
}

TEST_F(DovecotTest, SearchWithAnIsoDateIsTheUsersMistakeExitThree) {
    ProcessResult r = run({"--format", "json", "--search", "SINCE 2026-02-01"});
    EXPECT_EQ(r.exit_code, 3) << r.out;
    json j = report(r);
    const json& d = diagnosis_of(j, "search");
    EXPECT_EQ(d["class"], "search.bad");
    EXPECT_NE(tries(d).find("d-Mon-yyyy"), std::string::npos) << d;
    EXPECT_EQ(j["status"], "UNKNOWN");
}

}  // namespace
}  // namespace imapcheck
