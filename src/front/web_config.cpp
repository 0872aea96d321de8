// imapcheck: the exporter's web configuration (web_config.hpp): read with yaml-cpp, basic
// auth checked with crypt_r. A hash is never printed; a password never stored.
#include "front/web_config.hpp"

#include <crypt.h>
#include <openssl/crypto.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <memory>

#include "imapcheck/base64.hpp"

namespace imapcheck {
namespace {

Error bad(const std::string& path, const YAML::Node& node, const std::string& message) {
    return make_error(Error::Kind::Usage,
                      path + ":" + std::to_string(node.Mark().line + 1) + ": " + message);
}

bool is_bcrypt(const std::string& hash) {
    return hash.size() == 60 && hash[0] == '$' && hash[1] == '2' &&
           (hash[2] == 'a' || hash[2] == 'b' || hash[2] == 'y') && hash[3] == '$';
}

}  // namespace

bool WebConfig::authorized(const std::string& authorization) const {
    if (users.empty()) return true;
    if (authorization.rfind("Basic ", 0) != 0) return false;
    auto decoded = base64_decode(authorization.substr(6));
    if (!decoded) return false;
    std::string credentials = std::move(*decoded);
    bool ok = false;
    auto colon = credentials.find(':');
    if (colon != std::string::npos) {
        auto user = users.find(credentials.substr(0, colon));
        if (user != users.end()) {
            auto data = std::make_unique<crypt_data>();
            const std::string password = credentials.substr(colon + 1);
            const char* hashed = crypt_r(password.c_str(), user->second.c_str(), data.get());
            ok = hashed && std::string(hashed).size() == user->second.size() &&
                 CRYPTO_memcmp(hashed, user->second.data(), user->second.size()) == 0;
            OPENSSL_cleanse(data.get(), sizeof(crypt_data));
        }
    }
    OPENSSL_cleanse(credentials.data(), credentials.size());
    return ok;
}

Result<WebConfig> load_web_config(const std::string& path) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
        return make_error(Error::Kind::Usage, "cannot read the web config '" + path + "'");
    } catch (const YAML::Exception& e) {
        return make_error(Error::Kind::Usage, path + ": not valid YAML: " + e.msg);
    }
    WebConfig config;
    if (!root.IsMap()) return make_error(Error::Kind::Usage, path + ": must be a mapping");
    try {
        for (auto it = root.begin(); it != root.end(); ++it) {
            const std::string key = it->first.as<std::string>();
            const YAML::Node value = it->second;
            if (key == "tls_server_config") {
                if (!value.IsMap()) return bad(path, value, "tls_server_config must be a mapping");
                for (auto t = value.begin(); t != value.end(); ++t) {
                    const std::string k = t->first.as<std::string>();
                    if (k == "cert_file")
                        config.cert_file = t->second.as<std::string>();
                    else if (k == "key_file")
                        config.key_file = t->second.as<std::string>();
                    else
                        return bad(
                            path, t->first,
                            "tls_server_config." + k + " is not supported (cert_file, key_file)");
                }
                if (config.cert_file.empty() || config.key_file.empty())
                    return bad(path, value, "tls_server_config needs cert_file and key_file");
                for (const std::string* file : {&config.cert_file, &config.key_file})
                    if (::access(file->c_str(), R_OK) != 0)
                        return bad(path, value, "cannot read '" + *file + "'");
            } else if (key == "basic_auth_users") {
                if (!value.IsMap()) return bad(path, value, "basic_auth_users must be a mapping");
                for (auto u = value.begin(); u != value.end(); ++u) {
                    const std::string user = u->first.as<std::string>();
                    const std::string hash = u->second.as<std::string>();
                    if (user.empty() || user.find(':') != std::string::npos)
                        return bad(path, u->first, "basic_auth_users: a user name without ':'");
                    if (!is_bcrypt(hash))
                        return bad(path, u->second,
                                   "basic_auth_users." + user +
                                       " must be a bcrypt hash ($2y$...), "
                                       "as htpasswd -B makes");
                    config.users[user] = hash;
                }
            } else {
                return bad(path, it->first,
                           key + " is not supported (tls_server_config, basic_auth_users)");
            }
        }
    } catch (const YAML::Exception& e) {
        return make_error(Error::Kind::Usage, path + ": " + e.msg);
    }
    return config;
}

}  // namespace imapcheck
