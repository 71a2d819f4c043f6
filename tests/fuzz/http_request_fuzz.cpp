// Fuzz target "http_request": whole HTTP requests routed through every handler of cosmos-server,
// without a socket: the router and register_routes() as main.cpp wires them, over in-memory
// stores, part of the bundled Universe, and an in-memory cluster (Marathon, Mesos, Admin Router)
// and repository server. An input holds up to kMaxRequests requests, separated by kSeparator, each
// written as on the wire:
//
//   POST /package/install?x=1
//   Content-Type: ...
//   Accept: ...
//
//   {"packageName": "nginx"}
//
// so that sequences (install, then list, update, uninstall) are reached. Every input starts from
// the same state. Every answer must be a status the API uses; an error answer must be a Cosmos
// error body whose message carries no library text; and no request may end in an unexpected
// exception (unhandled_exception).

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cosmos/adapters/bundle_file.h"
#include "cosmos/adapters/digest.h"
#include "cosmos/adapters/gzip_codec.h"
#include "cosmos/app/job_runner.h"
#include "cosmos/app/publish_service.h"
#include "cosmos/app/repository_service.h"
#include "cosmos/app/service_manager.h"
#include "cosmos/core/app_id.h"
#include "cosmos/core/error.h"
#include "cosmos/core/json.h"
#include "cosmos/core/repo_index.h"
#include "cosmos/http/handlers.h"
#include "cosmos/http/listener.h"
#include "cosmos/http/metrics.h"
#include "cosmos/http/router.h"
#include "tests/app/fakes.h"
#include "tests/fuzz/fuzz_support.h"
#include "universe/embedded_universe.h"

using namespace cosmos;
using universe_fuzz::expect;

namespace {

constexpr const char* kTarget = "http_request";
constexpr std::string_view kSeparator = "\n----next request----\n";
constexpr std::size_t kMaxRequests = 8;

constexpr std::string_view kMarathon = "http://marathon.invalid";
constexpr std::string_view kMesos = "http://mesos.invalid";
constexpr std::string_view kAdminRouter = "http://adminrouter.invalid";
constexpr std::string_view kRepositoryServer = "http://repository.invalid/";

// What the in-memory repository server serves at every path: one small package.
constexpr std::string_view kServedRepository = R"({"packages": [{
    "packagingVersion": "3.0", "name": "hello", "version": "1.0.0", "releaseVersion": 0,
    "maintainer": "dev@universe.invalid", "description": "A greeting.", "tags": ["demo"],
    "marathon": {"v2AppMustacheTemplate":
        "eyJpZCI6ICJ7e2hlbGxvLm5hbWV9fSIsICJjbWQiOiAic2xlZXAgMTAwIn0="},
    "config": {"type": "object", "properties": {"hello": {"type": "object", "properties":
        {"name": {"type": "string", "default": "hello"}}}}}}]})";

app::HttpReply reply(int status, std::string body) {
    app::HttpReply r;
    r.status = status;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = std::move(body);
    return r;
}

// Marathon, Mesos and Admin Router as far as cosmos-server uses them, in memory.
class FakeCluster : public app::HttpClient {
public:
    app::HttpReply send(const app::HttpCall& call) override {
        std::lock_guard lock(mutex_);
        const std::string_view url = call.url;
        if (url.substr(0, kMarathon.size()) == kMarathon) {
            return marathon(call.method, std::string(url.substr(kMarathon.size())), call.body);
        }
        if (url.substr(0, kMesos.size()) == kMesos) {
            if (url.find("/master/frameworks") != std::string_view::npos) {
                return reply(200, R"({"frameworks": [], "completed_frameworks": []})");
            }
            return reply(200, "");
        }
        if (url.substr(0, kAdminRouter.size()) == kAdminRouter) return reply(404, "");
        if (url.substr(0, kRepositoryServer.size()) == kRepositoryServer) {
            app::HttpReply r = reply(200, std::string(kServedRepository));
            r.headers = {{"Content-Type", core::repo_media_type(5)}};
            return r;
        }
        throw core::endpoint_uri_connection(call.url, "no such host in the fuzz target");
    }

private:
    app::HttpReply marathon(const std::string& method, std::string path, const std::string& body) {
        const auto query = path.find('?');
        if (query != std::string::npos) path.resize(query);
        if (path == "/v2/deployments") return reply(200, "[]");
        if (path.rfind("/v2/apps", 0) != 0) return reply(404, R"({"message": "not found"})");
        const std::string id = path.substr(8);
        if (id.empty() || id == "/") {
            if (method == "GET") {
                core::Json list = core::Json::array();
                for (const auto& [name, app] : apps_)
                    list.push_back(app);
                return reply(200, core::to_compact(core::Json{{"apps", list}}));
            }
            if (method != "POST") return reply(405, "");
            core::Json app;
            try {
                app = core::parse_json(body);
            } catch (const core::Error&) {
                return reply(400, R"({"message": "Invalid JSON"})");
            }
            if (!app.is_object() || !app.contains("id") || !app["id"].is_string()) {
                return reply(422, R"({"message": "Object is not valid", "details": []})");
            }
            const std::string app_id = core::normalize_app_id(app["id"].get<std::string>());
            if (apps_.count(app_id)) return reply(409, R"({"message": "An app with id exists"})");
            app["id"] = app_id;
            apps_[app_id] = app;
            app["deployments"] = core::Json::array({{{"id", next_deployment()}}});
            return reply(201, core::to_compact(app));
        }
        auto it = apps_.find(id);
        if (method == "GET") {
            if (it == apps_.end()) return reply(404, R"({"message": "App does not exist"})");
            return reply(200, core::to_compact(core::Json{{"app", it->second}}));
        }
        if (method == "DELETE") {
            if (it == apps_.end()) return reply(404, R"({"message": "App does not exist"})");
            apps_.erase(it);
            return reply(200, deployment());
        }
        if (method == "PUT") {
            try {
                core::Json app = core::parse_json(body);
                if (!app.is_object()) return reply(422, R"({"message": "Object is not valid"})");
                app["id"] = id;
                apps_[id] = app;
            } catch (const core::Error&) {
                return reply(400, R"({"message": "Invalid JSON"})");
            }
            return reply(200, deployment());
        }
        return reply(405, "");
    }

    std::string next_deployment() { return "deployment-" + std::to_string(++deployments_); }
    std::string deployment() {
        return core::to_compact(core::Json{{"deploymentId", next_deployment()},
                                           {"version", "2024-01-01T00:00:00.000Z"}});
    }

    std::mutex mutex_;
    std::map<std::string, core::Json> apps_;
    int deployments_ = 0;
};

class MemoryOperationStore : public app::OperationStore {
public:
    std::int64_t record(const app::OperationRecord& record) override {
        std::lock_guard lock(mutex_);
        records_.push_back(record);
        records_.back().id = static_cast<std::int64_t>(records_.size());
        return records_.back().id;
    }
    std::vector<app::OperationRecord> history(const app::HistoryFilter& filter) override {
        std::lock_guard lock(mutex_);
        std::vector<app::OperationRecord> out;
        for (auto it = records_.rbegin(); it != records_.rend() && out.size() < filter.limit;
             ++it) {
            if (filter.app_id && it->app_id != *filter.app_id) continue;
            if (filter.package_name && it->package_name != *filter.package_name) continue;
            out.push_back(*it);
        }
        return out;
    }

private:
    std::mutex mutex_;
    std::vector<app::OperationRecord> records_;
};

// The bundled Universe cut down to packages that cover packaging 2.0 to 5.0, frameworks (kafka
// is an SDK service), plain apps and version changes: decoding all of it for every input made an
// input cost a tenth of a second.
const std::string& fuzz_universe() {
    static const std::string text = [] {
        const std::set<std::string> names = {"nginx", "datadog", "kafka", "zeppelin", "linkerd"};
        core::Json universe = core::parse_json(embedded_universe_json());
        core::Json kept = core::Json::array();
        for (const auto& package : universe["packages"]) {
            if (names.count(package.value("name", ""))) kept.push_back(package);
        }
        universe["packages"] = std::move(kept);
        return core::to_compact(universe);
    }();
    return text;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// One request in wire layout; nullopt where a listener would answer 400 itself.
std::optional<http::HttpRequest> parse_request(std::string_view text) {
    auto next_line = [&text]() {
        auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        return line;
    };
    const std::string_view request_line = next_line();
    const auto space = request_line.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    auto target = http::parse_request_target(trim(request_line.substr(space + 1)));
    if (!target) return std::nullopt;
    http::HttpRequest request;
    request.method = std::string(request_line.substr(0, space));
    request.path = std::move(target->path);
    request.query = std::move(target->query);
    while (!text.empty()) {
        const std::string_view line = next_line();
        if (line.empty()) break;
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) return std::nullopt;
        request.headers.push_back(
            {std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1)))});
    }
    request.body = std::string(text);
    return request;
}

bool known_status(int status) {
    switch (status) {
        case 200:
        case 202:
        case 400:
        case 401:
        case 403:
        case 404:
        case 409:
        case 413:
        case 500:
        case 501:
        case 502:
        case 503:
            return true;
        default:
            return false;
    }
}

void check_response(const http::HttpRequest& request, const http::HttpResponse& response) {
    const std::string where = request.method + " " + request.path;
    expect(known_status(response.status), kTarget,
           where + ": unexpected status " + std::to_string(response.status));
    if (response.status < 400 || response.body.empty()) return;
    core::Json body;
    try {
        body = core::parse_json(response.body);
    } catch (const core::Error&) {
        universe_fuzz::fail(kTarget, where + ": error body is not JSON: " + response.body);
    }
    expect(body.is_object() && body.contains("type") && body["type"].is_string() &&
               body.contains("message") && body["message"].is_string(),
           kTarget, where + ": error body is not a Cosmos error: " + response.body);
    expect(!universe_fuzz::leaks_library_text(body["message"].get<std::string>()), kTarget,
           where + ": error message leaks library text: " + response.body);
}

// One server, as main.cpp builds it, over fresh in-memory state.
struct Server {
    universe_test::MemoryRepositoryStore store{{{"Universe", "builtin:universe"}}};
    MemoryOperationStore operations;
    universe_test::MemoryLocalPackageStore local_packages;
    FakeCluster cluster;
    universe_test::FixedClock clock;
    core::Codec codec{[](std::string_view b) { return adapters::gzip_compress(b); },
                      [](std::string_view b) { return adapters::gzip_decompress(b, 64u << 20); }};
    std::unique_ptr<app::RepositoryService> repositories;
    universe_test::MemoryJobStore job_store;
    std::unique_ptr<app::JobRunner> jobs;
    std::unique_ptr<app::ServiceManager> services;
    std::unique_ptr<app::PublishService> publish;
    http::Metrics metrics;
    std::unique_ptr<http::ServerContext> context;
    http::Router router;
    std::string unexpected;  // the record of a request that ended in unhandled_exception

    Server() {
        app::RepositoryConfig repo_config;
        repo_config.fetch.user_agent = "cosmos/0.1.0 dcos/2.1";
        repo_config.fetch.max_retries = 0;
        repo_config.builtin["builtin:universe"] = fuzz_universe();
        repo_config.unzip =
            [](std::string_view) -> std::vector<std::pair<std::string, std::string>> {
            throw core::unsupported_content_type({}, std::string("application/zip"));
        };
        repo_config.codec = codec;
        repositories = std::make_unique<app::RepositoryService>(store, cluster, clock, repo_config);
        repositories->load_stored();

        app::ServiceConfig service_config;
        service_config.cluster.marathon_uri = std::string(kMarathon);
        service_config.cluster.mesos_uri = std::string(kMesos);
        service_config.cluster.admin_router_uri = std::string(kAdminRouter);
        service_config.codec = codec;
        service_config.sha256 = [](std::string_view b) { return adapters::sha256_hex(b); };
        service_config.sdk_poll_interval = std::chrono::milliseconds(1);
        service_config.sdk_max_polls = 2;
        jobs = std::make_unique<app::JobRunner>(job_store, clock);
        services = std::make_unique<app::ServiceManager>(*repositories, cluster, operations, clock,
                                                         *jobs, service_config);

        adapters::ZipLimits limits;
        limits.max_entries = 100;
        limits.max_entry_bytes = 1u << 20;
        limits.max_total_bytes = 4u << 20;
        publish = std::make_unique<app::PublishService>(
            local_packages, *repositories, clock, [limits](std::string_view bytes) {
                auto bundle = adapters::read_bundle(bytes, 0, limits);
                return app::CheckedBundle{std::move(bundle.metadata), std::move(bundle.package),
                                          std::move(bundle.sha256)};
            });
        publish->attach();

        context = std::make_unique<http::ServerContext>(
            http::ServerContext{*repositories, cluster, codec, metrics, "0.1.0"});
        context->services = services.get();
        context->publish = publish.get();
        context->proxy_max_bytes = 1u << 20;
        http::register_routes(router, *context);
        router.set_observer([this](const http::RequestRecord& r) {
            metrics.observe(r);
            if (r.error_type == "unhandled_exception" && unexpected.empty()) {
                unexpected = r.method + " " + r.path + " (" + r.endpoint + ")";
            }
        });
    }

    ~Server() { services->stop(); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input = universe_fuzz::as_text(data, size);
    Server server;
    for (std::size_t n = 0; n < kMaxRequests && !input.empty(); ++n) {
        const auto end = input.find(kSeparator);
        const std::string_view text = input.substr(0, end);
        input = end == std::string_view::npos ? std::string_view{}
                                              : input.substr(end + kSeparator.size());
        auto request = parse_request(text);
        if (!request) continue;
        http::HttpResponse response = server.router.handle(*request);
        expect(server.unexpected.empty(), kTarget,
               "unexpected exception in " + server.unexpected + ": " + response.body);
        check_response(*request, response);
    }
    return 0;
}
