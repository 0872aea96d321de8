// imapcheck: TLS facts from OpenSSL (RFC 5280 certificate fields, RFC 6125 host names).
// Used for the `tls` check: what was negotiated, who the certificate names, when it expires.
#include "transport/tls_facts.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <ctime>
#include <memory>

namespace imapcheck::transport {
namespace {

struct X509Deleter {
    void operator()(X509* x) const { X509_free(x); }
};
struct BioDeleter {
    void operator()(BIO* b) const { BIO_free(b); }
};

std::string name_to_string(const X509_NAME* name) {
    std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
    if (!bio) return {};
    // RFC 2253 order with UTF-8 kept as UTF-8, e.g. "CN=mail.example.com,O=Example".
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::vector<std::string> subject_alt_names(X509* cert) {
    std::vector<std::string> out;
    auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (!names) return out;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
        if (gn->type == GEN_DNS) {
            const auto* s = gn->d.dNSName;
            out.emplace_back("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                                  static_cast<std::size_t>(ASN1_STRING_length(s))));
        } else if (gn->type == GEN_IPADD) {
            const auto* s = gn->d.iPAddress;
            const unsigned char* b = ASN1_STRING_get0_data(s);
            std::string ip;
            if (ASN1_STRING_length(s) == 4) {
                ip = std::to_string(b[0]) + "." + std::to_string(b[1]) + "." + std::to_string(b[2]) + "." + std::to_string(b[3]);
            } else {
                char hex[8];
                for (int k = 0; k < ASN1_STRING_length(s); k += 2) {
                    std::snprintf(hex, sizeof hex, "%x", (b[k] << 8) | b[k + 1]);
                    ip += (k ? ":" : "") + std::string(hex);
                }
            }
            out.emplace_back("IP:" + ip);
        }
    }
    GENERAL_NAMES_free(names);
    return out;
}

// SHA-256 of the certificate's public key (SubjectPublicKeyInfo, DER), in hex: the same key
// in a renewed certificate keeps it (what HPKP-style pins and baselines compare).
std::string key_sha256(X509* cert) {
    unsigned char* der = nullptr;
    int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
    if (n <= 0) return "";
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(der, static_cast<std::size_t>(n), digest);
    OPENSSL_free(der);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char b : digest) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

}  // namespace

void read_tls_facts(SSL* ssl, TlsFacts& facts) {
    facts.active = true;
    facts.version = SSL_get_version(ssl);
    if (const char* cipher = SSL_get_cipher_name(ssl)) facts.cipher = cipher;
    std::unique_ptr<X509, X509Deleter> cert(SSL_get1_peer_certificate(ssl));
    if (cert) facts.certificate = certificate_facts(cert.get());
}

CertificateFacts certificate_facts(X509* cert) {
    CertificateFacts c;
    c.subject = name_to_string(X509_get_subject_name(cert));
    c.issuer = name_to_string(X509_get_issuer_name(cert));
    c.sans = subject_alt_names(cert);
    c.key_sha256 = key_sha256(cert);
    auto read_time = [](const ASN1_TIME* t, std::string& text, std::optional<long long>& epoch) {
        struct tm tm {};
        if (ASN1_TIME_to_tm(t, &tm) != 1) return;
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        text = buf;
        epoch = static_cast<long long>(timegm(&tm));
    };
    read_time(X509_get0_notBefore(cert), c.not_before, c.not_before_epoch);
    read_time(X509_get0_notAfter(cert), c.not_after, c.not_after_epoch);
    if (auto* aia = static_cast<AUTHORITY_INFO_ACCESS*>(
            X509_get_ext_d2i(cert, NID_info_access, nullptr, nullptr))) {
        for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); ++i)
            c.names_issuer_url =
                c.names_issuer_url ||
                OBJ_obj2nid(sk_ACCESS_DESCRIPTION_value(aia, i)->method) == NID_ad_ca_issuers;
        AUTHORITY_INFO_ACCESS_free(aia);
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (X509_digest(cert, EVP_sha256(), md, &len) == 1) {
        char hex[4];
        for (unsigned int i = 0; i < len; ++i) {
            std::snprintf(hex, sizeof hex, i ? ":%02X" : "%02X", md[i]);
            c.sha256 += hex;
        }
    }
    return c;
}

namespace {

// Where note_every_problem finds its list (an index of our own: SSL's is taken).
int problems_index() {
    static const int index = X509_STORE_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

// Collects every error instead of stopping at the first (this verification decides
// nothing: the handshake's own did).
int note_every_problem(int ok, X509_STORE_CTX* ctx) {
    if (!ok) {
        auto* problems = static_cast<std::vector<CertificateProblem>*>(
            X509_STORE_CTX_get_ex_data(ctx, problems_index()));
        long code = X509_STORE_CTX_get_error(ctx);
        int depth = X509_STORE_CTX_get_error_depth(ctx);
        bool seen = false;
        for (const auto& p : *problems) seen = seen || (p.code == code && p.depth == depth);
        if (!seen && problems->size() < 16) problems->push_back({code, depth});
    }
    return 1;
}

}  // namespace

void audit_chain(X509_STORE* store, X509* leaf, STACK_OF(X509) * sent, const std::string& host,
                 TlsFacts& facts) {
    facts.problems.clear();
    facts.chain.clear();
    facts.chain_sent = sent ? sk_X509_num(sent) : 0;
    bool leaf_in_sent = false;
    for (int i = 0; i < facts.chain_sent; ++i) {
        X509* c = sk_X509_value(sent, i);
        leaf_in_sent = leaf_in_sent || X509_cmp(c, leaf) == 0;
        facts.chain.push_back(certificate_facts(c));
    }
    if (!leaf_in_sent) {
        facts.chain.insert(facts.chain.begin(), certificate_facts(leaf));
        ++facts.chain_sent;
    }
    facts.name_matches = X509_check_host(leaf, host.c_str(), host.size(), 0, nullptr) == 1 ||
                         X509_check_ip_asc(leaf, host.c_str(), 0) == 1;
    if (!store || problems_index() < 0) return;
    X509_STORE_CTX* ctx = X509_STORE_CTX_new();
    if (!ctx) return;
    if (X509_STORE_CTX_init(ctx, store, leaf, sent) == 1) {
        X509_STORE_CTX_set_ex_data(ctx, problems_index(), &facts.problems);
        X509_STORE_CTX_set_verify_cb(ctx, &note_every_problem);
        X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
        (void)X509_verify_cert(ctx);
    }
    X509_STORE_CTX_free(ctx);
}

std::string x509_error_words(long code) {
    switch (code) {
        case X509_V_OK: return "";
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            return "certificate issuer is unknown (not in the trusted CA store; try --cacert)";
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
            return "certificate is self-signed";
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            return "certificate chain ends in an untrusted self-signed CA (try --cacert)";
        case X509_V_ERR_CERT_HAS_EXPIRED: return "certificate has expired";
        case X509_V_ERR_CERT_NOT_YET_VALID: return "certificate is not yet valid";
        case X509_V_ERR_HOSTNAME_MISMATCH:
        case X509_V_ERR_IP_ADDRESS_MISMATCH: return "certificate does not match the host name";
        default: return X509_verify_cert_error_string(code);
    }
}

std::string verify_problem(SSL* ssl, const std::string& host) {
    long code = SSL_get_verify_result(ssl);
    if (code != X509_V_OK) return x509_error_words(code);
    std::unique_ptr<X509, X509Deleter> cert(SSL_get1_peer_certificate(ssl));
    if (!cert) return "server sent no certificate";
    // libcurl checks the name itself; with --insecure it does not, so ask OpenSSL too.
    bool match = X509_check_host(cert.get(), host.c_str(), host.size(), 0, nullptr) == 1 ||
                 X509_check_ip_asc(cert.get(), host.c_str(), 0) == 1;
    return match ? "" : "certificate does not match the host name '" + host + "'";
}

}  // namespace imapcheck::transport
