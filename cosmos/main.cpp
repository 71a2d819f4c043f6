// cosmos-server: the one place that wires the package service together.
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <thread>

#include "cosmos/adapters/bundle_file.h"
#include "cosmos/adapters/digest.h"
#include "cosmos/adapters/gzip_codec.h"
#include "cosmos/adapters/http_client.h"
#include "cosmos/adapters/package_tree.h"
#include "cosmos/adapters/system_clock.h"
#include "cosmos/adapters/zip_archive.h"
#include "cosmos/app/job_runner.h"
#include "cosmos/app/publish_service.h"
#include "cosmos/app/repository_service.h"
#include "cosmos/app/service_manager.h"
#include "cosmos/app/state_follower.h"
#include "cosmos/core/error.h"
#include "cosmos/http/handlers.h"
#include "cosmos/http/listener.h"
#include "cosmos/http/metrics.h"
#include "cosmos/http/router.h"
#include "cosmos/migrate_command.h"
#include "cosmos/server_config.h"
#include "cosmos/state_stores.h"
#include "universe/embedded_universe.h"

extern char** environ;

namespace {

constexpr const char* kBuiltinUniverse = "builtin:universe";

enum class Level { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

Level parse_level(const std::string& s) {
    if (s == "error") return Level::kError;
    if (s == "warn") return Level::kWarn;
    if (s == "debug") return Level::kDebug;
    return Level::kInfo;
}

// One line per call, formatted in a buffer and written with a single write(2): stderr is
// unbuffered, and several small writes per request cost a quarter of the throughput.
class Logger {
public:
    explicit Logger(Level level) : level_(level) {}
    template <typename... Args>
    void log(Level level, const char* format, Args... args) {
        if (level > level_) return;
        static const char* names[] = {"ERROR", "WARN", "INFO", "DEBUG"};
        char line[2048];
        std::time_t now = std::time(nullptr);
        std::tm tm{};
        gmtime_r(&now, &tm);
        std::size_t n = std::strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ ", &tm);
        n += static_cast<std::size_t>(
            std::snprintf(line + n, sizeof(line) - n, "%s ", names[static_cast<int>(level)]));
        int written = std::snprintf(line + n, sizeof(line) - n, format, args...);
        n = std::min(sizeof(line) - 2, n + static_cast<std::size_t>(std::max(written, 0)));
        line[n++] = '\n';
        std::lock_guard lock(mutex_);
        std::size_t done = 0;
        while (done < n) {
            ssize_t w = ::write(STDERR_FILENO, line + done, n - done);
            if (w <= 0) break;
            done += static_cast<std::size_t>(w);
        }
    }

private:
    Level level_;
    std::mutex mutex_;
};

std::vector<cosmos::app::RepositoryRef> default_repositories(const cosmos::ServerConfig& config,
                                                             std::set<std::string>& file_uris) {
    if (!config.repositories_file) return {{"Universe", kBuiltinUniverse}};
    auto text = cosmos::adapters::read_file(*config.repositories_file);
    auto json = cosmos::core::parse_json(text);
    std::vector<cosmos::app::RepositoryRef> out;
    if (!json.is_array()) {
        throw cosmos::core::unhandled_exception(*config.repositories_file +
                                                ": expected a JSON array of {name, uri}");
    }
    for (const auto& item : json) {
        if (!item.is_object() || !item.contains("name") || !item.contains("uri") ||
            !item["name"].is_string() || !item["uri"].is_string()) {
            throw cosmos::core::unhandled_exception(*config.repositories_file +
                                                    ": each entry needs a string name and uri");
        }
        std::string uri = item["uri"].get<std::string>();
        if (uri.rfind("file:", 0) == 0) file_uris.insert(uri);
        out.push_back({item["name"].get<std::string>(), uri});
    }
    return out;
}

std::pair<std::string, std::uint16_t> split_listen(const std::string& listen) {
    auto colon = listen.rfind(':');
    return {listen.substr(0, colon),
            static_cast<std::uint16_t>(std::stoul(listen.substr(colon + 1)))};
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args.front() == "migrate") {
        Logger migrate_logger(Level::kWarn);
        return cosmos::run_migrate({args.begin() + 1, args.end()}, [&](int level, const auto& m) {
            migrate_logger.log(static_cast<Level>(level), "%s", m.c_str());
        });
    }
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e)
        env.emplace_back(*e);
    auto parsed = cosmos::parse_server_config(args, env);
    if (!parsed.config) {
        std::fprintf(parsed.exit_status == 0 ? stdout : stderr, "%s\n", parsed.message.c_str());
        return parsed.exit_status;
    }
    const auto& config = *parsed.config;
    Logger logger(parse_level(config.log_level));

    // Signals are handled by the main thread only: block them before any thread starts.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    try {
        std::filesystem::create_directories(config.data_dir);
        std::set<std::string> file_uris;
        auto defaults = default_repositories(config, file_uris);
        cosmos::adapters::CpprestHttpClient client;
        cosmos::adapters::SystemClock clock;

        const std::string version = UNIVERSE_VERSION;
        cosmos::core::Codec codec{
            [](std::string_view b) { return cosmos::adapters::gzip_compress(b); },
            [](std::string_view b) { return cosmos::adapters::gzip_decompress(b, 512ull << 20); }};
        auto stores =
            cosmos::open_state_stores(config, defaults, codec, [&](int level, const auto& m) {
                logger.log(static_cast<Level>(level), "%s", m.c_str());
            });

        cosmos::app::RepositoryConfig repo_config;
        repo_config.fetch.user_agent = "cosmos/" + version + " dcos/" + config.dcos_version;
        // Pauses between retries end early at shutdown.
        std::mutex stop_mutex;
        std::condition_variable stop_cv;
        bool stopping = false;
        repo_config.fetch.sleep = [&](std::chrono::milliseconds d) {
            std::unique_lock lock(stop_mutex);
            stop_cv.wait_for(lock, d, [&] { return stopping; });
        };
        repo_config.fetch.timeout = std::chrono::seconds(config.fetch_timeout_seconds);
        repo_config.fetch.max_retries = static_cast<int>(config.fetch_retries);
        repo_config.fetch.retry_pause = std::chrono::milliseconds(config.retry_pause_ms);
        repo_config.dcos_version = config.dcos_version;
        repo_config.builtin[kBuiltinUniverse] = std::string(cosmos::embedded_universe_json());
        repo_config.configured_file_uris = file_uris;
        for (const auto& r : defaults) {
            if (r.uri.rfind("file:", 0) == 0) repo_config.configured_file_uris.insert(r.uri);
        }
        repo_config.unzip = [](std::string_view bytes) {
            std::vector<std::pair<std::string, std::string>> out;
            for (auto& e : cosmos::adapters::read_zip(bytes)) {
                out.emplace_back(std::move(e.path), std::move(e.data));
            }
            return out;
        };
        repo_config.codec = codec;
        repo_config.release_memory = [] { ::malloc_trim(0); };
        cosmos::app::RepositoryService repositories(stores.repositories(), client, clock,
                                                    repo_config);
        repositories.load_stored();

        cosmos::app::ServiceConfig service_config;
        service_config.cluster.marathon_uri = config.marathon_uri;
        service_config.cluster.mesos_uri = config.mesos_uri;
        service_config.cluster.admin_router_uri = config.admin_router_uri;
        service_config.cluster.user_agent = "cosmos/" + version;
        service_config.cluster.timeout = std::chrono::seconds(config.upstream_timeout_seconds);
        service_config.sdk_poll_interval = std::chrono::milliseconds(config.sdk_poll_ms);
        service_config.codec = codec;
        service_config.sha256 = [](std::string_view b) { return cosmos::adapters::sha256_hex(b); };
        cosmos::app::JobRunner jobs(stores.jobs(), clock);
        cosmos::app::ServiceManager services(repositories, client, stores.operations(), clock, jobs,
                                             service_config);

        // Published packages. A bundle holds one package, so its limits are tighter than a zip
        // repository's; the listener has already refused bodies over --max-body-bytes.
        cosmos::adapters::ZipLimits bundle_limits;
        bundle_limits.max_entries = 1000;
        bundle_limits.max_entry_bytes = 16ull << 20;
        bundle_limits.max_total_bytes = 64ull << 20;
        cosmos::app::PublishService publish(
            stores.packages(), repositories, clock, [bundle_limits](std::string_view bytes) {
                auto bundle = cosmos::adapters::read_bundle(bytes, 0, bundle_limits);
                return cosmos::app::CheckedBundle{std::move(bundle.metadata),
                                                  std::move(bundle.package),
                                                  std::move(bundle.sha256)};
            });
        publish.attach();
        // Changes other instances make (through ZooKeeper) reach this one's catalog and jobs.
        cosmos::app::StateFollower follower(stores.changes(), repositories, jobs);

        cosmos::http::Metrics metrics;
        cosmos::http::ServerContext context{repositories, client, codec, metrics, version};
        context.services = &services;
        context.publish = &publish;
        context.store = &stores.monitor();
        context.proxy_timeout = std::chrono::seconds(config.fetch_timeout_seconds);
        cosmos::http::Router router;
        cosmos::http::register_routes(router, context);
        router.set_observer([&](const cosmos::http::RequestRecord& r) {
            metrics.observe(r);
            if (r.error_type.empty()) {
                logger.log(Level::kInfo, "%s %s %d %.1fms", r.method.c_str(), r.path.c_str(),
                           r.status, r.milliseconds);
            } else {
                logger.log(Level::kInfo, "%s %s %d %.1fms %s", r.method.c_str(), r.path.c_str(),
                           r.status, r.milliseconds, r.error_type.c_str());
            }
        });

        auto [host, port] = split_listen(config.listen);
        cosmos::http::ListenerOptions listener_options;
        listener_options.host = host;
        listener_options.port = port;
        listener_options.max_body_bytes = config.max_body_bytes;
        listener_options.threads = config.threads;
        auto listener = cosmos::http::make_listener(
            config.listener == "cpprest" ? cosmos::http::ListenerKind::kCpprest
                                         : cosmos::http::ListenerKind::kBeast,
            listener_options,
            [&router](const cosmos::http::HttpRequest& r) { return router.handle(r); });
        listener->start();
        logger.log(Level::kInfo, "cosmos-server %s listening on %s:%u (data %s, DC/OS %s%s%s)",
                   version.c_str(), host.c_str(), listener->port(), config.data_dir.c_str(),
                   config.dcos_version.c_str(), config.zookeeper_uri ? ", shared state " : "",
                   config.zookeeper_uri ? config.zookeeper_uri->c_str() : "");
        // Jobs stored earlier (by this server before a restart, or by an instance that died).
        jobs.adopt();

        // Background refresh: requests never wait for an upstream.
        bool refresher_done = false;
        std::thread refresher([&] {
            std::unique_lock lock(stop_mutex);
            while (!stopping) {
                lock.unlock();
                try {
                    repositories.refresh();
                    for (const auto& s : repositories.status()) {
                        if (s.last_error) {
                            logger.log(Level::kWarn, "repository %s (%s): %s", s.ref.name.c_str(),
                                       s.ref.uri.c_str(),
                                       (*s.last_error)["message"].get<std::string>().c_str());
                        }
                    }
                } catch (const std::exception& e) {
                    logger.log(Level::kError, "refresh failed: %s", e.what());
                }
                lock.lock();
                stop_cv.wait_for(lock, std::chrono::seconds(config.refresh_seconds),
                                 [&] { return stopping; });
            }
            refresher_done = true;
            stop_cv.notify_all();
        });

        int signal_number = 0;
        sigwait(&signals, &signal_number);
        logger.log(Level::kInfo, "signal %d: finishing requests in flight", signal_number);
        listener->stop(10000);
        follower.stop();
        services.stop();
        bool finished = false;
        {
            std::unique_lock lock(stop_mutex);
            stopping = true;
            stop_cv.notify_all();
            // A download in progress may take up to its timeout; do not wait that long.
            finished =
                stop_cv.wait_for(lock, std::chrono::seconds(3), [&] { return refresher_done; });
        }
        if (!finished) {
            logger.log(Level::kInfo, "stopped (a repository download was abandoned)");
            std::fflush(stderr);
            std::_Exit(0);
        }
        refresher.join();
        logger.log(Level::kInfo, "stopped");
        return 0;
    } catch (const cosmos::core::Error& e) {
        logger.log(Level::kError, "%s (%s)", e.what(), e.type().c_str());
        return 1;
    } catch (const std::exception& e) {
        logger.log(Level::kError, "%s", e.what());
        return 1;
    }
}
