#include "cosmos/server_config.h"

#include <charconv>
#include <functional>
#include <map>

#include "cosmos/adapters/zookeeper_uri.h"

namespace cosmos {

namespace {

struct Option {
    const char* flag;
    const char* env;
    const char* help;
    std::function<bool(ServerConfig&, const std::string&)> set;
    bool flag_only =
        false;  ///< takes no value on the command line; "true"/"false" in the environment
};

bool set_bool(bool& out, const std::string& v) {
    if (v == "true" || v == "1") {
        out = true;
    } else if (v == "false" || v == "0") {
        out = false;
    } else {
        return false;
    }
    return true;
}

bool set_unsigned(unsigned& out, const std::string& v) {
    unsigned n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size()) return false;
    out = n;
    return true;
}

bool set_u64(std::uint64_t& out, const std::string& v) {
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size() || n == 0) return false;
    out = n;
    return true;
}

const std::vector<Option>& options() {
    static const std::vector<Option> table = {
        {"listen", "COSMOS_LISTEN", "HOST:PORT to serve on (default 127.0.0.1:7070)",
         [](ServerConfig& c, const std::string& v) {
             c.listen = v;
             auto colon = v.rfind(':');
             unsigned port = 0;
             return colon != std::string::npos && colon > 0 &&
                    set_unsigned(port, v.substr(colon + 1)) && port <= 65535;
         }},
        {"data-dir", "COSMOS_DATA_DIR", "folder of the SQLite store (default ./cosmos-data)",
         [](ServerConfig& c, const std::string& v) {
             c.data_dir = v;
             return !v.empty();
         }},
        {"dcos-uri", "COSMOS_DCOS_URI",
         "Admin Router base URL; sets the three URIs below to U/marathon, U/mesos and U",
         [](ServerConfig& c, const std::string& v) {
             std::string base = v;
             while (!base.empty() && base.back() == '/')
                 base.pop_back();
             c.marathon_uri = base + "/marathon";
             c.mesos_uri = base + "/mesos";
             c.admin_router_uri = base;
             return !base.empty();
         }},
        {"marathon-uri", "COSMOS_MARATHON_URI", "Marathon (default http://master.mesos:8080)",
         [](ServerConfig& c, const std::string& v) {
             c.marathon_uri = v;
             return !v.empty();
         }},
        {"mesos-uri", "COSMOS_MESOS_URI", "Mesos master (default http://leader.mesos:5050)",
         [](ServerConfig& c, const std::string& v) {
             c.mesos_uri = v;
             return !v.empty();
         }},
        {"admin-router-uri", "COSMOS_ADMIN_ROUTER_URI",
         "Admin Router (default http://master.mesos)",
         [](ServerConfig& c, const std::string& v) {
             c.admin_router_uri = v;
             return !v.empty();
         }},
        {"repositories-file", "COSMOS_REPOSITORIES_FILE",
         "JSON file [{\"name\",\"uri\"}...] of the repositories of a fresh store (file:// URIs "
         "allowed); default: the Universe built into the server",
         [](ServerConfig& c, const std::string& v) {
             c.repositories_file = v;
             return !v.empty();
         }},
        {"dcos-version", "COSMOS_DCOS_VERSION", "DC/OS release sent to repositories (default 2.1)",
         [](ServerConfig& c, const std::string& v) {
             c.dcos_version = v;
             return !v.empty();
         }},
        {"refresh-interval", "COSMOS_REFRESH_INTERVAL",
         "seconds between background repository refreshes (default 60)",
         [](ServerConfig& c, const std::string& v) {
             return set_unsigned(c.refresh_seconds, v) && c.refresh_seconds > 0;
         }},
        {"max-body-bytes", "COSMOS_MAX_BODY_BYTES", "largest request body (default 33554432)",
         [](ServerConfig& c, const std::string& v) { return set_u64(c.max_body_bytes, v); }},
        {"log-level", "COSMOS_LOG_LEVEL", "error, warn, info (default) or debug",
         [](ServerConfig& c, const std::string& v) {
             c.log_level = v;
             return v == "error" || v == "warn" || v == "info" || v == "debug";
         }},
        {"listener", "COSMOS_LISTENER", "HTTP server: beast (default) or cpprest",
         [](ServerConfig& c, const std::string& v) {
             c.listener = v;
             return v == "beast" || v == "cpprest";
         }},
        {"threads", "COSMOS_THREADS", "HTTP worker threads (default: one per core)",
         [](ServerConfig& c, const std::string& v) { return set_unsigned(c.threads, v); }},
        {"fetch-timeout", "COSMOS_FETCH_TIMEOUT",
         "seconds a background repository refresh or a resource download may take (default 60)",
         [](ServerConfig& c, const std::string& v) {
             return set_unsigned(c.fetch_timeout_seconds, v) && c.fetch_timeout_seconds > 0;
         }},
        {"add-timeout", "COSMOS_ADD_TIMEOUT",
         "seconds a repository add may take to download the repository, in one attempt "
         "(default 10)",
         [](ServerConfig& c, const std::string& v) {
             return set_unsigned(c.add_timeout_seconds, v) && c.add_timeout_seconds > 0;
         }},
        {"fetch-retries", "COSMOS_FETCH_RETRIES",
         "extra attempts of a background refresh after I/O errors and 5xx answers (default 3)",
         [](ServerConfig& c, const std::string& v) { return set_unsigned(c.fetch_retries, v); }},
        {"retry-pause-ms", "COSMOS_RETRY_PAUSE_MS",
         "pause between the attempts of a background refresh (default 5000)",
         [](ServerConfig& c, const std::string& v) { return set_unsigned(c.retry_pause_ms, v); }},
        {"upstream-timeout", "COSMOS_UPSTREAM_TIMEOUT",
         "seconds a Marathon, Mesos or Admin Router call may take (default 30)",
         [](ServerConfig& c, const std::string& v) {
             return set_unsigned(c.upstream_timeout_seconds, v) && c.upstream_timeout_seconds > 0;
         }},
        {"sdk-poll-ms", "COSMOS_SDK_POLL_MS",
         "how often an SDK uninstall checks whether the scheduler is done (default 10000)",
         [](ServerConfig& c, const std::string& v) {
             return set_unsigned(c.sdk_poll_ms, v) && c.sdk_poll_ms > 0;
         }},
        {"auth-file", "COSMOS_AUTH_FILE",
         "turns on authentication: '<role> sha256:<hex>' and '<role> uid:<uid>' lines",
         [](ServerConfig& c, const std::string& v) {
             c.auth_file = v;
             return !v.empty();
         }},
        {"jwt-public-key", "COSMOS_JWT_PUBLIC_KEY",
         "PEM RSA public key: also accept RS256 JWTs whose uid the auth file gives a role",
         [](ServerConfig& c, const std::string& v) {
             c.jwt_public_key = v;
             return !v.empty();
         }},
        {"allow-unauthenticated", "COSMOS_ALLOW_UNAUTHENTICATED",
         "serve a non-loopback address without --auth-file (anyone who reaches it may install)",
         [](ServerConfig& c, const std::string& v) { return set_bool(c.allow_unauthenticated, v); },
         true},
        {"zookeeper-uri", "COSMOS_ZOOKEEPER_URI",
         "zk://host:port[,host:port...]/path: keep the state instances share in ZooKeeper "
         "(default: none, everything in the SQLite store)",
         [](ServerConfig& c, const std::string& v) {
             c.zookeeper_uri = v;
             return true;  // checked after parsing, for Cosmos's message
         }},
        {"zookeeper-session-timeout-ms", "COSMOS_ZOOKEEPER_SESSION_TIMEOUT_MS",
         "ZooKeeper session timeout; another instance takes over this one's jobs that long "
         "after it dies (default 10000)",
         [](ServerConfig& c, const std::string& v) {
             return set_unsigned(c.zookeeper_session_timeout_ms, v) &&
                    c.zookeeper_session_timeout_ms > 0;
         }},
    };
    return table;
}

}  // namespace

std::string server_usage() {
    std::string out =
        "usage: cosmos-server [options]\n"
        "A package service compatible with DC/OS Cosmos. Each option can also be set through\n"
        "the environment variable shown; options win over the environment.\n\n"
        "  --help                 this text\n"
        "  --version              the version\n";
    for (const auto& o : options()) {
        std::string name = "--" + std::string(o.flag) + (o.flag_only ? "" : " VALUE");
        out += "  " + name;
        out.append(name.size() < 34 ? 36 - name.size() : 2, ' ');
        out += std::string(o.env) + "\n      " + o.help + "\n";
    }
    return out;
}

ConfigResult parse_server_config(const std::vector<std::string>& args,
                                 const std::vector<std::string>& environment) {
    ConfigResult result;
    ServerConfig config;
    std::map<std::string, std::string> env;
    for (const auto& e : environment) {
        auto eq = e.find('=');
        if (eq != std::string::npos) env[e.substr(0, eq)] = e.substr(eq + 1);
    }
    // The environment first (dcos-uri before the specific URIs, as in the table), then flags.
    for (const auto& o : options()) {
        auto it = env.find(o.env);
        if (it == env.end()) continue;
        if (!o.set(config, it->second)) {
            result.message = "invalid value for " + std::string(o.env) + ": '" + it->second + "'";
            result.exit_status = 2;
            return result;
        }
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i];
        if (arg == "--help" || arg == "-h") {
            result.message = server_usage();
            result.exit_status = 0;
            return result;
        }
        if (arg == "--version") {
            result.version_requested = true;
            return result;
        }
        if (arg.rfind("--", 0) != 0) {
            result.message = "unexpected argument '" + arg + "'\n\n" + server_usage();
            result.exit_status = 2;
            return result;
        }
        std::string name = arg.substr(2);
        std::optional<std::string> value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        const Option* option = nullptr;
        for (const auto& o : options()) {
            if (name == o.flag) option = &o;
        }
        if (!option) {
            result.message = "unknown option --" + name + "\n\n" + server_usage();
            result.exit_status = 2;
            return result;
        }
        if (!value && option->flag_only) {
            value = "true";
        } else if (!value) {
            if (i + 1 >= args.size()) {
                result.message = "option --" + name + " needs a value";
                result.exit_status = 2;
                return result;
            }
            value = args[++i];
        }
        if (!option->set(config, *value)) {
            result.message = "invalid value for --" + name + ": '" + *value + "'";
            result.exit_status = 2;
            return result;
        }
    }
    if (config.zookeeper_uri && !adapters::parse_zookeeper_uri(*config.zookeeper_uri)) {
        result.message = adapters::zookeeper_uri_message(*config.zookeeper_uri);
        result.exit_status = 2;
        return result;
    }
    result.config = std::move(config);
    return result;
}

}  // namespace cosmos
