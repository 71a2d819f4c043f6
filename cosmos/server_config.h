#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cosmos {

/// cosmos-server settings: each flag has an environment equivalent; a flag wins over the
/// environment, which wins over the default.
struct ServerConfig {
    std::string listen = "127.0.0.1:7070";                  // --listen, COSMOS_LISTEN
    std::string data_dir = "cosmos-data";                   // --data-dir, COSMOS_DATA_DIR
    std::string marathon_uri = "http://master.mesos:8080";  // --marathon-uri
    std::string mesos_uri = "http://leader.mesos:5050";     // --mesos-uri
    std::string admin_router_uri = "http://master.mesos";   // --admin-router-uri
    std::optional<std::string> repositories_file;           // --repositories-file
    std::string dcos_version = "2.1";                       // --dcos-version
    unsigned refresh_seconds = 60;                          // --refresh-interval
    std::uint64_t max_body_bytes = 32ull << 20;             // --max-body-bytes
    std::string log_level = "info";                         // --log-level: error, warn, info, debug
    std::string listener = "beast";                         // --listener: beast or cpprest
    unsigned threads = 0;                                   // --threads (0 = hardware threads)
    unsigned fetch_timeout_seconds = 60;                    // --fetch-timeout
    unsigned add_timeout_seconds = 10;                      // --add-timeout
    unsigned fetch_retries = 3;                             // --fetch-retries
    unsigned retry_pause_ms = 5000;                         // --retry-pause-ms
    unsigned upstream_timeout_seconds = 30;                 // --upstream-timeout
    unsigned sdk_poll_ms = 10000;                           // --sdk-poll-ms
    std::optional<std::string> auth_file;                   // --auth-file: turns on authentication
    std::optional<std::string> jwt_public_key;              // --jwt-public-key: PEM, RS256 JWTs
    bool allow_unauthenticated = false;  // --allow-unauthenticated (a flag): no auth off loopback
    std::optional<std::string> zookeeper_uri;       // --zookeeper-uri
    unsigned zookeeper_session_timeout_ms = 10000;  // --zookeeper-session-timeout-ms
};

/// The result of reading the command line: a config, or a message to print and an exit status.
struct ConfigResult {
    std::optional<ServerConfig> config;
    std::string message;  ///< usage or error text when config is empty
    int exit_status = 0;
    bool version_requested = false;  ///< --version: print the version and exit 0
};

/// Reads flags (--name value or --name=value) over environment variables (COSMOS_*) over the
/// defaults. --dcos-uri U sets the Marathon (U/marathon), Mesos (U/mesos) and Admin Router (U)
/// URIs at once. --help gives the usage with exit status 0, --version sets version_requested;
/// a bad flag gives exit status 2.
ConfigResult parse_server_config(const std::vector<std::string>& args,
                                 const std::vector<std::string>& environment);

/// The usage text.
std::string server_usage();

}  // namespace cosmos
