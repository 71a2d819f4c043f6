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
#include "cosmos/http/ui_embedded.h"
#include "cosmos/migrate_command.h"
#include "cosmos/server_auth.h"
#include "cosmos/server_config.h"
#include "cosmos/server_log.h"
#include "cosmos/state_stores.h"
#include "cosmos/upstream_log.h"
#include "universe/embedded_universe.h"

extern char** environ;

namespace {

constexpr const char* kBuiltinUniverse = "builtin:universe";

using Level = cosmos::LogLevel;

std::vector<cosmos::app::RepositoryRef> default_repositories(const cosmos::ServerConfig& config,
                                                             std::set<std::string>& file_uris) {
    if (!config.repositories_file) return {{"Universe", kBuiltinUniverse}};
    const std::string file = "the repositories file " + *config.repositories_file;
    auto text = cosmos::adapters::read_file(*config.repositories_file);
    cosmos::core::Json json;
    try {
        json = cosmos::core::parse_json(text);
    } catch (const cosmos::core::Error& e) {
        throw cosmos::core::unhandled_exception(
            file + " is not JSON: " + e.data().value("parsingErrorMessage", e.what()));
    }
    std::vector<cosmos::app::RepositoryRef> out;
    if (!json.is_array()) {
        throw cosmos::core::unhandled_exception(
            file + " must hold a JSON array of {\"name\": ..., \"uri\": ...} objects");
    }
    for (const auto& item : json) {
        if (!item.is_object() || !item.contains("name") || !item.contains("uri") ||
            !item["name"].is_string() || !item["uri"].is_string()) {
            throw cosmos::core::unhandled_exception(
                file + ": entry " + std::to_string(out.size() + 1) +
                " needs a string \"name\" and a string \"uri\"");
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
        cosmos::ServerLog migrate_logger(Level::kWarn);
        return cosmos::run_migrate({args.begin() + 1, args.end()}, [&](int level, const auto& m) {
            migrate_logger.log(static_cast<Level>(level), "%s", m.c_str());
        });
    }
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e)
        env.emplace_back(*e);
    auto parsed = cosmos::parse_server_config(args, env);
    if (parsed.version_requested) {
        std::printf("cosmos-server %s\n", UNIVERSE_VERSION);
        return 0;
    }
    if (!parsed.config) {
        std::fprintf(parsed.exit_status == 0 ? stdout : stderr, "%s\n", parsed.message.c_str());
        return parsed.exit_status;
    }
    const auto& config = *parsed.config;

    // Signals are handled by the main thread only: block them before any thread starts
    // (the log has a writer thread).
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    cosmos::ServerLog logger(cosmos::parse_log_level(config.log_level));

    // Authentication is settled before anything else starts: a bad file stops the server here.
    cosmos::adapters::SystemClock auth_clock;
    std::unique_ptr<cosmos::ServerAuth> auth;
    try {
        auth = std::make_unique<cosmos::ServerAuth>(config, auth_clock);
    } catch (const std::exception& e) {
        logger.log(Level::kError, "%s", e.what());
        return 2;
    }
    for (const auto& notice : auth->notices())
        logger.log(auth->warn() ? Level::kWarn : Level::kInfo, "%s", notice.c_str());

    try {
        std::error_code dir_error;
        std::filesystem::create_directories(config.data_dir, dir_error);
        if (dir_error) {
            throw cosmos::core::unhandled_exception(
                "cannot create the data directory " + config.data_dir +
                " (--data-dir): " + cosmos::adapters::describe(dir_error));
        }
        std::set<std::string> file_uris;
        auto defaults = default_repositories(config, file_uris);
        cosmos::adapters::CpprestHttpClient http_client;
        cosmos::LoggingHttpClient client(
            http_client, logger.enabled(Level::kDebug)
                             ? cosmos::LoggingHttpClient::Sink([&logger](const std::string& line) {
                                   logger.log(Level::kDebug, "%s", line.c_str());
                               })
                             : nullptr);
        cosmos::adapters::SystemClock clock;

        const std::string version = UNIVERSE_VERSION;
        cosmos::core::Codec codec{
            [](std::string_view b) { return cosmos::adapters::gzip_compress(b); },
            [](std::string_view b) { return cosmos::adapters::gzip_decompress(b, 512ull << 20); }};
        auto stores =
            cosmos::open_state_stores(config, defaults, codec, [&](int level, const auto& m) {
                logger.log(static_cast<Level>(level), "%s", m.c_str());
            });
        if (config.repositories_file && stores.repositories().list() != defaults) {
            // The file seeds a fresh store only; the stored list (changed through the API) wins.
            const std::string holder = config.zookeeper_uri
                                           ? "shared state in ZooKeeper " + *config.zookeeper_uri
                                           : "data directory " + config.data_dir;
            logger.log(Level::kWarn,
                       "--repositories-file %s was not applied: the %s already has a repository "
                       "list, which is kept (change it with /package/repository/add and /delete, "
                       "or start on an empty %s)",
                       config.repositories_file->c_str(), holder.c_str(),
                       config.zookeeper_uri ? "ZooKeeper path" : "--data-dir");
        }

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
        repo_config.add_timeout = std::chrono::seconds(config.add_timeout_seconds);
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

        // Published packages, read with the bundle limits repo-tool also applies; the listener
        // has already refused bodies over --max-body-bytes.
        cosmos::app::PublishService publish(
            stores.packages(), repositories, clock, [](std::string_view bytes) {
                auto bundle =
                    cosmos::adapters::read_bundle(bytes, 0, cosmos::adapters::bundle_limits());
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
        auto ui = cosmos::http::embedded_ui(codec.gzip);
        if (auto check = auth->ui_check()) ui->set_authorize(std::move(*check));
        cosmos::http::register_ui_routes(router, *ui);
        if (auto guard = auth->guard()) router.set_guard(std::move(*guard));
        router.set_observer([&](const cosmos::http::RequestRecord& r) {
            metrics.observe(r);
            logger.request(r.method, r.path, r.status, r.milliseconds, r.error_type,
                           r.error_detail);
        });

        auto [host, port] = split_listen(config.listen);
        cosmos::http::ListenerOptions listener_options;
        listener_options.host = host;
        listener_options.port = port;
        listener_options.max_body_bytes = config.max_body_bytes;
        listener_options.threads = config.threads;
        listener_options.on_refused = [&router](const cosmos::http::HttpRequest& request,
                                                const cosmos::http::HttpResponse& response) {
            router.refused(request, response);
        };
        auto listener = cosmos::http::make_listener(
            config.listener == "cpprest" ? cosmos::http::ListenerKind::kCpprest
                                         : cosmos::http::ListenerKind::kBeast,
            listener_options,
            [&router](const cosmos::http::HttpRequest& r) { return router.handle(r); });
        listener->start();
        logger.always(Level::kInfo, "cosmos-server %s listening on %s:%u (data %s, DC/OS %s%s%s)",
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
            logger.flush();
            std::fflush(stderr);
            std::_Exit(0);
        }
        refresher.join();
        logger.log(Level::kInfo, "stopped");
        return 0;
    } catch (const cosmos::core::Error& e) {
        if (e.type() == "ListenFailed") {
            logger.always(Level::kError, "%s; choose another address with --listen HOST:PORT",
                          e.what());
        } else {
            logger.always(Level::kError, "%s", e.what());
        }
        return 1;
    } catch (const std::exception& e) {
        logger.always(Level::kError, "cosmos-server stopped: %s", e.what());
        return 1;
    }
}
