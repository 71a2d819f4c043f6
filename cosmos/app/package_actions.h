#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cosmos/app/ports.h"
#include "cosmos/core/catalog.h"
#include "cosmos/core/render.h"

namespace cosmos::app {

/// A selected package and where it came from.
struct SelectedPackage {
    const core::Package* package = nullptr;
    std::string source_uri;
    std::shared_ptr<const core::Catalog> catalog;  ///< keeps the package alive
    std::string source_name;                       ///< the name of that repository
};

/// describe / render / install selection (PackageNotFound, VersionNotFound).
SelectedPackage select_package(std::shared_ptr<const core::Catalog> catalog,
                               const std::string& name, const std::optional<std::string>& version);

/// POST /package/render: the Marathon app install would post (ServiceMarathonTemplateNotFound
/// for CLI-only packages, option and render errors as core::render_marathon_app). What does not
/// depend on the request is prepared once per package of the catalog and kept (RenderCache); the
/// codec must be the same on every call.
core::RenderedApp render_package(const SelectedPackage& selected, const core::Json& options,
                                 const std::optional<std::string>& app_id,
                                 const core::Codec& codec);

/// The upstream answer of the resource proxy.
struct ProxiedResource {
    std::string content_type;
    std::string body;
    std::optional<std::string> file_name;  ///< last non-empty path segment
};

/// GET /package/resource?url=: only URLs that some package of some repository names
/// (Forbidden otherwise, serviceName "ResourceProxyHandler$"); fetched without credentials, gzip
/// decoded, retried like repositories; non-200 -> GenericHttpError, unreachable ->
/// EndpointUriConnection, empty -> GenericHttpError with clientStatus 502.
ProxiedResource proxy_resource(const core::Catalog& catalog, HttpClient& client,
                               const std::string& url, const std::string& user_agent,
                               std::uint64_t max_bytes, std::chrono::milliseconds timeout,
                               const core::Codec& codec);

}  // namespace cosmos::app
