// imapcheck check `capability`: what the server announced before (and after) TLS
// (RFC 3501 §6.1.1, RFC 9051 §6.1.1); the server must speak IMAP4rev1 or IMAP4rev2.
#include <algorithm>

#include "imapcheck/check.hpp"

namespace imapcheck {

CheckResult run_capability(RunContext& ctx) {
    const ConnectFacts& f = ctx.facts;
    ctx.duration_override = f.capability_ms;
    Json details = Json::object();
    if (!f.caps_pre_tls.empty() && ctx.config.tls == TlsMode::StartTls)
        details["before_tls"] = f.caps_pre_tls;
    const auto& caps = f.caps_post_tls.empty() ? f.caps_pre_tls : f.caps_post_tls;
    details["before_login"] = caps;
    if (f.reached == ConnectFacts::Stage::Capability) {
        CheckResult r = fail(f.error, details);
        r.diagnosis = f.diagnosis;
        return r;
    }

    auto has = [&](const char* name) {
        return std::any_of(caps.begin(), caps.end(), [&](const std::string& c) {
            return c.size() == std::char_traits<char>::length(name) &&
                   std::equal(c.begin(), c.end(), name, [](char a, char b) {
                       return std::toupper(static_cast<unsigned char>(a)) == b;
                   });
        });
    };
    std::string revs = std::string(has("IMAP4REV2") ? "IMAP4rev2" : "") +
                       (has("IMAP4REV2") && has("IMAP4REV1") ? "+" : "") +
                       (has("IMAP4REV1") ? "IMAP4rev1" : "");
    if (revs.empty())
        return deviation(fail("server announces neither IMAP4rev1 nor IMAP4rev2 (" +
                                  std::to_string(caps.size()) + " capabilities)",
                              details));
    return pass(revs + ", " + std::to_string(caps.size()) + " capabilities", details);
}

}  // namespace imapcheck
