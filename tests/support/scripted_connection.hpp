// Test support: a Connection that plays a server from a script, with no socket. Each
// exchange waits for the client's command of a verb (curl's tests/data idea: bytes in,
// bytes out) and then answers with its reply, "{tag}" replaced by the command's tag, so
// pipelined commands are answered in the order they were sent and only once sent. Bytes
// given to `greeting` are available at once. Everything the client sent is recorded.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "imapcheck/connection.hpp"

namespace imapcheck::testing {

struct Exchange {
    std::string verb;          // "STATUS", "LOGOUT" (the client's command, any case)
    std::string reply;         // the server's bytes, with "{tag}" for the command's tag
    bool close_after = false;  // the server hangs up after the reply
};

class ScriptedConnection : public Connection {
  public:
    // `record`, when given, also receives every byte sent: it outlives the connection,
    // which the session owns and frees when the run ends.
    explicit ScriptedConnection(std::vector<Exchange> script, std::string greeting = "",
                                std::string* record = nullptr)
        : script_(std::move(script)), pending_(std::move(greeting)), record_(record) {}

    const ConnectFacts& facts() const override { return facts_; }
    bool open() const override { return open_; }
    Result<Unit> send(std::string_view bytes, const Deadline&) override {
        if (!open_) return make_error(Error::Kind::Closed, "server closed the connection");
        sent_.append(bytes);
        if (record_) record_->append(bytes);
        unparsed_.append(bytes);
        for (auto end = unparsed_.find("\r\n"); end != std::string::npos;
             end = unparsed_.find("\r\n")) {
            answer(unparsed_.substr(0, end));
            unparsed_.erase(0, end + 2);
        }
        return Unit{};
    }
    Result<std::size_t> receive(char* buffer, std::size_t capacity, const Deadline&) override {
        if (pending_.empty() && closing_) {
            open_ = false;
            return make_error(Error::Kind::Closed, "server closed the connection");
        }
        if (pending_.empty()) return make_error(Error::Kind::Timeout, "the script has no answer");
        std::size_t n = std::min(capacity, pending_.size());
        pending_.copy(buffer, n);
        pending_.erase(0, n);
        return n;
    }
    void close() override { open_ = false; }

    const std::string& sent() const { return sent_; }
    ConnectFacts& mutable_facts() { return facts_; }

  private:
    // "tag VERB args": the first exchange of that verb not yet used answers it.
    void answer(const std::string& line) {
        auto sp1 = line.find(' ');
        if (sp1 == std::string::npos) return;
        auto sp2 = line.find(' ', sp1 + 1);
        std::string tag = line.substr(0, sp1);
        std::string verb =
            line.substr(sp1 + 1, sp2 == std::string::npos ? std::string::npos : sp2 - sp1 - 1);
        std::transform(verb.begin(), verb.end(), verb.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        for (auto& e : script_) {
            if (e.verb.empty() || e.verb != verb) continue;
            std::string reply = e.reply;
            for (auto at = reply.find("{tag}"); at != std::string::npos; at = reply.find("{tag}"))
                reply.replace(at, 5, tag);
            pending_ += reply;
            closing_ = closing_ || e.close_after;
            e.verb.clear();  // used
            return;
        }
    }

    std::vector<Exchange> script_;
    std::string pending_, sent_, unparsed_;
    std::string* record_;
    ConnectFacts facts_;
    bool open_ = true, closing_ = false;
};

}  // namespace imapcheck::testing
