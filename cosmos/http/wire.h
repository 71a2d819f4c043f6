#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cosmos/app/requests.h"
#include "cosmos/core/app_id.h"
#include "cosmos/core/json.h"

// Request decoders and fixed-shape response encoders of the package service (cosmos-api.md §5,
// §7, §18.2). Decoders follow Cosmos's circe codecs: fields are read in the order of the §7
// tables and the first bad one fails; unknown fields are ignored; a missing field and null are
// alike; integers accept numeric strings; every app id is normalised with a leading "/". All
// decoders throw core::DecodeFailure with the circe-style text, e.g.
// "Attempt to decode value on failed cursor: DownField(packageName)" or
// "String: DownField(packageName)".

namespace cosmos::http {

using core::normalize_app_id;

/// {query?}
app::SearchRequest decode_search_request(const core::Json& body);
/// {packageName, packageVersion?}
app::DescribeRequest decode_describe_request(const core::Json& body);
/// {packageName, includePackageVersions (required boolean)}
app::ListVersionsRequest decode_list_versions_request(const core::Json& body);
/// {packageName, packageVersion?, options? (object), appId?}
app::RenderRequest decode_render_request(const core::Json& body);
/// {packageName, packageVersion?, options? (object), appId?, managerId?}
app::InstallRequest decode_install_request(const core::Json& body);
/// {packageName, appId?, all?, managerId?, packageVersion?}
app::UninstallRequest decode_uninstall_request(const core::Json& body);
/// {packageName?, appId?}
app::ListRequest decode_list_request(const core::Json& body);
/// Any JSON value, including null; never throws.
app::RepositoryListRequest decode_repository_list_request(const core::Json& body);
/// {name, uri, index? (integer or numeric string)}
app::RepositoryAddRequest decode_repository_add_request(const core::Json& body);
/// {name?, uri?}
app::RepositoryDeleteRequest decode_repository_delete_request(const core::Json& body);
/// {appId, managerId?, packageName?, packageVersion?}
app::ServiceDescribeRequest decode_service_describe_request(const core::Json& body);
/// {appId, packageVersion?, options? (object), replace (required boolean), managerId?,
/// packageName?, currentPackageVersion?}
app::ServiceUpdateRequest decode_service_update_request(const core::Json& body);
/// {appId?, packageName?}
app::PackageHistoryRequest decode_package_history_request(const core::Json& body);
/// {appId, recordId (integer or numeric string)}
app::RollbackRequest decode_rollback_request(const core::Json& body);
/// {packageName, packageVersion?}
app::PackageAddCopyRequest decode_package_add_copy_request(const core::Json& body);

/// The GET /capabilities body (§7.1): PACKAGE_MANAGEMENT, SUPPORT_CLUSTER_REPORT, METRONOME,
/// LOGGING, LOGGING_V2, in this order.
core::Json encode_capabilities();

/// {"repositories":[{"name","uri"}...]} from (name, uri) pairs, in the given (priority) order;
/// the body of repository list, add and delete.
core::Json encode_repository_list(
    const std::vector<std::pair<std::string, std::string>>& repositories);

}  // namespace cosmos::http
