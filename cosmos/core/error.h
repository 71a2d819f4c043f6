#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "cosmos/core/json.h"

namespace cosmos::core {

/// What went wrong, independent of any protocol. The HTTP edge maps each code to a status
/// (cosmos/http/router.cpp); an error whose data carries an integer "status" uses that instead,
/// as Cosmos does for its "+status" errors.
enum class ErrorCode {
    kInvalidRequest,      ///< The caller sent something unusable (Cosmos: 400).
    kNotFound,            ///< A named thing does not exist (Cosmos still answers 400).
    kConflict,            ///< The thing already exists or is busy (409).
    kUnauthorized,        ///< An upstream refused the caller's credentials (401).
    kForbidden,           ///< Not allowed (403).
    kPayloadTooLarge,     ///< A body or archive over a configured limit (413).
    kUpstreamBadGateway,  ///< An upstream answered with a server error (502).
    kUnavailable,         ///< An upstream could not be reached (503).
    kNotImplemented,      ///< Not configured or not offered (501).
    kInternal,            ///< A failure on our side (500).
};

/// The one exception type of the project: a code, the Cosmos wire type string ("PackageNotFound"),
/// a message, and the error's data object (null when it has none).
class Error : public std::runtime_error {
public:
    Error(ErrorCode code, std::string type, std::string message, Json data = nullptr);

    ErrorCode code() const noexcept { return code_; }
    const std::string& type() const noexcept { return type_; }
    const Json& data() const noexcept { return data_; }

    /// The Cosmos error body: {"type", "message", "data"?} with nulls dropped.
    Json to_json() const;

private:
    ErrorCode code_;
    std::string type_;
    Json data_;
};

/// The same error with data member "cause" set to cause, in words (data becomes an object when it
/// had none). Clients ignore the extra member; people read it.
Error with_cause(const Error& error, std::string_view cause);

/// An HTTP method and path relative to the upstream's base, for GenericHttpError.
struct UpstreamCall {
    std::string method;
    std::string uri;
};

// Every wire string of the Cosmos error catalogue lives in error.cpp. The factories below are
// grouped as in cosmos-api.md section 17.

// --- request validation (Finch-style) ---
Error not_present(std::string_view item);  ///< "header 'Accept'", "body", ...
Error not_parsed(std::string_view item, std::string_view cause);
Error not_valid(std::string_view item, std::string_view rule);
/// Wraps several request errors; a single error is returned unchanged.
Error multiple_errors(const std::vector<Error>& errors);
Error unhandled_exception(std::string message);
Error json_parse_failure(std::string_view reason);  ///< json_error, type "parse"

// --- packages and repositories ---
Error package_not_found(std::string_view name);
Error version_not_found(std::string_view name, std::string_view version);
Error json_decoding_error(std::string_view type_name, std::string_view message,
                          std::string_view input);
Error json_parsing_error(std::string_view underlying_type, std::string_view message,
                         std::string_view input);
Error json_schema_mismatch(Json errors);
Error options_not_allowed();
Error options_not_stored();
Error service_marathon_template_not_found(std::string_view name, std::string_view version);
Error marathon_template_must_be_json_object();
Error conversion_to_v2_describe();
Error package_file_missing(std::string_view file_name);
Error package_file_not_json(std::string_view file_name, std::string_view parse_error);
Error package_file_schema_mismatch(std::string_view error_message);
Error repository_already_present(const std::optional<std::string>& name,
                                 const std::optional<std::string>& uri);
Error repository_not_present(const std::optional<std::string>& name,
                             const std::optional<std::string>& uri);
Error repository_add_index_out_of_bounds(std::int64_t attempted, std::int64_t max);
Error repo_name_or_uri_missing();
Error unsupported_repository_uri(std::string_view uri);
Error repository_uri_syntax(std::string_view name, std::string_view uri, std::string_view cause);
Error repository_uri_connection(std::string_view name, std::string_view uri,
                                std::string_view cause);
/// status: 500 while serving, 400 while adding a repository.
Error universe_client_http_error(std::string_view name, std::string_view uri, int client_status,
                                 int status);
Error unsupported_content_type(const std::vector<std::string>& supported,
                               const std::optional<std::string>& actual);
Error unsupported_content_encoding(const std::vector<std::string>& supported,
                                   const std::optional<std::string>& actual);
Error unsupported_redirect(const std::vector<std::string>& supported,
                           const std::optional<std::string>& actual);
Error concurrent_access();
Error index_not_found(std::string_view repo_uri);
Error unsupported_repository_version(std::string_view version);

// --- upstream services ---
Error generic_http_error(const UpstreamCall& call, int client_status, int status = 400);
/// uri and cause, when given, are added to data (beyond Cosmos, which names only the service).
Error service_unavailable(std::string_view service_name,
                          const std::optional<std::string>& uri = std::nullopt,
                          const std::optional<std::string>& cause = std::nullopt);
Error unauthorized(std::string_view service_name, const std::optional<std::string>& realm);
Error forbidden(std::string_view service_name, const std::optional<std::string>& destination);
Error endpoint_uri_connection(std::string_view destination, std::string_view cause);
Error endpoint_uri_syntax(std::string_view destination, std::string_view cause);
Error timeout_error(std::string_view operation, std::string_view destination, int seconds);

// --- Marathon, install, uninstall, update ---
Error package_already_installed();
Error service_already_started();
Error marathon_bad_response(std::string_view message, const Json& details);
Error marathon_generic_error(int marathon_status);
Error marathon_bad_gateway(int marathon_status);
Error marathon_app_not_found(std::string_view app_id);
Error marathon_app_delete_error(std::string_view app_id);
Error package_not_installed(std::string_view name);
Error uninstall_non_existent_app(std::string_view name, std::string_view app_id);
Error ambiguous_app_id(std::string_view name, const std::vector<std::string>& app_ids);
Error multiple_framework_ids(std::string_view name, const std::optional<std::string>& version,
                             std::string_view framework_name, const std::vector<std::string>& ids);
Error incomplete_uninstall(std::string_view name);
Error failed_to_start_uninstall(std::string_view app_id, std::string_view explanation);
Error app_id_changed(std::string_view new_app_id, std::string_view old_app_id);
Error version_upgrade_not_supported(const std::optional<std::string>& requested,
                                    std::string_view actual);
Error unsupported_content_encoding_label(std::string_view actual);
Error custom_package_manager_error(std::string_view manager_id, int status,
                                   std::string_view response);
Error custom_package_manager_not_found(std::string_view manager_id);

// --- our additions beyond open-source Cosmos ---
/// A version change that the target's upgradesFrom / the current package's downgradesTo forbid.
Error version_change_not_allowed(std::string_view name, std::string_view from, std::string_view to);
/// A body or archive over a limit.
Error payload_too_large(std::string_view what, std::uint64_t limit);
/// A .dcos bundle (or zip repository) that cannot be accepted; the reason says why.
Error invalid_bundle(std::string_view reason);
/// Publishing a name+version that the local repository already holds.
Error package_version_exists(std::string_view name, std::string_view version);
Error local_package_not_found(std::string_view name, std::string_view version);
Error not_implemented(std::string_view operation);
/// POST /package/rollback naming a record id the history does not have.
Error history_record_not_found(std::int64_t record_id);
/// POST /package/rollback naming a record of another app than the one to roll back.
Error history_record_app_mismatch(std::int64_t record_id, std::string_view app_id,
                                  std::string_view record_app_id);
/// POST /package/rollback naming a record that cannot be restored; reason says why, in words.
Error history_record_not_restorable(std::int64_t record_id, std::string_view reason);
/// A server that cannot listen on address (start-up only); cause in words.
Error listen_failed(std::string_view address, std::string_view cause);
/// An app id that is not a valid absolute Marathon path; the reason says which rule it breaks.
Error invalid_app_id(std::string_view app_id, std::string_view reason);

// --- authentication and roles (our additions) ---
/// 401 Unauthorized: the request carries no token. The data's `realm` is the challenge the
/// HTTP edge sends as WWW-Authenticate.
Error authentication_required();
/// 401 Unauthorized: a token was sent but is not accepted; `reason` says why in words.
Error authentication_failed(std::string_view reason);
/// 403 Forbidden: the caller (`subject`, e.g. "a token" or "user 'alice'") is authenticated but
/// its role (`held`, nullopt for none) does not include `needed`.
Error role_required(std::string_view needed, const std::optional<std::string>& held,
                    std::string_view subject);
/// A credentials file that cannot be used: "<file>:<line>: <reason>" (line 0: the whole file).
Error invalid_auth_file(std::string_view file, std::size_t line, std::string_view reason);

// --- historical (Cosmos 0.3-0.4, cosmos-api.md section 17.4) ---
/// POST /package/add copying a packaging 2.0 package from a repository.
Error invalid_package_version_for_add(std::string_view name, std::string_view version);

}  // namespace cosmos::core
