// imapcheck: what opens connections (the Transport) and the one that libcurl and OpenSSL
// implement (src/transport/). Checks and the engine see only this and connection.hpp.
#pragma once

#include <memory>
#include <string>

#include "imapcheck/config.hpp"
#include "imapcheck/connection.hpp"
#include "imapcheck/deadline.hpp"
#include "imapcheck/transcript.hpp"

namespace imapcheck {

// Opens connections. What is costly to build and safe to share lives here, built once per
// process: the libraries, the CA store of each trust file, the TLS sessions that later
// connections to the same server resume.
class Transport {
  public:
    virtual ~Transport() = default;
    // Connects as the config says; never throws for network trouble: facts().reached says
    // how far it got. `run_deadline` bounds the whole connect phase too.
    virtual std::unique_ptr<Connection> connect(const TargetConfig& config,
                                                const Deadline& run_deadline,
                                                Transcript& transcript) = 0;
};

// libcurl and OpenSSL (src/transport/). Calls global_transport_init() the first time.
std::unique_ptr<Transport> make_curl_transport();

// "libcurl 7.88.1, OpenSSL 3.0.x": what the transport is built on, for --version.
std::string transport_versions();

}  // namespace imapcheck
