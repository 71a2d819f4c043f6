// Install, list, service describe/update, uninstall and history end to end: the real binary, the
// Marathon and Mesos emulators, and the DC/OS CLIs' exact headers.
#include <atomic>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "tests/e2e/cosmos_client.h"
#include "tests/support/marathon_emulator.h"
#include "tests/support/mesos_emulator.h"
#include "tests/support/process.h"
#include "tests/support/repo_server.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"

using cosmos::core::Json;
using namespace universe_test;

namespace {

// A cluster of emulators and a cosmos-server pointed at it, serving the bundled Universe.
struct Cluster {
    MarathonEmulator marathon;
    MesosEmulator mesos;
    TempDir dir;
    std::unique_ptr<ServerProcess> server;

    explicit Cluster(std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"--marathon-uri",     marathon.url(),
                                         "--mesos-uri",        mesos.url(),
                                         "--admin-router-uri", mesos.url(),
                                         "--sdk-poll-ms",      "50",
                                         "--upstream-timeout", "3"};
        for (auto& a : extra)
            args.push_back(std::move(a));
        server = std::make_unique<ServerProcess>(dir / "data", args);
    }
    std::uint16_t port() const { return server->port(); }

    HttpResponse rpc(Cli cli, const std::string& kind, const Json& body,
                     const std::string& version = "v1", const std::string& token = "") {
        return package_rpc(port(), cli, kind, body, version, token);
    }
    HttpResponse service(Cli cli, const std::string& kind, const Json& body,
                         const std::string& path_prefix = "") {
        return cli_post(port(), cli, path_prefix + "/service/" + kind,
                        service_type(kind + "-request"), service_type(kind + "-response"),
                        body.dump());
    }
    HttpResponse install(const Json& body, Cli cli = Cli::kPython) {
        return rpc(cli, "install", body, cli == Cli::kPython ? "v2" : "v1");
    }
    std::vector<Json> history(const Json& filter) {
        auto r = cli_post(port(), Cli::kPython, "/package/history", package_type("history-request"),
                          package_type("history-response"), filter.dump());
        REQUIRE(r.status == 200);
        CHECK(r.header("Content-Type") == package_type("history-response"));
        Json body = r.json();
        return std::vector<Json>(body["records"].begin(), body["records"].end());
    }
};

// The body Marathon received in the last POST /v2/apps.
Json last_posted_app(MarathonEmulator& marathon) {
    auto posts = marathon.log().matching("POST", "/v2/apps");
    REQUIRE_FALSE(posts.empty());
    return Json::parse(posts.back().body);
}

}  // namespace

TEST_CASE("the Python CLI's install, list, describe, update, uninstall and history",
          "[e2e][install]") {
    Cluster cluster;
    // dcos package install nginx --yes: describe, render, install with options always sent.
    auto describe = cluster.rpc(Cli::kPython, "describe", Json{{"packageName", "nginx"}}, "v3");
    REQUIRE(describe.status == 200);
    std::string version = describe.json()["package"]["version"];
    auto render = cluster.rpc(Cli::kPython, "render",
                              Json{{"packageName", "nginx"}, {"packageVersion", version}});
    REQUIRE(render.status == 200);
    auto install = cluster.install(
        Json{{"packageName", "nginx"}, {"packageVersion", version}, {"options", Json::object()}});
    REQUIRE(install.status == 200);
    CHECK(install.header("Content-Type") == package_type("install-response", "v2"));
    Json installed = install.json();
    CHECK(installed["packageName"] == "nginx");
    CHECK(installed["appId"] == "/nginx");
    CHECK(installed["postInstallNotes"].is_string());

    // Marathon received exactly the rendered app, field by field.
    Json posted = last_posted_app(cluster.marathon);
    Json rendered = render.json()["marathonJson"];
    for (auto it = rendered.begin(); it != rendered.end(); ++it) {
        INFO(it.key());
        CHECK(posted[it.key()] == it.value());
    }
    CHECK(posted.size() == rendered.size());
    CHECK(posted["labels"]["DCOS_PACKAGE_OPTIONS"] == "e30=");  // options {} = none
    CHECK(posted["labels"]["DCOS_PACKAGE_SOURCE"] == "builtin:universe");

    for (Cli cli : {Cli::kPython, Cli::kGo}) {
        auto list = cluster.rpc(cli, "list", Json::object());
        REQUIRE(list.status == 200);
        Json packages = list.json()["packages"];
        REQUIRE(packages.size() == 1);
        CHECK(packages[0]["appId"] == "/nginx");
        CHECK(packages[0]["packageInformation"]["packageDefinition"]["name"] == "nginx");
        CHECK(packages[0]["packageInformation"]["packageDefinition"]["framework"] == false);
    }

    auto service = cluster.service(Cli::kPython, "describe", Json{{"appId", "nginx"}}, "/cosmos");
    REQUIRE(service.status == 200);
    CHECK(service.json()["package"]["name"] == "nginx");
    CHECK(service.json()["userProvidedOptions"] == Json::object());
    CHECK(service.json()["resolvedOptions"]["service"]["name"] == "nginx");

    // Update with replace=false merges the new options into the stored ones.
    auto update = cluster.service(Cli::kPython, "update",
                                  Json{{"appId", "/nginx"},
                                       {"options", {{"service", {{"instances", 2}}}}},
                                       {"replace", false}});
    REQUIRE(update.status == 200);
    CHECK(update.json()["resolvedOptions"]["service"]["instances"] == 2);
    CHECK(update.json()["marathonDeploymentId"].get<std::string>().size() > 0);
    auto puts = cluster.marathon.log().matching("PUT", "/v2/apps/nginx");
    REQUIRE(puts.size() == 1);
    CHECK(puts[0].query == "force=true&partialUpdate=false");
    CHECK(cluster.marathon.app("/nginx").value()["instances"] == 2);

    auto uninstall = cluster.rpc(Cli::kPython, "uninstall", Json{{"packageName", "nginx"}});
    REQUIRE(uninstall.status == 200);
    Json results = uninstall.json()["results"];
    REQUIRE(results.size() == 1);
    CHECK(results[0]["appId"] == "/nginx");
    CHECK(results[0]["packageVersion"] == version);
    CHECK_FALSE(cluster.marathon.app("/nginx").has_value());

    auto records = cluster.history(Json{{"appId", "/nginx"}});
    REQUIRE(records.size() == 3);
    CHECK(records[0]["operation"] == "uninstall");
    CHECK(records[1]["operation"] == "update");
    CHECK(records[1]["options"] == Json{{"service", {{"instances", 2}}}});
    CHECK(records[2]["operation"] == "install");
    CHECK(records[2]["outcome"] == "success");
    CHECK(records[2]["appSha256"].get<std::string>().size() == 64);
    CHECK(cluster.history(Json{{"packageName", "kafka"}}).empty());
}

TEST_CASE("the Go CLI installs with the v1 response and lists", "[e2e][install]") {
    Cluster cluster;
    auto install = cluster.install(Json{{"packageName", "crate"}, {"appId", "db/crate"}}, Cli::kGo);
    REQUIRE(install.status == 200);
    CHECK(install.header("Content-Type") == package_type("install-response", "v1"));
    CHECK(install.body ==
          R"({"packageName":"crate","packageVersion":"0.1.0","appId":"/db/crate"})");
    CHECK(cluster.marathon.app("/db/crate").has_value());
    // The caller's token travels to Marathon verbatim, even empty (the Go CLI sends "token=").
    auto posts = cluster.marathon.log().matching("POST", "/v2/apps");
    CHECK(posts.back().headers.get("Authorization") == "token=");
    CHECK(posts.back().headers.get("User-Agent") == "cosmos/0.1.0");
}

TEST_CASE("installed packages stay listed after their repository is removed", "[e2e][install]") {
    Cluster cluster;
    REQUIRE(cluster.install(Json{{"packageName", "nginx"}}).status == 200);
    auto removed = cluster.rpc(Cli::kPython, "repository.delete", Json{{"name", "Universe"}});
    REQUIRE(removed.status == 200);
    auto list = cluster.rpc(Cli::kPython, "list", Json{{"packageName", "nginx"}});
    REQUIRE(list.status == 200);
    CHECK(list.json()["packages"].size() == 1);
    // Uninstall still works: the notes come from the app's own label.
    auto uninstall = cluster.rpc(Cli::kPython, "uninstall", Json{{"packageName", "nginx"}});
    CHECK(uninstall.status == 200);
}

TEST_CASE("install error paths", "[e2e][install]") {
    Cluster cluster;
    SECTION("unknown package and version") {
        auto package = cluster.install(Json{{"packageName", "nope"}});
        CHECK(package.status == 400);
        CHECK(
            package.body ==
            R"({"type":"PackageNotFound","message":"Package [nope] not found","data":{"packageName":"nope"}})");
        auto version = cluster.install(Json{{"packageName", "nginx"}, {"packageVersion", "9"}});
        CHECK(version.json()["type"] == "VersionNotFound");
    }
    SECTION("invalid options list every violation") {
        auto r = cluster.install(Json{
            {"packageName", "nginx"},
            {"options", {{"service", {{"cpus", "lots"}, {"instances", -1}, {"extra", true}}}}}});
        CHECK(r.status == 400);
        Json body = r.json();
        CHECK(body["type"] == "JsonSchemaMismatch");
        CHECK(body["message"] == "Options JSON failed validation");
        std::set<std::string> seen;
        for (const auto& e : body["data"]["errors"]) {
            seen.insert(e["keyword"].get<std::string>() + " " +
                        e["instance"]["pointer"].get<std::string>());
            CHECK(e["level"] == "error");
            CHECK(e["domain"] == "validation");
        }
        CHECK(seen == std::set<std::string>{"additionalProperties /service", "type /service/cpus",
                                            "minimum /service/instances"});
        CHECK(cluster.marathon.apps().empty());
    }
    SECTION("Marathon 409: the same app id twice") {
        REQUIRE(cluster.install(Json{{"packageName", "nginx"}}).status == 200);
        auto again = cluster.install(Json{{"packageName", "nginx"}});
        CHECK(again.status == 409);
        CHECK(again.body ==
              R"({"type":"PackageAlreadyInstalled","message":"Package is already installed"})");
    }
    SECTION("Marathon 422 passes Marathon's details on") {
        cluster.marathon.faults().add(
            "POST", "/v2/apps",
            Fault::fixed(
                422,
                R"({"message":"Object is not valid","details":[{"path":"/cpus","errors":["is less than 0"]}]})"));
        auto r = cluster.install(Json{{"packageName", "nginx"}});
        CHECK(r.status == 400);
        CHECK(
            r.body ==
            R"({"type":"MarathonBadResponse","message":"Object is not valid","data":{"errors":[{"path":"/cpus","errors":["is less than 0"]}]}})");
    }
    SECTION("Marathon 500") {
        cluster.marathon.faults().add("POST", "/v2/apps", Fault::fixed(500, "{}"));
        auto r = cluster.install(Json{{"packageName", "nginx"}});
        CHECK(r.status == 502);
        CHECK(
            r.body ==
            R"({"type":"MarathonBadGateway","message":"Received response status code 500 from Marathon","data":{"marathonStatus":500,"status":502}})");
    }
    SECTION("Marathon unreachable") {
        cluster.marathon.stop();
        auto r = cluster.install(Json{{"packageName", "nginx"}});
        CHECK(r.status == 503);
        // Beyond Cosmos: where the call went and why it failed.
        CHECK(
            r.body ==
            R"({"type":"ServiceUnavailable","message":"Unable to complete request due to service [marathon] unavailability","data":{"serviceName":"marathon","status":503,"uri":")" +
                cluster.marathon.url() + R"(/v2/apps","cause":"connection refused"}})");
    }
    SECTION("401 and 403 pass through with WWW-Authenticate") {
        cluster.marathon.set_required_token("secret");
        auto none = cluster.rpc(Cli::kPython, "list", Json::object());
        CHECK(none.status == 401);
        CHECK(none.header("WWW-Authenticate") == "acsjwt");
        CHECK(none.json()["type"] == "Unauthorized");
        auto wrong = cluster.rpc(Cli::kPython, "list", Json::object(), "v1", "wrong");
        CHECK(wrong.status == 403);
        CHECK(wrong.json()["type"] == "Forbidden");
        auto right = cluster.rpc(Cli::kPython, "list", Json::object(), "v1", "secret");
        CHECK(right.status == 200);
    }
    // Every attempt is recorded, failures with their error.
    for (const auto& record : cluster.history(Json::object())) {
        if (record["outcome"] == "failure") CHECK(record["error"]["type"].is_string());
    }
}

TEST_CASE("uninstall: ambiguity, all, and framework teardown with 0, 1 and 2 frameworks",
          "[e2e][install]") {
    Cluster cluster;
    REQUIRE(cluster.install(Json{{"packageName", "crate"}, {"appId", "/crate-a"}}).status == 200);
    REQUIRE(cluster.install(Json{{"packageName", "crate"}, {"appId", "/crate-b"}}).status == 200);
    auto ambiguous = cluster.rpc(Cli::kPython, "uninstall", Json{{"packageName", "crate"}});
    CHECK(ambiguous.status == 400);
    CHECK(
        ambiguous.body ==
        R"({"type":"AmbiguousAppId","message":"Multiple apps named [crate] are installed: [/crate-a, /crate-b]","data":{"packageName":"crate","appIds":["/crate-a","/crate-b"]}})");

    // crate's framework name is its service name, "crate" by default: no framework registered.
    auto all =
        cluster.rpc(Cli::kPython, "uninstall", Json{{"packageName", "crate"}, {"all", true}});
    REQUIRE(all.status == 200);
    CHECK(all.json()["results"].size() == 2);
    CHECK(cluster.marathon.apps().empty());
    CHECK(cluster.mesos.log().matching("POST", "/master/teardown").empty());

    // One matching framework is torn down.
    REQUIRE(cluster.install(Json{{"packageName", "crate"}}).status == 200);
    cluster.mesos.add_framework("fw-1", "crate");
    cluster.mesos.add_framework("fw-other", "kafka");
    auto one = cluster.rpc(Cli::kPython, "uninstall", Json{{"packageName", "crate"}});
    REQUIRE(one.status == 200);
    auto teardowns = cluster.mesos.log().matching("POST", "/master/teardown");
    REQUIRE(teardowns.size() == 1);
    CHECK(teardowns[0].body == "frameworkId=fw-1");
    CHECK(teardowns[0].headers.get("Content-Type") ==
          "application/x-www-form-urlencoded; charset=utf-8");
    CHECK(cluster.mesos.completed_frameworks().size() == 1);

    // Two frameworks of that name: the app is deleted, then the ambiguity is reported.
    REQUIRE(cluster.install(Json{{"packageName", "crate"}}).status == 200);
    cluster.mesos.add_framework("fw-2", "crate");
    cluster.mesos.add_framework("fw-3", "crate");
    auto two = cluster.rpc(Cli::kPython, "uninstall", Json{{"packageName", "crate"}});
    CHECK(two.status == 400);
    CHECK(
        two.body ==
        R"({"type":"MultipleFrameworkIds","message":"Uninstalled package [crate] version [0.1.0]\nUnable to shutdown [crate] service framework with name [crate] because there are multiple framework ids matching this name: [fw-2, fw-3]","data":{"packageName":"crate","packageVersion":"0.1.0","frameworkName":"crate","ids":["fw-2","fw-3"]}})");
    CHECK_FALSE(cluster.marathon.app("/crate").has_value());

    auto missing = cluster.rpc(Cli::kPython, "uninstall",
                               Json{{"packageName", "crate"}, {"appId", "/nothing"}});
    CHECK(missing.json()["type"] == "UninstallNonExistentAppForPackage");
    auto none = cluster.rpc(Cli::kPython, "uninstall", Json{{"packageName", "crate"}});
    CHECK(
        none.body ==
        R"({"type":"PackageNotInstalled","message":"Package [crate] is not installed","data":{"packageName":"crate"}})");
}

TEST_CASE("SDK uninstall marks the scheduler, then deletes the app in the background",
          "[e2e][install]") {
    Cluster cluster;
    REQUIRE(cluster.install(Json{{"packageName", "kafka"}}).status == 200);
    cluster.mesos.set_sdk_service("kafka", SdkService{{"kafka-framework-id"}, 200, nullptr});
    auto r = cluster.rpc(Cli::kPython, "uninstall", Json{{"packageName", "kafka"}});
    REQUIRE(r.status == 200);
    auto puts = cluster.marathon.log().matching("PUT", "/v2/apps/kafka");
    REQUIRE(puts.size() == 1);
    CHECK(puts[0].query == "force=true");
    Json body = Json::parse(puts[0].body);
    CHECK(body["env"]["SDK_UNINSTALL"] == "true");
    CHECK_FALSE(body.contains("uris"));
    CHECK_FALSE(body.contains("version"));
    // The background task deletes the app once the scheduler reports it is done.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (cluster.marathon.app("/kafka") && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK_FALSE(cluster.marathon.app("/kafka").has_value());
    auto deletes = cluster.marathon.log().matching("DELETE", "/v2/apps/kafka");
    REQUIRE(deletes.size() == 1);
    CHECK(deletes[0].query.empty());
}

TEST_CASE("SDK uninstall against the emulated cluster as the README runs it", "[e2e][install]") {
    // cosmos-emulator attaches Marathon to the Admin Router emulator, which then answers for the
    // scheduler of every SDK app it runs; no SDK service is registered by hand here.
    Cluster cluster;
    cluster.mesos.attach_marathon(&cluster.marathon);
    for (const std::string name : {"cassandra", "kafka"}) {
        REQUIRE(cluster.install(Json{{"packageName", name}}).status == 200);
        auto r = cluster.rpc(Cli::kPython, "uninstall", Json{{"packageName", name}});
        REQUIRE(r.status == 200);
        auto listed = [&] {
            auto list = cluster.rpc(Cli::kPython, "list", Json{{"packageName", name}});
            return !list.json()["packages"].empty();
        };
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
        while (listed() && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        CHECK_FALSE(listed());
        CHECK_FALSE(cluster.marathon.app("/" + name).has_value());
        // The scheduler was asked the way Cosmos asks it.
        CHECK_FALSE(
            cluster.mesos.log().matching("GET", "/service/" + name + "/v1/plans/deploy").empty());
    }
    cluster.mesos.attach_marathon(nullptr);
}

TEST_CASE("service update: versions, options and the app id", "[e2e][install]") {
    Cluster cluster;
    REQUIRE(
        cluster.install(Json{{"packageName", "kafka"}, {"packageVersion", "2.9.0-2.4.0"}}).status ==
        200);
    auto describe = cluster.service(Cli::kPython, "describe", Json{{"appId", "/kafka"}});
    REQUIRE(describe.status == 200);
    CHECK(describe.json()["upgradesTo"] == Json::array({"2.10.0-2.4.0"}));

    // Beyond open-source Cosmos: an upgrade that the target's upgradesFrom allows.
    auto upgrade = cluster.service(
        Cli::kPython, "update",
        Json{{"appId", "/kafka"}, {"packageVersion", "2.10.0-2.4.0"}, {"replace", false}});
    REQUIRE(upgrade.status == 200);
    CHECK(upgrade.json()["package"]["version"] == "2.10.0-2.4.0");
    CHECK(cluster.marathon.app("/kafka").value()["labels"]["DCOS_PACKAGE_VERSION"] ==
          "2.10.0-2.4.0");
    auto after = cluster.service(Cli::kPython, "describe", Json{{"appId", "/kafka"}});
    CHECK(after.json()["downgradesTo"] == Json::array({"2.9.0-2.4.0"}));

    // A change the packages do not allow.
    REQUIRE(cluster.install(Json{{"packageName", "riak"}, {"packageVersion", "0.1.1"}}).status ==
            200);
    auto refused =
        cluster.service(Cli::kPython, "update",
                        Json{{"appId", "/riak"}, {"packageVersion", "2.0.0"}, {"replace", false}});
    CHECK(refused.status == 400);
    CHECK(refused.json()["type"] == "VersionChangeNotAllowed");

    // Options that would move the app to another id.
    auto moved = cluster.service(Cli::kPython, "update",
                                 Json{{"appId", "/kafka"},
                                      {"options", {{"service", {{"name", "other"}}}}},
                                      {"replace", false}});
    CHECK(
        moved.body ==
        R"({"type":"AppIdChanged","message":"The new appId /other must be equal to the old appId /kafka","data":{"newAppId":"/other","oldAppId":"/kafka"}})");

    // replace=false needs stored options.
    cluster.marathon.add_app(
        Json{{"id", "/bare"},
             {"cmd", "sleep 1"},
             {"labels", {{"DCOS_PACKAGE_NAME", "nginx"}, {"DCOS_PACKAGE_VERSION", "1.10.3"}}}});
    auto bare =
        cluster.service(Cli::kPython, "update", Json{{"appId", "/bare"}, {"replace", false}});
    CHECK(
        bare.body ==
        R"({"type":"OptionsNotStored","message":"The options of the current service were not stored"})");
    auto gone = cluster.service(Cli::kPython, "describe", Json{{"appId", "/gone"}});
    CHECK(
        gone.body ==
        R"({"type":"MarathonAppNotFound","message":"Unable to locate service with marathon appId: '/gone'","data":{"appId":"/gone"}})");
}

TEST_CASE("20 concurrent installs of one app id: one success, 19 PackageAlreadyInstalled",
          "[e2e][install]") {
    Cluster cluster;
    std::atomic<int> ok{0};
    std::atomic<int> conflicts{0};
    std::atomic<int> other{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < 20; ++i) {
        clients.emplace_back([&] {
            auto r = cluster.install(Json{{"packageName", "nginx"}, {"appId", "/same"}});
            if (r.status == 200) {
                ++ok;
            } else if (r.status == 409 && r.json()["type"] == "PackageAlreadyInstalled") {
                ++conflicts;
            } else {
                ++other;
            }
        });
    }
    for (auto& t : clients)
        t.join();
    CHECK(ok == 1);
    CHECK(conflicts == 19);
    CHECK(other == 0);
    int same = 0;
    for (const auto& app : cluster.marathon.apps())
        same += app["id"] == "/same";
    CHECK(same == 1);
    auto records = cluster.history(Json{{"appId", "/same"}});
    CHECK(records.size() == 20);
    int successes = 0;
    for (const auto& r : records)
        successes += r["outcome"] == "success";
    CHECK(successes == 1);
}

TEST_CASE("corpus packages: the app Marathon receives matches the golden render",
          "[e2e][install][corpus]") {
    REQUIRE_SHARED(corpus, "corpus/universe");
    TempDir build;
    auto r =
        run_command(shell_quote((binary_dir() / "repo-tool" / "repo-tool").string()) + " build " +
                    shell_quote(corpus.string()) + " " + shell_quote((build / "repo").string()));
    REQUIRE(r.exit_code == 0);
    RepoServer repo;
    repo.serve("/repo", read_text(build / "repo/repo-up-to-2.0.json"),
               "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v5");
    TempDir files;
    write_text(files / "repos.json",
               Json::array({{{"name", "corpus"}, {"uri", repo.url("/repo")}}}).dump());
    Cluster cluster({"--repositories-file", (files / "repos.json").string()});
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (cluster.rpc(Cli::kGo, "search", Json::object()).json()["packages"].size() < 28 &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (const char* name : {"crate", "nginx", "kafka", "cassandra", "jenkins", "spark", "linkerd",
                             "zeppelin", "hdfs", "elastic"}) {
        INFO(name);
        auto install = cluster.install(Json{{"packageName", name}, {"options", Json::object()}});
        REQUIRE(install.status == 200);
        Json app = last_posted_app(cluster.marathon);
        std::string text = app.dump(2);
        for (std::size_t at; (at = text.find(repo.url("/repo"))) != std::string::npos;) {
            text.replace(at, repo.url("/repo").size(), "http://repository.test/repo");
        }
        auto mismatch = golden_mismatch(std::string("install-") + name + ".json", text);
        CHECK(mismatch.empty());
        auto listed = cluster.rpc(Cli::kPython, "list", Json{{"packageName", name}});
        CHECK(listed.json()["packages"].size() == 1);
    }
}

TEST_CASE("CLI-only packages: v2 install without an app, v1 refused", "[e2e][install]") {
    // A repository with one package that has no Marathon template.
    Json cli_only = Json::parse(R"({
        "packagingVersion": "3.0", "name": "tool-cli", "version": "1.0.0", "releaseVersion": 0,
        "maintainer": "m@example.org", "description": "A command-line tool only", "tags": ["cli"],
        "postInstallNotes": "Run tool --help",
        "resource": {"cli": {"binaries": {"linux": {"x86-64": {"kind": "executable",
            "url": "https://downloads.example.org/tool-linux",
            "contentHash": [{"algo": "sha256", "value": "ab"}]}}}}}})");
    RepoServer repo;
    repo.serve("/repo", Json{{"packages", {cli_only}}}.dump(),
               "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v3");
    TempDir files;
    write_text(files / "repos.json",
               Json::array({{{"name", "cli"}, {"uri", repo.url("/repo")}}}).dump());
    Cluster cluster({"--repositories-file", (files / "repos.json").string()});
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (cluster.rpc(Cli::kGo, "search", Json::object()).json()["packages"].empty() &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    auto v2 = cluster.install(Json{{"packageName", "tool-cli"}}, Cli::kPython);
    REQUIRE(v2.status == 200);
    Json body = v2.json();
    CHECK_FALSE(body.contains("appId"));
    CHECK(body["postInstallNotes"] == "Run tool --help");
    // The CLI binary's URL goes through the resource proxy, from the Host the client used.
    CHECK(body["cli"]["binaries"]["linux"]["x86-64"]["url"] ==
          "http://cosmos.test/package/resource?url=https://downloads.example.org/tool-linux");
    CHECK(cluster.marathon.apps().empty());
    auto v1 = cluster.install(Json{{"packageName", "tool-cli"}}, Cli::kGo);
    CHECK(v1.status == 400);
    CHECK(
        v1.body ==
        R"({"type":"ServiceMarathonTemplateNotFound","message":"Package: [tool-cli] version: [1.0.0] does not have a Marathon template defined and can not be rendered","data":{"packageName":"tool-cli","packageVersion":"1.0.0"}})");
    auto render = cluster.rpc(Cli::kPython, "render", Json{{"packageName", "tool-cli"}});
    CHECK(render.json()["type"] == "ServiceMarathonTemplateNotFound");
}
