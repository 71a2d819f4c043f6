// POST /package/rollback end to end: the real binary in front of the Marathon and Mesos
// emulators, serving the bundled Universe. kafka 2.9.0-2.4.0 is installed, then updated to
// 2.10.0-2.4.0 with other options; rollbacks go back and forth between the two records.
#include <catch2/catch.hpp>

#include "cosmos/core/render.h"
#include "tests/e2e/cosmos_client.h"
#include "tests/support/marathon_emulator.h"
#include "tests/support/mesos_emulator.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

using cosmos::core::Json;
using namespace universe_test;

namespace {

const std::string kOld = "2.9.0-2.4.0";
const std::string kNew = "2.10.0-2.4.0";
const Json kOldOptions = {{"brokers", {{"count", 2}}}};
const Json kNewOptions = {{"brokers", {{"count", 5}}}};
const std::string kErrorType = "application/vnd.dcos.package.error+json;charset=utf-8;version=v1";

struct Cluster {
    MarathonEmulator marathon;
    MesosEmulator mesos;
    TempDir dir;
    std::unique_ptr<ServerProcess> server;
    std::int64_t install_id = 0;  ///< the history record of kafka's install
    std::int64_t update_id = 0;   ///< and of its update
    Json installed_app;           ///< the app as the install posted it

    Cluster() {
        server = std::make_unique<ServerProcess>(
            dir / "data",
            std::vector<std::string>{"--marathon-uri", marathon.url(), "--mesos-uri", mesos.url(),
                                     "--admin-router-uri", mesos.url(), "--upstream-timeout", "3"});
        auto install =
            rpc("install",
                Json{{"packageName", "kafka"}, {"packageVersion", kOld}, {"options", kOldOptions}},
                "v2");
        REQUIRE(install.status == 200);
        installed_app = Json::parse(marathon.log().matching("POST", "/v2/apps").back().body);
        auto update =
            post("/service/update", service_type("update-request"), service_type("update-response"),
                 Json{{"appId", "/kafka"},
                      {"packageVersion", kNew},
                      {"options", kNewOptions},
                      {"replace", true}});
        REQUIRE(update.status == 200);
        REQUIRE(env("PACKAGE_VERSION") == kNew);
        auto records = history(Json{{"appId", "/kafka"}});
        REQUIRE(records.size() == 2);
        update_id = records[0]["id"];
        install_id = records[1]["id"];
    }

    HttpResponse post(const std::string& path, const std::string& request_type,
                      const std::string& response_type, const Json& body, Cli cli = Cli::kPython) {
        return cli_post(server->port(), cli, path, request_type, response_type, body.dump());
    }
    HttpResponse rpc(const std::string& kind, const Json& body, const std::string& version = "v1",
                     Cli cli = Cli::kPython) {
        return package_rpc(server->port(), cli, kind, body, version);
    }
    HttpResponse rollback(std::int64_t record_id, const std::string& app_id = "/kafka",
                          Cli cli = Cli::kPython) {
        return rpc("rollback", Json{{"appId", app_id}, {"recordId", record_id}}, "v1", cli);
    }
    std::vector<Json> history(const Json& filter) {
        auto r = rpc("history", filter);
        REQUIRE(r.status == 200);
        Json records = r.json()["records"];
        return std::vector<Json>(records.begin(), records.end());
    }
    std::string env(const std::string& name) {
        return marathon.app("/kafka").value()["env"][name].get<std::string>();
    }
};

// The error answer's body, after checking its status and content type.
Json error_body(const HttpResponse& r, int status) {
    INFO(r.body);
    CHECK(r.status == status);
    CHECK(r.header("Content-Type") == kErrorType);
    return r.json();
}

}  // namespace

TEST_CASE("rolling back to an earlier version and its options", "[e2e][rollback]") {
    Cluster cluster;
    auto r = cluster.rollback(cluster.install_id);
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(r.header("Content-Type") == package_type("rollback-response"));
    Json body = r.json();
    CHECK(body["packageName"] == "kafka");
    CHECK(body["packageVersion"] == kOld);
    CHECK(body["appId"] == "/kafka");
    CHECK(body["resolvedOptions"]["brokers"]["count"] == 2);
    CHECK(body["resolvedOptions"]["service"]["name"] == "kafka");  // defaults resolved
    CHECK_FALSE(body["deploymentId"].get<std::string>().empty());

    // Marathon got exactly the app the install created, through the update path's PUT.
    auto puts = cluster.marathon.log().matching("PUT", "/v2/apps/kafka");
    REQUIRE(puts.size() == 2);
    CHECK(puts.back().query == "force=true&partialUpdate=false");
    CHECK(Json::parse(puts.back().body) == cluster.installed_app);
    CHECK(cluster.env("PACKAGE_VERSION") == kOld);
    CHECK(cluster.env("BROKER_COUNT") == "2");
    Json labels = cluster.marathon.app("/kafka").value()["labels"];
    CHECK(labels["DCOS_PACKAGE_VERSION"] == kOld);
    CHECK(labels["DCOS_PACKAGE_OPTIONS"] == cosmos::core::encode_options_label(kOldOptions));

    // service/describe sees the restored version and options.
    auto describe = cluster.post("/service/describe", service_type("describe-request"),
                                 service_type("describe-response"), Json{{"appId", "/kafka"}});
    REQUIRE(describe.status == 200);
    CHECK(describe.json()["package"]["version"] == kOld);
    CHECK(describe.json()["userProvidedOptions"] == kOldOptions);

    // The rollback is in the history, restorable itself, and names the record it restored.
    auto records = cluster.history(Json{{"appId", "/kafka"}});
    REQUIRE(records.size() == 3);
    const Json& rollback = records[0];
    CHECK(rollback["id"] == body["recordId"]);
    CHECK(rollback["operation"] == "rollback");
    CHECK(rollback["rollbackOf"] == cluster.install_id);
    CHECK(rollback["outcome"] == "success");
    CHECK(rollback["packageVersion"] == kOld);
    CHECK(rollback["options"] == kOldOptions);
    CHECK(rollback["restorable"] == true);
    CHECK(records[1]["restorable"] == true);
    CHECK_FALSE(records[1].contains("rollbackOf"));

    // And forward again, with the Go CLI's Accept header (the error type appended).
    auto forward = cluster.rollback(cluster.update_id, "kafka", Cli::kGo);
    REQUIRE(forward.status == 200);
    CHECK(forward.json()["packageVersion"] == kNew);
    CHECK(cluster.env("PACKAGE_VERSION") == kNew);
    CHECK(cluster.env("BROKER_COUNT") == "5");
}

TEST_CASE("rolling back to a version that has left every repository", "[e2e][rollback]") {
    Cluster cluster;
    auto removed = cluster.rpc("repository.delete", Json{{"name", "Universe"}});
    REQUIRE(removed.status == 200);
    REQUIRE(removed.json()["repositories"].empty());
    auto gone =
        cluster.rpc("describe", Json{{"packageName", "kafka"}, {"packageVersion", kOld}}, "v3");
    CHECK(error_body(gone, 400)["type"] == "PackageNotFound");

    auto r = cluster.rollback(cluster.install_id);
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(r.json()["packageVersion"] == kOld);
    CHECK(cluster.env("PACKAGE_VERSION") == kOld);
    Json app = cluster.marathon.app("/kafka").value();
    CHECK(app["labels"]["DCOS_PACKAGE_SOURCE"] == "builtin:universe");
    CHECK(Json::parse(cluster.marathon.log().matching("PUT", "/v2/apps/kafka").back().body) ==
          cluster.installed_app);
}

TEST_CASE("rollback refuses unknown, foreign and unrestorable records", "[e2e][rollback]") {
    Cluster cluster;
    REQUIRE(cluster.rpc("install", Json{{"packageName", "nginx"}}, "v2").status == 200);
    auto nginx = cluster.history(Json{{"appId", "/nginx"}});
    REQUIRE(nginx.size() == 1);
    std::int64_t nginx_install = nginx[0]["id"];
    std::size_t records = cluster.history(Json::object()).size();
    std::size_t puts = cluster.marathon.log().matching("PUT", "*").size();

    SECTION("an unknown record") {
        auto r = cluster.rollback(999);
        CHECK(r.body ==
              R"({"type":"HistoryRecordNotFound","message":"History record [999] not found",)"
              R"("data":{"recordId":999}})");
        error_body(r, 400);
    }
    SECTION("a record of another app") {
        auto r = cluster.rollback(nginx_install);
        std::string id = std::to_string(nginx_install);
        CHECK(r.body == R"({"type":"HistoryRecordAppMismatch","message":"History record [)" + id +
                            R"(] is of app [/nginx], not of app [/kafka]","data":{"recordId":)" +
                            id + R"(,"appId":"/kafka","recordAppId":"/nginx"}})");
        error_body(r, 400);
    }
    SECTION("a failed operation") {
        auto failed = cluster.rpc("install", Json{{"packageName", "nginx"}}, "v2");
        REQUIRE(failed.status == 409);
        std::int64_t id = cluster.history(Json{{"appId", "/nginx"}})[0]["id"];
        CHECK(cluster.history(Json{{"appId", "/nginx"}})[0]["restorable"] == false);
        Json body = error_body(cluster.rollback(id, "/nginx"), 400);
        CHECK(body["type"] == "HistoryRecordNotRestorable");
        CHECK(body["data"] ==
              Json{{"recordId", id},
                   {"reason", "it records a failed install, which left nothing to restore"}});
        ++records;
    }
    SECTION("an uninstall, then a record of the app that is gone") {
        REQUIRE(cluster.rpc("uninstall", Json{{"packageName", "nginx"}}).status == 200);
        auto after = cluster.history(Json{{"appId", "/nginx"}});
        REQUIRE(after[0]["operation"] == "uninstall");
        CHECK(after[0]["restorable"] == false);
        Json body = error_body(cluster.rollback(after[0]["id"], "/nginx"), 400);
        CHECK(body["type"] == "HistoryRecordNotRestorable");
        CHECK(body["message"] == "History record [" + std::to_string(after[0]["id"].get<int>()) +
                                     "] cannot be rolled back to: it records an uninstall, which "
                                     "left no app to restore");
        // The install record is restorable, but the app is no longer installed: the update
        // path's error, recorded as a failed rollback.
        Json missing = error_body(cluster.rollback(nginx_install, "/nginx"), 400);
        CHECK(missing["type"] == "MarathonAppNotFound");
        CHECK_FALSE(cluster.marathon.app("/nginx").has_value());
        auto last = cluster.history(Json{{"appId", "/nginx"}})[0];
        CHECK(last["operation"] == "rollback");
        CHECK(last["outcome"] == "failure");
        CHECK(last["error"]["type"] == "MarathonAppNotFound");
        records += 2;
    }
    // Refusals are not recorded, and nothing reached Marathon.
    CHECK(cluster.history(Json::object()).size() == records);
    CHECK(cluster.marathon.log().matching("PUT", "*").size() == puts);
}

TEST_CASE("a failed rollback changes nothing and is recorded", "[e2e][rollback]") {
    Cluster cluster;
    Json before = cluster.marathon.app("/kafka").value();

    SECTION("Marathon answers 500") {
        cluster.marathon.faults().add("PUT", "/v2/apps/kafka", Fault::fixed(500, "{}"));
        auto r = cluster.rollback(cluster.install_id);
        CHECK(r.body ==
              R"({"type":"MarathonBadGateway","message":"Received response status code 500 from )"
              R"(Marathon","data":{"marathonStatus":500,"status":502}})");
        error_body(r, 502);
    }
    SECTION("Marathon refuses the app") {
        cluster.marathon.faults().add(
            "PUT", "/v2/apps/kafka",
            Fault::fixed(422, R"({"message":"Object is not valid","details":[]})"));
        Json body = error_body(cluster.rollback(cluster.install_id), 400);
        CHECK(body["type"] == "MarathonBadResponse");
        CHECK(body["message"] == "Object is not valid");
    }
    SECTION("Marathon is unreachable") {
        cluster.marathon.stop();
        Json body = error_body(cluster.rollback(cluster.install_id), 503);
        CHECK(body["type"] == "ServiceUnavailable");
        cluster.marathon.restart();
    }
    CHECK(cluster.marathon.app("/kafka").value() == before);
    CHECK(cluster.env("PACKAGE_VERSION") == kNew);
    auto records = cluster.history(Json{{"appId", "/kafka"}});
    REQUIRE(records.size() == 3);
    CHECK(records[0]["operation"] == "rollback");
    CHECK(records[0]["outcome"] == "failure");
    CHECK(records[0]["rollbackOf"] == cluster.install_id);
    CHECK(records[0]["packageVersion"] == kOld);
    CHECK(records[0]["error"]["type"].is_string());
    CHECK(records[0]["restorable"] == false);

    // Once Marathon is well again, the same rollback goes through.
    auto retry = cluster.rollback(cluster.install_id);
    REQUIRE(retry.status == 200);
    CHECK(cluster.env("PACKAGE_VERSION") == kOld);
}

TEST_CASE("rollback media types are negotiated as the other endpoints'", "[e2e][rollback]") {
    Cluster cluster;
    const std::string request_type = package_type("rollback-request");
    const std::string response_type = package_type("rollback-response");
    const Json body{{"appId", "/kafka"}, {"recordId", cluster.install_id}};

    auto wrong_accept =
        cluster.post("/package/rollback", request_type, package_type("history-response"), body);
    CHECK(error_body(wrong_accept, 400) ==
          Json{{"type", "not_valid"},
               {"message", "Item header 'Accept' deemed invalid by rule: Media type was [" +
                               package_type("history-response") + "] but should be one of [" +
                               response_type + "]"}});

    auto older_version = cluster.post("/package/rollback", request_type,
                                      package_type("rollback-response", "v2"), body);
    CHECK(error_body(older_version, 400)["type"] == "not_valid");

    auto wrong_content =
        cluster.post("/package/rollback", package_type("history-request"), response_type, body);
    CHECK(error_body(wrong_content, 400) ==
          Json{{"type", "not_valid"},
               {"message",
                "Item header 'Content-Type' deemed invalid by rule: should match one "
                "of " +
                    request_type}});

    HttpCall bare;
    bare.method = "POST";
    bare.target = "/package/rollback";
    bare.headers.add("Host", "cosmos.test");
    bare.body = body.dump();
    Json missing = error_body(http_call(cluster.server->port(), bare), 400);
    CHECK(missing["type"] == "multiple_errors");
    CHECK(missing["data"]["errors"] ==
          Json::array({{{"type", "not_present"},
                        {"message", "Item header 'Accept' not present but required"}},
                       {{"type", "not_present"},
                        {"message", "Item header 'Content-Type' not present but required"}}}));

    auto no_record =
        cluster.post("/package/rollback", request_type, response_type, Json{{"appId", "/kafka"}});
    Json bad_body = error_body(no_record, 400);
    CHECK(bad_body["type"] == "not_parsed");
    CHECK_THAT(bad_body["message"].get<std::string>(), Catch::Contains("DownField(recordId)"));

    // None of these reached Marathon or the history.
    CHECK(cluster.marathon.log().matching("PUT", "/v2/apps/kafka").size() == 1);
    CHECK(cluster.history(Json::object()).size() == 2);
}
