#include "cosmos/http/rpc.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cosmos/http/wire.h"

namespace {

using cosmos::core::Error;
using cosmos::core::ErrorCode;
using cosmos::core::Json;
using namespace cosmos::http;

const std::string kInstallBody =
    R"({"packageName":"helloworld","packageVersion":"0.1.0","options":{"port":9999},"appId":"/hw"})";

HttpRequest post(std::vector<Header> headers, std::string body) {
    HttpRequest r;
    r.method = "POST";
    r.path = "/package/install";
    r.headers = std::move(headers);
    r.body = std::move(body);
    return r;
}

HttpRequest full_install_request() {
    return post({{"Host", "localhost:7070"},
                 {"Authorization", "token="},
                 {"Content-Type", std::string(kInstallRequestType)},
                 {"Accept", std::string(kInstallResponseV2Type)}},
                kInstallBody);
}

EndpointSpec install_spec() {
    return rpc_endpoint(kInstallRequestType, {kInstallResponseV2Type, kInstallResponseV1Type});
}

// The error response body of a failed validation, or "" when it passed.
template <typename T>
std::string error_body(const Checked<T>& checked) {
    if (auto* e = std::get_if<Error>(&checked)) return error_response(*e).body;
    return "";
}

std::string not_present(const std::string& item) {
    return R"({"type":"not_present","message":"Item )" + item + R"( not present but required"})";
}

}  // namespace

TEST_CASE("a complete install request validates", "[http][rpc]") {
    auto result = validate_request(full_install_request(), install_spec());
    REQUIRE(std::holds_alternative<ValidatedRequest>(result));
    const auto& v = std::get<ValidatedRequest>(result);
    CHECK(v.authorization == std::optional<std::string>("token="));
    REQUIRE(v.response_type);
    CHECK(v.response_type->to_string() == kInstallResponseV2Type);
    CHECK(v.response_index == 0);
    CHECK(v.host == "localhost");
    CHECK(v.port == std::optional<std::string>("7070"));
    CHECK(v.scheme == "http");
    REQUIRE(v.content_type);
    CHECK(v.content_type->to_string() == kInstallRequestType);
    CHECK(v.body == Json::parse(kInstallBody));
}

TEST_CASE("header names are case-insensitive and the first repeated value wins", "[http][rpc]") {
    auto r = post({{"host", "a"},
                   {"HOST", "b"},
                   {"content-type", std::string(kInstallRequestType)},
                   {"ACCEPT", std::string(kInstallResponseV1Type)},
                   {"accept", std::string(kInstallResponseV2Type)}},
                  kInstallBody);
    auto result = validate_request(r, install_spec());
    REQUIRE(std::holds_alternative<ValidatedRequest>(result));
    const auto& v = std::get<ValidatedRequest>(result);
    CHECK(v.host == "a");
    CHECK_FALSE(v.port);
    CHECK_FALSE(v.authorization);
    CHECK(v.response_index == 1);
}

TEST_CASE("scheme comes from X-Forwarded-Proto, else the listener", "[http][rpc]") {
    struct Row {
        const char* listener;
        const char* forwarded;  // nullptr: header absent
        std::string scheme;     // expected scheme, or the expected error body
    };
    const std::string rule = "Unable to determine scheme used to contact service: ";
    const Row rows[] = {
        {"http", nullptr, "http"},
        {"https", nullptr, "https"},
        {"http", "https", "https"},
        {"https", "http", "http"},
        {"http", "ftp",
         R"({"type":"not_valid","message":"Item header 'X-Forwarded-Proto' deemed invalid by rule: )" +
             rule + R"([ftp]"})"},
        {"http", "HTTPS",
         R"({"type":"not_valid","message":"Item header 'X-Forwarded-Proto' deemed invalid by rule: )" +
             rule + R"([HTTPS]"})"},
        {"gopher", nullptr,
         R"({"type":"not_valid","message":"Item header 'X-Url-Scheme' deemed invalid by rule: )" +
             rule + R"([gopher]"})"},
        {"", nullptr, not_present("header 'X-Url-Scheme'")},
    };
    for (const auto& row : rows) {
        CAPTURE(row.listener, row.forwarded ? row.forwarded : "(none)");
        auto r = full_install_request();
        r.scheme = row.listener;
        if (row.forwarded) r.headers.push_back({"X-Forwarded-Proto", row.forwarded});
        auto result = validate_request(r, install_spec());
        if (auto* v = std::get_if<ValidatedRequest>(&result)) {
            CHECK(v->scheme == row.scheme);
        } else {
            CHECK(error_body(result) == row.scheme);
        }
    }
}

TEST_CASE("Host is split at the first colon", "[http][rpc]") {
    struct Row {
        const char* host;
        const char* name;
        std::optional<std::string> port;
    };
    const Row rows[] = {
        {"example.com", "example.com", std::nullopt},
        {"example.com:443", "example.com", "443"},
        {"example.com:", "example.com", std::nullopt},
        {"a:b:c", "a", "b"},
        {"a::80", "a", ""},
    };
    for (const auto& row : rows) {
        CAPTURE(row.host);
        auto r = full_install_request();
        r.headers[0].value = row.host;
        auto result = validate_request(r, install_spec());
        REQUIRE(std::holds_alternative<ValidatedRequest>(result));
        CHECK(std::get<ValidatedRequest>(result).host == row.name);
        CHECK(std::get<ValidatedRequest>(result).port == row.port);
    }
}

TEST_CASE("failed checks are collected in pipeline order", "[http][rpc][errors]") {
    const std::string accept = not_present("header 'Accept'");
    const std::string host = not_present("header 'Host'");
    const std::string content_type = not_present("header 'Content-Type'");
    const std::string body = not_present("body");
    auto multiple = [](const std::vector<std::string>& entries) {
        std::string out =
            R"({"type":"multiple_errors","message":"Multiple errors while processing request",)"
            R"("data":{"errors":[)";
        for (std::size_t i = 0; i < entries.size(); ++i)
            out += (i ? "," : "") + entries[i];
        return out + "]}}";
    };
    struct Row {
        const char* name;
        std::vector<Header> headers;
        std::string body;
        std::string expected;
    };
    const std::vector<Row> rows = {
        // Cosmos RequestErrorsSpec: Host present, nothing else.
        {"no Accept, Content-Type or body",
         {{"Host", "localhost"}},
         "",
         multiple({accept, content_type, body})},
        {"nothing at all", {}, "", multiple({accept, host, content_type, body})},
        {"only the body missing",
         {{"Host", "h"},
          {"Accept", std::string(kInstallResponseV2Type)},
          {"Content-Type", std::string(kInstallRequestType)}},
         "",
         body},
        {"bad Accept and bad proto",
         {{"Host", "h"},
          {"Accept", "application/json"},
          {"X-Forwarded-Proto", "ws"},
          {"Content-Type", std::string(kInstallRequestType)}},
         kInstallBody,
         multiple(
             {R"({"type":"not_valid","message":"Item header 'Accept' deemed invalid by rule: )"
              R"(Media type was [application/json] but should be one of [)" +
                  std::string(kInstallResponseV2Type) + ", " + std::string(kInstallResponseV1Type) +
                  R"(]"})",
              R"({"type":"not_valid","message":"Item header 'X-Forwarded-Proto' deemed )"
              R"(invalid by rule: Unable to determine scheme used to contact service: [ws]"})"})},
    };
    for (const auto& row : rows) {
        CAPTURE(row.name);
        auto result = validate_request(post(row.headers, row.body), install_spec());
        CHECK(error_body(result) == row.expected);
        if (auto* e = std::get_if<Error>(&result)) CHECK(error_response(*e).status == 400);
    }
}

TEST_CASE("body errors: invalid JSON and request-type decoding", "[http][rpc][errors]") {
    auto spec =
        rpc_endpoint(kDescribeRequestType, {kDescribeResponseV3Type, kDescribeResponseV2Type});
    auto request = [](std::string body) {
        HttpRequest r;
        r.method = "POST";
        r.headers = {{"Host", "h"},
                     {"Accept", std::string(kDescribeResponseV3Type)},
                     {"Content-Type", std::string(kDescribeRequestType)}};
        r.body = std::move(body);
        return r;
    };
    auto message = [](const auto& checked) -> std::string {
        if (auto* e = std::get_if<Error>(&checked)) return e->type() + ": " + e->what();
        return "";
    };

    auto invalid = validate_request(request("{\"packageName\":"), spec);
    CHECK_THAT(message(invalid),
               Catch::StartsWith("not_parsed: Item 'body' unable to be parsed: "));
    CHECK(message(invalid).size() >
          std::string("not_parsed: Item 'body' unable to be parsed: ").size());

    struct Row {
        const char* body;
        const char* expected;
    };
    const Row rows[] = {
        {R"({})",
         "not_parsed: Item 'body' unable to be parsed: Attempt to decode value on failed cursor: "
         "DownField(packageName) (the required member 'packageName' is missing)"},
        {R"({"packageName":1})",
         "not_parsed: Item 'body' unable to be parsed: String: DownField(packageName)"},
        {R"({"packageName":"kafka","packageVersion":false})",
         "not_parsed: Item 'body' unable to be parsed: String: DownField(packageVersion)"},
        {R"({"packageName":"kafka","unknown":[1,2]})", ""},
    };
    for (const auto& row : rows) {
        CAPTURE(row.body);
        auto typed = validate_typed<cosmos::app::DescribeRequest>(request(row.body), spec,
                                                                  decode_describe_request);
        CHECK(message(typed) == row.expected);
        if (auto* ok = std::get_if<TypedRequest<cosmos::app::DescribeRequest>>(&typed)) {
            CHECK(ok->body.package_name == "kafka");
            CHECK(ok->request.response_index == 0);
        }
    }

    // A decoding failure is collected after the header errors.
    auto r = request(R"({"packageName":7})");
    r.headers.erase(r.headers.begin());
    auto both = validate_typed<cosmos::app::DescribeRequest>(r, spec, decode_describe_request);
    CHECK(error_body(both) ==
          R"({"type":"multiple_errors","message":"Multiple errors while processing request",)"
          R"("data":{"errors":[{"type":"not_present","message":"Item header 'Host' not present )"
          R"(but required"},{"type":"not_parsed","message":"Item 'body' unable to be parsed: )"
          R"js(String: DownField(packageName)"}]}})js");
}

TEST_CASE("what the Python and Go CLIs send is accepted", "[http][rpc][clients]") {
    SECTION("Python: GET /capabilities with a Content-Type and no body") {
        HttpRequest r;
        r.method = "GET";
        r.path = "/capabilities";
        r.headers = {{"Host", "cluster"},
                     {"Accept", std::string(kCapabilitiesType)},
                     {"Content-Type", std::string(kCapabilitiesType)}};
        auto result = validate_request(r, no_body_endpoint({kCapabilitiesType}));
        REQUIRE(std::holds_alternative<ValidatedRequest>(result));
        CHECK(std::get<ValidatedRequest>(result).body.is_null());
        CHECK_FALSE(std::get<ValidatedRequest>(result).content_type);
        auto typed = validate_typed<cosmos::app::RepositoryListRequest>(
            r, no_body_endpoint({kCapabilitiesType}), decode_repository_list_request);
        CHECK(std::holds_alternative<TypedRequest<cosmos::app::RepositoryListRequest>>(typed));
    }
    SECTION("capabilities checks Accept, Host and scheme only") {
        HttpRequest r;
        r.headers = {{"Content-Type", "garbage"}};
        r.body = "not json";
        auto result = validate_request(r, no_body_endpoint({kCapabilitiesType}));
        CHECK(error_body(result) ==
              R"({"type":"multiple_errors","message":"Multiple errors while processing request",)"
              R"("data":{"errors":[)" +
                  not_present("header 'Accept'") + "," + not_present("header 'Host'") + "]}}");
    }
    SECTION("Go: repository list with a null body and the error type in Accept") {
        HttpRequest r;
        r.method = "POST";
        r.headers = {
            {"Host", "cluster"},
            {"Authorization", "token="},
            {"Accept", std::string(kRepositoryListResponseType) + "," + std::string(kErrorType)},
            {"Content-Type", std::string(kRepositoryListRequestType)}};
        r.body = "null\n";
        auto spec = rpc_endpoint(kRepositoryListRequestType, {kRepositoryListResponseType});
        auto result = validate_typed<cosmos::app::RepositoryListRequest>(
            r, spec, decode_repository_list_request);
        REQUIRE(std::holds_alternative<TypedRequest<cosmos::app::RepositoryListRequest>>(result));
        const auto& v = std::get<TypedRequest<cosmos::app::RepositoryListRequest>>(result).request;
        CHECK(v.body.is_null());
        CHECK(v.authorization == std::optional<std::string>("token="));
    }
    SECTION("Python: repository add with a string index") {
        HttpRequest r;
        r.method = "POST";
        r.headers = {{"Host", "cluster"},
                     {"Accept", std::string(kRepositoryAddResponseType)},
                     {"Content-Type", std::string(kRepositoryAddRequestType)}};
        r.body = R"({"name": "N", "uri": "https://u", "index": "0"})";
        auto spec = rpc_endpoint(kRepositoryAddRequestType, {kRepositoryAddResponseType});
        auto result = validate_typed<cosmos::app::RepositoryAddRequest>(
            r, spec, decode_repository_add_request);
        REQUIRE(std::holds_alternative<TypedRequest<cosmos::app::RepositoryAddRequest>>(result));
        CHECK(std::get<TypedRequest<cosmos::app::RepositoryAddRequest>>(result).body.index ==
              std::optional<std::int64_t>(0));
    }
}

TEST_CASE("GET /package/resource checks url and Host", "[http][rpc][resource]") {
    HttpRequest r;
    r.method = "GET";
    r.path = "/package/resource";
    auto none = validate_resource_request(r);
    CHECK(error_body(none) ==
          R"({"type":"multiple_errors","message":"Multiple errors while processing request",)"
          R"("data":{"errors":[)" +
              not_present("param 'url'") + "," + not_present("header 'Host'") + "]}}");

    r.headers = {{"Host", "h:1"}};
    CHECK(error_body(validate_resource_request(r)) == not_present("param 'url'"));

    r.query = {{"url", "https://downloads.example.com/a b.png"}, {"url", "ignored"}};
    auto ok = validate_resource_request(r);
    REQUIRE(std::holds_alternative<ResourceRequest>(ok));
    CHECK(std::get<ResourceRequest>(ok).url == "https://downloads.example.com/a b.png");
    CHECK(std::get<ResourceRequest>(ok).request.host == "h");
    CHECK(std::get<ResourceRequest>(ok).request.scheme == "http");
}

TEST_CASE("error_response maps codes and +status errors", "[http][rpc][errors]") {
    struct Row {
        ErrorCode code;
        int status;
    };
    const Row rows[] = {
        {ErrorCode::kInvalidRequest, 400},     {ErrorCode::kNotFound, 400},
        {ErrorCode::kConflict, 409},           {ErrorCode::kUnauthorized, 401},
        {ErrorCode::kForbidden, 403},          {ErrorCode::kPayloadTooLarge, 413},
        {ErrorCode::kUpstreamBadGateway, 502}, {ErrorCode::kUnavailable, 503},
        {ErrorCode::kNotImplemented, 501},     {ErrorCode::kInternal, 500},
    };
    for (const auto& row : rows) {
        CAPTURE(static_cast<int>(row.code));
        auto response = error_response(Error(row.code, "T", "m"));
        CHECK(response.status == row.status);
        CHECK(response.header("content-type") == std::optional<std::string_view>(kErrorType));
        CHECK(response.body == R"({"type":"T","message":"m"})");
    }

    struct StatusRow {
        const char* name;
        Error error;
        int status;
    };
    const StatusRow status_rows[] = {
        {"GenericHttpError with status 502",
         cosmos::core::generic_http_error({"GET", "/v2/apps"}, 404, 502), 502},
        {"UniverseClientHttpError during add",
         cosmos::core::universe_client_http_error("r", "https://r", 404, 400), 400},
        {"UniverseClientHttpError while serving",
         cosmos::core::universe_client_http_error("r", "https://r", 404, 500), 500},
        {"MarathonBadGateway", cosmos::core::marathon_bad_gateway(503), 502},
        {"ServiceUnavailable", cosmos::core::service_unavailable("marathon"), 503},
        {"PackageNotFound", cosmos::core::package_not_found("x"), 400},
        {"status field wins over the code",
         Error(ErrorCode::kInternal, "X", "m", Json{{"status", 418}}), 418},
        {"non-integer status is ignored",
         Error(ErrorCode::kConflict, "X", "m", Json{{"status", "418"}}), 409},
    };
    for (const auto& row : status_rows) {
        CAPTURE(row.name);
        CHECK(error_response(row.error).status == row.status);
    }

    CHECK(error_response(cosmos::core::package_not_found("kafka")).body ==
          R"({"type":"PackageNotFound","message":"Package [kafka] not found",)"
          R"("data":{"packageName":"kafka"}})");
    CHECK(error_response(Error(ErrorCode::kInvalidRequest, "X", "m",
                               Json{{"a", nullptr}, {"b", Json{{"c", nullptr}, {"d", 1}}}}))
              .body == R"({"type":"X","message":"m","data":{"b":{"d":1}}})");

    auto unauthorized = error_response(cosmos::core::unauthorized("marathon", "Bearer x"));
    CHECK(unauthorized.status == 401);
    CHECK(unauthorized.header("WWW-Authenticate") == std::optional<std::string_view>("Bearer x"));
    CHECK_FALSE(error_response(cosmos::core::unauthorized("marathon", std::nullopt))
                    .header("WWW-Authenticate"));
}
