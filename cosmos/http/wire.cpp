#include "cosmos/http/wire.h"

#include "cosmos/core/decode.h"

namespace cosmos::http {

namespace {

using core::DecodeFailure;
using core::DecodePath;
using core::Json;

const DecodePath kRoot;

// circe: a derived decoder given a non-object reads its first field through a failed cursor,
// which fails as a missing value for a required field and as "[A]Option[A]" for an optional one.
void expect_fields(const Json& body, std::string_view first_field, bool first_required) {
    if (body.is_object()) return;
    std::string at = kRoot.field(first_field).history();
    if (first_required) throw DecodeFailure("Attempt to decode value on failed cursor: " + at);
    throw DecodeFailure("[A]Option[A]: " + at);
}

std::optional<std::string> optional_app_id(const Json& body, std::string_view key) {
    auto id = core::optional_string(body, key, kRoot);
    if (!id) return std::nullopt;
    return normalize_app_id(*id);
}

std::optional<Json> optional_options(const Json& body) {
    const Json* options = core::optional_object(body, "options", kRoot);
    if (!options) return std::nullopt;
    return *options;
}

}  // namespace

app::SearchRequest decode_search_request(const Json& body) {
    expect_fields(body, "query", false);
    return {core::optional_string(body, "query", kRoot)};
}

app::DescribeRequest decode_describe_request(const Json& body) {
    expect_fields(body, "packageName", true);
    app::DescribeRequest out;
    out.package_name = core::required_string(body, "packageName", kRoot);
    out.package_version = core::optional_string(body, "packageVersion", kRoot);
    return out;
}

app::ListVersionsRequest decode_list_versions_request(const Json& body) {
    expect_fields(body, "packageName", true);
    app::ListVersionsRequest out;
    out.package_name = core::required_string(body, "packageName", kRoot);
    out.include_package_versions = core::required_bool(body, "includePackageVersions", kRoot);
    return out;
}

app::RenderRequest decode_render_request(const Json& body) {
    expect_fields(body, "packageName", true);
    app::RenderRequest out;
    out.package_name = core::required_string(body, "packageName", kRoot);
    out.package_version = core::optional_string(body, "packageVersion", kRoot);
    out.options = optional_options(body);
    out.app_id = optional_app_id(body, "appId");
    return out;
}

app::InstallRequest decode_install_request(const Json& body) {
    expect_fields(body, "packageName", true);
    app::InstallRequest out;
    out.package_name = core::required_string(body, "packageName", kRoot);
    out.package_version = core::optional_string(body, "packageVersion", kRoot);
    out.options = optional_options(body);
    out.app_id = optional_app_id(body, "appId");
    out.manager_id = core::optional_string(body, "managerId", kRoot);
    return out;
}

app::UninstallRequest decode_uninstall_request(const Json& body) {
    expect_fields(body, "packageName", true);
    app::UninstallRequest out;
    out.package_name = core::required_string(body, "packageName", kRoot);
    out.app_id = optional_app_id(body, "appId");
    out.all = core::optional_bool(body, "all", kRoot);
    out.manager_id = core::optional_string(body, "managerId", kRoot);
    out.package_version = core::optional_string(body, "packageVersion", kRoot);
    return out;
}

app::ListRequest decode_list_request(const Json& body) {
    expect_fields(body, "packageName", false);
    app::ListRequest out;
    out.package_name = core::optional_string(body, "packageName", kRoot);
    out.app_id = optional_app_id(body, "appId");
    return out;
}

app::RepositoryListRequest decode_repository_list_request(const Json& /*body*/) {
    // Cosmos: the request type has no fields, so any JSON decodes (the Go CLI sends null).
    return {};
}

app::RepositoryAddRequest decode_repository_add_request(const Json& body) {
    expect_fields(body, "name", true);
    app::RepositoryAddRequest out;
    out.name = core::required_string(body, "name", kRoot);
    out.uri = core::required_string(body, "uri", kRoot);
    // Cosmos: the Python CLI sends "index":"0", so integers accept numeric strings.
    out.index = core::optional_int(body, "index", kRoot, /*allow_string=*/true);
    return out;
}

app::RepositoryDeleteRequest decode_repository_delete_request(const Json& body) {
    expect_fields(body, "name", false);
    app::RepositoryDeleteRequest out;
    out.name = core::optional_string(body, "name", kRoot);
    out.uri = core::optional_string(body, "uri", kRoot);
    return out;
}

app::ServiceDescribeRequest decode_service_describe_request(const Json& body) {
    expect_fields(body, "appId", true);
    app::ServiceDescribeRequest out;
    out.app_id = normalize_app_id(core::required_string(body, "appId", kRoot));
    out.manager_id = core::optional_string(body, "managerId", kRoot);
    out.package_name = core::optional_string(body, "packageName", kRoot);
    out.package_version = core::optional_string(body, "packageVersion", kRoot);
    return out;
}

app::ServiceUpdateRequest decode_service_update_request(const Json& body) {
    expect_fields(body, "appId", true);
    app::ServiceUpdateRequest out;
    out.app_id = normalize_app_id(core::required_string(body, "appId", kRoot));
    out.package_version = core::optional_string(body, "packageVersion", kRoot);
    out.options = optional_options(body);
    out.replace = core::required_bool(body, "replace", kRoot);
    out.manager_id = core::optional_string(body, "managerId", kRoot);
    out.package_name = core::optional_string(body, "packageName", kRoot);
    out.current_package_version = core::optional_string(body, "currentPackageVersion", kRoot);
    return out;
}

app::PackageHistoryRequest decode_package_history_request(const Json& body) {
    expect_fields(body, "appId", false);
    app::PackageHistoryRequest out;
    out.app_id = optional_app_id(body, "appId");
    out.package_name = core::optional_string(body, "packageName", kRoot);
    return out;
}

app::RollbackRequest decode_rollback_request(const Json& body) {
    expect_fields(body, "appId", true);
    app::RollbackRequest out;
    out.app_id = normalize_app_id(core::required_string(body, "appId", kRoot));
    out.record_id = core::required_int(body, "recordId", kRoot, /*allow_string=*/true);
    return out;
}

app::PackageAddCopyRequest decode_package_add_copy_request(const Json& body) {
    expect_fields(body, "packageName", true);
    app::PackageAddCopyRequest out;
    out.package_name = core::required_string(body, "packageName", kRoot);
    out.package_version = core::optional_string(body, "packageVersion", kRoot);
    return out;
}

Json encode_capabilities() {
    Json list = Json::array();
    for (const char* name :
         {"PACKAGE_MANAGEMENT", "SUPPORT_CLUSTER_REPORT", "METRONOME", "LOGGING", "LOGGING_V2"}) {
        list.push_back(Json{{"name", name}});
    }
    return Json{{"capabilities", std::move(list)}};
}

Json encode_repository_list(const std::vector<std::pair<std::string, std::string>>& repositories) {
    Json list = Json::array();
    for (const auto& [name, uri] : repositories)
        list.push_back(Json{{"name", name}, {"uri", uri}});
    return Json{{"repositories", std::move(list)}};
}

}  // namespace cosmos::http
