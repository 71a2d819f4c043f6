#include "cosmos/core/error.h"

#include <utility>

namespace cosmos::core {

namespace {

std::string join(const std::vector<std::string>& items, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += sep;
        out += items[i];
    }
    return out;
}

Json string_array(const std::vector<std::string>& items) {
    Json out = Json::array();
    for (const auto& item : items)
        out.push_back(item);
    return out;
}

Error bad_request(std::string type, std::string message, Json data = nullptr) {
    return Error(ErrorCode::kInvalidRequest, std::move(type), std::move(message), std::move(data));
}

}  // namespace

Error::Error(ErrorCode code, std::string type, std::string message, Json data)
    : std::runtime_error(std::move(message)),
      code_(code),
      type_(std::move(type)),
      data_(std::move(data)) {}

Json Error::to_json() const {
    Json body = Json::object();
    body["type"] = type_;
    body["message"] = what();
    if (!data_.is_null()) body["data"] = drop_nulls(data_);
    return body;
}

Error with_cause(const Error& error, std::string_view cause) {
    Json data = error.data().is_object() ? error.data() : Json::object();
    data["cause"] = cause;
    return Error(error.code(), error.type(), error.what(), std::move(data));
}

// --- request validation ---

Error not_present(std::string_view item) {
    return bad_request("not_present", "Item " + std::string(item) + " not present but required");
}

Error not_parsed(std::string_view item, std::string_view cause) {
    return bad_request("not_parsed", "Item '" + std::string(item) +
                                         "' unable to be parsed: " + std::string(cause));
}

Error not_valid(std::string_view item, std::string_view rule) {
    return bad_request(
        "not_valid", "Item " + std::string(item) + " deemed invalid by rule: " + std::string(rule));
}

Error multiple_errors(const std::vector<Error>& errors) {
    if (errors.size() == 1) return errors.front();
    Json list = Json::array();
    for (const auto& e : errors)
        list.push_back(e.to_json());
    return bad_request("multiple_errors", "Multiple errors while processing request",
                       Json{{"errors", std::move(list)}});
}

Error unhandled_exception(std::string message) {
    return Error(ErrorCode::kInternal, "unhandled_exception", std::move(message));
}

Error json_parse_failure(std::string_view reason) {
    return Error(ErrorCode::kInternal, "json_error",
                 "Json parsing failure '" + std::string(reason) + "'",
                 Json{{"type", "parse"}, {"reason", reason}});
}

// --- packages and repositories ---

Error package_not_found(std::string_view name) {
    return Error(ErrorCode::kNotFound, "PackageNotFound",
                 "Package [" + std::string(name) + "] not found", Json{{"packageName", name}});
}

Error version_not_found(std::string_view name, std::string_view version) {
    return Error(
        ErrorCode::kNotFound, "VersionNotFound",
        "Version [" + std::string(version) + "] of package [" + std::string(name) + "] not found",
        Json{{"packageName", name}, {"packageVersion", version}});
}

Error json_decoding_error(std::string_view type_name, std::string_view message,
                          std::string_view input) {
    return bad_request(
        "JsonDecodingError", "Unable to decode the JSON value as a " + std::string(type_name),
        Json{{"typeName", type_name}, {"decodingErrorMessage", message}, {"decodeInput", input}});
}

Error json_parsing_error(std::string_view underlying_type, std::string_view message,
                         std::string_view input) {
    return bad_request("JsonParsingError", "Unable to parse the string as a JSON value",
                       Json{{"underlyingType", underlying_type},
                            {"parsingErrorMessage", message},
                            {"parsingInput", input}});
}

Error json_schema_mismatch(Json errors) {
    return bad_request("JsonSchemaMismatch", "Options JSON failed validation",
                       Json{{"errors", std::move(errors)}});
}

Error options_not_allowed() {
    return bad_request("OptionsNotAllowed", "No schema available to validate the provided options");
}

Error options_not_stored() {
    return bad_request("OptionsNotStored", "The options of the current service were not stored");
}

Error service_marathon_template_not_found(std::string_view name, std::string_view version) {
    return bad_request("ServiceMarathonTemplateNotFound",
                       "Package: [" + std::string(name) + "] version: [" + std::string(version) +
                           "] does not have a Marathon template defined and can not be rendered",
                       Json{{"packageName", name}, {"packageVersion", version}});
}

Error marathon_template_must_be_json_object() {
    // Cosmos: a Scala case object, so its class name ends in "$".
    return bad_request("MarathonTemplateMustBeJsonObject$",
                       "Rendered Marathon JSON must be a JSON object");
}

Error conversion_to_v2_describe() {
    return bad_request("ConversionFromPackageToV2DescribeResponse",
                       "A v4 package cannot be converted into a v2 DescribeResponse");
}

Error package_file_missing(std::string_view file_name) {
    return bad_request("PackageFileMissing",
                       "Package file [" + std::string(file_name) + "] not found",
                       Json{{"packageName", file_name}});
}

Error package_file_not_json(std::string_view file_name, std::string_view parse_error) {
    return bad_request(
        "PackageFileNotJson",
        "Package file [" + std::string(file_name) + "] is not JSON: " + std::string(parse_error),
        Json{{"fileName", file_name}, {"parseError", parse_error}});
}

Error package_file_schema_mismatch(std::string_view error_message) {
    return bad_request("PackageFileSchemaMismatch",
                       "Package file [" + std::string(error_message) + "] does not match schema",
                       Json{{"errorMessage", error_message}});
}

Error repository_already_present(const std::optional<std::string>& name,
                                 const std::optional<std::string>& uri) {
    std::string message;
    if (name && uri) {
        message = "Repository name [" + *name + "] and URI [" + *uri +
                  "] are both already present in the list";
    } else if (name) {
        message = "Repository name [" + *name + "] is already present in the list";
    } else {
        message = "Repository URI [" + uri.value_or("") + "] is already present in the list";
    }
    Json data = Json::object();
    if (name) data["name"] = *name;
    if (uri) data["uri"] = *uri;
    return bad_request("RepositoryAlreadyPresent", std::move(message), std::move(data));
}

Error repository_not_present(const std::optional<std::string>& name,
                             const std::optional<std::string>& uri) {
    std::string message;
    if (name && uri) {
        message = "Neither repository name [" + *name + "] nor URI [" + *uri +
                  "] are present in the list";
    } else if (name) {
        message = "Repository name [" + *name + "] is not present in the list";
    } else {
        message = "Repository URI [" + uri.value_or("") + "] is not present in the list";
    }
    Json data = Json::object();
    if (name) data["name"] = *name;
    if (uri) data["uri"] = *uri;
    return Error(ErrorCode::kNotFound, "RepositoryNotPresent", std::move(message), std::move(data));
}

Error repository_add_index_out_of_bounds(std::int64_t attempted, std::int64_t max) {
    std::string message = "Index (" + std::to_string(attempted) + ") is out of range. ";
    if (max == 0) {
        message += "Index value can be at most 0";
    } else {
        message += "Index value must be between 0 and " + std::to_string(max) + " inclusive.";
    }
    return bad_request("RepositoryAddIndexOutOfBounds", std::move(message),
                       Json{{"attempted", attempted}, {"max", max}});
}

Error repo_name_or_uri_missing() {
    return bad_request("RepoNameOrUriMissing",
                       "Must specify either the name or URI of the repository");
}

Error unsupported_repository_uri(std::string_view uri) {
    return bad_request("UnsupportedRepositoryUri",
                       "Repository URI [" + std::string(uri) +
                           "] uses an unsupported scheme. Only http and https are supported",
                       Json{{"uri", uri}});
}

Error repository_uri_syntax(std::string_view name, std::string_view uri, std::string_view cause) {
    return bad_request(
        "RepositoryUriSyntax",
        "URI for repository [" + std::string(name) + "] has invalid syntax: " + std::string(uri),
        Json{{"repository", {{"name", name}, {"uri", uri}}}, {"cause", cause}});
}

Error repository_uri_connection(std::string_view name, std::string_view uri,
                                std::string_view cause) {
    return bad_request("RepositoryUriConnection",
                       "Could not access data at URI for repository [" + std::string(name) +
                           "]: " + std::string(uri),
                       Json{{"repository", {{"name", name}, {"uri", uri}}}, {"cause", cause}});
}

Error universe_client_http_error(std::string_view name, std::string_view uri, int client_status,
                                 int status) {
    return Error(status >= 500 ? ErrorCode::kInternal : ErrorCode::kInvalidRequest,
                 "UniverseClientHttpError",
                 "Unexpected upstream http error while fetching repository '" + std::string(name) +
                     "' at " + std::string(uri) + ": GET " + std::to_string(client_status),
                 Json{{"packageRepository", {{"name", name}, {"uri", uri}}},
                      {"method", "GET"},
                      {"clientStatus", client_status},
                      {"status", status}});
}

Error unsupported_content_type(const std::vector<std::string>& supported,
                               const std::optional<std::string>& actual) {
    std::string message = actual ? "Unsupported Content-Type: " + *actual + " Accept: ["
                                 : std::string("Unspecified Content-Type Accept: [");
    message += join(supported, ", ") + "]";
    Json data{{"supported", string_array(supported)}};
    if (actual) data["actual"] = *actual;
    return bad_request("UnsupportedContentType", std::move(message), std::move(data));
}

Error unsupported_content_encoding(const std::vector<std::string>& supported,
                                   const std::optional<std::string>& actual) {
    std::string message = actual
                              ? "Unsupported Content-Encoding: " + *actual + " Accept-Encoding: ["
                              : std::string("Unspecified Content-Encoding Accept-Encoding: [");
    message += join(supported, ", ") + "]";
    Json data{{"supported", string_array(supported)}};
    if (actual) data["actual"] = *actual;
    return bad_request("UnsupportedContentEncoding", std::move(message), std::move(data));
}

Error unsupported_redirect(const std::vector<std::string>& supported,
                           const std::optional<std::string>& actual) {
    std::string message =
        "Unsupported redirect scheme - supported: [" + join(supported, ", ") + "]";
    if (actual) message += " actual: " + *actual;
    Json data{{"supported", string_array(supported)}};
    if (actual) data["actual"] = *actual;
    return bad_request("UnsupportedRedirect", std::move(message), std::move(data));
}

Error concurrent_access() {
    return Error(ErrorCode::kConflict, "ConcurrentAccess",
                 "Retry operation. Operation didn't complete due to concurrent access.");
}

Error index_not_found(std::string_view repo_uri) {
    return bad_request("IndexNotFound",
                       "Index file missing for repo [" + std::string(repo_uri) + "]",
                       Json{{"repoUri", repo_uri}});
}

Error unsupported_repository_version(std::string_view version) {
    return bad_request("UnsupportedRepositoryVersion",
                       "Repository version [" + std::string(version) + "] is not supported",
                       Json{{"version", version}});
}

// --- upstream services ---

Error generic_http_error(const UpstreamCall& call, int client_status, int status) {
    ErrorCode code = status >= 500 ? ErrorCode::kInternal : ErrorCode::kInvalidRequest;
    return Error(code, "GenericHttpError",
                 "Unexpected upstream http error: " + call.method + " " + call.uri + " " +
                     std::to_string(client_status),
                 Json{{"method", call.method},
                      {"uri", call.uri},
                      {"clientStatus", client_status},
                      {"status", status}});
}

Error service_unavailable(std::string_view service_name, const std::optional<std::string>& uri,
                          const std::optional<std::string>& cause) {
    Json data{{"serviceName", service_name}, {"status", 503}};
    if (uri) data["uri"] = *uri;
    if (cause) data["cause"] = *cause;
    return Error(ErrorCode::kUnavailable, "ServiceUnavailable",
                 "Unable to complete request due to service [" + std::string(service_name) +
                     "] unavailability",
                 std::move(data));
}

Error unauthorized(std::string_view service_name, const std::optional<std::string>& realm) {
    Json data{{"serviceName", service_name}};
    if (realm) data["realm"] = *realm;
    data["status"] = 401;
    return Error(ErrorCode::kUnauthorized, "Unauthorized",
                 "Unable to complete request due to Unauthorized response from service [" +
                     std::string(service_name) + "]",
                 std::move(data));
}

Error forbidden(std::string_view service_name, const std::optional<std::string>& destination) {
    std::string message = "Unable to complete request due to Forbidden response from service [" +
                          std::string(service_name) + "]";
    // Cosmos: no space between "accessing" and the destination.
    if (destination) message += " while accessing" + *destination;
    Json data{{"serviceName", service_name}};
    if (destination) data["destination"] = *destination;
    data["status"] = 403;
    return Error(ErrorCode::kForbidden, "Forbidden", std::move(message), std::move(data));
}

Error endpoint_uri_connection(std::string_view destination, std::string_view cause) {
    return Error(ErrorCode::kUpstreamBadGateway, "EndpointUriConnection",
                 "Could not access data at URI " + std::string(destination),
                 Json{{"destination", destination}, {"cause", cause}});
}

Error endpoint_uri_syntax(std::string_view destination, std::string_view cause) {
    return bad_request("EndpointUriSyntax",
                       "URI for [" + std::string(destination) + "] has invalid syntax",
                       Json{{"destination", destination}, {"cause", cause}});
}

Error timeout_error(std::string_view operation, std::string_view destination, int seconds) {
    std::string timeout = std::to_string(seconds) + " seconds";
    return bad_request(
        "TimeoutError",
        std::string(operation) + " timed out on " + std::string(destination) + " after " + timeout,
        Json{{"operation", operation}, {"destination", destination}, {"timeout", timeout}});
}

// --- Marathon, install, uninstall, update ---

Error package_already_installed() {
    return Error(ErrorCode::kConflict, "PackageAlreadyInstalled", "Package is already installed");
}

Error service_already_started() {
    return Error(ErrorCode::kConflict, "ServiceAlreadyStarted",
                 "The DC/OS service has already been started");
}

Error marathon_bad_response(std::string_view message, const Json& details) {
    Json data = nullptr;
    if (!details.is_null()) data = Json{{"errors", details}};
    return bad_request("MarathonBadResponse", std::string(message), std::move(data));
}

Error marathon_generic_error(int marathon_status) {
    return Error(
        ErrorCode::kInternal, "MarathonGenericError",
        "Received response status code " + std::to_string(marathon_status) + " from Marathon",
        Json{{"marathonStatus", marathon_status}, {"status", 500}});
}

Error marathon_bad_gateway(int marathon_status) {
    return Error(
        ErrorCode::kUpstreamBadGateway, "MarathonBadGateway",
        "Received response status code " + std::to_string(marathon_status) + " from Marathon",
        Json{{"marathonStatus", marathon_status}, {"status", 502}});
}

Error marathon_app_not_found(std::string_view app_id) {
    return Error(ErrorCode::kNotFound, "MarathonAppNotFound",
                 "Unable to locate service with marathon appId: '" + std::string(app_id) + "'",
                 Json{{"appId", app_id}});
}

Error marathon_app_delete_error(std::string_view app_id) {
    return bad_request("MarathonAppDeleteError",
                       "Error while deleting marathon app '" + std::string(app_id) + "'",
                       Json{{"appId", app_id}});
}

Error package_not_installed(std::string_view name) {
    return Error(ErrorCode::kNotFound, "PackageNotInstalled",
                 "Package [" + std::string(name) + "] is not installed",
                 Json{{"packageName", name}});
}

Error uninstall_non_existent_app(std::string_view name, std::string_view app_id) {
    return Error(ErrorCode::kNotFound, "UninstallNonExistentAppForPackage",
                 "Package [" + std::string(name) + "] with id [" + std::string(app_id) +
                     "] is not installed",
                 Json{{"packageName", name}, {"appId", app_id}});
}

Error ambiguous_app_id(std::string_view name, const std::vector<std::string>& app_ids) {
    return bad_request("AmbiguousAppId",
                       "Multiple apps named [" + std::string(name) + "] are installed: [" +
                           join(app_ids, ", ") + "]",
                       Json{{"packageName", name}, {"appIds", string_array(app_ids)}});
}

Error multiple_framework_ids(std::string_view name, const std::optional<std::string>& version,
                             std::string_view framework_name, const std::vector<std::string>& ids) {
    std::string message = "Uninstalled package [" + std::string(name) + "]";
    if (version) message += " version [" + *version + "]";
    message += "\nUnable to shutdown [" + std::string(name) + "] service framework with name [" +
               std::string(framework_name) +
               "] because there are multiple framework ids matching this name: [" +
               join(ids, ", ") + "]";
    Json data{{"packageName", name}};
    if (version) data["packageVersion"] = *version;
    data["frameworkName"] = framework_name;
    data["ids"] = string_array(ids);
    return bad_request("MultipleFrameworkIds", std::move(message), std::move(data));
}

Error incomplete_uninstall(std::string_view name) {
    return Error(
        ErrorCode::kUnavailable, "IncompleteUninstall",
        "Incomplete uninstall of package [" + std::string(name) + "] due to Mesos unavailability",
        Json{{"packageName", name}, {"status", 503}});
}

Error failed_to_start_uninstall(std::string_view app_id, std::string_view explanation) {
    return bad_request("FailedToStartUninstall",
                       "Failed to start an uninstall for the service '" + std::string(app_id) +
                           "': " + std::string(explanation),
                       Json{{"appId", app_id}, {"explanation", explanation}});
}

Error app_id_changed(std::string_view new_app_id, std::string_view old_app_id) {
    return bad_request("AppIdChanged",
                       "The new appId " + std::string(new_app_id) +
                           " must be equal to the old appId " + std::string(old_app_id),
                       Json{{"newAppId", new_app_id}, {"oldAppId", old_app_id}});
}

Error version_upgrade_not_supported(const std::optional<std::string>& requested,
                                    std::string_view actual) {
    Json data = Json::object();
    if (requested) data["requested"] = *requested;
    data["actual"] = actual;
    return bad_request("VersionUpgradeNotSupportedInOpen",
                       "Version Upgrades are an Enterprise DC/OS feature only", std::move(data));
}

Error unsupported_content_encoding_label(std::string_view actual) {
    return unsupported_content_encoding({"gzip"}, std::string(actual));
}

Error custom_package_manager_error(std::string_view manager_id, int status,
                                   std::string_view response) {
    return bad_request(
        "CustomPackageManagerError",
        "Custom manager [" + std::string(manager_id) + "] returned error code [" +
            std::to_string(status) + "] and response [" + std::string(response) + "]",
        Json{{"managerId", manager_id}, {"statusCode", status}, {"responseContent", response}});
}

Error custom_package_manager_not_found(std::string_view manager_id) {
    return bad_request(
        "CustomPackageManagerNotFound",
        "the custom manager: '" + std::string(manager_id) + "', is not installed for this package",
        Json{{"managerId", manager_id}});
}

// --- our additions ---

Error version_change_not_allowed(std::string_view name, std::string_view from,
                                 std::string_view to) {
    return bad_request("VersionChangeNotAllowed",
                       "Package [" + std::string(name) + "] cannot change from version [" +
                           std::string(from) + "] to version [" + std::string(to) +
                           "]: the target's upgradesFrom and the current package's downgradesTo "
                           "do not allow it",
                       Json{{"packageName", name}, {"from", from}, {"to", to}});
}

Error payload_too_large(std::string_view what, std::uint64_t limit) {
    return Error(
        ErrorCode::kPayloadTooLarge, "PayloadTooLarge",
        std::string(what) + " is larger than the limit of " + std::to_string(limit) + " bytes",
        Json{{"limit", limit}});
}

Error invalid_bundle(std::string_view reason) {
    return bad_request("InvalidBundle", "Invalid package bundle: " + std::string(reason),
                       Json{{"reason", reason}});
}

Error package_version_exists(std::string_view name, std::string_view version) {
    return Error(ErrorCode::kConflict, "PackageVersionAlreadyExists",
                 "Version [" + std::string(version) + "] of package [" + std::string(name) +
                     "] is already in the local repository",
                 Json{{"packageName", name}, {"packageVersion", version}});
}

Error local_package_not_found(std::string_view name, std::string_view version) {
    return Error(ErrorCode::kNotFound, "LocalPackageNotFound",
                 "Version [" + std::string(version) + "] of package [" + std::string(name) +
                     "] is not in the local repository",
                 Json{{"packageName", name}, {"packageVersion", version}});
}

Error history_record_not_found(std::int64_t record_id) {
    return Error(ErrorCode::kNotFound, "HistoryRecordNotFound",
                 "History record [" + std::to_string(record_id) + "] not found",
                 Json{{"recordId", record_id}});
}

Error history_record_app_mismatch(std::int64_t record_id, std::string_view app_id,
                                  std::string_view record_app_id) {
    return bad_request(
        "HistoryRecordAppMismatch",
        "History record [" + std::to_string(record_id) + "] is of app [" +
            std::string(record_app_id) + "], not of app [" + std::string(app_id) + "]",
        Json{{"recordId", record_id}, {"appId", app_id}, {"recordAppId", record_app_id}});
}

Error history_record_not_restorable(std::int64_t record_id, std::string_view reason) {
    return bad_request("HistoryRecordNotRestorable",
                       "History record [" + std::to_string(record_id) +
                           "] cannot be rolled back to: " + std::string(reason),
                       Json{{"recordId", record_id}, {"reason", reason}});
}

Error not_implemented(std::string_view operation) {
    return Error(
        ErrorCode::kNotImplemented, "NotImplemented",
        "Cosmos has not been configured to support this operation: " + std::string(operation),
        Json{{"operationName", operation}});
}

Error listen_failed(std::string_view address, std::string_view cause) {
    return Error(ErrorCode::kUnavailable, "ListenFailed",
                 "cannot listen on " + std::string(address) + ": " + std::string(cause),
                 Json{{"address", address}, {"cause", cause}});
}

Error invalid_app_id(std::string_view app_id, std::string_view reason) {
    return bad_request(
        "InvalidAppId",
        "App id '" + std::string(app_id) + "' is not a valid Marathon path: " + std::string(reason),
        Json{{"appId", app_id}, {"reason", reason}});
}

// The challenge DC/OS Admin Router sends with its 401s, which the DC/OS CLIs recognise.
constexpr std::string_view kAuthChallenge = "acsjwt";

Error authentication_required() {
    return Error(ErrorCode::kUnauthorized, "Unauthorized",
                 "Authentication required: send a token as 'Authorization: token=<token>' or "
                 "'Authorization: Bearer <token>'",
                 Json{{"realm", kAuthChallenge}});
}

Error authentication_failed(std::string_view reason) {
    return Error(ErrorCode::kUnauthorized, "Unauthorized",
                 "Authentication failed: " + std::string(reason),
                 Json{{"realm", kAuthChallenge}, {"reason", reason}});
}

Error role_required(std::string_view needed, const std::optional<std::string>& held,
                    std::string_view subject) {
    std::string message = "This request needs the role '" + std::string(needed) + "'; ";
    message += held ? std::string(subject) + " has the role '" + *held + "'"
                    : std::string(subject) + " has no role on this server";
    Json data{{"requiredRole", needed}};
    if (held) data["role"] = *held;
    return Error(ErrorCode::kForbidden, "Forbidden", std::move(message), std::move(data));
}

Error invalid_auth_file(std::string_view file, std::size_t line, std::string_view reason) {
    std::string where = std::string(file);
    if (line > 0) where += ":" + std::to_string(line);
    return bad_request("InvalidAuthFile", where + ": " + std::string(reason),
                       Json{{"file", file}, {"line", line}, {"reason", reason}});
}

// --- historical ---

Error invalid_package_version_for_add(std::string_view name, std::string_view version) {
    return bad_request("InvalidPackageVersionForAdd",
                       "Unable to add version [" + std::string(version) + "] of package [" +
                           std::string(name) +
                           "]. Packaging format not supported for this operation.",
                       Json{{"packageName", name}, {"packageVersion", version}});
}

}  // namespace cosmos::core
