// imapcheck: the `serve` subcommand (the Prometheus exporter); argv[0] is "serve".
#pragma once

namespace imapcheck {

// Runs until SIGTERM or SIGINT; the exit code.
int serve_command(int argc, char** argv);

}  // namespace imapcheck
