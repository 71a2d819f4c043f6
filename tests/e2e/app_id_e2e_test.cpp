// App ids that are not valid absolute Marathon paths are refused with 400 InvalidAppId before
// anything reaches Marathon: install, render, uninstall, service describe and update, through
// the real binary with the DC/OS CLIs' headers.
#include <catch2/catch.hpp>

#include "cosmos/core/json.h"
#include "tests/adapters/raw_zip.h"
#include "tests/e2e/cosmos_client.h"
#include "tests/support/marathon_emulator.h"
#include "tests/support/mesos_emulator.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

using cosmos::core::Json;
using namespace universe_test;

namespace {

struct Cluster {
    MarathonEmulator marathon;
    MesosEmulator mesos;
    TempDir dir;
    ServerProcess server{dir / "data",
                         {"--marathon-uri", marathon.url(), "--mesos-uri", mesos.url(),
                          "--admin-router-uri", mesos.url(), "--upstream-timeout", "3"}};
};

struct BadId {
    std::string id;
    std::string reason;
};

const std::vector<BadId> kBadIds = {
    {"/../x", "the relative segment '..' is not allowed"},
    {"../x", "the relative segment '..' is not allowed"},
    {"/a//b", "it has an empty segment ('//' or a '/' at the end)"},
    {"/kafka/", "it has an empty segment ('//' or a '/' at the end)"},
    {"/Kafka", "segment 'Kafka' has the character 'K'"},
    {"/a b", "segment 'a b' has the character ' '"},
    {"/a?x=1", "segment 'a?x=1' has the character '?'"},
    {"/-kafka", "segment '-kafka' must start and end with a letter or digit"},
    {"/", "'/' is the root group, not an app"},
};

void check_refused(const HttpResponse& r, const BadId& bad) {
    INFO(r.body);
    CHECK(r.status == 400);
    CHECK(r.header("Content-Type") == package_type("error"));
    Json body = r.json();
    CHECK(body["type"] == "InvalidAppId");
    std::string normalized = bad.id.front() == '/' ? bad.id : "/" + bad.id;
    CHECK_THAT(body["message"].get<std::string>(),
               Catch::StartsWith("App id '" + normalized +
                                 "' is not a valid Marathon path: " + bad.reason));
    CHECK(body["data"]["appId"] == normalized);
}

}  // namespace

TEST_CASE("app ids: install, render, uninstall, describe and update refuse invalid ids first",
          "[e2e][app_id]") {
    Cluster cluster;
    for (Cli cli : {Cli::kPython, Cli::kGo}) {
        for (const auto& bad : kBadIds) {
            INFO((cli == Cli::kPython ? "Python CLI" : "Go CLI") << ", appId " << bad.id);
            check_refused(package_rpc(cluster.server.port(), cli, "install",
                                      Json{{"packageName", "nginx"}, {"appId", bad.id}}, "v2"),
                          bad);
            check_refused(package_rpc(cluster.server.port(), cli, "render",
                                      Json{{"packageName", "nginx"}, {"appId", bad.id}}),
                          bad);
            check_refused(package_rpc(cluster.server.port(), cli, "uninstall",
                                      Json{{"packageName", "nginx"}, {"appId", bad.id}}),
                          bad);
            for (std::string prefix : {"", "/cosmos"}) {
                check_refused(
                    cli_post(cluster.server.port(), cli, prefix + "/service/describe",
                             service_type("describe-request"), service_type("describe-response"),
                             Json{{"appId", bad.id}}.dump()),
                    bad);
                check_refused(
                    cli_post(cluster.server.port(), cli, prefix + "/service/update",
                             service_type("update-request"), service_type("update-response"),
                             Json{{"appId", bad.id}, {"replace", true}}.dump()),
                    bad);
            }
        }
    }
    // Nothing reached Marathon, and no install or update was recorded.
    CHECK(cluster.marathon.log().size() == 0);
    auto history =
        cli_post(cluster.server.port(), Cli::kPython, "/package/history",
                 package_type("history-request"), package_type("history-response"), "{}");
    REQUIRE(history.status == 200);
    CHECK(history.json()["records"].empty());

    // A valid id still installs, nested in a group.
    auto installed = package_rpc(cluster.server.port(), Cli::kPython, "install",
                                 Json{{"packageName", "nginx"}, {"appId", "/web/nginx-1"}}, "v2");
    INFO(installed.body);
    CHECK(installed.status == 200);
    CHECK(cluster.marathon.app("/web/nginx-1"));
}

TEST_CASE("app ids: an id the options render into an invalid one is refused too", "[e2e][app_id]") {
    Cluster cluster;
    // A published package whose app id is an option without a pattern of its own.
    Json meta{{"packagingVersion", "4.0"},
              {"name", "free-id"},
              {"version", "1.0.0"},
              {"maintainer", "author@example.org"},
              {"description", "Takes any id"},
              {"tags", Json::array({"demo"})},
              {"config", Json{{"type", "object"},
                              {"properties",
                               Json{{"id", Json{{"type", "string"}, {"default", "/free-id"}}}}}}},
              {"marathon", Json{{"v2AppMustacheTemplate",
                                 cosmos::core::base64_encode(R"({"id": "{{id}}", "cmd": "x"})")}}}};
    HttpCall add;
    add.method = "POST";
    add.target = "/package/add";
    add.headers.add("Content-Type", "application/vnd.dcos.universe.package+zip;version=v1");
    add.headers.add("Accept", package_type("add-response"));
    add.body = build_raw_zip({{"metadata.json", meta.dump()}});
    REQUIRE(http_call(cluster.server.port(), add).status == 202);

    auto refused =
        package_rpc(cluster.server.port(), Cli::kPython, "install",
                    Json{{"packageName", "free-id"}, {"options", {{"id", "/x/../../y"}}}}, "v2");
    check_refused(refused, {"/x/../../y", "the relative segment '..' is not allowed"});
    CHECK(cluster.marathon.log().size() == 0);

    auto fine = package_rpc(cluster.server.port(), Cli::kPython, "install",
                            Json{{"packageName", "free-id"}, {"options", Json::object()}}, "v2");
    INFO(fine.body);
    CHECK(fine.status == 200);
    CHECK(cluster.marathon.app("/free-id"));
}
