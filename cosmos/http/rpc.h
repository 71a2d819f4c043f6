#pragma once

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "cosmos/core/error.h"
#include "cosmos/core/json.h"
#include "cosmos/http/media_types.h"
#include "cosmos/http/message.h"

namespace cosmos::http {

/// What an endpoint checks before its handler runs (cosmos-api.md §4.1).
struct EndpointSpec {
    /// The required request Content-Type; nullopt: Content-Type is not checked.
    std::optional<MediaType> request_type;
    /// The types the endpoint can answer with, in the order error messages list them; empty:
    /// Accept is not checked.
    std::vector<MediaType> response_types;
    /// True: a non-empty JSON body is required. False: the body is ignored.
    bool body_required = false;
};

/// A standard POST RPC: Content-Type `request_type`, Accept one of `response_types`, JSON body.
EndpointSpec rpc_endpoint(std::string_view request_type,
                          std::initializer_list<std::string_view> response_types);

/// A bodiless endpoint (GET /capabilities): Accept, Host and scheme only.
EndpointSpec no_body_endpoint(std::initializer_list<std::string_view> response_types);

/// The inputs of a request that passed every check (§4.4).
struct ValidatedRequest {
    std::optional<std::string> authorization;  ///< Verbatim, even when empty ("token=").
    std::optional<MediaType> response_type;    ///< The negotiated server type (Accept checked).
    std::size_t response_index = 0;            ///< Its index in EndpointSpec::response_types.
    std::string host;                          ///< Host header up to the first ':'.
    std::optional<std::string> port;           ///< After the first ':', when present.
    std::string scheme;                        ///< X-Forwarded-Proto if sent, else the listener's.
    std::optional<MediaType> content_type;     ///< The client's type (Content-Type checked).
    core::Json body;                           ///< Parsed body; null when the body is ignored.
};

/// Checks a decoded body; throws core::DecodeFailure when it does not have the request's shape.
using BodyCheck = std::function<void(const core::Json&)>;

/// Runs every check of `spec` in §4.1 order (Authorization, Accept, Host, X-Url-Scheme,
/// X-Forwarded-Proto, Content-Type, body), evaluating all of them. Returns the validated inputs,
/// or the one error, or multiple_errors listing all errors in that order. An empty body is
/// not_present; invalid JSON is not_parsed with the parser's message; a body that `check`
/// rejects is not_parsed with the decoder's message.
Checked<ValidatedRequest> validate_request(const HttpRequest& request, const EndpointSpec& spec,
                                           const BodyCheck& check = {});

/// A validated request together with its decoded body.
template <typename Body>
struct TypedRequest {
    ValidatedRequest request;
    Body body;
};

/// validate_request() with a decoder `Body decode(const core::Json&)` (throwing
/// core::DecodeFailure) that runs once, inside the body check. For an endpoint whose body is
/// ignored the decoder gets null after the checks pass, and its DecodeFailure propagates.
template <typename Body, typename Decode>
Checked<TypedRequest<Body>> validate_typed(const HttpRequest& request, const EndpointSpec& spec,
                                           Decode&& decode) {
    std::optional<Body> decoded;
    auto result = validate_request(request, spec,
                                   [&](const core::Json& json) { decoded.emplace(decode(json)); });
    if (auto* error = std::get_if<core::Error>(&result)) return std::move(*error);
    auto& validated = std::get<ValidatedRequest>(result);
    if (!decoded) decoded.emplace(decode(validated.body));
    return TypedRequest<Body>{std::move(validated), std::move(*decoded)};
}

/// The value of a check, or its error thrown (for handlers, whose errors the router answers).
template <typename T>
T require(Checked<T>&& checked) {
    if (auto* error = std::get_if<core::Error>(&checked)) throw std::move(*error);
    return std::get<T>(std::move(checked));
}

/// A JSON answer of the negotiated response type: the compact body without nulls.
HttpResponse json_response(const ValidatedRequest& request, const core::Json& body,
                           int status = 200);

/// The inputs of GET /package/resource.
struct ResourceRequest {
    std::string url;           ///< The `url` query parameter, decoded.
    ValidatedRequest request;  ///< No response type, content type or body.
};

/// §4.1 for GET /package/resource: query parameter `url` (not_present
/// `Item param 'url' not present but required`), Authorization, Host, X-Url-Scheme,
/// X-Forwarded-Proto. Errors combine as in validate_request().
Checked<ResourceRequest> validate_resource_request(const HttpRequest& request);

/// The HTTP status of an error: the integer `status` in its data when present (Cosmos "+status"
/// errors), else by code: invalid request and not found 400, conflict 409, unauthorized 401,
/// forbidden 403, payload too large 413, bad gateway 502, unavailable 503, not implemented 501,
/// internal 500.
int error_status(const core::Error& error);

/// The error response: error_status(), Content-Type kErrorType, body the compact error JSON
/// without nulls; an Unauthorized error with a realm also gets `WWW-Authenticate: <realm>`.
HttpResponse error_response(const core::Error& error);

}  // namespace cosmos::http
