// imapcheck: the libcurl transport (CONNECT_ONLY over imap:// or imaps://).
// libcurl does TCP, TLS or STARTTLS (CURLUSESSL_ALL: fail closed), verification, the
// greeting and CAPABILITY; we read those from its debug callback, then carry raw IMAP with
// curl_easy_send/recv, polling the socket against our own deadline (CURLOPT_TIMEOUT does
// not cover them). See README "Design" and RFC 3501 §6.2.1 (STARTTLS), RFC 8314 (implicit).
#include <curl/curl.h>
#include <openssl/ssl.h>
#include <poll.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include <mutex>

#include "diagnosis/connect_diagnosis.hpp"
#include "imapcheck/connection.hpp"
#include "imapcheck/imap/reader.hpp"
#include "imapcheck/timestamp.hpp"
#include "imapcheck/transport.hpp"
#include "transport/follow_up.hpp"
#include "transport/tls_facts.hpp"
#include "transport/tls_share.hpp"

namespace imapcheck {
namespace {

using transport::read_tls_facts;

// Where our SSL_CTX callback finds its CurlConnection again (OpenSSL ex data).
int g_ssl_ctx_index = -1;

// How long a connected server may keep silent before imapcheck asks, on a second
// connection, whether the port speaks TLS first: an IMAP server greets at once.
constexpr double kGreetingPatienceMs = 2000;
constexpr long long kFollowUpLimitMs = 2000;

bool mentions(const std::string& text, std::initializer_list<const char*> words) {
    for (const char* w : words)
        if (text.find(w) != std::string::npos) return true;
    return false;
}

std::string url_host(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

bool is_tls_error(CURLcode rc) {
    switch (rc) {
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_USE_SSL_FAILED:
        case CURLE_SSL_ENGINE_INITFAILED:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS:
        case CURLE_SSL_CRL_BADFILE:
            return true;
        default:
            return false;
    }
}

class CurlConnection final : public Connection {
public:
  CurlConnection(const TargetConfig& config, Transcript& transcript, transport::TlsShare* share)
      : config_(config), transcript_(transcript), share_(share), curl_(curl_easy_init()) {}

  ~CurlConnection() override {
      close();
      if (peer_leaf_) X509_free(peer_leaf_);
      if (peer_sent_) sk_X509_pop_free(peer_sent_, X509_free);
      if (peer_store_) X509_STORE_free(peer_store_);
  }

  void perform(const Deadline& run_deadline);

  const ConnectFacts& facts() const override { return facts_; }
  bool open() const override { return open_; }
  Result<Unit> send(std::string_view bytes, const Deadline& deadline) override;
  Result<std::size_t> receive(char* buffer, std::size_t capacity,
                              const Deadline& deadline) override;
  void close() override {
      open_ = false;
      if (curl_) curl_easy_cleanup(curl_);
      curl_ = nullptr;
      if (connect_to_) curl_slist_free_all(connect_to_);
      connect_to_ = nullptr;
      if (resolve_) curl_slist_free_all(resolve_);
      resolve_ = nullptr;
    }

private:
    static CURLcode ssl_ctx_callback(CURL* handle, void* ssl_ctx, void* self);
    static void tls_message(int write_p, int version, int content_type, const void* buf, size_t len,
                            SSL* ssl, void* self);
    static int verify_callback(int preverify_ok, X509_STORE_CTX* store);
    static int debug_callback(CURL* handle, curl_infotype type, char* data, size_t size,
                              void* self);
    static int progress_callback(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
    void maybe_ask_whether_tls_port();
    void trace_chain();
    void audit_failed_chain();
    void on_server_line(CURL* handle, std::string_view line);
    void on_client_line(std::string_view line);
    void on_text(CURL* handle, std::string_view text);
    void capture_tls(CURL* handle);
    void classify_failure(CURLcode rc, bool tcp_connected, bool tls_done);
    Result<Unit> wait(short events, const Deadline& deadline, const char* what);

    const TargetConfig& config_;
    Transcript& transcript_;
    transport::TlsShare* share_;
    X509_STORE* trust_store_ = nullptr;  // the share's, put in place of libcurl's own
    CURL* curl_;
    curl_slist* connect_to_ = nullptr;
    curl_slist* resolve_ = nullptr;  // --resolve entries (CURLOPT_RESOLVE)
    ConnectFacts facts_;
    bool open_ = false;
    curl_socket_t socket_ = CURL_SOCKET_BAD;
    char errbuf_[CURL_ERROR_SIZE] = {};

    Clock::time_point start_{};
    double t_tcp_ = -1, t_greeting_ = -1, t_starttls_ = -1, t_tls_ = -1;
    bool tls_captured_ = false;
    bool tcp_connected_ = false;
    // From the certificate check itself: the leaf, and the first error, even when the
    // handshake then fails (libcurl's CERTINFO is empty then).
    std::optional<CertificateFacts> leaf_;
    long first_verify_error_ = 0;
    // What the server sent and the store it was checked against, kept from the verify
    // callback so that a failed chain can be audited for every problem afterwards.
    X509* peer_leaf_ = nullptr;
    STACK_OF(X509) * peer_sent_ = nullptr;
    X509_STORE* peer_store_ = nullptr;

    // Why the progress callback ended the connect phase early.
    enum class Abort { None, NotImap, TlsPort };
    Abort abort_ = Abort::None;
    bool tls_follow_up_tried_ = false;
    Deadline connect_deadline_ = Deadline::after(std::chrono::milliseconds(0));
    diagnosis::WaitLimit limit_;    // the limit connect_deadline_ comes from
    std::string first_answer_;      // the first TLS record header the server sent (5 bytes)
    bool proxy_handshake_ = false;  // an HTTP proxy's CONNECT answer is being read
    std::string proxy_answer_;      // its status line ("HTTP/1.1 403 Forbidden")
};

CURLcode CurlConnection::ssl_ctx_callback(CURL*, void* ssl_ctx, void* self) {
    auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
    if (g_ssl_ctx_index < 0 || SSL_CTX_set_ex_data(ctx, g_ssl_ctx_index, self) != 1) return CURLE_OK;
    // The store parsed once per process; with --insecure too, so that what verification
    // would have said is said against the configured trust, not an empty store.
    if (auto* store = static_cast<CurlConnection*>(self)->trust_store_)
        SSL_CTX_set1_cert_store(ctx, store);
    // Keep libcurl's verify mode; only watch what verification sees.
    SSL_CTX_set_verify(ctx, SSL_CTX_get_verify_mode(ctx), &CurlConnection::verify_callback);
    // The first bytes the server sends back: a port that is not TLS answers the ClientHello
    // in its own protocol ("HTTP/"), which is how it is named. (This replaces libcurl's own
    // TLS message trace, which imapcheck does not show.)
    SSL_CTX_set_msg_callback(ctx, &CurlConnection::tls_message);
    SSL_CTX_set_msg_callback_arg(ctx, self);
    return CURLE_OK;
}

void CurlConnection::tls_message(int write_p, int, int content_type, const void* buf, size_t len,
                                 SSL*, void* self_ptr) {
    auto* self = static_cast<CurlConnection*>(self_ptr);
    if (write_p || content_type != SSL3_RT_HEADER || !self->first_answer_.empty()) return;
    self->first_answer_.assign(static_cast<const char*>(buf), len);
}

int CurlConnection::verify_callback(int preverify_ok, X509_STORE_CTX* store) {
    auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto* self = ssl ? static_cast<CurlConnection*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), g_ssl_ctx_index))
                     : nullptr;
    if (!self) return preverify_ok;
    if (!preverify_ok && self->first_verify_error_ == 0) self->first_verify_error_ = X509_STORE_CTX_get_error(store);
    if (X509_STORE_CTX_get_error_depth(store) == 0 && !self->leaf_)
        if (X509* cert = X509_STORE_CTX_get_current_cert(store)) self->leaf_ = transport::certificate_facts(cert);
    if (!self->peer_leaf_) {
        if (X509* leaf = X509_STORE_CTX_get0_cert(store); leaf && X509_up_ref(leaf) == 1)
            self->peer_leaf_ = leaf;
        if (STACK_OF(X509)* sent = X509_STORE_CTX_get0_untrusted(store))
            self->peer_sent_ = X509_chain_up_ref(sent);
        if (X509_STORE* trust = X509_STORE_CTX_get0_store(store);
            trust && X509_STORE_up_ref(trust) == 1)
            self->peer_store_ = trust;
    }
    return preverify_ok;
}

int CurlConnection::debug_callback(CURL* handle, curl_infotype type, char* data, size_t size,
                                   void* self_ptr) {
    auto* self = static_cast<CurlConnection*>(self_ptr);
    std::string_view chunk(data, size);
    // libcurl hands over one or more whole lines per call for HEADER_IN/OUT.
    while (!chunk.empty()) {
        std::size_t nl = chunk.find('\n');
        std::string_view line = chunk.substr(0, nl);
        chunk = nl == std::string_view::npos ? std::string_view{} : chunk.substr(nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (type == CURLINFO_HEADER_IN) self->on_server_line(handle, line);
        else if (type == CURLINFO_HEADER_OUT) self->on_client_line(line);
        else if (type == CURLINFO_TEXT) self->on_text(handle, line);
        else break;  // SSL_DATA_* and DATA_*: binary, not for the transcript
    }
    return 0;
}

void CurlConnection::capture_tls(CURL* handle) {
    if (tls_captured_ || config_.tls == TlsMode::None) return;
    curl_tlssessioninfo* info = nullptr;
    if (curl_easy_getinfo(handle, CURLINFO_TLS_SSL_PTR, &info) != CURLE_OK || !info ||
        info->backend != CURLSSLBACKEND_OPENSSL || !info->internals)
        return;
    SSL* ssl = static_cast<SSL*>(info->internals);
    if (!SSL_is_init_finished(ssl)) return;
    tls_captured_ = true;
    read_tls_facts(ssl, facts_.tls);
    facts_.tls.verify_problem = transport::verify_problem(ssl, config_.host);
    std::string event = "TLS " + facts_.tls.version + " " + facts_.tls.cipher;
    if (facts_.tls.certificate) event += ", certificate " + facts_.tls.certificate->subject;
    transcript_.event(event);
    // Unverified on purpose (--insecure): verify offline against the configured store, so
    // that the report lists every real problem and never a false one.
    if (config_.insecure || transcript_.enabled()) {
        X509_STORE* store =
            trust_store_ ? trust_store_ : SSL_CTX_get_cert_store(SSL_get_SSL_CTX(ssl));
        if (X509* leaf = SSL_get0_peer_certificate(ssl))
            transport::audit_chain(config_.insecure ? store : nullptr, leaf,
                                   SSL_get_peer_cert_chain(ssl), config_.host, facts_.tls);
        trace_chain();
    }
}

// The certificates the server sent, as `openssl s_client -showcerts` would have told.
void CurlConnection::trace_chain() {
    if (!transcript_.enabled()) return;
    int depth = 0;
    for (const auto& c : facts_.tls.chain) {
        std::string sans;
        for (const auto& n : c.sans) sans += (sans.empty() ? "" : ", ") + n;
        transcript_.event("certificate " + std::to_string(depth++) + ": subject " + c.subject +
                          "; issuer " + c.issuer + (sans.empty() ? "" : "; SANs " + sans) +
                          "; valid " + c.not_before + " to " + c.not_after + "; SHA-256 " +
                          c.sha256);
    }
    for (const auto& p : facts_.tls.problems)
        transcript_.event("verify error at depth " + std::to_string(p.depth) + ": " +
                          transport::x509_error_words(p.code));
}

// A handshake that failed verification: every problem of what the server sent.
void CurlConnection::audit_failed_chain() {
    if (!peer_leaf_) return;
    transport::audit_chain(peer_store_, peer_leaf_, peer_sent_, config_.host, facts_.tls);
    trace_chain();
}

int CurlConnection::progress_callback(void* self_ptr, curl_off_t, curl_off_t, curl_off_t,
                                      curl_off_t) {
    auto* self = static_cast<CurlConnection*>(self_ptr);
    if (self->abort_ == Abort::None) self->maybe_ask_whether_tls_port();
    return self->abort_ == Abort::None ? 0 : 1;  // non-zero ends curl_easy_perform at once
}

// Connected, plain text expected, and the server keeps silent: an implicit-TLS port waits
// for our ClientHello. A handshake on a second connection tells, in milliseconds.
void CurlConnection::maybe_ask_whether_tls_port() {
    if (tls_follow_up_tried_ || config_.tls == TlsMode::Implicit || !config_.proxy.empty() ||
        !tcp_connected_ || !facts_.greeting.empty() ||
        elapsed_ms(start_) - t_tcp_ < kGreetingPatienceMs)
        return;
    tls_follow_up_tried_ = true;
    char* ip = nullptr;
    long port = 0;
    if (curl_easy_getinfo(curl_, CURLINFO_PRIMARY_IP, &ip) != CURLE_OK || !ip || !*ip ||
        curl_easy_getinfo(curl_, CURLINFO_PRIMARY_PORT, &port) != CURLE_OK || port <= 0)
        return;
    // Within what libcurl itself was given: the connect timeout, or less of the run (an
    // exporter's scrape budget).
    const long long left = connect_deadline_.remaining_ms();
    if (left <= 0) return;
    if (transport::completes_tls_handshake(
            ip, static_cast<unsigned>(port), config_.host,
            std::chrono::milliseconds(std::min(left, kFollowUpLimitMs)), transcript_))
        abort_ = Abort::TlsPort;
}

void CurlConnection::on_server_line(CURL* handle, std::string_view line) {
    capture_tls(handle);
    transcript_.server(line);
    // An HTTP proxy's answer to CONNECT comes first: it is the proxy speaking, not the IMAP
    // server (a 403 is net.proxy, not "the port speaks HTTP"). Its blank line ends it.
    if (proxy_handshake_) {
        if (proxy_answer_.empty())
            proxy_answer_ = std::string(line);
        else if (line.empty() && proxy_answer_.size() > 9 && proxy_answer_[9] == '2')
            proxy_handshake_ = false;  // "HTTP/1.1 2xx": the tunnel is up
        return;
    }
    auto parsed = imap::parse_response_line(line);
    if (facts_.greeting.empty()) {
        facts_.greeting = std::string(line);
        t_greeting_ = elapsed_ms(start_);
        // libcurl would wait out the timeout for an IMAP line: another protocol fails now.
        if (diagnosis::protocol_of_first_line(line) != "imap") abort_ = Abort::NotImap;
    }
    if (!parsed) return;
    auto caps = imap::capability_list(parsed.value());
    if (caps.empty()) return;
    (facts_.tls.active ? facts_.caps_post_tls : facts_.caps_pre_tls) = std::move(caps);
}

void CurlConnection::on_client_line(std::string_view line) {
    transcript_.client(redact_client_line(line));
    if (line.find(" STARTTLS") != std::string_view::npos) t_starttls_ = elapsed_ms(start_);
}

void CurlConnection::on_text(CURL* handle, std::string_view text) {
    if (text.starts_with("SSL connection using")) {
        t_tls_ = elapsed_ms(start_);
        capture_tls(handle);
    } else if (text.starts_with("Connected to") || text.starts_with("  Trying")) {
        // libcurl's CONNECT_TIME is 0 when a later stage fails, so this line is what tells
        // us TCP itself worked.
        if (text.starts_with("Connected to") && !tcp_connected_) {
            tcp_connected_ = true;
            t_tcp_ = elapsed_ms(start_);
        }
        transcript_.event(text.starts_with("  ") ? text.substr(2) : text);
    }
}

void CurlConnection::perform(const Deadline& run_deadline) {
    if (!curl_) {
        facts_.error = "could not initialise libcurl";
        return;
    }
    const bool implicit = config_.tls == TlsMode::Implicit;
    std::string url = std::string(implicit ? "imaps://" : "imap://") + url_host(config_.host) +
                      ":" + std::to_string(config_.port) + "/";
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, errbuf_);
    curl_easy_setopt(curl_, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(curl_, CURLOPT_DEBUGFUNCTION, &CurlConnection::debug_callback);
    curl_easy_setopt(curl_, CURLOPT_DEBUGDATA, this);
    // Called about once a second while libcurl waits, and after what it reads: where a
    // silent server is followed up and another protocol's banner ends the wait.
    curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, &CurlConnection::progress_callback);
    curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, this);
    // No credentials are given to libcurl: it stops after CAPABILITY and we log in ourselves,
    // so its mechanism choice and its cleartext habits never apply (docs/design.md, "libcurl").
    curl_easy_setopt(curl_, CURLOPT_USE_SSL,
                     config_.tls == TlsMode::StartTls ? static_cast<long>(CURLUSESSL_ALL)
                                                      : static_cast<long>(CURLUSESSL_NONE));
    long remaining = static_cast<long>(std::max<long long>(1, run_deadline.remaining_ms()));
    connect_deadline_ = Deadline::after(config_.connect_timeout).earlier(run_deadline);
    // Which limit ends the connect phase's wait, so a timeout names the one that did: the
    // run's own (less than --timeout left means the exporter's scrape budget cut it).
    const long long connect_ms = config_.connect_timeout.count();
    if (remaining >= connect_ms)
        limit_ = {static_cast<double>(connect_ms) / 1000.0, "--connect-timeout"};
    else if (remaining + 100 >= config_.timeout.count())
        limit_ = {static_cast<double>(config_.timeout.count()) / 1000.0, "--timeout"};
    else
        limit_ = {std::round(static_cast<double>(remaining) / 100.0) / 10.0,
                  "the scrape's time budget"};
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, remaining);
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS,
                     std::min(remaining, static_cast<long>(config_.connect_timeout.count())));
    curl_easy_setopt(curl_, CURLOPT_SERVER_RESPONSE_TIMEOUT,
                     std::max(1L, (remaining + 999) / 1000));
    curl_easy_setopt(curl_, CURLOPT_IPRESOLVE,
                     config_.ip_version == IpVersion::V4   ? CURL_IPRESOLVE_V4
                     : config_.ip_version == IpVersion::V6 ? CURL_IPRESOLVE_V6
                                                           : CURL_IPRESOLVE_WHATEVER);
    if (!config_.connect_to.empty()) {
        std::string entry = url_host(config_.host) + ":" + std::to_string(config_.port) + ":" +
                            config_.connect_to;
        connect_to_ = curl_slist_append(nullptr, entry.c_str());
        curl_easy_setopt(curl_, CURLOPT_CONNECT_TO, connect_to_);
    }
    for (const auto& entry : config_.resolve) resolve_ = curl_slist_append(resolve_, entry.c_str());
    if (resolve_) curl_easy_setopt(curl_, CURLOPT_RESOLVE, resolve_);
    if (!config_.proxy.empty()) curl_easy_setopt(curl_, CURLOPT_PROXY, config_.proxy.c_str());
    proxy_handshake_ = !config_.proxy.empty() && !config_.proxy.starts_with("socks");
    // No TLS session cache: a resumed handshake proves no certificate (tls_share.hpp).
    curl_easy_setopt(curl_, CURLOPT_SSL_SESSIONID_CACHE, 0L);
    if (share_) {
        const std::string trust = config_.cacert + "\n" +
                                  (config_.insecure ? "insecure" : "verify") + "\n" +
                                  config_.min_tls;
        if (CURLSH* share = share_->curl_share(trust))
            curl_easy_setopt(curl_, CURLOPT_SHARE, share);
    }
    if (share_ && config_.tls != TlsMode::None) trust_store_ = share_->trust_store(config_.cacert);
    if (trust_store_) {
        // libcurl would parse the CA file again for this handle: ours replaces it.
        curl_easy_setopt(curl_, CURLOPT_CAINFO, nullptr);
        curl_easy_setopt(curl_, CURLOPT_CAPATH, nullptr);
    } else if (!config_.cacert.empty()) {
        curl_easy_setopt(curl_, CURLOPT_CAINFO, config_.cacert.c_str());
    }
    if (config_.tls != TlsMode::None) {
        curl_easy_setopt(curl_, CURLOPT_SSL_CTX_FUNCTION, &CurlConnection::ssl_ctx_callback);
        curl_easy_setopt(curl_, CURLOPT_SSL_CTX_DATA, this);
    }
    if (config_.insecure) {
        curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (config_.min_tls == "1.2")
        curl_easy_setopt(curl_, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    else if (config_.min_tls == "1.3")
        curl_easy_setopt(curl_, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_3));

    start_ = Clock::now();
    CURLcode rc = curl_easy_perform(curl_);
    double total = elapsed_ms(start_);

    curl_off_t connect_us = 0, appconnect_us = 0;
    curl_easy_getinfo(curl_, CURLINFO_CONNECT_TIME_T, &connect_us);
    curl_easy_getinfo(curl_, CURLINFO_APPCONNECT_TIME_T, &appconnect_us);
    char* ip = nullptr;
    long port = 0;
    if (curl_easy_getinfo(curl_, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip) facts_.address = ip;
    curl_easy_getinfo(curl_, CURLINFO_PRIMARY_PORT, &port);
    facts_.port = static_cast<unsigned>(port);
    if (rc == CURLE_OK) capture_tls(curl_);

    const double tcp_ms = connect_us > 0 ? static_cast<double>(connect_us) / 1000.0 : std::max(0.0, t_tcp_);
    const double app_ms = static_cast<double>(appconnect_us) / 1000.0;
    if (implicit) {
        facts_.tls_ms = app_ms > tcp_ms ? app_ms - tcp_ms : 0;
        facts_.connect_ms = tcp_ms + (t_greeting_ > app_ms ? t_greeting_ - app_ms : 0);
    } else {
        facts_.connect_ms = t_greeting_ >= 0 ? t_greeting_ : tcp_ms;
        if (t_starttls_ >= 0 && t_tls_ >= t_starttls_) facts_.tls_ms = t_tls_ - t_starttls_;
    }
    facts_.capability_ms = std::max(0.0, total - facts_.connect_ms - facts_.tls_ms);

    if (rc != CURLE_OK) {
        bool tls_done = implicit ? appconnect_us > 0 : t_tls_ >= 0;
        classify_failure(rc, tcp_connected_ || connect_us > 0 || !facts_.greeting.empty(), tls_done);
        // The trace stands alone: the failure, in words, with its class (as `--trace` readers
        // would otherwise have to guess from where the lines stop).
        transcript_.event("connect phase failed: " + facts_.error +
                          (facts_.diagnosis ? " [" + facts_.diagnosis->id + "]" : ""));
        // The failing stage took whatever time the earlier ones did not.
        using Stage = ConnectFacts::Stage;
        if (facts_.reached == Stage::Connect || facts_.reached == Stage::Greeting) {
            facts_.connect_ms = total;
            facts_.tls_ms = facts_.capability_ms = 0;
        } else if (facts_.reached == Stage::Tls) {
            facts_.tls_ms = std::max(0.0, total - facts_.connect_ms);
            facts_.capability_ms = 0;
        }
        return;
    }
    if (config_.tls != TlsMode::None && !config_.insecure) facts_.tls.verified = facts_.tls.active;
    curl_easy_getinfo(curl_, CURLINFO_ACTIVESOCKET, &socket_);
    open_ = socket_ != CURL_SOCKET_BAD;
    facts_.reached = ConnectFacts::Stage::Done;
    if (!open_) {
        facts_.reached = ConnectFacts::Stage::Capability;
        facts_.error = "libcurl finished the connect phase but gave no socket";
    }
}

void CurlConnection::classify_failure(CURLcode rc, bool tcp_connected, bool tls_done) {
    std::string curl_words = errbuf_[0] ? errbuf_ : curl_easy_strerror(rc);
    // The address actually tried: the --connect-to rule's, when there is one.
    std::string where = url_host(config_.host) + ":" + std::to_string(config_.port);
    // The rules normalised it to ADDR:PORT (IPv6 in brackets).
    if (!config_.connect_to.empty())
        where = config_.connect_to + " (--connect-to, for " + where + ")";
    const bool implicit = config_.tls == TlsMode::Implicit;
    using Stage = ConnectFacts::Stage;
    namespace d = diagnosis;

    if (rc == CURLE_ABORTED_BY_CALLBACK && abort_ == Abort::NotImap) {
        facts_.reached = Stage::Greeting;
        std::string protocol(d::protocol_of_first_line(facts_.greeting));
        for (char& c : protocol) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        facts_.error = "unexpected greeting: " + facts_.greeting.substr(0, 200) +
                       (protocol.empty() ? " (not IMAP)" : " (" + protocol + ", not IMAP)");
        facts_.diagnosis = d::not_imap(facts_.greeting, config_.port);
        return;
    }
    if (rc == CURLE_ABORTED_BY_CALLBACK && abort_ == Abort::TlsPort) {
        facts_.reached = Stage::Greeting;
        facts_.error = "connected, but no greeting: port " + std::to_string(config_.port) +
                       " speaks implicit TLS (a TLS handshake on a second connection completed)";
        facts_.diagnosis = d::speaks_implicit_tls(where, config_.port);
        return;
    }
    if (proxy_handshake_ && !proxy_answer_.empty()) {
        facts_.reached = Stage::Connect;
        facts_.error = "the --proxy " + config_.proxy + " refused the tunnel: " + proxy_answer_;
        facts_.diagnosis =
            d::proxy_failure(config_.proxy, "it answered CONNECT with " + proxy_answer_);
        return;
    }
    if (rc == CURLE_PROXY || rc == CURLE_COULDNT_RESOLVE_PROXY ||
        (!config_.proxy.empty() && !tcp_connected)) {
        facts_.reached = Stage::Connect;
        facts_.error = "cannot use the proxy " + config_.proxy + ": " + curl_words;
        facts_.diagnosis = d::proxy_failure(config_.proxy, curl_words);
        return;
    }
    if (!tcp_connected) {
        facts_.reached = Stage::Connect;
        long os_errno = 0;
        curl_easy_getinfo(curl_, CURLINFO_OS_ERRNO, &os_errno);
        if (rc == CURLE_COULDNT_RESOLVE_HOST) {
            // libcurl names the name it could not resolve: the --connect-to host, maybe.
            std::string name = config_.host;
            const std::string marker = "resolve host: ";
            if (auto at = curl_words.find(marker); at != std::string::npos)
                name = curl_words.substr(at + marker.size());
            facts_.error = "cannot resolve host name '" + name + "'";
            facts_.diagnosis = d::dns_failure(name, name != config_.host);
        } else if (rc == CURLE_OPERATION_TIMEDOUT) {
            facts_.error = "no TCP connection to " + where + " within " +
                           std::to_string(static_cast<long long>(limit_.seconds * 1000)) + " ms (" +
                           limit_.option + ")";
            facts_.diagnosis = d::tcp_timeout(where, limit_);
        } else if (os_errno == ECONNREFUSED) {
            facts_.error = "cannot connect to " + where + ": connection refused";
            facts_.diagnosis = d::refused(where, config_.connect_to);
        } else {
            facts_.error =
                "cannot connect to " + where + ": " +
                (os_errno ? std::string(std::strerror(static_cast<int>(os_errno))) : curl_words);
            facts_.diagnosis = d::tcp_timeout(where, limit_);
            facts_.diagnosis->cause = "no TCP connection to " + where + ": " + facts_.error;
        }
        return;
    }
    if (rc == CURLE_USE_SSL_FAILED) {
        facts_.reached = Stage::Tls;
        if (facts_.greeting.rfind("* PREAUTH", 0) == 0) {
            // Already authenticated in clear: STARTTLS is only allowed before that.
            facts_.error = "server greeted PREAUTH on an unencrypted connection, so STARTTLS is "
                           "impossible (RFC 3501 §6.2.1); use --tls implicit, or --tls none to accept it";
            facts_.diagnosis = {"tls.starttls_missing",
                                facts_.error,
                                {"--tls implicit", "--tls none to accept an unencrypted session"},
                                facts_.greeting};
        } else if (t_starttls_ >= 0) {
            facts_.error = "server refused STARTTLS; no credentials were sent";
            facts_.diagnosis = {
                "tls.starttls_refused",
                "the server offered STARTTLS and refused it: its TLS set-up is broken",
                {"check the server's TLS configuration (certificate and key files) "
                 "and its log"},
                curl_words};
        } else {
            facts_.error = "server does not offer STARTTLS; no credentials were sent";
            std::string caps;
            for (const auto& c : facts_.caps_pre_tls) caps += (caps.empty() ? "" : " ") + c;
            facts_.diagnosis = {
                "tls.starttls_missing",
                "the server does not offer STARTTLS on port " + std::to_string(config_.port),
                {"enable TLS on the server",
                 "--tls implicit --port 993 if it has an implicit-TLS port",
                 "--tls none only on a trusted network"},
                "CAPABILITY " + caps};
        }
        return;
    }
    if (is_tls_error(rc) || (!tls_done && config_.tls != TlsMode::None &&
                             (implicit || t_starttls_ >= 0))) {
        facts_.reached = Stage::Tls;
        long verify = first_verify_error_;
        if (verify == 0) curl_easy_getinfo(curl_, CURLINFO_SSL_VERIFYRESULT, &verify);
        if (!facts_.tls.certificate) facts_.tls.certificate = leaf_;
        // libcurl checks the host name itself, after OpenSSL's chain check; its words are
        // the only trace of that failure.
        const bool name_mismatch = curl_words.find("subject name") != std::string::npos ||
                                   curl_words.find("does not match") != std::string::npos;
        if (rc == CURLE_PEER_FAILED_VERIFICATION) audit_failed_chain();
        if (rc == CURLE_PEER_FAILED_VERIFICATION && name_mismatch)
            facts_.error = "certificate verification failed: certificate does not match the host name '" +
                           config_.host + "'";
        else if (rc == CURLE_PEER_FAILED_VERIFICATION && verify > 1)
            facts_.error = "certificate verification failed: " + transport::x509_error_words(verify);
        else if (rc == CURLE_PEER_FAILED_VERIFICATION)
            facts_.error = "certificate verification failed: " + curl_words;
        else if (rc == CURLE_OPERATION_TIMEDOUT)
            facts_.error = "TLS handshake did not finish in time";
        else
            facts_.error = "TLS handshake failed: " + curl_words;
        if (rc == CURLE_PEER_FAILED_VERIFICATION) return;  // the tls check judges the chain

        if (implicit &&
            mentions(curl_words, {"wrong version number", "packet length too long",
                                  "unknown protocol", "record layer failure", "http request"})) {
            // The port spoke plain text: a second connection reads what it says first.
            auto line = transport::first_line_sent(
                facts_.address.empty() ? config_.host : facts_.address, config_.port,
                std::chrono::milliseconds(kFollowUpLimitMs), transcript_);
            facts_.reached = Stage::Greeting;  // no TLS, so no greeting either: connect failed
            facts_.error = "--tls implicit, but the server does not speak TLS on " + where +
                           (line ? ": it sent " + line->substr(0, 200) : ": " + curl_words);
            facts_.diagnosis =
                d::plaintext_port(where, config_.port, line.value_or(""), first_answer_);
        } else if (mentions(curl_words, {"protocol version", "unsupported protocol",
                                         "no protocols available", "version too low"})) {
            // What the server does offer: one handshake without the floor, on a second
            // connection within what is left of the connect budget (implicit TLS only: with
            // STARTTLS the handshake would need an IMAP dialogue first).
            std::optional<std::string> offered;
            const long long left = connect_deadline_.remaining_ms();
            if (implicit && !config_.min_tls.empty() && left > 50)
                offered = transport::tls_handshake_version(
                    facts_.address.empty() ? config_.host : facts_.address, config_.port,
                    config_.host, std::chrono::milliseconds(std::min(left, kFollowUpLimitMs)),
                    transcript_, true);
            std::string cause =
                "the server and imapcheck share no TLS version" +
                (config_.min_tls.empty() ? std::string() : " (--min-tls " + config_.min_tls + ")");
            if (offered) {
                std::string version = *offered;  // "TLSv1.2" -> "TLS 1.2"
                if (version.starts_with("TLSv")) version = "TLS " + version.substr(4);
                cause = "the server offers at most " + version + "; --min-tls " + config_.min_tls +
                        " forbids it";
            }
            facts_.diagnosis = {"tls.version",
                                cause,
                                {config_.min_tls.empty() ? "enable TLS 1.2 or 1.3 on the server"
                                                         : "lower --min-tls, or enable TLS " +
                                                               config_.min_tls + " on the server"},
                                curl_words};
        } else if (mentions(curl_words,
                            {"SSL_ERROR_SYSCALL", "unexpected eof", "Connection reset"})) {
            facts_.reached = Stage::Greeting;
            facts_.error = "the server closed the connection during the TLS handshake";
            facts_.diagnosis = d::closed_at_once(where, true);
        } else if (rc == CURLE_OPERATION_TIMEDOUT) {
            facts_.diagnosis = {"tls.handshake",
                                "the TLS handshake did not finish in time",
                                {"check the server's TLS configuration and load"},
                                curl_words};
        } else {
            facts_.diagnosis = {"tls.handshake",
                                "the TLS handshake failed: " + curl_words,
                                {"check the server's TLS configuration and log",
                                 "see the handshake with --trace FILE"},
                                curl_words};
        }
        return;
    }
    if (facts_.greeting.empty()) {
        facts_.reached = Stage::Greeting;
        if (rc == CURLE_OPERATION_TIMEDOUT) {
            facts_.error = "connected, but the server sent no greeting in time";
            facts_.diagnosis = d::greeting_timeout(where, limit_, tls_follow_up_tried_);
        } else {
            facts_.error = "connected, but the server closed the connection without a greeting";
            facts_.diagnosis = d::closed_at_once(where, false);
        }
        return;
    }
    auto greeting = imap::parse_response_line(facts_.greeting);
    if (greeting && greeting->name == "BYE") {
        facts_.reached = Stage::Greeting;
        facts_.error = "server refused the connection: " + facts_.greeting.substr(0, 200);
        facts_.diagnosis = d::bye_greeting(facts_.greeting);
        return;
    }
    if (!greeting || (greeting->name != "OK" && greeting->name != "PREAUTH")) {
        facts_.reached = Stage::Greeting;
        facts_.error = "unexpected greeting: " + facts_.greeting.substr(0, 200);
        facts_.diagnosis = d::not_imap(facts_.greeting, config_.port);
        return;
    }
    facts_.reached = Stage::Capability;
    const bool timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    // Which CAPABILITY: the one before STARTTLS (TLS was never reached) or after it.
    const std::string which =
        config_.tls == TlsMode::StartTls && !tls_done ? "CAPABILITY (before STARTTLS)" : "CAPABILITY";
    const std::string within = seconds_text(limit_.seconds) + " (" + limit_.option + ")";
    facts_.error = timed_out ? "no answer to " + which + " within " + within
                             : "CAPABILITY failed: " + curl_words;
    facts_.diagnosis = {timed_out ? "command.timeout" : "command.failed",
                        timed_out ? "the server greeted, then did not answer " + which +
                                        " within " + within
                                  : "the server did not answer CAPABILITY properly: " + curl_words,
                        {"check the server's log", "see the exchange with --trace FILE"},
                        curl_words};
}

Result<Unit> CurlConnection::wait(short events, const Deadline& deadline, const char* what) {
    pollfd pfd{static_cast<int>(socket_), events, 0};
    long long left = deadline.remaining_ms();
    if (left <= 0) return make_error(Error::Kind::Timeout, std::string("timed out ") + what);
    int n = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left, 60000)));
    if (n < 0 && errno != EINTR)
        return make_error(Error::Kind::Transport, std::string("poll failed: ") + std::strerror(errno));
    return Unit{};
}

Result<Unit> CurlConnection::send(std::string_view bytes, const Deadline& deadline) {
    if (!open_) return make_error(Error::Kind::Closed, "connection is closed");
    while (!bytes.empty()) {
        size_t sent = 0;
        CURLcode rc = curl_easy_send(curl_, bytes.data(), bytes.size(), &sent);
        if (rc == CURLE_AGAIN) {
            auto waited = wait(POLLOUT, deadline, "sending to the server");
            if (!waited) return waited.error();
            continue;
        }
        if (rc != CURLE_OK) {
            open_ = false;
            return make_error(Error::Kind::Closed,
                              std::string("connection lost while sending: ") + curl_easy_strerror(rc));
        }
        bytes.remove_prefix(sent);
    }
    return Unit{};
}

Result<std::size_t> CurlConnection::receive(char* buffer, std::size_t capacity,
                                            const Deadline& deadline) {
    if (!open_) return make_error(Error::Kind::Closed, "connection is closed");
    while (true) {
        size_t got = 0;
        CURLcode rc = curl_easy_recv(curl_, buffer, capacity, &got);
        if (rc == CURLE_OK) {
            if (got == 0) {
                open_ = false;
                return make_error(Error::Kind::Closed, "server closed the connection");
            }
            return got;
        }
        if (rc != CURLE_AGAIN) {
            open_ = false;
            return make_error(Error::Kind::Closed,
                              std::string("connection lost: ") + curl_easy_strerror(rc));
        }
        auto waited = wait(POLLIN, deadline, "waiting for the server");
        if (!waited) return waited.error();
    }
}

class CurlTransport final : public Transport {
  public:
    std::unique_ptr<Connection> connect(const TargetConfig& config, const Deadline& run_deadline,
                                        Transcript& transcript) override {
        auto connection = std::make_unique<CurlConnection>(config, transcript, &share_);
        connection->perform(run_deadline);
        return connection;
    }

  private:
    transport::TlsShare share_;
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport() {
    static std::once_flag initialised;
    std::call_once(initialised, global_transport_init);
    return std::make_unique<CurlTransport>();
}

void global_transport_init() {
    // No OpenSSL clean-up at exit: freeing its tables costs 1.4 million instructions for
    // memory the process returns anyway. Must be the first initialisation of OpenSSL.
    OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT, nullptr);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    g_ssl_ctx_index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
}

std::string transport_versions() {
    const curl_version_info_data* v = curl_version_info(CURLVERSION_NOW);
    return std::string("libcurl ") + v->version + ", " +
           (v->ssl_version ? v->ssl_version : "no TLS");
}

}  // namespace imapcheck
