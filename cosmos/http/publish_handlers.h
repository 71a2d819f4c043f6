#pragma once

#include <string>
#include <string_view>

#include "cosmos/app/publish_service.h"
#include "cosmos/core/json.h"
#include "cosmos/http/handlers.h"
#include "cosmos/http/router.h"

namespace cosmos::http {

// Our media types for the local repository (not in Cosmos), in the package.* style.

/// POST /package/delete request: {"packageName", "packageVersion"}.
inline constexpr std::string_view kPackageDeleteRequestType =
    "application/vnd.dcos.package.delete-request+json;charset=utf-8;version=v1";
/// POST /package/delete response: {"packageName", "packageVersion", "releaseVersion"}.
inline constexpr std::string_view kPackageDeleteResponseType =
    "application/vnd.dcos.package.delete-response+json;charset=utf-8;version=v1";
/// POST /package/local/list request: any JSON ({} is usual).
inline constexpr std::string_view kLocalListRequestType =
    "application/vnd.dcos.package.local.list-request+json;charset=utf-8;version=v1";
/// POST /package/local/list response: {"packages": [local package state...]}.
inline constexpr std::string_view kLocalListResponseType =
    "application/vnd.dcos.package.local.list-response+json;charset=utf-8;version=v1";

/// The body of POST /package/delete.
struct PackageDeleteRequest {
    std::string package_name;
    std::string package_version;
};

/// Decodes a /package/delete body; throws core::DecodeFailure naming the missing or mistyped
/// field (circe style, e.g. "Attempt to decode value on failed cursor: DownField(packageName)").
PackageDeleteRequest decode_package_delete_request(const core::Json& body);

/// One element of the /package/local/list answer:
/// {"status", "packageCoordinate": {"name", "version"}, "metadata"?, "error"?, "sha256"?}
/// where metadata is the package definition (when it decodes) and sha256 the bundle digest (not
/// for copies).
core::Json encode_local_package(const app::LocalPackageState& state);

/// Registers the publishing endpoints:
/// - POST /package/add (202; a .dcos bundle or a copy request, chosen by Content-Type;
///   ?replace=true overwrites an existing version);
/// - POST /package/delete and POST /package/local/list (our additions);
/// - POST /package/describe again, answering as before plus, for a package of the local
///   repository, its bundle digest as "sha256" next to "package" (describe v3 only).
/// Without context.publish, /package/add, /package/delete and /package/local/list answer
/// NotImplemented (501) and describe is left alone.
void register_publish_routes(Router& router, ServerContext& context);

}  // namespace cosmos::http
