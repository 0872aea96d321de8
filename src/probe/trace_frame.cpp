// imapcheck: the header and closing line of a --trace transcript (trace_frame.hpp).
#include "imapcheck/trace_frame.hpp"

#include <cstdio>

#include "imapcheck/render.hpp"

namespace imapcheck {

std::string without_credentials(const std::string& url) {
    auto scheme = url.find("://");
    std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
    auto end = url.find_first_of("/?#", start);
    auto at = url.rfind('@', end == std::string::npos ? std::string::npos : end);
    if (at == std::string::npos || at < start) return url;
    return url.substr(0, start) + "***" + url.substr(at);
}

void trace_header(Transcript& transcript, const TargetConfig& c) {
    if (!transcript.enabled()) return;
    const bool v6 = c.host.find(':') != std::string::npos;
    std::string target = (v6 ? "[" + c.host + "]" : c.host) + ":" + std::to_string(c.port);
    std::string trust = c.tls == TlsMode::None ? "none (--tls none)"
                        : c.insecure           ? "not verified (--insecure)"
                        : c.cacert.empty()     ? "system store"
                                               : "--cacert " + c.cacert;
    transcript.event(std::string("imapcheck ") + kVersion + " trace of " + target + ", TLS " +
                     to_string(c.tls));
    transcript.event("trust: " + trust);
    if (!c.connect_to.empty()) transcript.event("connect-to: " + c.connect_to);
    if (!c.proxy.empty()) transcript.event("proxy: " + without_credentials(c.proxy));
    transcript.event("user: " + (c.user.empty() ? std::string("(none)") : c.user));
}

void trace_result(Transcript& transcript, const Report& report) {
    if (!transcript.enabled()) return;
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.0f ms", report.duration_ms);
    transcript.event(std::string("result: ") + to_string(report.overall()) + " (exit " +
                     std::to_string(report.exit_code()) + ") in " + duration);
}

}  // namespace imapcheck
