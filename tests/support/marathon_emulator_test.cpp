// The Marathon emulator, driven over HTTP with the raw-socket client (marathon.md section 5).

#include "tests/support/marathon_emulator.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "tests/support/http_test_client.h"
#include "tests/support/test_paths.h"

using namespace std::chrono_literals;
using cosmos::core::Json;
using universe_test::DeleteVisibility;
using universe_test::DeploymentMode;
using universe_test::Fault;
using universe_test::HeaderList;
using universe_test::HttpFailure;
using universe_test::HttpResponse;
using universe_test::MarathonEmulator;
using universe_test::MarathonOptions;

namespace {

HttpResponse post_app(MarathonEmulator& marathon, const Json& app, const std::string& query = "",
                      HeaderList headers = {}) {
    return universe_test::http_json(marathon.port(), "POST", "/v2/apps" + query, app,
                                    std::move(headers));
}

HttpResponse put_app(MarathonEmulator& marathon, const std::string& id, const Json& app,
                     const std::string& query = "") {
    return universe_test::http_json(marathon.port(), "PUT", "/v2/apps" + id + query, app);
}

HttpResponse get(MarathonEmulator& marathon, const std::string& target) {
    return universe_test::http_get(marathon.port(), target);
}

HttpResponse del(MarathonEmulator& marathon, const std::string& target) {
    universe_test::HttpCall call;
    call.method = "DELETE";
    call.target = target;
    return universe_test::http_call(marathon.port(), call);
}

Json simple_app(const std::string& id, const std::string& cmd = "sleep 100") {
    return Json{{"id", id}, {"cmd", cmd}};
}

std::vector<std::string> listed_ids(const HttpResponse& response, const char* key = "apps") {
    std::vector<std::string> ids;
    // Keep the parsed body alive for the loop (a temporary's member would dangle).
    Json body = response.json();
    for (const auto& app : body[key])
        ids.push_back(app["id"].get<std::string>());
    return ids;
}

bool is_json(const HttpResponse& response) {
    return response.header("Content-Type").value_or("").rfind("application/json", 0) == 0;
}

bool is_timestamp(const Json& value) {
    static const std::regex kIso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
    return value.is_string() && std::regex_match(value.get<std::string>(), kIso);
}

// The emulator without schema validation, so that these tests run without ../shared.
MarathonOptions no_schema() {
    MarathonOptions options;
    options.schema_file = "/nonexistent/AppDefinition.json";
    return options;
}

}  // namespace

TEST_CASE("marathon: POST creates an app: 201, Location, deployment id, counts, defaults",
          "[support]") {
    MarathonEmulator marathon;
    // Labels as the package service writes them: long base64 text, and env with non-ASCII.
    std::string definition(30000, 'A');
    definition += "+/==";
    Json labels = {{"DCOS_PACKAGE_NAME", "hello"},
                   {"DCOS_PACKAGE_DEFINITION", definition},
                   {"Z_LAST", "keeps order"},
                   {"A_FIRST", "\"quoted\" \\ \u00e9"}};
    Json env = {{"GREETING", "h\u00e9llo \u2603"}, {"EMPTY", ""}};
    Json app = {
        {"id", "hello"}, {"cmd", "sleep 100"}, {"instances", 2}, {"labels", labels}, {"env", env}};

    auto response = post_app(marathon, app);
    REQUIRE(response.status == 201);
    CHECK(is_json(response));
    CHECK(response.header("Location") == marathon.url() + "/hello");
    auto body = response.json();
    auto deployment_id = response.header("Marathon-Deployment-Id");
    REQUIRE(deployment_id.has_value());
    CHECK(std::regex_match(*deployment_id,
                           std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                      "[0-9a-f]{12}")));
    CHECK(body["id"] == "/hello");
    CHECK(body["deployments"] == Json::array({Json{{"id", *deployment_id}}}));
    for (const char* count : {"tasksStaged", "tasksRunning", "tasksHealthy", "tasksUnhealthy"}) {
        CHECK(body[count] == 0);
    }
    CHECK(body["instances"] == 2);
    CHECK(body["cpus"] == 1);
    CHECK(body["mem"] == 128);
    CHECK(body["disk"] == 0);
    CHECK(body["gpus"] == 0);
    CHECK(body["backoffFactor"] == 1.15);
    CHECK(body["maxLaunchDelaySeconds"] == 300);
    CHECK(body["executor"] == "");
    CHECK(body["requirePorts"] == false);
    CHECK(body["killSelection"] == "YOUNGEST_FIRST");
    CHECK(is_timestamp(body["version"]));
    CHECK(body["versionInfo"]["lastConfigChangeAt"] == body["version"]);
    CHECK(body["versionInfo"]["lastScalingAt"] == body["version"]);

    // Labels and env come back byte-exact, in their order, also from GET and the list.
    CHECK(response.body.find(labels.dump()) != std::string::npos);
    CHECK(response.body.find(env.dump()) != std::string::npos);
    auto single = get(marathon, "/v2/apps/hello");
    CHECK(single.status == 200);
    CHECK(single.json()["app"]["labels"].dump() == labels.dump());
    CHECK(single.json()["app"]["env"].dump() == env.dump());
    auto list = get(marathon, "/v2/apps");
    CHECK(list.json()["apps"][0]["labels"].dump() == labels.dump());

    // The stored app is available to tests directly.
    auto stored = marathon.app("/hello");
    REQUIRE(stored.has_value());
    CHECK((*stored)["labels"] == labels);
    CHECK_FALSE(stored->contains("tasksStaged"));
}

TEST_CASE("marathon: duplicate POST → 409 with Marathon's message", "[support]") {
    MarathonEmulator marathon;
    REQUIRE(post_app(marathon, simple_app("/existing-app")).status == 201);
    auto again = post_app(marathon, simple_app("existing-app"));
    CHECK(again.status == 409);
    CHECK(is_json(again));
    CHECK(again.body == R"({"message":"An app with id [/existing-app] already exists."})");
}

TEST_CASE("marathon: bad JSON and wrong field types → 400 Invalid JSON", "[support]") {
    MarathonEmulator marathon(no_schema());
    auto send = [&](const std::string& text) {
        return universe_test::http_send(marathon.port(), "POST", "/v2/apps", text,
                                        "application/json");
    };
    auto not_json = send("{\"id\": \"x\",");
    CHECK(not_json.status == 400);
    CHECK(is_json(not_json));
    CHECK(not_json.json()["message"] == "Invalid JSON");
    CHECK(not_json.json()["details"][0]["path"] == "/");

    auto array = send("[]");
    CHECK(array.status == 400);
    CHECK(array.json()["details"][0]["errors"][0] == "error.expected.jsobject");

    auto types = send(R"({"id": 5, "cpus": "1", "requirePorts": "yes", "args": "a",
                         "env": [], "labels": {"ok": "v", "bad": 1}})");
    CHECK(types.status == 400);
    Json expected = Json::parse(R"([
        {"path":"/id","errors":["error.expected.jsstring"]},
        {"path":"/cpus","errors":["error.expected.jsnumber"]},
        {"path":"/requirePorts","errors":["error.expected.jsboolean"]},
        {"path":"/env","errors":["error.expected.jsobject"]},
        {"path":"/args","errors":["error.expected.jsarray"]},
        {"path":"/labels/bad","errors":["error.expected.jsstring"]}])");
    CHECK(types.json()["details"] == expected);
    CHECK(marathon.apps().empty());

    // The same checks guard PUT.
    auto put = universe_test::http_send(marathon.port(), "PUT", "/v2/apps/x", R"({"mem":"big"})",
                                        "application/json");
    CHECK(put.status == 400);
    CHECK(put.json()["details"][0]["path"] == "/mem");
}

TEST_CASE("marathon: invalid apps → 422 Object is not valid, one detail per path", "[support]") {
    REQUIRE_SHARED(schema, "spec/marathon/AppDefinition.relaxed.json");
    MarathonEmulator marathon;
    REQUIRE(marathon.schema_validation_enabled());
    CHECK(marathon.schema_file() == schema);

    auto both = post_app(marathon, {{"id", "x"}, {"cmd", "a"}, {"args", {"b"}}});
    CHECK(both.status == 422);
    CHECK(is_json(both));
    CHECK(both.json()["message"] == "Object is not valid");
    CHECK(both.json()["details"][0]["path"] == "/");

    auto two = post_app(
        marathon,
        {{"id", "Bad Id"}, {"instances", -1}, {"upgradeStrategy", {{"minimumHealthCapacity", 2}}}});
    REQUIRE(two.status == 422);
    std::vector<std::string> paths;
    Json two_body = two.json();
    for (const auto& d : two_body["details"]) {
        paths.push_back(d["path"].get<std::string>());
        CHECK_FALSE(d["errors"].empty());
    }
    std::sort(paths.begin(), paths.end());
    CHECK(paths ==
          std::vector<std::string>{"/id", "/instances", "/upgradeStrategy/minimumHealthCapacity"});

    auto missing = post_app(marathon, {{"cmd", "sleep 1"}});
    CHECK(missing.status == 422);
    CHECK(missing.json()["details"] ==
          Json::parse(R"([{"path":"/id","errors":["error.path.missing"]}])"));
    CHECK(marathon.apps().empty());

    // The relaxed schema accepts fields of newer Marathons and unknown ones.
    CHECK(post_app(marathon, {{"id", "newer"}, {"cmd", "a"}, {"role", "slave_public"}}).status ==
          201);
}

TEST_CASE("marathon: strict schema and the newer-Marathon allow-list", "[support]") {
    REQUIRE_SHARED(schema, "spec/marathon/AppDefinition.json");
    MarathonOptions options;
    options.strict_schema = true;
    MarathonEmulator marathon(options);
    CHECK(marathon.schema_file() == schema);

    auto unknown = post_app(marathon, {{"id", "a"}, {"cmd", "x"}, {"maintainer", "me"}});
    CHECK(unknown.status == 422);
    auto role = post_app(marathon, {{"id", "b"}, {"cmd", "x"}, {"role", "r"}, {"tty", true}});
    CHECK(role.status == 422);

    marathon.set_newer_marathon_fields(true);
    CHECK(post_app(marathon, {{"id", "b"}, {"cmd", "x"}, {"role", "r"}, {"tty", true}}).status ==
          201);
    CHECK(post_app(marathon, {{"id", "c"}, {"cmd", "x"}, {"maintainer", "me"}}).status == 422);
    // The accepted fields are stored verbatim.
    CHECK((*marathon.app("/b"))["role"] == "r");
}

TEST_CASE("marathon: without the schema file validation is off and says so", "[support]") {
    MarathonEmulator marathon(no_schema());
    CHECK_FALSE(marathon.schema_validation_enabled());
    CHECK_FALSE(marathon.schema_file().has_value());
    CHECK(post_app(marathon, {{"id", "x"}, {"cmd", "a"}, {"args", {"b"}}}).status == 201);
    // Marathon's own rules still apply.
    CHECK(post_app(marathon, {{"cmd", "a"}}).status == 422);
}

TEST_CASE("marathon: ids are normalised and groups may not clash with apps", "[support]") {
    MarathonEmulator marathon(no_schema());
    auto created = post_app(marathon, simple_app("x/../grp/app"));
    REQUIRE(created.status == 201);
    CHECK(created.json()["id"] == "/grp/app");

    auto as_group = post_app(marathon, simple_app("/grp"));
    CHECK(as_group.status == 422);
    CHECK(as_group.json()["message"] == "Object is not valid");
    CHECK(as_group.json()["details"][0]["errors"][0] ==
          "Groups and Applications may not have the same identifier.");

    auto under_app = post_app(marathon, simple_app("/grp/app/child"));
    CHECK(under_app.status == 422);
    auto under_put = put_app(marathon, "/grp/app/child", simple_app("/grp/app/child"));
    CHECK(under_put.status == 422);
    CHECK(marathon.apps().size() == 1);
}

TEST_CASE("marathon: GET one app, a group, versions, 404 wording", "[support]") {
    MarathonEmulator marathon(no_schema());
    REQUIRE(post_app(marathon, simple_app("/grp/a")).status == 201);
    REQUIRE(post_app(marathon, simple_app("/grp/b")).status == 201);
    REQUIRE(post_app(marathon, simple_app("/other")).status == 201);

    auto one = get(marathon, "/v2/apps/grp/a");
    REQUIRE(one.status == 200);
    CHECK(is_json(one));
    Json app = one.json()["app"];
    CHECK(app["id"] == "/grp/a");
    CHECK(app["tasksRunning"] == 0);
    CHECK(app["tasks"] == Json::array());
    CHECK(app["deployments"] == Json::array());

    auto counts_only = get(marathon, "/v2/apps/grp/a?embed=app.counts").json()["app"];
    CHECK(counts_only.contains("tasksStaged"));
    CHECK_FALSE(counts_only.contains("tasks"));
    CHECK_FALSE(counts_only.contains("deployments"));

    auto missing = get(marathon, "/v2/apps/not_existent");
    CHECK(missing.status == 404);
    CHECK(is_json(missing));
    CHECK(missing.body == R"({"message":"App '/not_existent' does not exist"})");

    auto group = get(marathon, "/v2/apps/grp/*");
    CHECK(group.status == 200);
    CHECK(listed_ids(group, "*") == std::vector<std::string>{"/grp/a", "/grp/b"});
    CHECK(listed_ids(get(marathon, "/v2/apps/*"), "*").size() == 3);

    auto first_version = (*marathon.app("/grp/a"))["version"];
    REQUIRE(put_app(marathon, "/grp/a", {{"cmd", "changed"}}).status == 200);
    auto versions = get(marathon, "/v2/apps/grp/a/versions").json()["versions"];
    REQUIRE(versions.size() == 2);
    CHECK(versions[1] == first_version);
    auto old = get(marathon, "/v2/apps/grp/a/versions/" + first_version.get<std::string>());
    CHECK(old.status == 200);
    CHECK(old.json()["cmd"] == "sleep 100");
    CHECK(get(marathon, "/v2/apps/nope/versions").status == 404);
}

TEST_CASE("marathon: GET /v2/apps filters by id, cmd and label selectors", "[support]") {
    MarathonEmulator marathon(no_schema());
    auto add = [&](const std::string& id, const std::string& cmd, Json labels) {
        Json app = simple_app(id, cmd);
        app["labels"] = std::move(labels);
        REQUIRE(post_app(marathon, app).status == 201);
    };
    add("/kafka", "run kafka", {{"DCOS_PACKAGE_NAME", "kafka"}, {"tier", "backend"}});
    add("/hdfs", "run hdfs", {{"DCOS_PACKAGE_NAME", "hdfs"}, {"tier", "frontend tier"}});
    add("/plain", "sleep", {{"region", "eu"}});
    add("/dev/kafka-2", "run kafka", {{"DCOS_PACKAGE_NAME", "kafka"}, {"region", "us"}});

    auto ids = [&](const std::string& query) {
        auto response = get(marathon, "/v2/apps?" + query);
        REQUIRE(response.status == 200);
        return listed_ids(response);
    };
    using V = std::vector<std::string>;
    CHECK(ids("label=DCOS_PACKAGE_NAME") == V{"/dev/kafka-2", "/hdfs", "/kafka"});
    CHECK(ids("label=DCOS_PACKAGE_NAME%3D%3Dkafka") == V{"/dev/kafka-2", "/kafka"});
    CHECK(ids("label=DCOS_PACKAGE_NAME!%3Dkafka") == V{"/hdfs"});
    CHECK(ids("label=tier%3D%3Dfrontend%5C%20tier") == V{"/hdfs"});
    CHECK(ids("label=tier!%3Dfrontend%5C+tier") == V{"/kafka"});
    CHECK(ids("label=region+in+(us,+asia)") == V{"/dev/kafka-2"});
    CHECK(ids("label=region%20notin%20(us)") == V{"/plain"});
    CHECK(ids("label=DCOS_PACKAGE_NAME,region") == V{"/dev/kafka-2"});
    CHECK(ids("label=DCOS_PACKAGE_NAME&label=tier") == V{"/hdfs", "/kafka"});
    CHECK(ids("id=kafka") == V{"/dev/kafka-2", "/kafka"});
    CHECK(ids("id=/dev") == V{"/dev/kafka-2"});
    CHECK(ids("cmd=hdfs") == V{"/hdfs"});
    CHECK(ids("cmd=run&label=DCOS_PACKAGE_NAME%3D%3Dkafka&id=dev") == V{"/dev/kafka-2"});

    auto bad = get(marathon, "/v2/apps?label=a%3D%3D");
    CHECK(bad.status == 400);
    CHECK(is_json(bad));
}

TEST_CASE("marathon: GET /v2/apps embeds counts and deployments, accepts app.* and apps.*",
          "[support]") {
    MarathonEmulator marathon(no_schema());
    REQUIRE(post_app(marathon, simple_app("/a")).status == 201);
    auto plain = get(marathon, "/v2/apps").json()["apps"][0];
    CHECK(plain["tasksHealthy"] == 0);
    CHECK(plain["deployments"] == Json::array());
    CHECK_FALSE(plain.contains("tasks"));
    for (const char* spelling : {"apps.tasks", "app.tasks"}) {
        auto app = get(marathon, std::string("/v2/apps?embed=") + spelling).json()["apps"][0];
        CHECK(app["tasks"] == Json::array());
        CHECK(app["tasksStaged"] == 0);
    }
    auto more = get(marathon, "/v2/apps?embed=apps.readiness&embed=apps.taskStats&embed=x")
                    .json()["apps"][0];
    CHECK(more["readinessCheckResults"] == Json::array());
    CHECK(more["taskStats"] == Json::object());
}

TEST_CASE("marathon: PUT creates (201) or updates (200), partialUpdate merges or replaces",
          "[support]") {
    MarathonEmulator marathon(no_schema());
    auto created = put_app(marathon, "/svc", {{"cmd", "v1"}, {"env", {{"A", "1"}}}});
    REQUIRE(created.status == 201);
    CHECK(is_json(created));
    CHECK(created.header("Location") == marathon.url() + "/svc");
    auto result = created.json();
    CHECK(result.size() == 2);
    CHECK(result["deploymentId"] == *created.header("Marathon-Deployment-Id"));
    CHECK(is_timestamp(result["version"]));
    CHECK((*marathon.app("/svc"))["id"] == "/svc");

    auto merged = put_app(marathon, "/svc", {{"id", "/ignored"}, {"instances", 3}});
    REQUIRE(merged.status == 200);
    CHECK(merged.json()["deploymentId"] == *merged.header("Marathon-Deployment-Id"));
    auto app = *marathon.app("/svc");
    CHECK(app["cmd"] == "v1");
    CHECK(app["instances"] == 3);
    CHECK(app["env"]["A"] == "1");
    CHECK(app["version"] == merged.json()["version"]);
    // Scaling only: the configuration change time stays.
    CHECK(app["versionInfo"]["lastConfigChangeAt"] == result["version"]);
    CHECK(app["versionInfo"]["lastScalingAt"] == app["version"]);
    CHECK_FALSE(marathon.app("/ignored").has_value());

    // partialUpdate is parsed case-insensitively; False replaces the app.
    auto replaced = put_app(marathon, "/svc", {{"cmd", "v2"}}, "?force=True&partialUpdate=False");
    REQUIRE(replaced.status == 200);
    app = *marathon.app("/svc");
    CHECK(app["cmd"] == "v2");
    CHECK_FALSE(app.contains("env"));
    CHECK(app["instances"] == 1);
    CHECK(app["versionInfo"]["lastConfigChangeAt"] == app["version"]);

    // A body version rolls back to that stored version.
    auto rollback = put_app(marathon, "/svc", {{"version", result["version"]}});
    REQUIRE(rollback.status == 200);
    CHECK((*marathon.app("/svc"))["cmd"] == "v1");
    CHECK(put_app(marathon, "/svc", {{"version", "1999-01-01T00:00:00.000Z"}}).status == 404);
}

TEST_CASE("marathon: PUT accepts back what GET returned (SDK uninstall body)", "[support]") {
    MarathonEmulator marathon;
    Json original = simple_app("/sdk");
    original["labels"] = {{"DCOS_COMMONS_API_VERSION", "v1"}};
    original["uris"] = {"http://example.com/a.tgz"};
    REQUIRE(post_app(marathon, original).status == 201);
    Json body = get(marathon, "/v2/apps/sdk").json()["app"];
    body.erase("uris");
    body.erase("version");
    body["env"] = {{"SDK_UNINSTALL", "true"}};
    REQUIRE(body.contains("tasksStaged"));
    REQUIRE(body.contains("versionInfo"));
    auto put = put_app(marathon, "/sdk", body, "?force=true");
    REQUIRE(put.status == 200);
    CHECK(put.json()["deploymentId"].is_string());
    auto stored = *marathon.app("/sdk");
    CHECK(stored["env"]["SDK_UNINSTALL"] == "true");
    CHECK(stored["uris"] == original["uris"]);  // partial update keeps what was not sent
    CHECK_FALSE(stored.contains("tasksStaged"));
    CHECK_FALSE(stored.contains("deployments"));
}

TEST_CASE("marathon: DELETE answers a deployment result or 404", "[support]") {
    MarathonEmulator marathon(no_schema());
    REQUIRE(post_app(marathon, simple_app("/gone")).status == 201);
    auto deleted = del(marathon, "/v2/apps/gone?force=true");
    REQUIRE(deleted.status == 200);
    CHECK(is_json(deleted));
    CHECK(deleted.json()["deploymentId"] == *deleted.header("Marathon-Deployment-Id"));
    CHECK(is_timestamp(deleted.json()["version"]));
    CHECK(get(marathon, "/v2/apps/gone").status == 404);
    CHECK(get(marathon, "/v2/apps").json()["apps"].empty());

    auto missing = del(marathon, "/v2/apps/not-existing");
    CHECK(missing.status == 404);
    CHECK(missing.body == R"({"message":"App '/not-existing' does not exist"})");
}

TEST_CASE("marathon: deployments finish after N polls and lock their apps", "[support]") {
    MarathonEmulator marathon(no_schema());
    marathon.set_deployment_mode(DeploymentMode::after_polls(2));
    auto created = post_app(marathon, simple_app("/slow"));
    REQUIRE(created.status == 201);
    std::string deployment_id = *created.header("Marathon-Deployment-Id");

    // Locked while running: PUT without force and DELETE?force=false → 409.
    auto locked = put_app(marathon, "/slow", {{"cmd", "x"}});
    CHECK(locked.status == 409);
    CHECK(is_json(locked));
    CHECK(locked.json()["message"] ==
          "App is locked by one or more deployments. Override with the option '?force=true'. "
          "View details at '/v2/deployments/<DEPLOYMENT_ID>'.");
    CHECK(locked.json()["deployments"] == Json::array({Json{{"id", deployment_id}}}));
    CHECK(del(marathon, "/v2/apps/slow?force=false").status == 409);
    CHECK(get(marathon, "/v2/apps/slow").json()["app"]["deployments"][0]["id"] == deployment_id);

    auto first = get(marathon, "/v2/deployments");
    REQUIRE(first.status == 200);
    CHECK(is_json(first));
    REQUIRE(first.json().size() == 1);
    Json d = first.json()[0];
    CHECK(d["id"] == deployment_id);
    CHECK(d["affectedApps"] == Json::array({"/slow"}));
    CHECK(d["affectedPods"] == Json::array());
    CHECK(d["steps"][0]["actions"][0] == Json{{"action", "StartApplication"}, {"app", "/slow"}});
    CHECK(d["totalSteps"] == 2);
    CHECK(d["currentStep"] == 1);
    CHECK(d["currentActions"][0]["readinessCheckResults"] == Json::array());
    CHECK(is_timestamp(d["version"]));
    CHECK(get(marathon, "/v2/deployments").json().size() == 1);
    CHECK(get(marathon, "/v2/deployments").json().empty());
    CHECK(put_app(marathon, "/slow", {{"cmd", "x"}}).status == 200);
}

TEST_CASE("marathon: force overrides locks, DELETE defaults to force=true", "[support]") {
    MarathonEmulator marathon(no_schema());
    marathon.set_deployment_mode(DeploymentMode::never());
    REQUIRE(post_app(marathon, simple_app("/a")).status == 201);
    REQUIRE(post_app(marathon, simple_app("/b")).status == 201);
    CHECK(marathon.deployments().size() == 2);
    auto forced = put_app(marathon, "/a", {{"cmd", "y"}}, "?force=TRUE");
    CHECK(forced.status == 200);
    // The forced change replaced the deployment that locked the app.
    CHECK(marathon.deployments().size() == 2);
    CHECK(del(marathon, "/v2/apps/b").status == 200);
    CHECK_FALSE(marathon.app("/b").has_value());
    marathon.complete_deployments();
    CHECK(marathon.deployments().empty());
    CHECK(get(marathon, "/v2/deployments").json().empty());
}

TEST_CASE("marathon: DELETE /v2/deployments cancels (202) or rolls back (200)", "[support]") {
    MarathonEmulator marathon(no_schema());
    marathon.set_deployment_mode(DeploymentMode::never());
    auto created = post_app(marathon, simple_app("/app"));
    std::string first = *created.header("Marathon-Deployment-Id");

    auto unknown = del(marathon, "/v2/deployments/unknown_deployment");
    CHECK(unknown.status == 404);
    CHECK(unknown.body == R"({"message":"DeploymentPlan unknown_deployment does not exist"})");

    // Rolling back a create removes the app through a new deployment.
    auto rollback = del(marathon, "/v2/deployments/" + first);
    REQUIRE(rollback.status == 200);
    std::string second = rollback.json()["deploymentId"];
    CHECK(second != first);
    CHECK_FALSE(marathon.app("/app").has_value());
    auto running = marathon.deployments();
    REQUIRE(running.size() == 1);
    CHECK(running[0]["id"] == second);
    CHECK(running[0]["steps"][0]["actions"][0]["action"] == "StopApplication");

    auto cancelled = del(marathon, "/v2/deployments/" + second + "?force=true");
    CHECK(cancelled.status == 202);
    CHECK(cancelled.body.empty());
    CHECK(is_json(cancelled));
    CHECK(marathon.deployments().empty());
    CHECK(marathon.complete_deployment(second) == false);
}

TEST_CASE("marathon: deployments after a delay, deletion visible after completion", "[support]") {
    MarathonEmulator marathon(no_schema());
    marathon.set_deployment_mode(DeploymentMode::after_delay(200ms));
    REQUIRE(post_app(marathon, simple_app("/timed")).status == 201);
    CHECK(get(marathon, "/v2/deployments").json().size() == 1);
    std::this_thread::sleep_for(250ms);
    CHECK(get(marathon, "/v2/deployments").json().empty());

    marathon.set_deployment_mode(DeploymentMode::never());
    marathon.set_delete_visibility(DeleteVisibility::kAfterDeployment);
    auto deleted = del(marathon, "/v2/apps/timed");
    REQUIRE(deleted.status == 200);
    CHECK(listed_ids(get(marathon, "/v2/apps")) == std::vector<std::string>{"/timed"});
    CHECK(marathon.complete_deployment(deleted.json()["deploymentId"].get<std::string>()));
    CHECK(get(marathon, "/v2/apps").json()["apps"].empty());
}

TEST_CASE("marathon: auth → 401 with WWW-Authenticate acsjwt, 403 for another token", "[support]") {
    MarathonOptions options = no_schema();
    options.required_token = "secret";
    MarathonEmulator marathon(options);

    auto none = get(marathon, "/v2/apps");
    CHECK(none.status == 401);
    CHECK(is_json(none));
    CHECK(none.header("WWW-Authenticate") == "acsjwt");
    CHECK(none.body == R"({"message":"Invalid username or password."})");

    auto wrong = universe_test::http_get(marathon.port(), "/v2/apps",
                                         HeaderList{{"Authorization", "token=other"}});
    CHECK(wrong.status == 403);
    CHECK(wrong.body == R"({"message":"Not Authorized to perform this action!"})");

    auto right =
        post_app(marathon, simple_app("/x"), "", HeaderList{{"Authorization", "token=secret"}});
    CHECK(right.status == 201);
    CHECK(get(marathon, "/ping").status == 200);

    // Every Authorization header is logged, refused calls included.
    auto logged = marathon.log().matching("*", "/v2/apps");
    REQUIRE(logged.size() == 3);
    CHECK_FALSE(logged[0].header("Authorization").has_value());
    CHECK(logged[1].header("Authorization") == "token=other");
    CHECK(logged[2].header("Authorization") == "token=secret");

    marathon.set_required_token(std::nullopt);
    CHECK(get(marathon, "/v2/apps").status == 200);
}

TEST_CASE("marathon: fixed-status faults for the next N calls leave state unchanged", "[support]") {
    MarathonEmulator marathon(no_schema());
    marathon.faults().add("POST", "/v2/apps", Fault::fixed(503, R"({"message":"busy"})"), 2);
    for (int i = 0; i < 2; ++i) {
        auto failed = post_app(marathon, simple_app("/a"));
        CHECK(failed.status == 503);
        CHECK(failed.body == R"({"message":"busy"})");
        CHECK(is_json(failed));
    }
    CHECK(marathon.apps().empty());
    CHECK(post_app(marathon, simple_app("/a")).status == 201);
    CHECK(marathon.faults().pending() == 0);

    // Per app id, non-JSON bodies, other content types, extra headers.
    Fault html = Fault::fixed(400, "<html>bad</html>", "text/html");
    marathon.faults().add("GET", "/v2/apps/a", html);
    auto bad = get(marathon, "/v2/apps/a");
    CHECK(bad.status == 400);
    CHECK(bad.header("Content-Type") == "text/html");
    CHECK(bad.body == "<html>bad</html>");
    CHECK(get(marathon, "/v2/apps/a").status == 200);

    Fault unauthorized = Fault::fixed(401, R"({"message":"Invalid username or password."})");
    unauthorized.headers.add("WWW-Authenticate", "acsjwt");
    marathon.faults().add("*", "/v2/apps*", unauthorized);
    auto refused = get(marathon, "/v2/apps");
    CHECK(refused.status == 401);
    CHECK(refused.header("WWW-Authenticate") == "acsjwt");

    // A DELETE that fails twice, then succeeds (the background retry path).
    marathon.faults().add("DELETE", "/v2/apps/*", Fault::fixed(500, R"({"message":"oops"})"), 2);
    CHECK(del(marathon, "/v2/apps/a").status == 500);
    CHECK(del(marathon, "/v2/apps/a").status == 500);
    CHECK(marathon.app("/a").has_value());
    CHECK(del(marathon, "/v2/apps/a").status == 200);
}

TEST_CASE("marathon: latency, dropped, hanging and truncated answers", "[support]") {
    MarathonEmulator marathon(no_schema());
    marathon.faults().add("GET", "/v2/apps", Fault::delayed(300ms));
    auto start = std::chrono::steady_clock::now();
    CHECK(get(marathon, "/v2/apps").status == 200);
    CHECK(std::chrono::steady_clock::now() - start >= 290ms);

    marathon.faults().add("POST", "/v2/apps", Fault::dropped());
    CHECK(universe_test::http_failure_of([&] { post_app(marathon, simple_app("/d")); }) ==
          HttpFailure::kClosed);
    CHECK(marathon.apps().empty());

    // Dropped after handling: the app exists although the caller saw no answer.
    Fault late_drop = Fault::dropped();
    late_drop.handle_first = true;
    marathon.faults().add("POST", "/v2/apps", late_drop);
    CHECK(universe_test::http_failure_of([&] { post_app(marathon, simple_app("/d")); }) ==
          HttpFailure::kClosed);
    CHECK(marathon.app("/d").has_value());

    Fault truncated;
    truncated.truncate = true;
    marathon.faults().add("GET", "/v2/apps/d", truncated);
    CHECK(universe_test::http_failure_of([&] { get(marathon, "/v2/apps/d"); }) ==
          HttpFailure::kTruncated);

    marathon.faults().add("GET", "/v2/deployments", Fault::hung());
    universe_test::HttpCall call;
    call.target = "/v2/deployments";
    call.timeout = 200ms;
    CHECK(universe_test::http_failure_of(
              [&] { universe_test::http_call(marathon.port(), call); }) == HttpFailure::kTimedOut);
    // The hanging connection does not keep the emulator from stopping.
    start = std::chrono::steady_clock::now();
    marathon.stop();
    CHECK(std::chrono::steady_clock::now() - start < 1s);
    CHECK(universe_test::http_failure_of([&] { get(marathon, "/v2/apps"); }) ==
          HttpFailure::kRefused);
    marathon.restart();
    CHECK(listed_ids(get(marathon, "/v2/apps")) == std::vector<std::string>{"/d"});
}

TEST_CASE("marathon: malformed, oversized, wrongly typed answers and PUT without deploymentId",
          "[support]") {
    MarathonEmulator marathon(no_schema());
    REQUIRE(post_app(marathon, simple_app("/a")).status == 201);

    Fault malformed;
    malformed.malformed_json = true;
    marathon.faults().add("GET", "/v2/apps", malformed);
    auto broken = get(marathon, "/v2/apps");
    CHECK(broken.status == 200);
    CHECK_THROWS(broken.json());

    Fault large;
    large.larger_than = 100000;
    marathon.faults().add("GET", "/v2/apps", large);
    auto big = get(marathon, "/v2/apps");
    CHECK(big.body.size() > 100000);
    CHECK(big.json()["apps"].size() == 1);

    Fault wrong_type;
    wrong_type.content_type_override = "text/plain";
    marathon.faults().add("GET", "/v2/apps", wrong_type);
    auto text = get(marathon, "/v2/apps");
    CHECK(text.header("Content-Type") == "text/plain");
    CHECK(text.json()["apps"].size() == 1);

    Fault no_id;
    no_id.omit_deployment_id = true;
    marathon.faults().add("PUT", "/v2/apps/*", no_id);
    auto put = put_app(marathon, "/a", {{"cmd", "changed"}}, "?force=true");
    CHECK(put.status == 200);
    CHECK_FALSE(put.json().contains("deploymentId"));
    CHECK(put.json()["version"].is_string());
    CHECK((*marathon.app("/a"))["cmd"] == "changed");
}

TEST_CASE("marathon: every answer is JSON, ping and info", "[support]") {
    MarathonEmulator marathon(no_schema());
    auto ping = get(marathon, "/ping");
    CHECK(ping.status == 200);
    CHECK(is_json(ping));
    CHECK(ping.json() == "pong");

    auto info = get(marathon, "/v2/info");
    CHECK(info.status == 200);
    CHECK(info.json()["name"] == "marathon");
    CHECK(info.json()["version"] == "1.10.0");
    CHECK(info.json()["http_config"]["http_port"] == marathon.port());

    for (const char* target : {"/nowhere", "/v2/apps/x/versions/bad"}) {
        auto response = get(marathon, target);
        CHECK(response.status == 404);
        CHECK(is_json(response));
    }
    universe_test::HttpCall patch;
    patch.method = "PATCH";
    patch.target = "/v2/apps";
    auto wrong_method = universe_test::http_call(marathon.port(), patch);
    CHECK(wrong_method.status == 405);
    CHECK(is_json(wrong_method));
}

TEST_CASE("marathon: the request log keeps method, query, headers and body", "[support]") {
    MarathonEmulator marathon(no_schema());
    HeaderList headers{{"User-Agent", "cosmos/0.1.0"},
                       {"Accept", "application/json;charset=utf-8"},
                       {"Authorization", "token=abc"}};
    Json app = simple_app("/logged");
    REQUIRE(universe_test::http_json(marathon.port(), "PUT",
                                     "/v2/apps/logged?force=true&partialUpdate=false", app, headers)
                .status == 201);
    auto logged = marathon.log().entries();
    REQUIRE(logged.size() == 1);
    CHECK(logged[0].method == "PUT");
    CHECK(logged[0].path == "/v2/apps/logged");
    CHECK(logged[0].query == "force=true&partialUpdate=false");
    CHECK(logged[0].header("user-agent") == "cosmos/0.1.0");
    CHECK(logged[0].header("Content-Type") == "application/json");
    CHECK(logged[0].header("Authorization") == "token=abc");
    CHECK(logged[0].body == app.dump());
    marathon.log().clear();
    CHECK(marathon.log().size() == 0);
}

TEST_CASE("marathon: seeded runs produce identical ids, versions and state", "[support]") {
    auto run = [] {
        MarathonOptions options = no_schema();
        options.seed = 42;
        MarathonEmulator marathon(options);
        std::vector<std::string> bodies;
        bodies.push_back(post_app(marathon, simple_app("/one")).body);
        bodies.push_back(put_app(marathon, "/one", {{"cmd", "two"}}).body);
        bodies.push_back(del(marathon, "/v2/apps/one").body);
        bodies.push_back(marathon.state().dump());
        return bodies;
    };
    auto first = run();
    auto second = run();
    CHECK(first == second);
    CHECK(Json::parse(first[0])["version"] == "2021-01-01T00:00:00.001Z");
}

TEST_CASE("marathon: direct API: add, list, remove apps and dump state", "[support]") {
    MarathonEmulator marathon(no_schema());
    Json stored = marathon.add_app({{"id", "direct"}, {"labels", {{"DCOS_PACKAGE_NAME", "x"}}}});
    CHECK(stored["id"] == "/direct");
    CHECK(stored["cpus"] == 1);
    CHECK(is_timestamp(stored["version"]));
    CHECK_THROWS_AS(marathon.add_app({{"id", "/direct"}}), std::invalid_argument);
    CHECK_THROWS_AS(marathon.add_app({{"cmd", "no id"}}), std::invalid_argument);
    CHECK(listed_ids(get(marathon, "/v2/apps?label=DCOS_PACKAGE_NAME")) ==
          std::vector<std::string>{"/direct"});

    marathon.set_deployment_mode(DeploymentMode::never());
    REQUIRE(post_app(marathon, simple_app("/other")).status == 201);
    Json state = marathon.state();
    CHECK(state["apps"].size() == 2);
    CHECK(state["deployments"].size() == 1);
    CHECK(state["deployments"][0]["affectedApps"] == Json::array({"/other"}));

    CHECK(marathon.remove_app("direct"));
    CHECK_FALSE(marathon.remove_app("/direct"));
    CHECK(marathon.apps().size() == 1);
}

TEST_CASE("marathon: concurrent clients create, list and delete consistently", "[support]") {
    MarathonEmulator marathon(no_schema());
    std::vector<std::thread> clients;
    std::mutex mutex;
    std::set<std::string> deployment_ids;
    int failures = 0;
    for (int t = 0; t < 8; ++t) {
        clients.emplace_back([&, t] {
            for (int i = 0; i < 10; ++i) {
                std::string id = "/c" + std::to_string(t) + "/app" + std::to_string(i);
                auto created = post_app(marathon, simple_app(id));
                auto listed = get(marathon, "/v2/apps?id=/c");
                std::lock_guard lock(mutex);
                if (created.status != 201 || listed.status != 200) ++failures;
                deployment_ids.insert(created.header("Marathon-Deployment-Id").value_or(""));
            }
        });
    }
    for (auto& client : clients)
        client.join();
    CHECK(failures == 0);
    CHECK(deployment_ids.size() == 80);
    CHECK(marathon.apps().size() == 80);
    CHECK(listed_ids(get(marathon, "/v2/apps/c3/*"), "*").size() == 10);
}
