#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cosmos/app/ports.h"
#include "cosmos/core/error.h"
#include "cosmos/core/json.h"

namespace cosmos::app {

/// Where the cluster services are and how to talk to them.
struct ClusterSettings {
    std::string marathon_uri = "http://master.mesos:8080";
    std::string mesos_uri = "http://leader.mesos:5050";
    std::string admin_router_uri = "http://master.mesos";
    std::string user_agent = "cosmos";
    std::chrono::milliseconds timeout{30000};
    std::uint64_t max_response_bytes = 40ull << 20;  ///< Cosmos's maxClientResponseSize
};

/// The caller's Authorization header, forwarded verbatim to cluster services (never to
/// repositories). Empty when the caller sent none.
using Credentials = std::optional<std::string>;

/// A Marathon app as the package service reads it.
struct MarathonApp {
    std::string id;
    core::Json labels = core::Json::object();  ///< string -> string
    core::Json raw = core::Json::object();     ///< the whole app object as Marathon returned it

    /// A label's value, if present and a string.
    std::optional<std::string> label(std::string_view name) const;
};

/// The error for a Marathon answer of status 400 or more that the caller does not handle itself:
/// 5xx -> MarathonBadGateway; 4xx -> MarathonBadResponse with Marathon's message and details, or
/// MarathonGenericError when the body is not Marathon's error shape.
core::Error marathon_error(int status, std::string_view body);

/// Marathon's REST API, with Cosmos's mapping of upstream answers to errors:
/// 401 -> Unauthorized (WWW-Authenticate kept), 403 -> Forbidden, unreachable ->
/// ServiceUnavailable("marathon"), a non-JSON Content-Type -> UnsupportedContentType.
class MarathonClient {
public:
    MarathonClient(HttpClient& client, ClusterSettings settings);

    /// POST /v2/apps. Returns the id Marathon stored. 409 -> PackageAlreadyInstalled; other 4xx
    /// -> MarathonBadResponse (message and details) or MarathonGenericError when the body is not
    /// Marathon's error shape; 5xx -> MarathonBadGateway.
    std::string create_app(const core::Json& app, const Credentials& auth);

    /// GET /v2/apps?label=<selector> (all apps when the selector is empty). Non-200 ->
    /// GenericHttpError.
    std::vector<MarathonApp> list_apps(const std::string& label_selector, const Credentials& auth);

    /// GET /v2/apps/<id>; nullopt on 404, GenericHttpError on other statuses.
    std::optional<MarathonApp> get_app(const std::string& app_id, const Credentials& auth);

    /// PUT /v2/apps/<id>?<query> with the body; returns the status and the parsed body.
    std::pair<int, std::string> put_app(const std::string& app_id, const std::string& query,
                                        const core::Json& app, const Credentials& auth);

    /// DELETE /v2/apps/<id>[?force=true]; returns the status.
    int delete_app(const std::string& app_id, bool force, const Credentials& auth);

    /// GET /v2/deployments: the ids of running deployments.
    std::vector<std::string> deployment_ids(const Credentials& auth);

private:
    HttpReply call(const std::string& method, const std::string& path, const core::Json* body,
                   const Credentials& auth);
    HttpClient& client_;
    ClusterSettings settings_;
};

/// One framework registered with the Mesos master.
struct Framework {
    std::string id;
    std::string name;
};

/// The Mesos master (frameworks and teardown), errors mapped as for Marathon with service name
/// "mesos".
class MesosClient {
public:
    MesosClient(HttpClient& client, ClusterSettings settings);
    /// GET /master/frameworks (active frameworks only).
    std::vector<Framework> frameworks(const Credentials& auth);
    /// POST /master/teardown, form body frameworkId=<id>.
    void teardown(const std::string& framework_id, const Credentials& auth);

private:
    HttpClient& client_;
    ClusterSettings settings_;
};

/// The SDK scheduler endpoints reached through Admin Router (/service/<app>/<api>/...).
class AdminRouterClient {
public:
    AdminRouterClient(HttpClient& client, ClusterSettings settings);
    /// GET /service/<app path>/<api>/state/frameworkId; nullopt when it cannot be read.
    std::optional<std::vector<std::string>> sdk_framework_ids(const std::string& app_id,
                                                              const std::string& api_version,
                                                              const Credentials& auth);
    /// GET /service/<app path>/<api>/plans/deploy: true on 200.
    bool sdk_deploy_plan_complete(const std::string& app_id, const std::string& api_version,
                                  const Credentials& auth);

private:
    HttpClient& client_;
    ClusterSettings settings_;
};

}  // namespace cosmos::app
