#include "cosmos/http/publish_handlers.h"

#include <optional>
#include <utility>
#include <vector>

#include "cosmos/app/package_actions.h"
#include "cosmos/core/decode.h"
#include "cosmos/core/error.h"
#include "cosmos/http/media_types.h"
#include "cosmos/http/rpc.h"
#include "cosmos/http/wire.h"

namespace cosmos::http {

namespace {

using core::Json;

app::PublishService& publisher(ServerContext& ctx, std::string_view operation) {
    // Cosmos 0.4 answered this way when package storage was not configured.
    if (!ctx.publish) throw core::not_implemented(operation);
    return *ctx.publish;
}

// The request errors an error stands for: the entries of a multiple_errors, or itself.
void append_request_errors(const core::Error& error, std::vector<core::Error>& out) {
    static const std::string kMultiple =
        core::multiple_errors({core::not_present("a"), core::not_present("b")}).type();
    const Json& data = error.data();
    if (error.type() != kMultiple || !data.is_object() || !data.contains("errors")) {
        out.push_back(error);
        return;
    }
    for (const auto& item : data["errors"]) {
        out.emplace_back(core::ErrorCode::kInvalidRequest, item.value("type", ""),
                         item.value("message", ""), item.value("data", Json(nullptr)));
    }
}

// Runs the header checks of §4.1 and throws every failure, `extra` last, as one error.
ValidatedRequest validate_with(const HttpRequest& request, const EndpointSpec& spec,
                               std::optional<core::Error> extra) {
    auto result = validate_request(request, spec);
    std::vector<core::Error> errors;
    if (auto* error = std::get_if<core::Error>(&result)) append_request_errors(*error, errors);
    if (extra) errors.push_back(std::move(*extra));
    if (!errors.empty()) throw core::multiple_errors(errors);
    return std::get<ValidatedRequest>(std::move(result));
}

bool replace_requested(const HttpRequest& request) {
    auto value = request.query_param("replace");
    if (!value || *value == "false") return false;
    if (*value == "true") return true;
    throw core::not_valid("param 'replace'",
                          "should be true or false, but was " + std::string(*value));
}

// POST /package/add: the Content-Type selects the body type (cosmos-api.md §18.2).
HttpResponse package_add(ServerContext& ctx, const HttpRequest& request) {
    auto& publish = publisher(ctx, "package add");
    static const MediaType kBundle = media_type(kPackageBundleType);
    static const MediaType kCopy = media_type(kPackageAddRequestType);
    static const std::vector<MediaType> kResponses = {media_type(kPackageAddResponseType)};

    auto header = request.header("Content-Type");
    std::optional<MediaType> content_type;
    if (header) content_type = parse_media_type(*header);

    if (content_type && compatible(kBundle, *content_type)) {
        static const EndpointSpec spec{kBundle, kResponses, false};
        std::optional<core::Error> missing;
        if (request.body.empty()) missing = core::not_present("body");
        auto validated = validate_with(request, spec, std::move(missing));
        bool replace = replace_requested(request);
        auto record = publish.add_bundle(request.body, replace);
        return json_response(validated, record.definition, 202);
    }
    if (content_type && !compatible(kCopy, *content_type)) {
        static const EndpointSpec spec{std::nullopt, kResponses, false};
        validate_with(request, spec,
                      core::not_valid("header 'Content-Type'",
                                      "Media type was " + content_type->to_string() +
                                          ", but should be one of [" + kCopy.to_string() + ", " +
                                          kBundle.to_string() + "]"));
    }
    // A copy request, or a missing or unparsable Content-Type, which the standard checks report.
    static const EndpointSpec spec =
        rpc_endpoint(kPackageAddRequestType, {kPackageAddResponseType});
    auto typed = require(
        validate_typed<app::PackageAddCopyRequest>(request, spec, decode_package_add_copy_request));
    bool replace = replace_requested(request);
    auto record = publish.add_copy(typed.body, replace);
    return json_response(typed.request, record.definition, 202);
}

HttpResponse package_delete(ServerContext& ctx, const HttpRequest& request) {
    auto& publish = publisher(ctx, "package delete");
    static const EndpointSpec spec =
        rpc_endpoint(kPackageDeleteRequestType, {kPackageDeleteResponseType});
    auto typed =
        require(validate_typed<PackageDeleteRequest>(request, spec, decode_package_delete_request));
    auto removed = publish.remove(typed.body.package_name, typed.body.package_version);
    return json_response(typed.request, Json{{"packageName", removed.name},
                                             {"packageVersion", removed.version},
                                             {"releaseVersion", removed.release_version}});
}

HttpResponse local_list(ServerContext& ctx, const HttpRequest& request) {
    auto& publish = publisher(ctx, "package local list");
    static const EndpointSpec spec = rpc_endpoint(kLocalListRequestType, {kLocalListResponseType});
    auto validated = require(validate_request(request, spec));
    Json packages = Json::array();
    for (const auto& state : publish.list())
        packages.push_back(encode_local_package(state));
    return json_response(validated, Json{{"packages", std::move(packages)}});
}

// Describe as registered in handlers.cpp, plus the bundle digest of local packages.

}  // namespace

PackageDeleteRequest decode_package_delete_request(const Json& body) {
    static const core::DecodePath kRoot;
    if (!body.is_object()) {
        throw core::DecodeFailure("Attempt to decode value on failed cursor: " +
                                  kRoot.field("packageName").history());
    }
    PackageDeleteRequest out;
    out.package_name = core::required_string(body, "packageName", kRoot);
    out.package_version = core::required_string(body, "packageVersion", kRoot);
    return out;
}

Json encode_local_package(const app::LocalPackageState& state) {
    const auto& record = state.record;
    Json out{{"status", record.status},
             {"packageCoordinate", Json{{"name", record.name}, {"version", record.version}}}};
    if (state.package) out["metadata"] = core::encode_package(*state.package);
    if (record.error) out["error"] = *record.error;
    if (!record.sha256.empty()) out["sha256"] = record.sha256;
    return out;
}

void register_publish_routes(Router& router, ServerContext& ctx) {
    router.add("POST", "/package/add", "package/add",
               [&ctx](const HttpRequest& r) { return package_add(ctx, r); });
    router.add("POST", "/package/delete", "package/delete",
               [&ctx](const HttpRequest& r) { return package_delete(ctx, r); });
    router.add("POST", "/package/local/list", "package/local/list",
               [&ctx](const HttpRequest& r) { return local_list(ctx, r); });
}

}  // namespace cosmos::http
