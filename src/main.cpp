// imapcheck: entry point. Parse the command line, run the checks, render, exit with the
// Nagios-convention code (SPEC §3). Exceptions stop here as UNKNOWN (3), never a crash.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>

#include "imapcheck/cli.hpp"
#include "imapcheck/connection.hpp"
#include "imapcheck/output.hpp"
#include "imapcheck/render.hpp"
#include "imapcheck/runner.hpp"

namespace {

using namespace imapcheck;

std::optional<std::string> real_getenv(const std::string& name) {
    const char* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
}

// The transcript may show mail content: the file is created private (0600).
std::FILE* open_trace(const std::string& path) {
    if (path.empty()) return nullptr;
    if (path == "-") return stderr;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    return fd < 0 ? nullptr : ::fdopen(fd, "w");
}

int run(int argc, char** argv) {
    CliOutcome cli = parse_command_line(argc, argv, real_getenv);
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
            if (cli.config.format == OutputFormat::Nagios)
                std::fputs(render_nagios_unknown(cli.message).c_str(), stdout);
            return 3;
        case CliOutcome::Kind::Run:
            break;
    }
    Config& config = cli.config;
    const auto started = Clock::now();
    std::FILE* trace = open_trace(config.trace);
    if (!config.trace.empty() && !trace) {
        std::fprintf(stderr, "imapcheck: cannot write the trace file '%s'\n", config.trace.c_str());
        return 3;
    }
    config.color = config.color && config.output.empty() && ::isatty(STDOUT_FILENO);

    global_transport_init();
    Transcript transcript(trace, started);
    Report report = run_checks(config, transcript, started);
    config.password.wipe();
    if (trace && trace != stderr) std::fclose(trace);

    std::string rendered = render(report, config);
    if (!config.output.empty()) {
        if (auto written = write_atomically(config.output, rendered); !written) {
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
