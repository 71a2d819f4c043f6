#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "cosmos/app/ports.h"
#include "cosmos/app/repository_service.h"
#include "cosmos/core/render.h"
#include "cosmos/http/metrics.h"
#include "cosmos/http/router.h"

namespace cosmos::app {
class ServiceManager;
class PublishService;
}  // namespace cosmos::app

namespace cosmos::http {

/// What the handlers need: the use-cases and a few settings. Owned by main.
struct ServerContext {
    app::RepositoryService& repositories;
    app::HttpClient& client;
    core::Codec codec;
    Metrics& metrics;
    std::string cosmos_version;  ///< "cosmos/<version>" is sent upstream
    std::uint64_t proxy_max_bytes = 100ull << 20;
    std::chrono::milliseconds proxy_timeout{60000};
    app::ServiceManager* services = nullptr;  ///< install, list, uninstall, service/* (optional)
    app::PublishService* publish = nullptr;   ///< /package/add and the local repository
    app::StoreMonitor* store = nullptr;       ///< shown in /health and /metrics with ZooKeeper
};

/// Registers every endpoint of the package service on router: /capabilities, /package/*,
/// /service/*, /health and /metrics.
void register_routes(Router& router, ServerContext& context);

/// <scheme>://<host>/package/resource?url=<url>, the proxied form of a resource URL. Characters
/// that may not appear in a URL are percent-encoded; ":" "/" "?" "&" "=" stay as they are.
std::string proxy_url(const std::string& scheme, const std::string& host, const std::string& url);

}  // namespace cosmos::http
