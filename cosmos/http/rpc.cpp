#include "cosmos/http/rpc.h"

#include "cosmos/core/decode.h"

namespace cosmos::http {

namespace {

const std::string kSchemeRule = "Unable to determine scheme used to contact service: ";

bool is_known_scheme(std::string_view scheme) {
    return scheme == "http" || scheme == "https";
}

// The checks that every endpoint shares (§4.1 items 1, 3, 4 and 5). Accept sits between
// Authorization and Host, so the caller passes it in to keep the error order.
class Collector {
public:
    template <typename T>
    std::optional<T> take(Checked<T>&& checked) {
        if (auto* error = std::get_if<core::Error>(&checked)) {
            errors_.push_back(std::move(*error));
            return std::nullopt;
        }
        return std::get<T>(std::move(checked));
    }

    void add(core::Error error) { errors_.push_back(std::move(error)); }
    bool ok() const { return errors_.empty(); }
    core::Error result() const { return core::multiple_errors(errors_); }

private:
    std::vector<core::Error> errors_;
};

void check_host(const HttpRequest& request, Collector& errors, ValidatedRequest& out) {
    auto host = request.header("Host");
    if (!host) {
        errors.add(core::not_present("header 'Host'"));
        return;
    }
    // Cosmos: OriginHostScheme splits with Java's String.split(':'); the first piece is the host
    // and the second, when there is one, the port.
    std::string_view rest = *host;
    std::size_t colon = rest.find(':');
    out.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
        rest.remove_prefix(colon + 1);
        std::string_view port = rest.substr(0, rest.find(':'));
        bool only_colons = rest.find_first_not_of(':') == std::string_view::npos;
        if (!only_colons) out.port = std::string(port);
    }
}

void check_schemes(const HttpRequest& request, Collector& errors, ValidatedRequest& out) {
    bool listener_ok = false;
    if (request.scheme.empty()) {
        errors.add(core::not_present("header 'X-Url-Scheme'"));
    } else if (!is_known_scheme(request.scheme)) {
        errors.add(
            core::not_valid("header 'X-Url-Scheme'", kSchemeRule + "[" + request.scheme + "]"));
    } else {
        listener_ok = true;
    }

    auto forwarded = request.header("X-Forwarded-Proto");
    if (forwarded) {
        if (is_known_scheme(*forwarded)) {
            out.scheme = std::string(*forwarded);
        } else {
            errors.add(core::not_valid("header 'X-Forwarded-Proto'",
                                       kSchemeRule + "[" + std::string(*forwarded) + "]"));
        }
    } else if (listener_ok) {
        out.scheme = request.scheme;
    }
}

void check_body(const HttpRequest& request, const BodyCheck& check, Collector& errors,
                ValidatedRequest& out) {
    if (request.body.empty()) {
        errors.add(core::not_present("body"));
        return;
    }
    try {
        out.body = core::parse_json(request.body);
    } catch (const core::Error& e) {
        const auto& data = e.data();
        std::string cause = e.what();
        if (data.is_object() && data.contains("parsingErrorMessage") &&
            data["parsingErrorMessage"].is_string()) {
            cause = data["parsingErrorMessage"].get<std::string>();
        }
        errors.add(core::not_parsed("body", cause));
        return;
    }
    if (!check) return;
    try {
        check(out.body);
    } catch (const core::DecodeFailure& e) {
        std::string cause = e.what();
        // Cosmos prints only circe's cursor; the words say plainly what to fix.
        if (!e.missing_member().empty()) {
            cause += " (the required member '" + e.missing_member() + "' is missing)";
        }
        errors.add(core::not_parsed("body", cause));
    } catch (const core::Error& e) {
        errors.add(e);
    }
}

std::vector<MediaType> parse_all(std::initializer_list<std::string_view> types) {
    std::vector<MediaType> out;
    out.reserve(types.size());
    for (auto t : types)
        out.push_back(media_type(t));
    return out;
}

}  // namespace

EndpointSpec rpc_endpoint(std::string_view request_type,
                          std::initializer_list<std::string_view> response_types) {
    return EndpointSpec{media_type(request_type), parse_all(response_types), true};
}

EndpointSpec no_body_endpoint(std::initializer_list<std::string_view> response_types) {
    return EndpointSpec{std::nullopt, parse_all(response_types), false};
}

Checked<ValidatedRequest> validate_request(const HttpRequest& request, const EndpointSpec& spec,
                                           const BodyCheck& check) {
    Collector errors;
    ValidatedRequest out;
    if (auto auth = request.header("Authorization")) out.authorization = std::string(*auth);

    if (!spec.response_types.empty()) {
        auto index = errors.take(negotiate_accept(request.header("Accept"), spec.response_types));
        if (index) {
            out.response_index = *index;
            out.response_type = spec.response_types[*index];
        }
    }
    check_host(request, errors, out);
    check_schemes(request, errors, out);
    if (spec.request_type) {
        out.content_type =
            errors.take(check_content_type(request.header("Content-Type"), *spec.request_type));
    }
    if (spec.body_required) check_body(request, check, errors, out);

    if (!errors.ok()) return errors.result();
    return out;
}

Checked<ResourceRequest> validate_resource_request(const HttpRequest& request) {
    Collector errors;
    ResourceRequest out;
    if (auto url = request.query_param("url")) {
        out.url = std::string(*url);
    } else {
        errors.add(core::not_present("param 'url'"));
    }
    if (auto auth = request.header("Authorization")) {
        out.request.authorization = std::string(*auth);
    }
    check_host(request, errors, out.request);
    check_schemes(request, errors, out.request);
    if (!errors.ok()) return errors.result();
    return out;
}

int error_status(const core::Error& error) {
    const auto& data = error.data();
    if (data.is_object()) {
        auto it = data.find("status");
        if (it != data.end() && it->is_number_integer()) return it->get<int>();
    }
    switch (error.code()) {
        case core::ErrorCode::kInvalidRequest:
        case core::ErrorCode::kNotFound:
            return 400;
        case core::ErrorCode::kConflict:
            return 409;
        case core::ErrorCode::kUnauthorized:
            return 401;
        case core::ErrorCode::kForbidden:
            return 403;
        case core::ErrorCode::kPayloadTooLarge:
            return 413;
        case core::ErrorCode::kUpstreamBadGateway:
            return 502;
        case core::ErrorCode::kUnavailable:
            return 503;
        case core::ErrorCode::kNotImplemented:
            return 501;
        case core::ErrorCode::kInternal:
            return 500;
    }
    return 500;
}

HttpResponse json_response(const ValidatedRequest& request, const core::Json& body, int status) {
    HttpResponse response;
    response.status = status;
    response.headers.push_back({"Content-Type", request.response_type->to_string()});
    response.body = core::to_compact(core::drop_nulls(body));
    return response;
}

HttpResponse error_response(const core::Error& error) {
    HttpResponse response;
    response.status = error_status(error);
    response.headers.push_back({"Content-Type", std::string(kErrorType)});
    const auto& data = error.data();
    // Cosmos: Unauthorized passes the upstream's WWW-Authenticate challenge on to the caller.
    if (error.type() == "Unauthorized" && data.is_object() && data.contains("realm") &&
        data["realm"].is_string()) {
        response.headers.push_back({"WWW-Authenticate", data["realm"].get<std::string>()});
    }
    response.body = core::to_compact(core::drop_nulls(error.to_json()));
    return response;
}

}  // namespace cosmos::http
