// imapcheck: the connections' shared TLS state (tls_share.hpp). libcurl builds a CA store
// for every handle, which is most of a handshake's client CPU when a process checks
// hundreds of accounts; the store built here once carries the flags libcurl would set.
#include "transport/tls_share.hpp"

namespace imapcheck::transport {

TlsShare::TlsShare() {
    // libcurl's built-in trust (Debian: /etc/ssl/certs/ca-certificates.crt and the
    // hashed /etc/ssl/certs), so the shared store trusts what libcurl would have.
    if (CURL* probe = curl_easy_init()) {
        char* value = nullptr;
        if (curl_easy_getinfo(probe, CURLINFO_CAINFO, &value) == CURLE_OK && value)
            default_cainfo_ = value;
        value = nullptr;
        if (curl_easy_getinfo(probe, CURLINFO_CAPATH, &value) == CURLE_OK && value)
            default_capath_ = value;
        curl_easy_cleanup(probe);
    }
}

CURLSH* TlsShare::curl_share(const std::string& trust_key) {
    std::lock_guard<std::mutex> guard(shares_lock_);
    if (auto it = shares_.find(trust_key); it != shares_.end()) return it->second;
    CURLSH* share = curl_share_init();
    if (share) {
        curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &TlsShare::lock);
        curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &TlsShare::unlock);
        curl_share_setopt(share, CURLSHOPT_USERDATA, this);
        // DNS answers only, never TLS sessions: a resumed TLS 1.3 handshake sends no
        // certificate and no CertificateVerify, so a renewed, expiring or mis-named
        // certificate (or another backend's) would go unseen. A health check never resumes.
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    }
    shares_[trust_key] = share;
    return share;
}

TlsShare::~TlsShare() {
    for (auto& [key, share] : shares_)
        if (share) curl_share_cleanup(share);
    for (auto& [path, store] : stores_) X509_STORE_free(store);
}

void TlsShare::lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<TlsShare*>(self)->locks_.at(static_cast<std::size_t>(data)).lock();
}

void TlsShare::unlock(CURL*, curl_lock_data data, void* self) {
    static_cast<TlsShare*>(self)->locks_.at(static_cast<std::size_t>(data)).unlock();
}

X509_STORE* TlsShare::trust_store(const std::string& cacert) {
    std::lock_guard<std::mutex> guard(stores_lock_);
    if (auto it = stores_.find(cacert); it != stores_.end()) return it->second;
    X509_STORE* store = X509_STORE_new();
    bool loaded = false;
    if (store && !cacert.empty()) {
        loaded = X509_STORE_load_file(store, cacert.c_str()) == 1;
    } else if (store) {
        loaded =
            !default_cainfo_.empty() && X509_STORE_load_file(store, default_cainfo_.c_str()) == 1;
        // The directory is looked up lazily, by subject hash, as libcurl's CAPATH is.
        if (!default_capath_.empty())
            loaded = X509_STORE_load_path(store, default_capath_.c_str()) == 1 || loaded;
    }
    if (!loaded) {
        X509_STORE_free(store);
        store = nullptr;
    } else {
        // As libcurl 7.88 sets them: the trusted store first (legacy intermediates sent by
        // servers), and an intermediate in the trust file is an anchor (partial chain).
        X509_STORE_set_flags(store, X509_V_FLAG_TRUSTED_FIRST | X509_V_FLAG_PARTIAL_CHAIN);
    }
    stores_[cacert] = store;
    return store;
}

}  // namespace imapcheck::transport
