// imapcheck fake server: default mailbox contents and mailbox queries (RFC 3501 §2.3).
// The default data is small but not trivial: non-contiguous UIDs, mixed \Seen state and a
// body long enough that partial fetches (BODY.PEEK[TEXT]<0.N>) really truncate.
#include "fake_mailbox.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace imapcheck::fake {

namespace {

Message make_message(uint32_t uid, std::vector<std::string> flags, std::string_view from,
                     std::string_view subject, std::string_view date, std::string text) {
    Message m;
    m.uid = uid;
    m.flags = std::move(flags);
    m.header = "From: " + std::string(from) +
               "\r\nTo: Alice <alice@example.com>\r\nSubject: " + std::string(subject) +
               "\r\nDate: " + std::string(date) + "\r\nMessage-ID: <" + std::to_string(uid) +
               "@fake.example>\r\n\r\n";
    m.text = std::move(text);
    return m;
}

}  // namespace

std::vector<Mailbox> default_mailboxes() {
    Mailbox inbox;
    inbox.name = "INBOX";
    inbox.list_flags = {"\\HasNoChildren"};
    inbox.messages = {
        make_message(11, {"\\Seen"}, "Bob <bob@example.com>", "Welcome",
                     "Mon, 01 Jan 2024 10:00:00 +0000", "Hello Alice, welcome aboard.\r\n"),
        make_message(12, {}, "Carol <carol@example.com>", "Quarterly report",
                     "Tue, 02 Jan 2024 11:30:00 +0000",
                     "Hi Alice,\r\n"
                     "the quarterly report is attached in spirit. Numbers are up, costs are\r\n"
                     "down, and the coffee machine has finally been repaired. Please review\r\n"
                     "the figures before Friday and let me know if anything looks off.\r\n"
                     "Thanks,\r\nCarol\r\n"),
        make_message(14, {"\\Flagged"}, "Dave <dave@example.com>", "Lunch?",
                     "Wed, 03 Jan 2024 12:15:00 +0000", "Lunch at noon tomorrow?\r\n"),
    };

    Mailbox archive;
    archive.name = "Archive";
    archive.uidvalidity = 5678;
    archive.list_flags = {"\\HasNoChildren"};
    archive.messages = {make_message(7, {"\\Seen"}, "Eve <eve@example.com>", "Old news",
                                     "Fri, 01 Dec 2023 09:00:00 +0000", "Archived.\r\n")};
    return {inbox, archive};
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::toupper(static_cast<unsigned char>(x)) ==
                      std::toupper(static_cast<unsigned char>(y));
           });
}

std::string to_upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

bool has_token(const std::vector<std::string>& list, std::string_view token) {
    return std::any_of(list.begin(), list.end(),
                       [&](const std::string& t) { return iequals(t, token); });
}

std::string join_words(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

const Mailbox* find_mailbox(const std::vector<Mailbox>& boxes, std::string_view name) {
    for (const Mailbox& b : boxes) {
        bool inbox = iequals(b.name, "INBOX") && iequals(name, "INBOX");
        if (inbox || b.name == name) return &b;
    }
    return nullptr;
}

Mailbox* find_mailbox(std::vector<Mailbox>& boxes, std::string_view name) {
    return const_cast<Mailbox*>(find_mailbox(std::as_const(boxes), name));
}

std::size_t message_size(const Message& m) {
    return m.header.size() + m.text.size();
}

uint32_t uid_next(const Mailbox& box) {
    uint32_t max = 0;
    for (const Message& m : box.messages) max = std::max(max, m.uid);
    return max + 1;
}

std::size_t count_without_flag(const Mailbox& box, std::string_view flag) {
    return static_cast<std::size_t>(
        std::count_if(box.messages.begin(), box.messages.end(),
                      [&](const Message& m) { return !has_token(m.flags, flag); }));
}

uint64_t mailbox_size(const Mailbox& box) {
    uint64_t total = 0;
    for (const Message& m : box.messages) total += message_size(m);
    return total;
}

}  // namespace imapcheck::fake
