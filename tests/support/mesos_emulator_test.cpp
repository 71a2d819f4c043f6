// The Mesos master and Admin Router emulator (marathon.md sections 3, 5.1, 5.5).

#include "tests/support/mesos_emulator.h"

#include <catch2/catch.hpp>
#include <chrono>

#include "tests/support/http_test_client.h"

using namespace std::chrono_literals;
using cosmos::core::Json;
using universe_test::Fault;
using universe_test::HeaderList;
using universe_test::HttpFailure;
using universe_test::HttpResponse;
using universe_test::MesosEmulator;

namespace {

// The request the package service sends (marathon.md 3.2).
HttpResponse teardown(MesosEmulator& mesos, const std::string& body,
                      const std::string& path = "/master/teardown") {
    return universe_test::http_send(mesos.port(), "POST", path, body,
                                    "application/x-www-form-urlencoded; charset=utf-8");
}

std::vector<std::string> ids(const Json& frameworks) {
    std::vector<std::string> out;
    for (const auto& f : frameworks)
        out.push_back(f["id"].get<std::string>());
    return out;
}

}  // namespace

TEST_CASE("mesos: GET /master/frameworks lists active and completed frameworks", "[support]") {
    MesosEmulator mesos;
    mesos.add_framework("fw-1", "kafka");
    mesos.add_framework("fw-2", "kafka", {{"hostname", "agent-1"}});
    mesos.add_framework("fw-3", "hdfs");

    auto response = universe_test::http_get(mesos.port(), "/master/frameworks");
    REQUIRE(response.status == 200);
    CHECK(response.header("Content-Type") == "application/json");
    Json body = response.json();
    CHECK(ids(body["frameworks"]) == std::vector<std::string>{"fw-1", "fw-2", "fw-3"});
    CHECK(body["frameworks"][0] == Json{{"id", "fw-1"}, {"name", "kafka"}, {"active", true}});
    CHECK(body["frameworks"][1]["hostname"] == "agent-1");
    CHECK(body["completed_frameworks"] == Json::array());

    // Behind Admin Router the same endpoint lives under /mesos.
    auto routed = universe_test::http_get(mesos.port(), "/mesos/master/frameworks");
    CHECK(routed.json() == body);

    // Re-adding an id replaces the entry.
    mesos.add_framework("fw-3", "hdfs-renamed");
    CHECK(mesos.frameworks().size() == 3);
    CHECK(mesos.frameworks()[2]["name"] == "hdfs-renamed");
}

TEST_CASE("mesos: POST /master/teardown cases", "[support]") {
    MesosEmulator mesos;
    mesos.add_framework("a b/c", "weird");
    mesos.add_framework("fw-2", "kafka");

    auto missing = teardown(mesos, "other=1");
    CHECK(missing.status == 400);
    CHECK(missing.body == "Missing 'frameworkId' query parameter");
    auto empty = teardown(mesos, "");
    CHECK(empty.status == 400);
    CHECK(empty.body == "Missing 'frameworkId' query parameter");

    auto unknown = teardown(mesos, "frameworkId=nope");
    CHECK(unknown.status == 400);
    CHECK(unknown.body == "No framework found with specified ID");

    // The id arrives URL-encoded in the form body.
    auto done = teardown(mesos, "frameworkId=" + universe_test::percent_encode("a b/c"));
    CHECK(done.status == 200);
    CHECK(done.body.empty());
    CHECK(ids(mesos.frameworks()) == std::vector<std::string>{"fw-2"});
    auto completed = mesos.completed_frameworks();
    REQUIRE(completed.size() == 1);
    CHECK(completed[0]["id"] == "a b/c");
    CHECK(completed[0]["active"] == false);

    auto listed = universe_test::http_get(mesos.port(), "/master/frameworks").json();
    CHECK(ids(listed["completed_frameworks"]) == std::vector<std::string>{"a b/c"});

    // A framework torn down twice is no longer found.
    CHECK(teardown(mesos, "frameworkId=a+b%2Fc").status == 400);
    CHECK(teardown(mesos, "frameworkId=fw-2", "/mesos/master/teardown").status == 200);
    CHECK(mesos.frameworks().empty());

    auto get = universe_test::http_get(mesos.port(), "/master/teardown");
    CHECK(get.status == 405);

    auto logged = mesos.log().matching("POST", "*/master/teardown");
    REQUIRE_FALSE(logged.empty());
    CHECK(logged.back().header("Content-Type") ==
          "application/x-www-form-urlencoded; charset=utf-8");
    CHECK(logged.back().body == "frameworkId=fw-2");
}

TEST_CASE("admin router: dcos-version.json and SDK scheduler endpoints", "[support]") {
    universe_test::MesosOptions options;
    options.dcos_version = "1.13.0";
    MesosEmulator mesos(options);

    auto version = universe_test::http_get(mesos.port(), "/dcos-metadata/dcos-version.json");
    REQUIRE(version.status == 200);
    Json body = version.json();
    CHECK(body["version"] == "1.13.0");
    CHECK(body["dcos-image-commit"].is_string());
    CHECK(body["bootstrap-id"].is_string());
    mesos.set_dcos_version("2.1.0");
    CHECK(universe_test::http_get(mesos.port(), "/dcos-metadata/dcos-version.json")
              .json()["version"] == "2.1.0");

    universe_test::SdkService kafka;
    kafka.framework_ids = {"fw-kafka"};
    kafka.plan_status = 202;
    kafka.plan_body = {{"status", "IN_PROGRESS"}};
    mesos.set_sdk_service("kafka", kafka);

    auto framework_id =
        universe_test::http_get(mesos.port(), "/service/kafka/v1/state/frameworkId");
    CHECK(framework_id.status == 200);
    CHECK(framework_id.json() == Json::array({"fw-kafka"}));
    auto plan = universe_test::http_get(mesos.port(), "/service/kafka/v1/plans/deploy");
    CHECK(plan.status == 202);
    CHECK(plan.json()["status"] == "IN_PROGRESS");

    kafka.plan_status = 200;
    kafka.plan_body = nullptr;
    mesos.set_sdk_service("kafka", kafka);
    auto complete = universe_test::http_get(mesos.port(), "/service/kafka/v1/plans/deploy");
    CHECK(complete.status == 200);
    CHECK(complete.json()["status"] == "COMPLETE");

    CHECK(universe_test::http_get(mesos.port(), "/service/unknown/v1/plans/deploy").status == 404);
    CHECK(universe_test::http_get(mesos.port(), "/service/kafka/v1/other").status == 404);
}

TEST_CASE("admin router: custom service handlers and /marathon forwarding", "[support]") {
    MesosEmulator mesos;
    mesos.set_service_handler("manager", [](const universe_test::Request& request) {
        return universe_test::Reply::json(
            200, Json{{"path", request.path}, {"body", request.body}}.dump());
    });
    auto custom = universe_test::http_send(mesos.port(), "POST", "/service/manager/package/install",
                                           "{}", "application/json");
    CHECK(custom.json() == Json{{"path", "/service/manager/package/install"}, {"body", "{}"}});

    CHECK(universe_test::http_get(mesos.port(), "/marathon/v2/apps").status == 404);
    universe_test::MarathonOptions marathon_options;
    marathon_options.schema_file = "/nonexistent/AppDefinition.json";
    universe_test::MarathonEmulator marathon(marathon_options);
    mesos.attach_marathon(&marathon);
    auto created = universe_test::http_json(mesos.port(), "POST", "/marathon/v2/apps?force=true",
                                            Json{{"id", "/via-dcos"}, {"cmd", "x"}});
    CHECK(created.status == 201);
    CHECK(marathon.app("/via-dcos").has_value());
    auto listed = universe_test::http_get(mesos.port(), "/marathon/v2/apps");
    CHECK(listed.json()["apps"][0]["id"] == "/via-dcos");
    auto in_marathon_log = marathon.log().entries();
    REQUIRE(in_marathon_log.size() == 2);
    CHECK(in_marathon_log[0].path == "/v2/apps");
    CHECK(in_marathon_log[0].target == "/v2/apps?force=true");
    CHECK(in_marathon_log[0].param("force") == "true");
    mesos.attach_marathon(nullptr);
}

TEST_CASE("mesos: auth, faults and refused connections", "[support]") {
    MesosEmulator mesos;
    mesos.add_framework("fw-1", "kafka");
    mesos.set_required_token("t");
    auto none = universe_test::http_get(mesos.port(), "/master/frameworks");
    CHECK(none.status == 401);
    CHECK(none.header("WWW-Authenticate") == "acsjwt");
    CHECK(universe_test::http_get(mesos.port(), "/master/frameworks",
                                  HeaderList{{"Authorization", "token=x"}})
              .status == 403);
    CHECK(universe_test::http_get(mesos.port(), "/master/frameworks",
                                  HeaderList{{"Authorization", "token=t"}})
              .status == 200);
    mesos.set_required_token(std::nullopt);

    mesos.faults().add("GET", "/master/frameworks", Fault::fixed(503, "unavailable", "text/plain"));
    auto failed = universe_test::http_get(mesos.port(), "/master/frameworks");
    CHECK(failed.status == 503);
    CHECK(failed.body == "unavailable");

    mesos.faults().add("POST", "/master/teardown", Fault::dropped());
    CHECK(universe_test::http_failure_of([&] { teardown(mesos, "frameworkId=fw-1"); }) ==
          HttpFailure::kClosed);
    CHECK(mesos.frameworks().size() == 1);

    mesos.faults().add("*", "/dcos-metadata/*", Fault::hung());
    universe_test::HttpCall call;
    call.target = "/dcos-metadata/dcos-version.json";
    call.timeout = 200ms;
    CHECK(universe_test::http_failure_of([&] { universe_test::http_call(mesos.port(), call); }) ==
          HttpFailure::kTimedOut);

    auto port = mesos.port();
    mesos.stop();
    CHECK(universe_test::http_failure_of([&] {
              universe_test::http_get(port, "/master/frameworks");
          }) == HttpFailure::kRefused);
    mesos.restart();
    CHECK(mesos.port() == port);
    CHECK(universe_test::http_get(port, "/master/frameworks").status == 200);
}

TEST_CASE("mesos: state dump and the whole-cluster state", "[support]") {
    MesosEmulator mesos;
    mesos.add_framework("fw-1", "kafka");
    mesos.add_framework("fw-2", "kafka");
    REQUIRE(teardown(mesos, "frameworkId=fw-2").status == 200);
    universe_test::MarathonOptions options;
    options.schema_file = "/nonexistent/AppDefinition.json";
    universe_test::MarathonEmulator marathon(options);
    marathon.add_app({{"id", "/kafka"}, {"labels", {{"DCOS_PACKAGE_FRAMEWORK_NAME", "kafka"}}}});

    Json state = universe_test::cluster_state(marathon, mesos);
    CHECK(state["apps"].size() == 1);
    CHECK(state["deployments"] == Json::array());
    CHECK(ids(state["frameworks"]) == std::vector<std::string>{"fw-1"});
    CHECK(ids(state["completed_frameworks"]) == std::vector<std::string>{"fw-2"});

    mesos.clear_frameworks();
    CHECK(mesos.state()["frameworks"] == Json::array());
    CHECK(mesos.state()["completed_frameworks"] == Json::array());
}
