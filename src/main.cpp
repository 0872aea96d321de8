// imapcheck: entry point. Parse the command line, run the checks, render, exit with the
// Nagios-convention code (docs/contract.md §3). Exceptions stop here as UNKNOWN (3), never a crash.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "front/serve_command.hpp"
#include "imapcheck/cli.hpp"
#include "imapcheck/fleet.hpp"
#include "imapcheck/output.hpp"
#include "imapcheck/probe.hpp"
#include "imapcheck/render.hpp"
#include "imapcheck/timestamp.hpp"

namespace {

using namespace imapcheck;

// The transcript may show mail content: the file is created private (0600).
std::FILE* open_trace(const std::string& path) {
    if (path.empty()) return nullptr;
    if (path == "-") return stderr;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    return fd < 0 ? nullptr : ::fdopen(fd, "w");
}

// One line on a terminal's stderr while a fleet runs, rewritten as targets finish.
void show_progress(std::size_t done, std::size_t total, const Report& report) {
    static std::size_t problems = 0;
    problems += report.overall() != Overall::Ok;
    std::fprintf(stderr, "\r\033[K%zu of %zu targets checked, %zu with problems", done, total,
                 problems);
}

// A run that cannot start still replaces its -o file: a textfile left saying imapcheck_up 1
// would keep the alert on imapcheck_up == 0 from ever firing. The file then says UNKNOWN in
// its format (Prometheus: imapcheck_up 0 and the cause).
void replace_output(const OutputSettings& settings, const std::string& message) {
    if (settings.output.empty() || !check_writable(settings.output)) return;
    Report report;
    report.started_at = utc_now_rfc3339();
    report.unknown_causes.push_back(message);
    report.notes.push_back("not run: " + message);
    std::string rendered = settings.format == OutputFormat::Nagios ? render_nagios_unknown(message)
                                                                   : render(report, settings);
    if (auto written = write_atomically(settings.output, rendered); !written)
        std::fprintf(stderr, "imapcheck: %s\n", written.error().message.c_str());
}

int run(int argc, char** argv) {
    CliOutcome cli = parse_command_line(argc, argv, process_getenv, ::isatty(STDIN_FILENO) == 1);
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
            if (cli.output.format == OutputFormat::Nagios && cli.output.output.empty())
                std::fputs(render_nagios_unknown(cli.message).c_str(), stdout);
            replace_output(cli.output, cli.message);
            return 3;
        case CliOutcome::Kind::Run:
        case CliOutcome::Kind::Fleet:
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
    std::string rendered;
    int exit_code = 3;
    if (cli.kind == CliOutcome::Kind::Fleet) {
        FleetReport fleet = run_fleet(cli.targets, *transport, cli.limits, trace,
                                      ::isatty(STDERR_FILENO) ? show_progress : FleetProgress());
        if (::isatty(STDERR_FILENO)) std::fputs("\r\033[K", stderr);
        for (const auto& report : fleet.targets)
            for (const auto& cause : report.unknown_causes)
                std::fprintf(stderr, "imapcheck: [%s] %s\n", report.name.c_str(), cause.c_str());
        rendered = render(fleet, settings);
        exit_code = fleet.exit_code();
    } else {
        Transcript transcript(trace, Clock::now());
        Report report = probe(cli.target, *transport, {.transcript = &transcript});
        for (const auto& cause : report.unknown_causes)
            std::fprintf(stderr, "imapcheck: %s\n", cause.c_str());
        rendered = render(report, settings);
        exit_code = report.exit_code();
    }
    if (trace && trace != stderr) std::fclose(trace);

    if (!settings.output.empty()) {
        if (auto written = write_atomically(settings.output, rendered); !written) {
            std::fprintf(stderr, "imapcheck: %s\n", written.error().message.c_str());
            return 3;
        }
    } else {
        std::fwrite(rendered.data(), 1, rendered.size(), stdout);
    }
    return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc > 1 && std::string_view(argv[1]) == "serve")
            return serve_command(argc - 1, argv + 1);
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "imapcheck: internal error: %s\n", e.what());
    } catch (...) {
        std::fprintf(stderr, "imapcheck: internal error\n");
    }
    return 3;
}
