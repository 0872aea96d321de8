// imapcheck: names of configuration enums as the report and docs/contract.md spell them, and the
// server key connections are counted by.
#include "imapcheck/config.hpp"

#include <algorithm>
#include <cctype>

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

std::string TargetConfig::server_key() const {
    std::string key = connect_to.empty() ? host + ":" + std::to_string(port) : connect_to;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return key;
}

}  // namespace imapcheck
