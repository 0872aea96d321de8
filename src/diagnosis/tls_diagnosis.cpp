// imapcheck: certificate diagnoses (see tls_diagnosis.hpp), from the problems the transport
// found verifying the server's chain again offline (X509_V_ERR_* codes with their depth).
#include "diagnosis/tls_diagnosis.hpp"

#include <openssl/x509_vfy.h>

#include <cmath>

namespace imapcheck::diagnosis {
namespace {

// Whole days: "expired 3 days ago" counts the days gone by, "in 10 days" those to come.
std::string days_phrase(long long seconds, bool to_come = false) {
    const double d = std::abs(static_cast<double>(seconds)) / 86400.0;
    long long days = static_cast<long long>(to_come ? std::ceil(d) : std::floor(d));
    if (days == 0) return "today";
    return std::to_string(days) + (days == 1 ? " day" : " days");
}

std::string joined(const std::vector<std::string>& items, const char* sep = ", ") {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
    return out;
}

// The names a client may connect by: the SANs without their "DNS:"/"IP:" tags.
std::vector<std::string> names_that_verify(const CertificateFacts& c) {
    std::vector<std::string> out;
    for (const auto& san : c.sans) out.push_back(san.substr(san.find(':') + 1));
    return out;
}

std::string evidence_of(const TlsFacts& tls) {
    if (!tls.certificate) return "the server sent no certificate";
    const CertificateFacts& c = *tls.certificate;
    std::string e = "subject " + c.subject + "; issuer " + c.issuer;
    if (!c.sans.empty()) e += "; SANs " + joined(c.sans);
    e += "; valid " + c.not_before + " to " + c.not_after;
    if (tls.chain_sent)
        e += "; the server sent " + std::to_string(tls.chain_sent) +
             (tls.chain_sent == 1 ? " certificate (its own only)" : " certificates");
    return e;
}

bool has(const TlsFacts& tls, long code, int depth = -1) {
    for (const auto& p : tls.problems)
        if (p.code == code && (depth < 0 || p.depth == depth)) return true;
    return false;
}

bool issuer_unknown(const TlsFacts& tls) {
    return has(tls, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY) ||
           has(tls, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT) ||
           has(tls, X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE);
}

struct Finding {
    std::string id, words;
    std::vector<std::string> tries;
};

// Every problem, the most fundamental first: trust, then dates, then the name.
std::vector<Finding> findings(const TlsFacts& tls, const TargetConfig& config, long long now) {
    std::vector<Finding> out;
    const CertificateFacts* c = tls.certificate ? &*tls.certificate : nullptr;
    const std::string issuer = c ? c->issuer : "its issuer";
    const std::string trust =
        config.cacert.empty() ? "the system trust store" : "--cacert " + config.cacert;
    if (has(tls, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)) {
        out.push_back({"tls.self_signed",
                       "the certificate is self-signed (it is its own issuer)",
                       {"install a certificate from a CA on the server",
                        "or trust this one: --cacert with the server's certificate file"}});
    } else if (issuer_unknown(tls) && tls.chain_sent == 1 &&
               !has(tls, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN) &&
               (!config.cacert.empty() || (c && c->names_issuer_url))) {
        // Sent alone, and either the CA was given (so its intermediate is what is missing)
        // or the certificate points to its issuer's URL (as CA-issued ones do).
        out.push_back({"tls.chain_incomplete",
                       "the server sent only its own certificate, not the intermediate that signed "
                       "it (" +
                           issuer + "), so the chain cannot reach " + trust,
                       {"configure the server to send the full chain (its certificate, then the "
                        "intermediates: Dovecot ssl_cert = </path/fullchain.pem)",
                        config.cacert.empty()
                            ? "or, if " + issuer + " is your own CA: --cacert FILE with it"
                            : "or, if " + issuer + " is a root: put it in " + config.cacert}});
    } else if (issuer_unknown(tls) || has(tls, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)) {
        out.push_back(
            {"tls.untrusted",
             "the chain ends in a CA that " + trust + " does not hold (issuer " + issuer + ")",
             {config.cacert.empty() ? "--cacert FILE with the CA that signed it"
                                    : "--cacert " + config.cacert +
                                          " does not hold that CA: give the file that does"}});
    }
    if (c && has(tls, X509_V_ERR_CERT_HAS_EXPIRED, 0) && c->not_after_epoch)
        out.push_back({"tls.expired",
                       "the certificate expired " + days_ago(now - *c->not_after_epoch) + " (" +
                           c->not_after + ")",
                       {"renew the server's certificate and reload the server"}});
    else if (has(tls, X509_V_ERR_CERT_HAS_EXPIRED))
        out.push_back({"tls.expired",
                       "a CA certificate in the chain has expired",
                       {"install the CA's current certificate in the server's chain"}});
    if (c && has(tls, X509_V_ERR_CERT_NOT_YET_VALID, 0) && c->not_before_epoch)
        out.push_back({"tls.not_yet_valid",
                       "the certificate is valid only from " + c->not_before + ", in " +
                           days_phrase(*c->not_before_epoch - now, true),
                       {"check the clocks of this machine and the server (timedatectl)",
                        "or the certificate's dates"}});
    if (c && tls.name_matches == false) {
        auto names = names_that_verify(*c);
        std::vector<std::string> tries;
        if (!names.empty())
            tries.push_back("--host " + names.front() +
                            " (a name the certificate lists; add "
                            "--connect-to " +
                            config.host + " to keep the address)");
        tries.push_back("or a certificate that names " + config.host);
        out.push_back({"tls.name_mismatch",
                       "the certificate does not name '" + config.host + "'" +
                           (names.empty() ? " (it lists no names)" : "; it names " + joined(names)),
                       tries});
    }
    for (const auto& p : tls.problems) {
        switch (p.code) {
            case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
            case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
            case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
            case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            case X509_V_ERR_CERT_HAS_EXPIRED:
            case X509_V_ERR_CERT_NOT_YET_VALID:
            case X509_V_ERR_HOSTNAME_MISMATCH:
            case X509_V_ERR_IP_ADDRESS_MISMATCH:
                break;
            default:
                out.push_back({"tls.untrusted",
                               std::string("verification says: ") +
                                   X509_verify_cert_error_string(p.code) + " (depth " +
                                   std::to_string(p.depth) + ")",
                               {"check the certificate chain the server sends"}});
        }
    }
    return out;
}

Diagnosis from(const std::vector<Finding>& found, const std::string& lead, const TlsFacts& tls) {
    std::vector<std::string> words, tries;
    for (const auto& f : found) {
        words.push_back(f.words);
        for (const auto& t : f.tries) tries.push_back(t);
    }
    return {found.front().id, lead + joined(words, "; "), tries, evidence_of(tls)};
}

}  // namespace

Diagnosis certificate_failure(const TlsFacts& tls, const TargetConfig& config, long long now) {
    auto found = findings(tls, config, now);
    if (found.empty())
        return {"tls.untrusted",
                "certificate verification failed: " + tls.verify_problem,
                {"see the chain with --trace FILE"},
                evidence_of(tls)};
    return from(found, "", tls);
}

Diagnosis unverified(const TlsFacts& tls, const TargetConfig& config, long long now) {
    auto found = findings(tls, config, now);
    if (found.empty())
        return {"tls.insecure",
                "--insecure: not verified, though the certificate verifies against " +
                    (config.cacert.empty() ? std::string("the system trust store") : config.cacert),
                {"drop --insecure"},
                evidence_of(tls)};
    Diagnosis d = from(found, "--insecure: not verified; verification would fail: ", tls);
    d.id = "tls.insecure";
    d.tries.push_back("then drop --insecure");
    return d;
}

std::string days_ago(long long seconds) {
    const std::string days = days_phrase(seconds);
    return days == "today" ? days : days + " ago";
}

Diagnosis expired(const CertificateFacts& cert, long long now, bool insecure) {
    return {"tls.expired",
            "the certificate expired " + days_ago(now - *cert.not_after_epoch) + " (" +
                cert.not_after + ")" +
                (insecure ? "; --insecure skips verification, not the expiry date" : ""),
            {"renew the server's certificate and reload the server"},
            "notAfter " + cert.not_after + "; issuer " + cert.issuer};
}

Diagnosis expiring(const CertificateFacts& cert, long long days_left, int bound, bool critical) {
    return {"tls.expiring",
            "the certificate expires in " + std::to_string(days_left) + " days (" + cert.not_after +
                "), under --cert-" + (critical ? "crit" : "warn") + "-days " +
                std::to_string(bound),
            {"renew the server's certificate and reload the server"},
            "notAfter " + cert.not_after + "; issuer " + cert.issuer};
}

}  // namespace imapcheck::diagnosis
