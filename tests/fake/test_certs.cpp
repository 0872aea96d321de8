// imapcheck fake server: test PKI generation with the OpenSSL 3 C API (RFC 5280 certificates,
// EC P-256 keys via EVP_PKEY_Q_keygen — fast enough to run in every test process).
// Each bad certificate is wrong in exactly one way, so a failing check points at one cause.
#include "test_certs.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace imapcheck::fake {

namespace {

constexpr long kDay = 24 * 60 * 60;

struct Free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(X509* p) const { X509_free(p); }
    void operator()(X509_NAME* p) const { X509_NAME_free(p); }
    void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
    void operator()(std::FILE* p) const { std::fclose(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Free>;
using CertPtr = std::unique_ptr<X509, Free>;

[[noreturn]] void fail(const std::string& what) {
    char buf[256] = "no OpenSSL error";
    if (unsigned long e = ERR_get_error()) ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    throw std::runtime_error("make_test_pki: " + what + ": " + buf);
}

KeyPtr new_key() {
    KeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key) fail("EC key generation");
    return key;
}

void add_ext(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
    std::unique_ptr<X509_EXTENSION, Free> ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) fail(std::string("extension ") + value);
}

struct CertSpec {
    std::string common_name;
    std::string san;  // subjectAltName value; empty for the CA
    long not_before;  // seconds from now
    long not_after;
    bool is_ca = false;
};

// Signs with `issuer_key`; `issuer` null means self-signed.
CertPtr make_cert(const CertSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
    CertPtr cert(X509_new());
    if (!cert) fail("X509_new");
    X509_set_version(cert.get(), X509_VERSION_3);

    // Random serials: a client's session cache must never confuse two test certificates.
    uint64_t serial = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial) != 1) fail("RAND");
    ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), serial >> 1);

    X509_gmtime_adj(X509_getm_notBefore(cert.get()), spec.not_before);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), spec.not_after);
    X509_set_pubkey(cert.get(), key);

    std::unique_ptr<X509_NAME, Free> name(X509_NAME_new());
    auto text = [](const std::string& s) {
        return reinterpret_cast<const unsigned char*>(s.c_str());
    };
    X509_NAME_add_entry_by_txt(name.get(), "O", MBSTRING_ASC, text("imapcheck tests"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_ASC, text(spec.common_name), -1, -1, 0);
    X509_set_subject_name(cert.get(), name.get());
    X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name.get());

    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
    if (spec.is_ca) {
        add_ext(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(cert.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_ext(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
        add_ext(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature");
        add_ext(cert.get(), &ctx, NID_ext_key_usage, "serverAuth");
        add_ext(cert.get(), &ctx, NID_subject_alt_name, spec.san.c_str());
    }
    add_ext(cert.get(), &ctx, NID_subject_key_identifier, "hash");
    add_ext(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");

    if (X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0) fail("X509_sign");
    return cert;
}

void write_cert(const std::string& path, X509* cert) {
    std::unique_ptr<std::FILE, Free> f(std::fopen(path.c_str(), "w"));
    if (!f || PEM_write_X509(f.get(), cert) != 1) fail("writing " + path);
}

void write_key(const std::string& path, EVP_PKEY* key) {
    std::unique_ptr<std::FILE, Free> f(std::fopen(path.c_str(), "w"));
    if (!f || PEM_write_PrivateKey(f.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        fail("writing " + path);
    }
}

// Makes a key and a certificate for `spec` and writes both; returns nothing the caller needs.
void leaf(const std::string& cert_path, const std::string& key_path, const CertSpec& spec, X509* ca,
          EVP_PKEY* ca_key) {
    KeyPtr key = new_key();
    CertPtr cert = make_cert(spec, key.get(), ca, ca_key);
    write_cert(cert_path, cert.get());
    write_key(key_path, key.get());
}

}  // namespace

TestPki make_test_pki(const std::string& dir) {
    std::filesystem::create_directories(dir);
    auto path = [&](const char* file) { return (std::filesystem::path(dir) / file).string(); };
    TestPki pki{dir,
                path("ca.pem"),
                path("server.pem"),
                path("server-key.pem"),
                path("wrong-name.pem"),
                path("wrong-name-key.pem"),
                path("expired.pem"),
                path("expired-key.pem"),
                path("self-signed.pem"),
                path("self-signed-key.pem"),
                path("future.pem"),
                path("future-key.pem"),
                path("leaf-only.pem"),
                path("leaf-only-key.pem"),
                path("expiring.pem"),
                path("expiring-key.pem")};

    KeyPtr ca_key = new_key();
    CertPtr ca = make_cert({"imapcheck test CA", "", -kDay, 365 * kDay, true}, ca_key.get(),
                           nullptr, nullptr);
    write_cert(pki.ca_pem, ca.get());

    const std::string localhost = "DNS:localhost,IP:127.0.0.1";
    // notBefore an hour back tolerates small clock differences between the test processes.
    leaf(pki.server_cert, pki.server_key, {"localhost", localhost, -3600, 90 * kDay}, ca.get(),
         ca_key.get());
    leaf(pki.wrong_name_cert, pki.wrong_name_key,
         {"wrong.example", "DNS:wrong.example", -3600, 90 * kDay}, ca.get(), ca_key.get());
    leaf(pki.expired_cert, pki.expired_key, {"localhost", localhost, -30 * kDay, -kDay}, ca.get(),
         ca_key.get());
    leaf(pki.self_signed_cert, pki.self_signed_key, {"localhost", localhost, -3600, 90 * kDay},
         nullptr, nullptr);
    leaf(pki.future_cert, pki.future_key, {"localhost", localhost, 10 * kDay, 90 * kDay}, ca.get(),
         ca_key.get());
    leaf(pki.expiring_cert, pki.expiring_key, {"localhost", localhost, -3600, 2 * kDay + 3600},
         ca.get(), ca_key.get());
    KeyPtr intermediate_key = new_key();
    CertPtr intermediate = make_cert({"imapcheck test intermediate", "", -kDay, 365 * kDay, true},
                                     intermediate_key.get(), ca.get(), ca_key.get());
    leaf(pki.leaf_only_cert, pki.leaf_only_key, {"localhost", localhost, -3600, 90 * kDay},
         intermediate.get(), intermediate_key.get());
    return pki;
}

}  // namespace imapcheck::fake
