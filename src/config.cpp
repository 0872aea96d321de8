// imapcheck: names of configuration enums as the report and SPEC spell them.
#include "imapcheck/config.hpp"

namespace imapcheck {

const char* to_string(TlsMode mode) {
    switch (mode) {
        case TlsMode::Implicit: return "implicit";
        case TlsMode::StartTls: return "starttls";
        case TlsMode::None: return "none";
    }
    return "?";
}

const char* to_string(AuthMechanism mechanism) {
    switch (mechanism) {
        case AuthMechanism::Auto: return "auto";
        case AuthMechanism::Login: return "login";
        case AuthMechanism::Plain: return "plain";
        case AuthMechanism::XOAuth2: return "xoauth2";
        case AuthMechanism::OAuthBearer: return "oauthbearer";
    }
    return "?";
}

}  // namespace imapcheck
