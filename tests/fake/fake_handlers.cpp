// imapcheck fake server: the default handler table, state guards and the state-independent
// commands (RFC 3501 §6.1 NOOP/LOGOUT). Mutating commands are refused rather than emulated:
// imapcheck must never change a mailbox, and a refusal is recorded so tests can assert that.
#include "fake_handlers.hpp"

namespace imapcheck::fake::handlers {

std::map<std::string, Handler> defaults() {
    std::map<std::string, Handler> table = {
        {"CAPABILITY", capability},
        {"STARTTLS", starttls},
        {"LOGIN", login},
        {"AUTHENTICATE", authenticate},
        {"LIST", list},
        {"STATUS", status},
        {"EXAMINE", examine},
        {"GETQUOTAROOT", getquotaroot},
        {"GETQUOTA", getquota},
        {"SEARCH", search},
        {"FETCH", fetch},
        {"UID", uid},
        {"LOGOUT", logout},
        {"NOOP", noop},
    };
    for (const char* name : {"STORE", "EXPUNGE", "COPY", "MOVE", "APPEND", "CREATE", "DELETE",
                             "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "SELECT", "CLOSE"}) {
        table.emplace(name, refuse_mutation);
    }
    return table;
}

bool require_not_authenticated(Session& s, const Command& cmd) {
    if (s.state().phase == Phase::NotAuthenticated) return true;
    s.tagged(cmd, "BAD " + cmd.name + " not allowed: already authenticated");
    return false;
}

bool require_authenticated(Session& s, const Command& cmd) {
    if (s.state().phase != Phase::NotAuthenticated) return true;
    s.tagged(cmd, "BAD " + cmd.name + " not allowed: not authenticated");
    return false;
}

bool require_selected(Session& s, const Command& cmd) {
    if (s.state().phase == Phase::Selected) return true;
    s.tagged(cmd, "BAD " + cmd.name + " not allowed: no mailbox selected");
    return false;
}

void noop(Session& s, const Command& cmd) {
    s.tagged(cmd, "OK NOOP completed");
}

void logout(Session& s, const Command& cmd) {
    s.line("* BYE fake server logging out");
    s.tagged(cmd, "OK LOGOUT completed");
    s.close_gracefully();
}

void unknown(Session& s, const Command& cmd) {
    s.tagged(cmd, "BAD unknown command");
}

void refuse_mutation(Session& s, const Command& cmd) {
    s.note_mutation();
    s.tagged(cmd, "BAD " + cmd.name + " refused: the fake server is read-only");
}

}  // namespace imapcheck::fake::handlers
