#include "cosmos/http/wire.h"

#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "cosmos/core/decode.h"

namespace {

using cosmos::core::DecodeFailure;
using cosmos::core::Json;
using namespace cosmos::http;

using Decoder = std::function<void(const Json&)>;

template <typename F>
Decoder run(F f) {
    return [f](const Json& j) { (void)f(j); };
}

// "" when the decoder accepts the body, else the DecodeFailure text.
std::string failure(const Decoder& decode, const char* body) {
    try {
        decode(Json::parse(body));
        return "";
    } catch (const DecodeFailure& e) {
        return e.what();
    }
}

const std::string kMissing = "Attempt to decode value on failed cursor: ";

}  // namespace

TEST_CASE("decoders report circe-style failures for missing and wrong-typed fields",
          "[http][wire]") {
    struct Row {
        const char* decoder;
        Decoder decode;
        const char* body;
        std::string expected;
    };
    const Row rows[] = {
        {"search", run(decode_search_request), R"({})", ""},
        {"search", run(decode_search_request), R"({"query":null})", ""},
        {"search", run(decode_search_request), R"({"query":3})", "String: DownField(query)"},
        {"search", run(decode_search_request), R"(null)", "[A]Option[A]: DownField(query)"},
        {"describe", run(decode_describe_request), R"({})", kMissing + "DownField(packageName)"},
        {"describe", run(decode_describe_request), R"({"packageName":null})",
         kMissing + "DownField(packageName)"},
        {"describe", run(decode_describe_request), R"([])", kMissing + "DownField(packageName)"},
        {"describe", run(decode_describe_request), R"({"packageName":1,"packageVersion":2})",
         "String: DownField(packageName)"},
        {"list-versions", run(decode_list_versions_request), R"({"packageName":"kafka"})",
         kMissing + "DownField(includePackageVersions)"},
        {"list-versions", run(decode_list_versions_request),
         R"({"packageName":"kafka","includePackageVersions":"true"})",
         "Boolean: DownField(includePackageVersions)"},
        {"render", run(decode_render_request), R"({"packageName":"a","options":[]})",
         "JsonObject: DownField(options)"},
        {"render", run(decode_render_request), R"({"packageName":"a","options":"{}"})",
         "JsonObject: DownField(options)"},
        {"render", run(decode_render_request), R"({"packageName":"a","appId":5})",
         "String: DownField(appId)"},
        {"install", run(decode_install_request), R"({"packageName":"a","options":[],"appId":1})",
         "JsonObject: DownField(options)"},
        {"install", run(decode_install_request), R"({"packageName":"a","managerId":{}})",
         "String: DownField(managerId)"},
        {"uninstall", run(decode_uninstall_request), R"({"packageName":"a","all":"true"})",
         "Boolean: DownField(all)"},
        {"uninstall", run(decode_uninstall_request), R"({"appId":"/a"})",
         kMissing + "DownField(packageName)"},
        {"list", run(decode_list_request), R"({"appId":[]})", "String: DownField(appId)"},
        {"list", run(decode_list_request), R"("x")", "[A]Option[A]: DownField(packageName)"},
        {"repository add", run(decode_repository_add_request), R"({"uri":"u"})",
         kMissing + "DownField(name)"},
        {"repository add", run(decode_repository_add_request), R"({"name":"n"})",
         kMissing + "DownField(uri)"},
        {"repository add", run(decode_repository_add_request),
         R"({"name":"n","uri":"u","index":"zero"})", "Int: DownField(index)"},
        {"repository add", run(decode_repository_add_request),
         R"({"name":"n","uri":"u","index":1.5})", "Int: DownField(index)"},
        {"repository add", run(decode_repository_add_request),
         R"({"name":"n","uri":"u","index":true})", "Int: DownField(index)"},
        {"repository delete", run(decode_repository_delete_request), R"({"uri":9})",
         "String: DownField(uri)"},
        {"repository delete", run(decode_repository_delete_request), R"({})", ""},
        {"service describe", run(decode_service_describe_request), R"({})",
         kMissing + "DownField(appId)"},
        {"service update", run(decode_service_update_request), R"({"appId":"a"})",
         kMissing + "DownField(replace)"},
        {"service update", run(decode_service_update_request),
         R"({"appId":"a","options":1,"replace":true})", "JsonObject: DownField(options)"},
        {"service update", run(decode_service_update_request), R"({"appId":"a","replace":"false"})",
         "Boolean: DownField(replace)"},
        {"history", run(decode_package_history_request), R"({"packageName":[]})",
         "String: DownField(packageName)"},
        {"history", run(decode_package_history_request), R"(1)", "[A]Option[A]: DownField(appId)"},
        {"package add", run(decode_package_add_copy_request), R"({"packageVersion":"1"})",
         kMissing + "DownField(packageName)"},
        {"rollback", run(decode_rollback_request), R"({"recordId":1})",
         kMissing + "DownField(appId)"},
        {"rollback", run(decode_rollback_request), R"({"appId":"a"})",
         kMissing + "DownField(recordId)"},
        {"rollback", run(decode_rollback_request), R"({"appId":"a","recordId":1.5})",
         "Int: DownField(recordId)"},
        {"rollback", run(decode_rollback_request), R"([])", kMissing + "DownField(appId)"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.decoder, row.body);
        CHECK(failure(row.decode, row.body) == row.expected);
    }
}

TEST_CASE("repository list accepts any JSON", "[http][wire]") {
    for (const char* body : {"null", "{}", "[]", "\"x\"", "0", R"({"name":1})"}) {
        CAPTURE(body);
        CHECK_NOTHROW(decode_repository_list_request(Json::parse(body)));
    }
}

TEST_CASE("repository add index is an integer or a numeric string", "[http][wire]") {
    struct Row {
        const char* body;
        std::optional<std::int64_t> index;
    };
    const Row rows[] = {
        {R"({"name":"N","uri":"U","index":"0"})", 0},
        {R"({"name":"N","uri":"U","index":0})", 0},
        {R"({"name":"N","uri":"U","index":"3"})", 3},
        {R"({"name":"N","uri":"U","index":2.0})", 2},
        {R"({"name":"N","uri":"U","index":null})", std::nullopt},
        {R"({"name":"N","uri":"U"})", std::nullopt},
    };
    for (const auto& row : rows) {
        CAPTURE(row.body);
        auto r = decode_repository_add_request(Json::parse(row.body));
        CHECK(r.name == "N");
        CHECK(r.uri == "U");
        CHECK(r.index == row.index);
    }
}

TEST_CASE("app ids are normalised with a leading slash", "[http][wire]") {
    CHECK(normalize_app_id("kafka") == "/kafka");
    CHECK(normalize_app_id("/kafka") == "/kafka");
    CHECK(normalize_app_id("a/b/") == "/a/b/");
    CHECK(normalize_app_id("") == "/");

    CHECK(decode_render_request(Json::parse(R"({"packageName":"a","appId":"hw"})")).app_id ==
          std::optional<std::string>("/hw"));
    CHECK(decode_install_request(Json::parse(R"({"packageName":"a","appId":"/hw"})")).app_id ==
          std::optional<std::string>("/hw"));
    CHECK(decode_uninstall_request(Json::parse(R"({"packageName":"a","appId":"x"})")).app_id ==
          std::optional<std::string>("/x"));
    CHECK(decode_list_request(Json::parse(R"({"appId":"kafka"})")).app_id ==
          std::optional<std::string>("/kafka"));
    CHECK(decode_service_describe_request(Json::parse(R"({"appId":"kafka"})")).app_id == "/kafka");
    CHECK(
        decode_service_update_request(Json::parse(R"({"appId":"kafka","replace":false})")).app_id ==
        "/kafka");
    CHECK(decode_package_history_request(Json::parse(R"({"appId":"k"})")).app_id ==
          std::optional<std::string>("/k"));
    CHECK_FALSE(decode_list_request(Json::parse(R"({"appId":null})")).app_id);
    auto rollback = decode_rollback_request(Json::parse(R"({"appId":"nginx","recordId":"12"})"));
    CHECK(rollback.app_id == "/nginx");
    CHECK(rollback.record_id == 12);
}

TEST_CASE("decoders read every field and ignore unknown ones", "[http][wire]") {
    SECTION("search: Python sends query always, Go omits it") {
        CHECK(decode_search_request(Json::parse(R"({"query":""})")).query ==
              std::optional<std::string>(""));
        CHECK_FALSE(decode_search_request(Json::parse("{}")).query);
    }
    SECTION("describe") {
        auto r = decode_describe_request(
            Json::parse(R"({"packageName":"kafka","packageVersion":"2.3.0","x":{}})"));
        CHECK(r.package_name == "kafka");
        CHECK(r.package_version == std::optional<std::string>("2.3.0"));
    }
    SECTION("list-versions") {
        auto r = decode_list_versions_request(
            Json::parse(R"({"packageName":"kafka","includePackageVersions":true})"));
        CHECK(r.package_name == "kafka");
        CHECK(r.include_package_versions);
    }
    SECTION("install: Python always sends options, possibly empty") {
        auto r = decode_install_request(Json::parse(
            R"({"packageName":"kafka","packageVersion":"2.3.0-1.1.0","options":{},"managerId":"m"})"));
        CHECK(r.package_name == "kafka");
        CHECK(r.package_version == std::optional<std::string>("2.3.0-1.1.0"));
        REQUIRE(r.options);
        CHECK(*r.options == Json::object());
        CHECK_FALSE(r.app_id);
        CHECK(r.manager_id == std::optional<std::string>("m"));
    }
    SECTION("render keeps the options' key order") {
        auto r = decode_render_request(
            Json::parse(R"({"packageName":"a","options":{"z":1,"a":{"y":2,"b":3}},"options2":1})"));
        REQUIRE(r.options);
        CHECK(r.options->dump() == R"({"z":1,"a":{"y":2,"b":3}})");
        CHECK_FALSE(
            decode_render_request(Json::parse(R"({"packageName":"a","options":null})")).options);
    }
    SECTION("uninstall") {
        auto r = decode_uninstall_request(Json::parse(
            R"({"packageName":"kafka","appId":"/x","all":true,"managerId":"m","packageVersion":"1"})"));
        CHECK(r.package_name == "kafka");
        CHECK(r.all == std::optional<bool>(true));
        CHECK(r.manager_id == std::optional<std::string>("m"));
        CHECK(r.package_version == std::optional<std::string>("1"));
        CHECK_FALSE(decode_uninstall_request(Json::parse(R"({"packageName":"k"})")).all);
    }
    SECTION("repository delete") {
        auto r = decode_repository_delete_request(Json::parse(R"({"name":"N"})"));
        CHECK(r.name == std::optional<std::string>("N"));
        CHECK_FALSE(r.uri);
    }
    SECTION("service describe") {
        auto r = decode_service_describe_request(Json::parse(
            R"({"appId":"/a","managerId":"m","packageName":"p","packageVersion":"v"})"));
        CHECK(r.manager_id == std::optional<std::string>("m"));
        CHECK(r.package_name == std::optional<std::string>("p"));
        CHECK(r.package_version == std::optional<std::string>("v"));
    }
    SECTION("service update") {
        auto r = decode_service_update_request(
            Json::parse(R"({"appId":"/a","packageVersion":"2","options":{"k":1},"replace":true,)"
                        R"("managerId":"m","packageName":"p","currentPackageVersion":"1"})"));
        CHECK(r.package_version == std::optional<std::string>("2"));
        REQUIRE(r.options);
        CHECK(*r.options == Json{{"k", 1}});
        CHECK(r.replace);
        CHECK(r.manager_id == std::optional<std::string>("m"));
        CHECK(r.package_name == std::optional<std::string>("p"));
        CHECK(r.current_package_version == std::optional<std::string>("1"));
    }
    SECTION("package add copy request") {
        auto r = decode_package_add_copy_request(
            Json::parse(R"({"packageName":"hello","packageVersion":"0.1"})"));
        CHECK(r.package_name == "hello");
        CHECK(r.package_version == std::optional<std::string>("0.1"));
    }
}

TEST_CASE("fixed-shape response encoders", "[http][wire]") {
    CHECK(encode_capabilities().dump() ==
          R"({"capabilities":[{"name":"PACKAGE_MANAGEMENT"},{"name":"SUPPORT_CLUSTER_REPORT"},)"
          R"({"name":"METRONOME"},{"name":"LOGGING"},{"name":"LOGGING_V2"}]})");
    CHECK(encode_repository_list({}).dump() == R"({"repositories":[]})");
    CHECK(encode_repository_list({{"Universe", "https://universe.mesosphere.com/repo"},
                                  {"local", "http://localhost/repo"}})
              .dump() == R"({"repositories":[{"name":"Universe","uri":)"
                         R"("https://universe.mesosphere.com/repo"},)"
                         R"({"name":"local","uri":"http://localhost/repo"}]})");
}
