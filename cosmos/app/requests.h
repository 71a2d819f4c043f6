#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cosmos/core/json.h"

// The requests of the package service, as the use-cases receive them. The HTTP layer decodes them
// (cosmos/http/wire.h); every app id here is already normalised to start with "/".

namespace cosmos::app {

/// POST /package/search. No query (or "") means all packages.
struct SearchRequest {
    std::optional<std::string> query;
};

/// POST /package/describe.
struct DescribeRequest {
    std::string package_name;
    std::optional<std::string> package_version;
};

/// POST /package/list-versions. include_package_versions is required on the wire but ignored.
struct ListVersionsRequest {
    std::string package_name;
    bool include_package_versions = false;
};

/// POST /package/render.
struct RenderRequest {
    std::string package_name;
    std::optional<std::string> package_version;
    std::optional<core::Json> options;  ///< Always a JSON object when present.
    std::optional<std::string> app_id;
};

/// POST /package/install.
struct InstallRequest {
    std::string package_name;
    std::optional<std::string> package_version;
    std::optional<core::Json> options;  ///< Always a JSON object when present.
    std::optional<std::string> app_id;
    std::optional<std::string> manager_id;
};

/// POST /package/uninstall.
struct UninstallRequest {
    std::string package_name;
    std::optional<std::string> app_id;
    std::optional<bool> all;
    std::optional<std::string> manager_id;
    std::optional<std::string> package_version;
};

/// POST /package/list.
struct ListRequest {
    std::optional<std::string> package_name;
    std::optional<std::string> app_id;
};

/// POST /package/repository/list (any body).
struct RepositoryListRequest {};

/// POST /package/repository/add. index: the position to insert at; absent means the end.
struct RepositoryAddRequest {
    std::string name;
    std::string uri;
    std::optional<std::int64_t> index;
};

/// POST /package/repository/delete. Either or both may be given.
struct RepositoryDeleteRequest {
    std::optional<std::string> name;
    std::optional<std::string> uri;
};

/// POST /service/describe.
struct ServiceDescribeRequest {
    std::string app_id;
    std::optional<std::string> manager_id;
    std::optional<std::string> package_name;
    std::optional<std::string> package_version;
};

/// POST /service/update.
struct ServiceUpdateRequest {
    std::string app_id;
    std::optional<std::string> package_version;
    std::optional<core::Json> options;  ///< Always a JSON object when present.
    bool replace = false;
    std::optional<std::string> manager_id;
    std::optional<std::string> package_name;
    std::optional<std::string> current_package_version;
};

/// Our package history query: filter by app id and/or package name.
struct PackageHistoryRequest {
    std::optional<std::string> app_id;
    std::optional<std::string> package_name;
};

/// Our rollback: apply again the package version and options that a history record kept.
struct RollbackRequest {
    std::string app_id;
    std::int64_t record_id = 0;
};

/// POST /package/add with the JSON body: copy a package from the configured repositories.
struct PackageAddCopyRequest {
    std::string package_name;
    std::optional<std::string> package_version;
};

}  // namespace cosmos::app
