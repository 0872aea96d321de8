// Unit tests of the checks' judgements, each against a scripted server
// (tests/support/scripted_connection.hpp) and without a socket: one test per branch that
// no other test reaches, each breaking one behaviour of an otherwise well-behaved server
// (as CPython's test_imaplib handlers do). Then the runner's pipelining rules.
#include <gtest/gtest.h>

#include "imapcheck/check.hpp"
#include "imapcheck/runner.hpp"
#include "scripted_connection.hpp"

namespace imapcheck {

CheckResult run_list(RunContext&);
CheckResult run_status(RunContext&);
CheckResult run_select(RunContext&);
CheckResult run_fetch(RunContext&);
CheckResult run_quota(RunContext&);
CheckResult run_logout(RunContext&);
CheckResult run_search(RunContext&);

namespace {

using testing::Exchange;
using testing::ScriptedConnection;

// One check against a scripted server, with the session a run would have at that point.
class CheckTest : public ::testing::Test {
  protected:
    CheckResult run(CheckResult (*check)(RunContext&), std::vector<Exchange> script,
                    std::vector<std::string> capabilities = {"IMAP4rev1"}) {
        auto connection = std::make_unique<ScriptedConnection>(std::move(script));
        connection_ = connection.get();
        ctx_ = std::make_unique<RunContext>(config_, Deadline::after(std::chrono::seconds(5)),
                                            transcript_, report_, nullptr, nullptr);
        ctx_->session = std::make_unique<Session>(std::move(connection), transcript_,
                                                  std::chrono::milliseconds(2000));
        ctx_->session->set_capabilities(std::move(capabilities));
        ctx_->newest_hit = newest_hit_;
        return check(*ctx_);
    }
    std::string sent() const { return connection_->sent(); }

    TargetConfig config_;
    Transcript transcript_;
    Report report_;
    std::optional<std::uint32_t> newest_hit_;
    std::unique_ptr<RunContext> ctx_;
    ScriptedConnection* connection_ = nullptr;
};

// A FETCH reply of message 5 with these items (header and text literals of the sizes given).
std::string fetch_reply(const std::string& size_item, std::size_t header_bytes,
                        std::size_t text_bytes, bool with_header = true) {
    std::string header = "Subject: hi\r\n" + std::string(header_bytes - 13, 'h');
    std::string out = "* 5 FETCH (UID 5 FLAGS () " + size_item;
    if (with_header) out += " BODY[HEADER] {" + std::to_string(header_bytes) + "}\r\n" + header;
    out += " BODY[TEXT]<0> {" + std::to_string(text_bytes) + "}\r\n" + std::string(text_bytes, 't');
    return out + ")\r\n{tag} OK Fetch completed.\r\n";
}

TEST_F(CheckTest, FetchWarnsWhenTheSizesDisagree) {
    newest_hit_ = 5;
    // The whole text came (under --fetch-bytes), so header + text must be RFC822.SIZE.
    CheckResult r = run(run_fetch, {{"FETCH", fetch_reply("RFC822.SIZE 500", 100, 300)}});
    EXPECT_EQ(r.status, CheckStatus::Warn) << r.summary;
    EXPECT_EQ(r.summary, "sizes disagree: RFC822.SIZE 500 but header 100 + text 300 bytes");
    EXPECT_NE(
        sent().find(" FETCH 5 (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.4096>)"),
        std::string::npos)
        << sent();

    CheckResult agree = run(run_fetch, {{"FETCH", fetch_reply("RFC822.SIZE 400", 100, 300)}});
    EXPECT_EQ(agree.status, CheckStatus::Pass) << agree.summary;
}

TEST_F(CheckTest, FetchFailsWhenTheServerLeavesOutAnItem) {
    newest_hit_ = 5;
    CheckResult r = run(run_fetch, {{"FETCH", fetch_reply("RFC822.SIZE 400", 100, 300, false)}});
    EXPECT_EQ(r.status, CheckStatus::Fail);
    EXPECT_EQ(r.summary, "FETCH 5 left out BODY[HEADER]");
}

TEST_F(CheckTest, SelectWarnsWithoutReadOnlyConfirmed) {
    const std::string untagged = "* 3 EXISTS\r\n* OK [UIDVALIDITY 42] UIDs valid\r\n";
    CheckResult r = run(run_select, {{"EXAMINE", untagged + "{tag} OK Examine completed.\r\n"}});
    EXPECT_EQ(r.status, CheckStatus::Warn);
    EXPECT_EQ(r.summary, "INBOX examined, 3 messages, but the server did not confirm [READ-ONLY]");
    EXPECT_EQ(r.details["read_only"], false);
    CheckResult ok = run(run_select, {{"EXAMINE", untagged + "{tag} OK [READ-ONLY] Done.\r\n"}});
    EXPECT_EQ(ok.status, CheckStatus::Pass);
    EXPECT_EQ(ok.summary, "INBOX examined, 3 messages, read-only");
}

TEST_F(CheckTest, StatusWarnsWhenTheServerLeavesOutSomeItems) {
    CheckResult r = run(run_status, {{"STATUS",
                                      "* STATUS INBOX (MESSAGES 4 UNSEEN 1 UIDNEXT 9)\r\n"
                                      "{tag} OK Status completed.\r\n"}});
    EXPECT_EQ(r.status, CheckStatus::Warn);
    EXPECT_EQ(r.summary,
              "INBOX: MESSAGES 4 UNSEEN 1 UIDNEXT 9 (server left out some of the items asked for)");
    EXPECT_FALSE(r.details.contains("uidvalidity"));
}

TEST_F(CheckTest, ListWarnsAboutNamesThatAreNotModifiedUtf7) {
    CheckResult r = run(run_list, {{"LIST",
                                    "* LIST () \".\" INBOX\r\n"
                                    "* LIST () \".\" Entw&APw-rfe\r\n"
                                    "* LIST () \".\" Broken&Jjo\r\n"
                                    "{tag} OK List completed.\r\n"}});
    EXPECT_EQ(r.status, CheckStatus::Warn) << r.summary;
    EXPECT_EQ(r.summary,
              "3 mailboxes, delimiter \".\"; 1 name(s) are not valid modified UTF-7 "
              "and are shown as sent");
    EXPECT_EQ(r.details["mailboxes"][1]["name"], "Entwürfe");
    EXPECT_EQ(r.details["mailboxes"][2]["name"], "Broken&Jjo");
}

TEST_F(CheckTest, ListAsksNamespaceOnceWhenAdvertisedAndFindsAFolderUnderItsPrefix) {
    config_.expect_folders = {"Sent", "INBOX.Drafts", "Trash"};
    CheckResult r = run(run_list,
                        {{"NAMESPACE",
                          "* NAMESPACE ((\"INBOX.\" \".\")) ((\"user.\" \".\")) NIL\r\n"
                          "{tag} OK Namespace completed.\r\n"},
                         {"LIST",
                          "* LIST () \".\" INBOX\r\n"
                          "* LIST (\\Sent) \".\" INBOX.Sent\r\n"
                          "* LIST (\\Drafts) \".\" INBOX.Drafts\r\n"
                          "{tag} OK List completed.\r\n"}},
                        {"IMAP4rev1", "NAMESPACE"});
    EXPECT_EQ(r.status, CheckStatus::Fail) << "Trash is nowhere";
    EXPECT_EQ(r.details["missing"], Json::array({"Trash"}));
    EXPECT_EQ(r.details["resolved"], (Json{{"Sent", "INBOX.Sent"}})) << r.details.dump();
    EXPECT_NE(r.summary.find("Sent is INBOX.Sent"), std::string::npos) << r.summary;
    EXPECT_EQ(r.details["namespace"]["personal"][0]["prefix"], "INBOX.");
    EXPECT_EQ(r.details["namespace"]["personal"][0]["delimiter"], ".");
    EXPECT_EQ(r.details["namespace"]["other"][0]["prefix"], "user.");
    EXPECT_EQ(r.details["namespace"]["shared"], Json::array());
    const std::string s = sent();
    EXPECT_LT(s.find("NAMESPACE"), s.find("LIST")) << "both in one round trip: " << s;
}

// Issue 19 §5: Courier's NAMESPACE (RFC 2342 exactly: no space between the descriptors of
// one namespace list) was set aside as a server deviation, so --expect-folder Sent passed on
// Cyrus and failed on Courier. The real replies of Courier, Cyrus and Dovecot all resolve.
TEST_F(CheckTest, NamespaceRepliesOfCourierCyrusAndDovecotAreReadAsRfc2342Defines) {
    struct Server {
        const char* name;
        const char* reply;
        const char* personal;
        const char* shared;  // the first shared prefix, "" when there is none
    };
    const Server servers[] = {
        {"Courier",
         "* NAMESPACE ((\"INBOX.\" \".\")) NIL ((\"#shared.\" \".\")(\"shared.\" \".\"))\r\n",
         "INBOX.", "#shared."},
        {"Cyrus", "* NAMESPACE ((\"INBOX.\" \".\")) ((\"user.\" \".\")) ((\"\" \".\"))\r\n",
         "INBOX.", ""},
        {"Dovecot", "* NAMESPACE ((\"INBOX.\" \".\")) NIL NIL\r\n", "INBOX.", nullptr},
    };
    for (const auto& server : servers) {
        config_.expect_folders = {"Sent"};
        CheckResult r =
            run(run_list,
                {{"NAMESPACE", std::string(server.reply) + "{tag} OK Namespace completed.\r\n"},
                 {"LIST",
                  "* LIST () \".\" INBOX\r\n"
                  "* LIST (\\Sent) \".\" INBOX.Sent\r\n"
                  "{tag} OK List completed.\r\n"}},
                {"IMAP4rev1", "NAMESPACE"});
        EXPECT_EQ(r.status, CheckStatus::Pass) << server.name << ": " << r.summary;
        EXPECT_EQ(r.details["namespace"]["personal"][0]["prefix"], server.personal) << server.name;
        if (server.shared) {
            EXPECT_EQ(r.details["namespace"]["shared"][0]["prefix"], server.shared) << server.name;
        }
        if (std::string(server.name) == "Courier") {
            EXPECT_EQ(r.details["namespace"]["shared"].size(), 2u) << r.details.dump();
        }
        EXPECT_EQ(r.details["resolved"], (Json{{"Sent", "INBOX.Sent"}})) << server.name;
    }
}

TEST_F(CheckTest, ListAsksTheServersIdOnceWhenAdvertisedForTheCapabilityDetails) {
    report_.checks.push_back(
        {"capability", CheckStatus::Pass, 0, "", Json::object(), std::nullopt});
    CheckResult r =
        run(run_list,
            {{"ID", "* ID (\"name\" \"Dovecot\" \"os\" NIL)\r\n{tag} OK ID completed.\r\n"},
             {"LIST", "* LIST () \".\" INBOX\r\n{tag} OK List completed.\r\n"}},
            {"IMAP4rev1", "ID"});
    EXPECT_EQ(r.status, CheckStatus::Pass) << r.summary;
    EXPECT_EQ(report_.checks[0].details["id"], (Json{{"name", "Dovecot"}, {"os", nullptr}}));
    EXPECT_NE(sent().find(" ID NIL\r\n"), std::string::npos) << sent();
    EXPECT_LT(sent().find(" ID NIL"), sent().find(" LIST ")) << "in the same round trip";
}

TEST_F(CheckTest, ListWithoutNamespaceCapabilityAsksNoNamespaceAndNeedsTheFullName) {
    config_.expect_folders = {"Sent"};
    CheckResult r = run(run_list, {{"LIST",
                                    "* LIST () \".\" INBOX\r\n* LIST () \".\" INBOX.Sent\r\n"
                                    "{tag} OK List completed.\r\n"}});
    EXPECT_EQ(r.status, CheckStatus::Fail);
    EXPECT_EQ(sent().find("NAMESPACE"), std::string::npos) << sent();
    EXPECT_FALSE(r.details.contains("namespace"));
}

TEST_F(CheckTest, LogoutWarnsWhenOkComesWithoutBye) {
    CheckResult r = run(run_logout, {{"LOGOUT", "{tag} OK Logout completed.\r\n", true}});
    EXPECT_EQ(r.status, CheckStatus::Warn);
    EXPECT_EQ(r.summary, "LOGOUT answered OK without the BYE RFC 3501 requires");
    CheckResult bye =
        run(run_logout, {{"LOGOUT", "* BYE bye\r\n{tag} OK Logout completed.\r\n", true}});
    EXPECT_EQ(bye.status, CheckStatus::Pass);
    EXPECT_EQ(bye.summary, "BYE and OK: Logout completed.");
}

TEST_F(CheckTest, QuotaWithNoRootOrARootWithoutLimitsPasses) {
    CheckResult none = run(run_quota, {{"GETQUOTAROOT", "* QUOTAROOT INBOX\r\n{tag} OK done.\r\n"}},
                           {"IMAP4rev1", "QUOTA"});
    EXPECT_EQ(none.status, CheckStatus::Pass);
    EXPECT_EQ(none.summary, "no quota applies to INBOX");
    CheckResult unlimited = run(run_quota,
                                {{"GETQUOTAROOT",
                                  "* QUOTAROOT INBOX \"User quota\"\r\n"
                                  "* QUOTA \"User quota\" ()\r\n{tag} OK done.\r\n"}},
                                {"IMAP4rev1", "QUOTA"});
    EXPECT_EQ(unlimited.status, CheckStatus::Pass);
    EXPECT_EQ(unlimited.summary, "quota root \"User quota\" sets no limits");
    CheckResult skipped = run(run_quota, {});
    EXPECT_EQ(skipped.status, CheckStatus::Skip) << "no QUOTA capability: no GETQUOTAROOT";
    EXPECT_EQ(sent(), "");
}

// --- the runner's pipelining rules (RFC 3501 §5.5), with checks of our own -------------------

// A check whose command is known in advance (Plan::of), and that records what the server
// had been sent when it ran.
Check planned(std::string_view id, const char* verb, std::vector<std::string>& seen_at_run,
              const ScriptedConnection*& connection, bool alone = false) {
    Check c{id, {}, true, [&seen_at_run, &connection, verb](RunContext& ctx) {
                seen_at_run.push_back(connection->sent());
                auto reply = ctx.session->run(imap::Command(verb), ctx.deadline);
                return reply && reply->ok() ? pass("ok") : fail("not ok");
            }};
    c.plan = [verb](const RunContext&) { return Plan::of(std::make_unique<imap::Command>(verb)); };
    c.alone = alone;
    return c;
}

class PipeliningTest : public ::testing::Test {
  protected:
    // A first check that opens the session on the scripted server, then `checks`.
    Report run(std::vector<Check> checks) {
        std::vector<Exchange> script;
        for (const char* verb : {"NOOP", "CHECK", "CAPABILITY", "NAMESPACE"})
            script.push_back({verb, std::string("{tag} OK ") + verb + " done.\r\n"});
        Check open{"open", {}, false, [this, script](RunContext& ctx) {
                       auto c = std::make_unique<ScriptedConnection>(script);
                       connection_ = c.get();
                       ctx.session = std::make_unique<Session>(std::move(c), ctx.transcript,
                                                               std::chrono::milliseconds(2000));
                       return pass("open");
                   }};
        checks.insert(checks.begin(), open);
        return run_sequence(config_, transcript_, Clock::now(), checks);
    }
    // How many commands the server had been sent.
    static std::size_t commands(const std::string& sent) {
        return static_cast<std::size_t>(std::count(sent.begin(), sent.end(), '\n'));
    }

    TargetConfig config_;
    Transcript transcript_;
    const ScriptedConnection* connection_ = nullptr;
    std::vector<std::string> seen_;
};

TEST_F(PipeliningTest, KnownCommandsGoAheadTogether) {
    Report r =
        run({planned("a", "NOOP", seen_, connection_), planned("b", "CHECK", seen_, connection_),
             planned("c", "CAPABILITY", seen_, connection_)});
    ASSERT_EQ(seen_.size(), 3u);
    EXPECT_EQ(commands(seen_[0]), 3u) << "all three sent before the first ran: " << seen_[0];
    EXPECT_EQ(r.overall(), Overall::Ok);
}

TEST_F(PipeliningTest, AnUnknownPlanStopsWhatGoesAhead) {
    Check unknown = planned("b", "CHECK", seen_, connection_);
    unknown.plan = [](const RunContext&) { return Plan::unknown(); };  // depends on "a"'s answer
    Report r = run({planned("a", "NOOP", seen_, connection_), unknown,
                    planned("c", "CAPABILITY", seen_, connection_)});
    ASSERT_EQ(seen_.size(), 3u);
    EXPECT_EQ(commands(seen_[0]), 1u) << "nothing past the unknown plan went ahead: " << seen_[0];
    EXPECT_EQ(commands(seen_[1]), 1u) << "the unknown check sends its own when it runs";
    EXPECT_EQ(commands(seen_[2]), 3u) << "then c's went ahead of c";
    EXPECT_EQ(r.overall(), Overall::Ok);
}

TEST_F(PipeliningTest, AnAloneCheckWaitsForWhatWentAheadAndGoesByItself) {
    Report r = run({planned("a", "NOOP", seen_, connection_),
                    planned("b", "CHECK", seen_, connection_, /*alone=*/true),
                    planned("c", "CAPABILITY", seen_, connection_)});
    ASSERT_EQ(seen_.size(), 3u);
    EXPECT_EQ(commands(seen_[0]), 1u)
        << "the alone check's command does not go ahead: " << seen_[0];
    EXPECT_EQ(commands(seen_[1]), 2u)
        << "c may go ahead of b, but b goes only after what went ahead is answered: " << seen_[1];
    EXPECT_NE(seen_[1].find("CAPABILITY"), std::string::npos) << seen_[1];
    EXPECT_EQ(seen_[1].find("CHECK"), std::string::npos) << "b not yet sent when b ran";
    EXPECT_EQ(r.overall(), Overall::Ok);
}

TEST_F(PipeliningTest, ACheckLeftOutBySkipAndWhatNeedsItSendNothingAhead) {
    config_.skip_checks = {"b"};
    Check needs_b = planned("c", "CAPABILITY", seen_, connection_);
    needs_b.requires_checks = {"b"};
    Report r =
        run({planned("a", "NOOP", seen_, connection_), planned("b", "CHECK", seen_, connection_),
             needs_b, planned("d", "NAMESPACE", seen_, connection_)});
    ASSERT_EQ(seen_.size(), 2u) << "b and c did not run";
    EXPECT_EQ(commands(seen_[0]), 2u) << "a's and d's went ahead together: " << seen_[0];
    // What was sent by the time the last check ran (the connection is gone after run()).
    EXPECT_EQ(seen_[1].find("CHECK"), std::string::npos) << seen_[1];
    EXPECT_EQ(seen_[1].find("CAPABILITY"), std::string::npos) << seen_[1];
    EXPECT_EQ(r.overall(), Overall::Ok);
}

// --- count thresholds (--search-warn/-crit, --messages-warn/-crit) -------------------------

TEST_F(CheckTest, SearchCountOutsideTheCritRangeFailsAndSaysWhichBound) {
    config_.search_crit = *parse_range("1:3");
    config_.search_warn = *parse_range("2:");
    const std::string none = "* SEARCH\r\n{tag} OK Search completed.\r\n";
    CheckResult empty = run(run_search, {{"SEARCH", none}});
    EXPECT_EQ(empty.status, CheckStatus::Fail);
    EXPECT_EQ(empty.summary, "0 messages match UNSEEN: 0 is outside --search-crit 1:3");
    CheckResult one = run(run_search, {{"SEARCH", "* SEARCH 4\r\n{tag} OK done.\r\n"}});
    EXPECT_EQ(one.status, CheckStatus::Warn) << "inside crit's 1:3 but below warn's 2:";
    EXPECT_EQ(one.summary, "1 message match UNSEEN: 1 is outside --search-warn 2:");
    CheckResult two = run(run_search, {{"SEARCH", "* SEARCH 4 5\r\n{tag} OK done.\r\n"}});
    EXPECT_EQ(two.status, CheckStatus::Pass) << two.summary;
}

TEST_F(CheckTest, MessagesInsideAnAtRangeAlertsInStatus) {
    config_.messages_crit = *parse_range("@0");
    const std::string reply = "{tag} OK Status completed.\r\n";
    CheckResult empty = run(
        run_status,
        {{"STATUS", "* STATUS INBOX (MESSAGES 0 UNSEEN 0 UIDNEXT 1 UIDVALIDITY 7)\r\n" + reply}});
    EXPECT_EQ(empty.status, CheckStatus::Fail);
    EXPECT_EQ(empty.summary,
              "INBOX: MESSAGES 0 UNSEEN 0 UIDNEXT 1 UIDVALIDITY 7: 0 is inside --messages-crit @0");
    CheckResult full = run(
        run_status,
        {{"STATUS", "* STATUS INBOX (MESSAGES 3 UNSEEN 0 UIDNEXT 4 UIDVALIDITY 7)\r\n" + reply}});
    EXPECT_EQ(full.status, CheckStatus::Pass) << full.summary;
}

}  // namespace
}  // namespace imapcheck
