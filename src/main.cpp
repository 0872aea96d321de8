// imapcheck: entry point. Parse the command line, run the checks, render, exit with the
// Nagios-convention code (SPEC §3). Exceptions stop here as UNKNOWN (3), never a crash.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>

#include "imapcheck/cli.hpp"
#include "imapcheck/output.hpp"
#include "imapcheck/probe.hpp"
#include "imapcheck/render.hpp"

namespace {

using namespace imapcheck;

// The transcript may show mail content: the file is created private (0600).
std::FILE* open_trace(const std::string& path) {
    if (path.empty()) return nullptr;
    if (path == "-") return stderr;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    return fd < 0 ? nullptr : ::fdopen(fd, "w");
}

int run(int argc, char** argv) {
    CliOutcome cli = parse_command_line(argc, argv, process_getenv);
    switch (cli.kind) {
        case CliOutcome::Kind::Help:
            std::fputs(help_text().c_str(), stdout);
            return 0;
        case CliOutcome::Kind::Version:
            std::fputs(version_text().c_str(), stdout);
            return 0;
        case CliOutcome::Kind::UsageError:
            std::fprintf(stderr, "imapcheck: %s (see --help)\n", cli.message.c_str());
            // A monitoring system shows stdout: the plugin guidelines want UNKNOWN said there.
            if (cli.output.format == OutputFormat::Nagios)
                std::fputs(render_nagios_unknown(cli.message).c_str(), stdout);
            return 3;
        case CliOutcome::Kind::Run:
            break;
    }
    OutputSettings& settings = cli.output;
    std::FILE* trace = open_trace(settings.trace);
    if (!settings.trace.empty() && !trace) {
        std::fprintf(stderr, "imapcheck: cannot write the trace file '%s'\n",
                     settings.trace.c_str());
        return 3;
    }
    settings.color = settings.color && settings.output.empty() && ::isatty(STDOUT_FILENO);

    auto transport = make_curl_transport();
    Transcript transcript(trace, Clock::now());
    Report report = probe(cli.target, *transport, {.transcript = &transcript});
    if (trace && trace != stderr) std::fclose(trace);
    for (const auto& cause : report.unknown_causes)
        std::fprintf(stderr, "imapcheck: %s\n", cause.c_str());

    std::string rendered = render(report, settings);
    if (!settings.output.empty()) {
        if (auto written = write_atomically(settings.output, rendered); !written) {
            std::fprintf(stderr, "imapcheck: %s\n", written.error().message.c_str());
            return 3;
        }
    } else {
        std::fwrite(rendered.data(), 1, rendered.size(), stdout);
    }
    return report.exit_code();
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "imapcheck: internal error: %s\n", e.what());
    } catch (...) {
        std::fprintf(stderr, "imapcheck: internal error\n");
    }
    return 3;
}
