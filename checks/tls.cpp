// imapcheck check `tls`: implicit TLS (RFC 8314) or STARTTLS (RFC 3501 §6.2.1) as libcurl
// negotiated it; verification, protocol, cipher, and how long the certificate has left.
#include <cmath>
#include <ctime>

#include "diagnosis/tls_diagnosis.hpp"
#include "imapcheck/check.hpp"

namespace imapcheck {

namespace {

Json tls_details(const TargetConfig& config, const TlsFacts& tls,
                 std::optional<long long> days_left) {
    Json d = Json::object();
    d["mode"] = to_string(config.tls);
    if (!tls.version.empty()) d["version"] = tls.version;
    if (!tls.cipher.empty()) d["cipher"] = tls.cipher;
    d["verified"] = tls.verified;
    if (!tls.verify_problem.empty()) d["verify_problem"] = tls.verify_problem;
    if (tls.certificate) {
        d["subject"] = tls.certificate->subject;
        d["issuer"] = tls.certificate->issuer;
        d["sans"] = tls.certificate->sans;
        if (!tls.certificate->not_before.empty()) d["not_before"] = tls.certificate->not_before;
        if (!tls.certificate->key_sha256.empty()) d["key_sha256"] = tls.certificate->key_sha256;
        if (!tls.certificate->not_after.empty()) d["not_after"] = tls.certificate->not_after;
        if (!tls.certificate->sha256.empty()) d["sha256"] = tls.certificate->sha256;
        if (tls.certificate->not_after_epoch)
            d["not_after_epoch"] = *tls.certificate->not_after_epoch;
    }
    if (days_left) d["days_left"] = *days_left;
    if (tls.chain_sent) d["chain_sent"] = tls.chain_sent;
    return d;
}

}  // namespace

CheckResult run_tls(RunContext& ctx) {
    const TargetConfig& config = ctx.config;
    const ConnectFacts& f = ctx.facts;
    ctx.duration_override = f.tls_ms;
    if (config.tls == TlsMode::None)
        return skip("not requested (--tls none): the connection is not encrypted",
                    {{"mode", "none"}});

    // Whole days, counted toward zero: 3.5 days after notAfter is -3, as "expired 3 days
    // ago" says, so the summary, the diagnosis and the perfdata carry one number.
    std::optional<long long> days_left;
    if (f.tls.certificate && f.tls.certificate->not_after_epoch) {
        double seconds = static_cast<double>(*f.tls.certificate->not_after_epoch - std::time(nullptr));
        days_left = static_cast<long long>(std::trunc(seconds / 86400.0));
    }
    Json details = tls_details(config, f.tls, days_left);
    const long long now = static_cast<long long>(std::time(nullptr));
    if (f.reached == ConnectFacts::Stage::Tls) {
        std::string summary = f.error;
        if (f.tls.certificate)  // what the server presented, so the cause can be checked
            summary += "; the server presented " + f.tls.certificate->subject + ", issued by " +
                       f.tls.certificate->issuer + ", valid until " + f.tls.certificate->not_after;
        return fail(summary, details)
            .because(f.diagnosis ? *f.diagnosis
                                 : diagnosis::certificate_failure(f.tls, config, now));
    }
    // STARTTLS was never sent: the CAPABILITY before it stalled. That step is to blame (the
    // capability check reports it); nothing is known about TLS.
    if (!f.tls.active && f.reached == ConnectFacts::Stage::Capability &&
        config.tls == TlsMode::StartTls)
        return skip("not reached: the server did not answer CAPABILITY before STARTTLS (see "
                    "capability)",
                    details);
    if (!f.tls.active)
        return fail("TLS was not established", details)
            .because({"tls.handshake",
                      "TLS was not established",
                      {"see the handshake with --trace FILE"},
                      ""});

    const bool expired = f.tls.certificate && f.tls.certificate->not_after_epoch &&
                         *f.tls.certificate->not_after_epoch <= now;
    std::string summary = f.tls.version + " " + f.tls.cipher;
    if (f.tls.certificate) {
        summary += ", " + f.tls.certificate->subject;
        if (days_left && !expired) summary += ", " + std::to_string(*days_left) + " days left";
    }
    // --insecure skips verification, never the calendar: expiry is judged exactly as without
    // it (an expired certificate is CRITICAL, one inside --cert-crit-days too), and only a
    // certificate with time left gets the plain -k warning. The channel works, so the checks
    // after this one still run.
    const std::string unverified = config.insecure ? " (not verified: --insecure)" : "";
    if (config.insecure) ctx.failure_blocks = false;
    if (expired) {
        const CertificateFacts& c = *f.tls.certificate;
        return fail("certificate expired " + diagnosis::days_ago(now - *c.not_after_epoch) +
                        unverified + ": " + summary,
                    details)
            .because(diagnosis::expired(c, now, config.insecure));
    }
    if (config.insecure && !(days_left && *days_left < config.cert_warn_days)) {
        std::string why = f.tls.verify_problem.empty() ? "" : "; verification would fail: " + f.tls.verify_problem;
        return warn("certificate not verified (--insecure)" + why + "; " + summary, details)
            .because(diagnosis::unverified(f.tls, config, now));
    }
    if (days_left && *days_left < config.cert_crit_days)
        return fail("certificate expires in " + std::to_string(*days_left) +
                        " days (critical below " + std::to_string(config.cert_crit_days) + ")" +
                        unverified + ": " + summary,
                    details)
            .because(
                diagnosis::expiring(*f.tls.certificate, *days_left, config.cert_crit_days, true));
    if (days_left && *days_left < config.cert_warn_days)
        return warn("certificate expires in " + std::to_string(*days_left) +
                        " days (warning below " + std::to_string(config.cert_warn_days) + ")" +
                        unverified + ": " + summary,
                    details)
            .because(
                diagnosis::expiring(*f.tls.certificate, *days_left, config.cert_warn_days, false));
    return pass(summary, details);
}

}  // namespace imapcheck
