#include "cosmos/http/handlers.h"

#include <chrono>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "cosmos/app/package_actions.h"
#include "cosmos/app/publish_service.h"
#include "cosmos/app/rollback.h"
#include "cosmos/app/service_manager.h"
#include "cosmos/core/error.h"
#include "cosmos/http/answer_cache.h"
#include "cosmos/http/media_types.h"
#include "cosmos/http/publish_handlers.h"
#include "cosmos/http/rollback_handlers.h"
#include "cosmos/http/rpc.h"
#include "cosmos/http/store_status.h"
#include "cosmos/http/wire.h"

namespace cosmos::http {

namespace {

template <typename Body, typename Decode>
TypedRequest<Body> validate(const HttpRequest& request, const EndpointSpec& spec, Decode&& decode) {
    return require(validate_typed<Body>(request, spec, std::forward<Decode>(decode)));
}

std::string host_header(const ValidatedRequest& r) {
    return r.port ? r.host + ":" + *r.port : r.host;
}

core::UrlRewriter rewriter(const ValidatedRequest& request) {
    std::string scheme = request.scheme;
    std::string host = host_header(request);
    return [scheme, host](const std::string& url) { return proxy_url(scheme, host, url); };
}

core::Package rewritten(const core::Package& package, const core::UrlRewriter& rewrite) {
    core::Package copy = package;
    if (copy.resource) copy.resource = core::rewrite_resource_urls(*copy.resource, rewrite);
    return copy;
}

HttpResponse capabilities(const HttpRequest& request) {
    static const EndpointSpec spec = no_body_endpoint({kCapabilitiesType});
    auto validated = require(validate_request(request, spec));
    return json_response(validated, encode_capabilities());
}

HttpResponse search(ServerContext& ctx, const HttpRequest& request) {
    static const EndpointSpec spec = rpc_endpoint(kSearchRequestType, {kSearchResponseType});
    auto typed = validate<app::SearchRequest>(request, spec, decode_search_request);
    auto catalog = ctx.repositories.catalog();
    const auto& r = typed.request;
    HttpResponse response;
    response.status = 200;
    response.headers.push_back({"Content-Type", r.response_type->to_string()});
    auto rewrite = rewriter(r);
    core::Json packages = core::Json::array();
    for (const auto& result : catalog->search(typed.body.query)) {
        packages.push_back(core::encode_search_result(result, rewrite));
    }
    response.body = core::to_compact(core::Json{{"packages", std::move(packages)}});
    return response;
}

HttpResponse describe(ServerContext& ctx, const HttpRequest& request) {
    static const EndpointSpec spec =
        rpc_endpoint(kDescribeRequestType, {kDescribeResponseV3Type, kDescribeResponseV2Type});
    auto typed = validate<app::DescribeRequest>(request, spec, decode_describe_request);
    auto catalog = ctx.repositories.catalog();
    const auto& r = typed.request;
    const auto& body = typed.body;
    auto selected = app::select_package(catalog, body.package_name, body.package_version);
    core::Package package = rewritten(*selected.package, rewriter(r));
    // Our addition (clients ignore unknown members): the repository the package comes from.
    core::Json source = core::encode_package_source({selected.source_name, selected.source_uri});
    if (r.response_index == 1) {
        core::Json flat = core::encode_describe_v2(package);
        flat["repository"] = std::move(source);
        return json_response(r, flat);
    }
    core::Json answer{{"package", core::encode_package(package)}};
    // Every publish or removal rebuilds the catalog, so the digest is part of what the answer
    // cache's catalog identifies.
    if (ctx.publish && selected.source_uri == app::kLocalRepositoryUri) {
        // Our addition (clients ignore unknown fields): the digest of the uploaded bundle.
        if (auto digest = ctx.publish->digest(package.name, package.version.str())) {
            answer["sha256"] = *digest;
        }
    }
    answer["repository"] = std::move(source);
    return json_response(r, answer);
}

HttpResponse list_versions(ServerContext& ctx, const HttpRequest& request) {
    static const EndpointSpec spec =
        rpc_endpoint(kListVersionsRequestType, {kListVersionsResponseType});
    auto typed = validate<app::ListVersionsRequest>(request, spec, decode_list_versions_request);
    core::Json results = core::Json::object();
    for (const auto& [version, release] :
         ctx.repositories.catalog()->list_versions(typed.body.package_name)) {
        // Cosmos: releaseVersion is a string here (a number everywhere else).
        results[version] = std::to_string(release);
    }
    return json_response(typed.request, core::Json{{"results", std::move(results)}});
}

HttpResponse render(ServerContext& ctx, const HttpRequest& request) {
    static const EndpointSpec spec = rpc_endpoint(kRenderRequestType, {kRenderResponseType});
    auto typed = validate<app::RenderRequest>(request, spec, decode_render_request);
    auto selected = app::select_package(ctx.repositories.catalog(), typed.body.package_name,
                                        typed.body.package_version);
    auto rendered = app::render_package(selected, typed.body.options.value_or(core::Json::object()),
                                        typed.body.app_id, ctx.codec);
    return json_response(typed.request, core::Json{{"marathonJson", std::move(rendered.app)}});
}

core::Json repository_list_body(ServerContext& ctx, const std::vector<app::RepositoryRef>& refs) {
    auto statuses = ctx.repositories.status();
    core::Json list = core::Json::array();
    for (const auto& ref : refs) {
        core::Json item{{"name", ref.name}, {"uri", ref.uri}};
        // Extra fields (clients ignore unknown fields): how the last refresh went.
        for (const auto& s : statuses) {
            if (s.ref.uri != ref.uri) continue;
            core::Json status{{"packages", s.packages}, {"revisions", s.revisions}};
            if (s.fetched_at_ms) status["fetchedAt"] = *s.fetched_at_ms;
            if (s.last_attempt_ms) status["lastAttempt"] = *s.last_attempt_ms;
            status["healthy"] = !s.last_error.has_value();
            if (s.last_error) status["lastError"] = *s.last_error;
            item["status"] = std::move(status);
        }
        list.push_back(std::move(item));
    }
    return core::Json{{"repositories", std::move(list)}};
}

HttpResponse repository_list(ServerContext& ctx, const HttpRequest& request) {
    static const EndpointSpec spec =
        rpc_endpoint(kRepositoryListRequestType, {kRepositoryListResponseType});
    auto typed =
        validate<app::RepositoryListRequest>(request, spec, decode_repository_list_request);
    return json_response(typed.request, repository_list_body(ctx, ctx.repositories.list()));
}

HttpResponse repository_add(ServerContext& ctx, const HttpRequest& request) {
    static const EndpointSpec spec =
        rpc_endpoint(kRepositoryAddRequestType, {kRepositoryAddResponseType});
    auto typed = validate<app::RepositoryAddRequest>(request, spec, decode_repository_add_request);
    auto refs = ctx.repositories.add(typed.body.name, typed.body.uri, typed.body.index);
    return json_response(typed.request, repository_list_body(ctx, refs));
}

HttpResponse repository_delete(ServerContext& ctx, const HttpRequest& request) {
    static const EndpointSpec spec =
        rpc_endpoint(kRepositoryDeleteRequestType, {kRepositoryDeleteResponseType});
    auto typed =
        validate<app::RepositoryDeleteRequest>(request, spec, decode_repository_delete_request);
    auto refs = ctx.repositories.remove(typed.body.name, typed.body.uri);
    return json_response(typed.request, repository_list_body(ctx, refs));
}

HttpResponse resource(ServerContext& ctx, const HttpRequest& request) {
    auto validated = require(validate_resource_request(request));
    auto catalog = ctx.repositories.catalog();
    auto proxied =
        app::proxy_resource(*catalog, ctx.client, validated.url, "cosmos/" + ctx.cosmos_version,
                            ctx.proxy_max_bytes, ctx.proxy_timeout, ctx.codec);
    HttpResponse response;
    response.status = 200;
    auto parsed = parse_media_type(proxied.content_type);
    response.headers.push_back(
        {"Content-Type", parsed ? parsed->to_string() : proxied.content_type});
    if (proxied.file_name) {
        response.headers.push_back(
            {"Content-Disposition", "attachment; filename=\"" + *proxied.file_name + "\""});
    }
    response.body = std::move(proxied.body);
    return response;
}

app::ServiceManager& services(ServerContext& ctx) {
    if (!ctx.services) throw core::not_implemented("service management");
    return *ctx.services;
}

HttpResponse install(ServerContext& ctx, const HttpRequest& request) {
    static const EndpointSpec spec =
        rpc_endpoint(kInstallRequestType, {kInstallResponseV2Type, kInstallResponseV1Type});
    auto typed = validate<app::InstallRequest>(request, spec, decode_install_request);
    const bool v1 = typed.request.response_index == 1;
    auto result = services(ctx).install(typed.body, typed.request.authorization, v1);
    core::Json body{{"packageName", result.package_name},
                    {"packageVersion", result.package_version}};
    if (result.app_id) body["appId"] = *result.app_id;
    if (!v1) {
        if (result.post_install_notes) body["postInstallNotes"] = *result.post_install_notes;
        if (result.cli) {
            core::Resource holder;
            holder.cli = result.cli;
            body["cli"] = core::encode_resource(
                core::rewrite_resource_urls(holder, rewriter(typed.request)), true)["cli"];
        }
    }
    return json_response(typed.request, body);
}

HttpResponse list(ServerContext& ctx, const HttpRequest& request) {
    static const EndpointSpec spec = rpc_endpoint(kListRequestType, {kListResponseType});
    auto typed = validate<app::ListRequest>(request, spec, decode_list_request);
    auto rewrite = rewriter(typed.request);
    core::Json packages = core::Json::array();
    for (const auto& installed : services(ctx).list(typed.body, typed.request.authorization)) {
        core::Json information{
            {"packageDefinition", core::encode_list_definition(installed.package)}};
        if (installed.package.resource) {
            core::Json resource = core::encode_resource(
                core::rewrite_resource_urls(*installed.package.resource, rewrite), false);
            if (!resource.empty()) information["resourceDefinition"] = std::move(resource);
        }
        packages.push_back(core::Json{{"appId", installed.app_id},
                                      {"packageInformation", std::move(information)}});
    }
    return json_response(typed.request, core::Json{{"packages", std::move(packages)}});
}

HttpResponse uninstall(ServerContext& ctx, const HttpRequest& request) {
    static const EndpointSpec spec = rpc_endpoint(kUninstallRequestType, {kUninstallResponseType});
    auto typed = validate<app::UninstallRequest>(request, spec, decode_uninstall_request);
    core::Json results = core::Json::array();
    for (const auto& r : services(ctx).uninstall(typed.body, typed.request.authorization)) {
        core::Json item{{"packageName", r.package_name}, {"appId", r.app_id}};
        if (r.package_version) item["packageVersion"] = *r.package_version;
        if (r.post_uninstall_notes) item["postUninstallNotes"] = *r.post_uninstall_notes;
        results.push_back(std::move(item));
    }
    return json_response(typed.request, core::Json{{"results", std::move(results)}});
}

HttpResponse service_describe(ServerContext& ctx, const HttpRequest& request) {
    static const EndpointSpec spec =
        rpc_endpoint(kServiceDescribeRequestType, {kServiceDescribeResponseType});
    auto typed =
        validate<app::ServiceDescribeRequest>(request, spec, decode_service_describe_request);
    auto d = services(ctx).describe(typed.body, typed.request.authorization);
    // Cosmos rewrites resource URLs only for a package read from the app's label.
    core::Package package =
        d.from_label ? rewritten(d.package, rewriter(typed.request)) : d.package;
    core::Json body{{"package", core::encode_package(package)},
                    {"upgradesTo", d.upgrades_to},
                    {"downgradesTo", d.downgrades_to}};
    if (d.resolved_options) body["resolvedOptions"] = *d.resolved_options;
    if (d.user_provided_options) body["userProvidedOptions"] = *d.user_provided_options;
    return json_response(typed.request, body);
}

HttpResponse service_update(ServerContext& ctx, const HttpRequest& request) {
    static const EndpointSpec spec =
        rpc_endpoint(kServiceUpdateRequestType, {kServiceUpdateResponseType});
    auto typed = validate<app::ServiceUpdateRequest>(request, spec, decode_service_update_request);
    auto result = services(ctx).update(typed.body, typed.request.authorization);
    return json_response(typed.request,
                         core::Json{{"package", core::encode_package(result.package)},
                                    {"resolvedOptions", result.resolved_options},
                                    {"marathonDeploymentId", result.deployment_id}});
}

std::string iso_time(std::int64_t ms) {
    std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[40];
    std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &tm);
    char full[48];
    std::snprintf(full, sizeof(full), "%s.%03dZ", buffer, static_cast<int>(ms % 1000));
    return full;
}

HttpResponse history(ServerContext& ctx, const HttpRequest& request) {
    static const EndpointSpec spec = rpc_endpoint(kHistoryRequestType, {kHistoryResponseType});
    auto typed =
        validate<app::PackageHistoryRequest>(request, spec, decode_package_history_request);
    core::Json records = core::Json::array();
    for (const auto& r : services(ctx).history(typed.body)) {
        core::Json item{{"id", r.id},
                        {"operation", r.operation},
                        {"packageName", r.package_name},
                        {"packageVersion", r.package_version},
                        {"appId", r.app_id},
                        {"options", r.options},
                        {"appSha256", r.app_sha256},
                        {"outcome", r.outcome},
                        {"time", iso_time(r.time_ms)}};
        if (r.error) item["error"] = *r.error;
        item["restorable"] = !app::unrestorable_reason(r).has_value();
        if (r.rollback_of) item["rollbackOf"] = *r.rollback_of;
        records.push_back(std::move(item));
    }
    return json_response(typed.request, core::Json{{"records", std::move(records)}});
}

// The shared store's state, when there is one (ZooKeeper); SQLite has nothing to report.
std::optional<app::StoreStatus> shared_store_status(ServerContext& ctx) {
    if (!ctx.store) return std::nullopt;
    auto status = ctx.store->store_status();
    if (status.backend != "zookeeper") return std::nullopt;
    return status;
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

HttpResponse health(ServerContext& ctx) {
    // Still 200 when degraded: the server answers from the last good content it has, and
    // load balancers should keep sending it requests; the details say what is failing.
    core::Json body{{"status", "ok"}};
    core::Json repos = core::Json::array();
    for (const auto& s : ctx.repositories.status()) {
        if (s.last_error) body["status"] = "degraded";
        repos.push_back(core::Json{{"name", s.ref.name},
                                   {"healthy", !s.last_error.has_value()},
                                   {"packages", s.packages},
                                   {"revisions", s.revisions}});
    }
    body["repositories"] = std::move(repos);
    body["indexAgeSeconds"] = ctx.repositories.index_age_seconds();
    if (auto status = shared_store_status(ctx)) {
        body["zookeeper"] = store_health(*status, now_ms());
    }
    HttpResponse response;
    response.headers.push_back({"Content-Type", "application/json"});
    response.body = body.dump();
    return response;
}

HttpResponse metrics(ServerContext& ctx) {
    std::vector<RepositoryGauge> gauges;
    auto now_age = ctx.repositories.index_age_seconds();
    for (const auto& s : ctx.repositories.status()) {
        RepositoryGauge g;
        g.name = s.ref.name;
        g.successes = s.successes;
        g.failures = s.failures;
        g.not_modified = s.not_modified;
        g.up = !s.last_error.has_value();
        g.packages = s.packages;
        g.revisions = s.revisions;
        g.age_seconds = s.age_seconds;
        gauges.push_back(std::move(g));
    }
    HttpResponse response;
    response.headers.push_back({"Content-Type", "text/plain; version=0.0.4; charset=utf-8"});
    response.body = ctx.metrics.render(gauges, now_age);
    if (auto status = shared_store_status(ctx)) response.body += store_metrics(*status);
    return response;
}

}  // namespace

std::string proxy_url(const std::string& scheme, const std::string& host, const std::string& url) {
    return scheme + "://" + host +
           "/package/resource?url=" + core::percent_encode(url, "-._~:/?#[]@!$&'()*+,;=%");
}

void register_routes(Router& router, ServerContext& ctx) {
    // Search and describe answers depend on the catalog and the request alone, and the same few
    // requests (the CLI's and the UI's) repeat: their encoded answers are kept per catalog.
    auto cache = std::make_shared<AnswerCache>([&ctx] { return ctx.repositories.catalog(); });
    router.add("GET", "/capabilities", "capabilities", capabilities);
    router.add("POST", "/package/search", "package/search",
               cache->wrap("search", [&ctx](const HttpRequest& r) { return search(ctx, r); }));
    router.add("POST", "/package/describe", "package/describe",
               cache->wrap("describe", [&ctx](const HttpRequest& r) { return describe(ctx, r); }));
    router.add("POST", "/package/list-versions", "package/list-versions",
               [&ctx](const HttpRequest& r) { return list_versions(ctx, r); });
    router.add("POST", "/package/render", "package/render",
               [&ctx](const HttpRequest& r) { return render(ctx, r); });
    router.add("POST", "/package/repository/list", "package/repository/list",
               [&ctx](const HttpRequest& r) { return repository_list(ctx, r); });
    router.add("POST", "/package/repository/add", "package/repository/add",
               [&ctx](const HttpRequest& r) { return repository_add(ctx, r); });
    router.add("POST", "/package/repository/delete", "package/repository/delete",
               [&ctx](const HttpRequest& r) { return repository_delete(ctx, r); });
    router.add("GET", "/package/resource", "package/resource",
               [&ctx](const HttpRequest& r) { return resource(ctx, r); });
    router.add("POST", "/package/install", "package/install",
               [&ctx](const HttpRequest& r) { return install(ctx, r); });
    router.add("POST", "/package/list", "package/list",
               [&ctx](const HttpRequest& r) { return list(ctx, r); });
    router.add("POST", "/package/uninstall", "package/uninstall",
               [&ctx](const HttpRequest& r) { return uninstall(ctx, r); });
    router.add("POST", "/package/history", "package/history",
               [&ctx](const HttpRequest& r) { return history(ctx, r); });
    // Admin Router exposes /service/* as /cosmos/service/*; serve both so the CLI also works
    // when pointed at this server directly.
    for (std::string prefix : {"", "/cosmos"}) {
        router.add("POST", prefix + "/service/describe", "service/describe",
                   [&ctx](const HttpRequest& r) { return service_describe(ctx, r); });
        router.add("POST", prefix + "/service/update", "service/update",
                   [&ctx](const HttpRequest& r) { return service_update(ctx, r); });
    }
    router.add("GET", "/health", "health", [&ctx](const HttpRequest&) { return health(ctx); });
    router.add("GET", "/metrics", "metrics", [&ctx](const HttpRequest&) { return metrics(ctx); });
    register_publish_routes(router, ctx);
    register_rollback_routes(router, ctx);
}

}  // namespace cosmos::http
