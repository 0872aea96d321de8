// imapcheck: what a server certificate's problems mean (RFC 5280 path validation, RFC 6125
// names) and what to try: the names that would verify, the validity window, who signed it
// and whether the server sent its chain.
#pragma once

#include <string>

#include "imapcheck/config.hpp"
#include "imapcheck/connection.hpp"
#include "imapcheck/report.hpp"

namespace imapcheck::diagnosis {

// A verification that failed: the class of its main problem, and every problem in the cause.
Diagnosis certificate_failure(const TlsFacts& tls, const TargetConfig& config, long long now);
// --insecure: what verification against the configured store would have said.
Diagnosis unverified(const TlsFacts& tls, const TargetConfig& config, long long now);
// "3 days ago", "1 day ago" or "today": how long ago `seconds` were, in whole days.
std::string days_ago(long long seconds);
// The certificate's notAfter has passed (seen under --insecure, which skips verification
// but not expiry; without it the handshake's verification already failed).
Diagnosis expired(const CertificateFacts& cert, long long now, bool insecure);
// Fewer days left than --cert-warn-days (or --cert-crit-days when `critical`).
Diagnosis expiring(const CertificateFacts& cert, long long days_left, int bound, bool critical);

}  // namespace imapcheck::diagnosis
