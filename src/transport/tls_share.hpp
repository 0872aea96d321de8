// imapcheck: what connections of one process share (transport.hpp's Transport): a libcurl
// share of DNS answers, and each trust store parsed once instead of per connection. Never
// TLS sessions: every connection proves the server's current certificate (a full handshake).
#pragma once

#include <curl/curl.h>
#include <openssl/x509.h>

#include <array>
#include <map>
#include <mutex>
#include <string>

namespace imapcheck::transport {

class TlsShare {
  public:
    TlsShare();
    ~TlsShare();
    TlsShare(const TlsShare&) = delete;
    TlsShare& operator=(const TlsShare&) = delete;

    // The libcurl share (DNS answers) for connections that trust the same store the same
    // way (`trust_key`: the CA file, --insecure, --min-tls). Created on first use.
    CURLSH* curl_share(const std::string& trust_key);
    // The trust store for `cacert` ("" = libcurl's default CA file and directory), parsed
    // on first use and kept; nullptr when it cannot be read, so that libcurl loads it
    // itself and reports the error in its words. Not owned by the caller.
    X509_STORE* trust_store(const std::string& cacert);

  private:
    static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self);
    static void unlock(CURL*, curl_lock_data data, void* self);

    std::mutex shares_lock_;
    std::map<std::string, CURLSH*> shares_;
    std::array<std::mutex, CURL_LOCK_DATA_LAST> locks_;  // for every share: short sections
    std::mutex stores_lock_;
    std::map<std::string, X509_STORE*> stores_;
    std::string default_cainfo_, default_capath_;
};

}  // namespace imapcheck::transport
