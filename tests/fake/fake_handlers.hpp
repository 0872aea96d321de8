// imapcheck fake server: the default command handlers (RFC 3501 / RFC 9051 §6, RFC 4616 PLAIN,
// RFC 9208 QUOTA). Each is an ordinary Handler, so a test can call one from its own override,
// e.g. to delay or count LOGINs and then answer as usual.
#pragma once

#include <map>
#include <string>

#include "fake_core.hpp"
#include "fake_session.hpp"
#include "fake_types.hpp"

namespace imapcheck::fake::handlers {

// Command name (upper-case) -> default handler.
std::map<std::string, Handler> defaults();

// State guards: answer "<tag> BAD ..." and return false when the session is in the wrong state.
bool require_not_authenticated(Session& s, const Command& cmd);
bool require_authenticated(Session& s, const Command& cmd);  // Authenticated or Selected
bool require_selected(Session& s, const Command& cmd);

// Any state (fake_handlers.cpp).
void noop(Session& s, const Command& cmd);
void logout(Session& s, const Command& cmd);
void unknown(Session& s, const Command& cmd);          // "BAD unknown command"
void refuse_mutation(Session& s, const Command& cmd);  // BAD, and marks the mutation

// Not authenticated (handlers_auth.cpp).
void capability(Session& s, const Command& cmd);
void starttls(Session& s, const Command& cmd);
void login(Session& s, const Command& cmd);
void authenticate(Session& s, const Command& cmd);

// Authenticated (handlers_mailbox.cpp).
void list(Session& s, const Command& cmd);
void status(Session& s, const Command& cmd);
void examine(Session& s, const Command& cmd);
void getquotaroot(Session& s, const Command& cmd);
void getquota(Session& s, const Command& cmd);

// Selected (handlers_messages.cpp).
void search(Session& s, const Command& cmd);
void fetch(Session& s, const Command& cmd);
void uid(Session& s, const Command& cmd);  // UID FETCH / UID SEARCH; UID STORE etc. refused

}  // namespace imapcheck::fake::handlers
