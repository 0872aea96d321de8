// imapcheck: the text report (SPEC §6): a header line, one line per check (status, id,
// time, summary), any server [ALERT]s, then the overall line. Colour only when asked.
#include <cstdio>

#include "imapcheck/render.hpp"

namespace imapcheck {
namespace {

const char* label(CheckStatus s) {
    switch (s) {
        case CheckStatus::Pass: return "PASS";
        case CheckStatus::Warn: return "WARN";
        case CheckStatus::Fail: return "FAIL";
        case CheckStatus::Skip: return "SKIP";
    }
    return "?";
}

const char* colour(CheckStatus s) {
    switch (s) {
        case CheckStatus::Pass: return "\033[32m";
        case CheckStatus::Warn: return "\033[33m";
        case CheckStatus::Fail: return "\033[31m";
        case CheckStatus::Skip: return "\033[2m";
    }
    return "";
}

const char* colour(Overall o) {
    switch (o) {
        case Overall::Ok: return "\033[1;32m";
        case Overall::Warning: return "\033[1;33m";
        default: return "\033[1;31m";
    }
}

const char* tls_words(const std::string& mode) {
    if (mode == "implicit") return "implicit TLS";
    if (mode == "starttls") return "STARTTLS";
    return "no TLS";
}

std::string plural(std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
    }
    return out;
}

std::string render_text(const Report& report, bool color) {
    const char* reset = color ? "\033[0m" : "";
    const std::string& host = report.target.host;
    std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;  // IPv6
    // "dave@example.test@localhost" would leave the reader to guess where the user ends.
    const std::string& user = report.target.user;
    const char* at = user.find('@') != std::string::npos ? " on " : "@";
    std::string out = std::string("imapcheck ") + kVersion + "  " + printable(user) + at +
                      printable(shown_host) + ":" + std::to_string(report.target.port) + " (" +
                      tls_words(report.target.tls) + ")\n";
    std::size_t warns = 0, fails = 0, skips = 0;
    char buf[64];
    for (const auto& c : report.checks) {
        warns += c.status == CheckStatus::Warn;
        fails += c.status == CheckStatus::Fail;
        skips += c.status == CheckStatus::Skip;
        std::snprintf(buf, sizeof buf, "%-11s %7.1f ms  ", c.id.c_str(), c.duration_ms);
        out += "  " + std::string(color ? colour(c.status) : "") + label(c.status) + reset + "  " + buf +
               printable(c.summary) + "\n";
    }
    for (const auto& alert : report.alerts) out += "  ALERT from the server: " + printable(alert) + "\n";
    for (const auto& note : report.notes) out += "  " + note + "\n";

    Overall overall = report.overall();
    std::string counts = overall == Overall::Ok && skips == 0
                             ? "all " + std::to_string(report.checks.size()) + " checks passed"
                             : plural(warns, "warning") + ", " + plural(fails, "failure") +
                                   (skips ? ", " + std::to_string(skips) + " skipped" : "");
    std::snprintf(buf, sizeof buf, "%.1f ms", report.duration_ms);
    out += std::string(color ? colour(overall) : "") + to_string(overall) + reset + "  " + counts + "  " +
           buf + "\n";
    return out;
}

}  // namespace imapcheck
