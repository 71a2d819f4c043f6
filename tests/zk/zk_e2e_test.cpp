// Several cosmos-server instances over one real ZooKeeper (Debian's package, started by the
// tests): each acceptance line of the shared state is one test case.
#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "cosmos/core/json.h"
#include "tests/adapters/raw_zip.h"
#include "tests/support/process.h"
#include "tests/zk/zk_support.h"

using cosmos::core::Json;
using namespace universe_test;
using namespace std::chrono_literals;

namespace {

const std::string kBundleType = "application/vnd.dcos.universe.package+zip;version=v1";

// A .dcos bundle of a 4.0 package; `padding` bytes of random text in its description make it
// large and incompressible.
std::string bundle(const std::string& name, const std::string& version, std::size_t padding = 0) {
    std::string description = "Built by hand";
    if (padding > 0) {
        std::mt19937_64 random(42);
        static constexpr char kAlphabet[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        description.clear();
        description.reserve(padding);
        for (std::size_t i = 0; i < padding; ++i)
            description.push_back(kAlphabet[random() % 64]);
    }
    Json metadata{
        {"packagingVersion", "4.0"},
        {"name", name},
        {"version", version},
        {"maintainer", "author@example.org"},
        {"description", description},
        {"tags", Json::array({"demo"})},
        {"marathon",
         Json{{"v2AppMustacheTemplate",
               cosmos::core::base64_encode(R"({"id": "/)" + name + R"(", "cmd": "sleep 1"})")}}}};
    return build_raw_zip({{"metadata.json", metadata.dump()}});
}

HttpResponse publish(std::uint16_t port, const std::string& bytes) {
    return http_send(
        port, "POST", "/package/add", bytes, kBundleType,
        {{"Accept", "application/vnd.dcos.package.add-response+json;charset=utf-8;version=v1"}});
}

// Waits until an SDK scheduler's plan has been asked for (the uninstall is waiting on it).
bool plan_polled(MesosEmulator& mesos, const std::string& service) {
    return eventually([&] {
        return !mesos.log().matching("GET", "/service/" + service + "/v1/plans/deploy").empty();
    });
}

}  // namespace

TEST_CASE(
    "a repository added through A is listed by B within 1 s, in the same order, and a "
    "deletion through B shows on A",
    "[zk][e2e]") {
    SharedCluster cluster;
    cluster.repo.serve("/first", bundled_repository(), kRepoV5);
    cluster.repo.serve("/second", bundled_repository(), kRepoV5);

    auto added = cluster.add_repository(0, "first", cluster.repo.url("/first"), 0);
    REQUIRE(added.status == 200);
    auto seen_at = std::chrono::steady_clock::now();
    std::vector<std::string> expected = {"first", "Universe"};
    CHECK(eventually([&] { return cluster.repositories(1) == expected; }, 5s));
    // Measured from the answer to the add, with the machine possibly busy.
    CHECK(std::chrono::steady_clock::now() - seen_at < 1s);

    REQUIRE(cluster.add_repository(0, "second", cluster.repo.url("/second"), 1).status == 200);
    expected = {"first", "second", "Universe"};
    CHECK(eventually([&] { return cluster.repositories(1) == expected; }, 5s));
    CHECK(cluster.repositories(0) == expected);

    // B downloads what A added by itself: its repository status shows the packages.
    CHECK(eventually([&] {
        auto r = cluster.rpc(1, "repository.list", Json::object());
        return r.status == 200 && r.json()["repositories"][0]["status"]["revisions"] == 33;
    }));

    auto deleted = cluster.delete_repository(1, "first");
    REQUIRE(deleted.status == 200);
    seen_at = std::chrono::steady_clock::now();
    expected = {"second", "Universe"};
    CHECK(eventually([&] { return cluster.repositories(0) == expected; }, 5s));
    CHECK(std::chrono::steady_clock::now() - seen_at < 1s);
    CHECK(cluster.health(0)["zookeeper"]["connected"] == true);
}

TEST_CASE("20 concurrent repository adds over A and B: every successful add listed exactly once",
          "[zk][e2e]") {
    SharedCluster cluster;
    for (int i = 0; i < 20; ++i)
        cluster.repo.serve("/r" + std::to_string(i), bundled_repository(), kRepoV5);
    std::vector<int> status(20, 0);
    std::vector<std::string> type(20);
    std::vector<std::thread> clients;
    for (int i = 0; i < 20; ++i) {
        clients.emplace_back([&, i] {
            auto r = cluster.add_repository(i % 2, "r" + std::to_string(i),
                                            cluster.repo.url("/r" + std::to_string(i)));
            status[static_cast<std::size_t>(i)] = r.status;
            if (r.status != 200) type[static_cast<std::size_t>(i)] = r.json().value("type", "");
        });
    }
    for (auto& t : clients)
        t.join();
    std::set<std::string> succeeded;
    for (int i = 0; i < 20; ++i) {
        INFO("add r" << i << ": " << status[static_cast<std::size_t>(i)] << " "
                     << type[static_cast<std::size_t>(i)]);
        auto s = status[static_cast<std::size_t>(i)];
        CHECK((s == 200 || (s == 400 && type[static_cast<std::size_t>(i)] == "ConcurrentAccess")));
        if (s == 200) succeeded.insert("r" + std::to_string(i));
    }
    CHECK_FALSE(succeeded.empty());
    // Both instances end with the same list: Universe plus every success, each once.
    for (int instance : {0, 1}) {
        std::vector<std::string> list;
        CHECK(eventually(
            [&] {
                list = cluster.repositories(instance);
                return list.size() == succeeded.size() + 1;
            },
            5s));
        std::multiset<std::string> names(list.begin(), list.end());
        CHECK(names.count("Universe") == 1);
        for (const auto& name : succeeded)
            CHECK(names.count(name) == 1);
        CHECK(list.size() == succeeded.size() + 1);
    }
    CHECK(cluster.repositories(0) == cluster.repositories(1));
}

TEST_CASE(
    "a bundle published through A, one over 1 MB, is searchable, describable and "
    "installable through B",
    "[zk][e2e]") {
    SharedCluster cluster(2, 1, {"--max-body-bytes", "8388608"});
    REQUIRE(publish(cluster.port(0), bundle("small-pkg", "1.0.0")).status == 202);
    std::string large = bundle("large-pkg", "2.0.0", 3 << 20);
    REQUIRE(large.size() > (1u << 20));
    auto published = publish(cluster.port(0), large);
    INFO(published.body.substr(0, 300));
    REQUIRE(published.status == 202);

    CHECK(eventually([&] {
        auto names = cluster.search(1, "pkg");
        return std::count(names.begin(), names.end(), "small-pkg") == 1 &&
               std::count(names.begin(), names.end(), "large-pkg") == 1;
    }));
    auto describe = cluster.rpc(1, "describe", Json{{"packageName", "large-pkg"}}, "v3");
    REQUIRE(describe.status == 200);
    CHECK(describe.json()["package"]["version"] == "2.0.0");
    CHECK(describe.json()["package"]["description"].get<std::string>().size() == (3u << 20));

    for (const std::string name : {"small-pkg", "large-pkg"}) {
        auto installed = cluster.install(1, Json{{"packageName", name}});
        INFO(installed.body.substr(0, 300));
        REQUIRE(installed.status == 200);
        auto app = cluster.marathon.app("/" + name);
        REQUIRE(app.has_value());
        CHECK((*app)["labels"]["DCOS_PACKAGE_SOURCE"] == "urn:dcos:cosmos:local-repository");
    }
    // Deleted through B, gone on A.
    auto removed = cli_post(cluster.port(1), Cli::kPython, "/package/delete",
                            package_type("delete-request"), package_type("delete-response"),
                            Json{{"packageName", "large-pkg"}, {"packageVersion", "2.0.0"}}.dump());
    REQUIRE(removed.status == 200);
    CHECK(eventually([&] {
        auto names = cluster.search(0, "pkg");
        return std::count(names.begin(), names.end(), "large-pkg") == 0 &&
               std::count(names.begin(), names.end(), "small-pkg") == 1;
    }));
}

TEST_CASE("history records written by A and B all appear, in order, on either instance",
          "[zk][e2e]") {
    SharedCluster cluster;
    // Alternating instances; each operation finishes before the next starts.
    std::vector<std::pair<std::string, std::string>> done;  // operation, app id
    for (int i = 0; i < 6; ++i) {
        std::string app = "/web-" + std::to_string(i / 2);
        if (i % 2 == 0) {
            REQUIRE(cluster.install(i % 2, Json{{"packageName", "nginx"}, {"appId", app}}).status ==
                    200);
            done.emplace_back("install", app);
        } else {
            REQUIRE(cluster.rpc(i % 2, "uninstall", Json{{"packageName", "nginx"}, {"appId", app}})
                        .status == 200);
            done.emplace_back("uninstall", app);
        }
    }
    for (int instance : {0, 1}) {
        Json records;
        CHECK(eventually(
            [&] {
                records = cluster.history(instance);
                return records.size() == done.size();
            },
            5s));
        REQUIRE(records.size() == done.size());
        // Newest first.
        for (std::size_t k = 0; k < done.size(); ++k) {
            const auto& r = records[done.size() - 1 - k];
            CHECK(r["operation"] == done[k].first);
            CHECK(r["appId"] == done[k].second);
            CHECK(r["outcome"] == "success");
        }
    }
    CHECK(cluster.history(0) == cluster.history(1));
}

TEST_CASE("20 concurrent installs of one appId through A and B give exactly one success",
          "[zk][e2e]") {
    SharedCluster cluster;
    std::atomic<int> ok{0};
    std::atomic<int> conflicts{0};
    std::atomic<int> other{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < 20; ++i) {
        clients.emplace_back([&, i] {
            auto r = cluster.install(i % 2, Json{{"packageName", "nginx"}, {"appId", "/same"}});
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
    CHECK(cluster.marathon.apps().size() == 1);
    Json records;
    CHECK(eventually(
        [&] {
            records = cluster.history(1, Json{{"appId", "/same"}});
            return records.size() == 20;
        },
        5s));
    int successes = 0;
    for (const auto& r : records)
        successes += r["outcome"] == "success";
    CHECK(successes == 1);
}

TEST_CASE("an SDK uninstall started on A, which is killed while it waits, is finished by B",
          "[zk][e2e]") {
    SharedCluster cluster;
    REQUIRE(cluster.install(0, Json{{"packageName", "kafka"}}).status == 200);
    // The scheduler is still tearing down: the uninstall waits for it.
    cluster.mesos.set_sdk_service("kafka", SdkService{{"kafka-framework-id"}, 503, nullptr});
    REQUIRE(cluster.rpc(0, "uninstall", Json{{"packageName", "kafka"}}).status == 200);
    REQUIRE(plan_polled(cluster.mesos, "kafka"));

    cluster.servers[0]->kill();
    cluster.mesos.set_sdk_service("kafka", SdkService{{"kafka-framework-id"}, 200, nullptr});
    // B takes the job over once A's session has expired (2 s), then deletes the app.
    CHECK(eventually([&] { return !cluster.marathon.app("/kafka").has_value(); }, 30s));
    CHECK(cluster.marathon.log().matching("DELETE", "/v2/apps/kafka").size() == 1);
    CHECK(cluster.servers[1]->wait_for_log("carrying job", 1s));
}

TEST_CASE(
    "with ZooKeeper stopped reads answer and writes fail fast, and after its restart "
    "writes work again without restarting the instances",
    "[zk][e2e]") {
    SharedCluster cluster;
    cluster.repo.serve("/later", bundled_repository(), kRepoV5);
    cluster.zookeeper.stop();
    for (int i : {0, 1}) {
        CHECK(eventually([&] { return cluster.health(i)["zookeeper"]["connected"] == false; }));
        auto search = cluster.rpc(i, "search", Json{{"query", "kafka"}});
        CHECK(search.status == 200);
        auto render = cluster.rpc(i, "render", Json{{"packageName", "nginx"}});
        CHECK(render.status == 200);
        CHECK(cluster.rpc(i, "describe", Json{{"packageName", "cassandra"}}, "v3").status == 200);
        CHECK(cluster
                  .rpc(i, "list-versions",
                       Json{{"packageName", "kafka"}, {"includePackageVersions", true}})
                  .status == 200);
        CHECK(cluster.repositories(i) == std::vector<std::string>{"Universe"});
    }
    auto started = std::chrono::steady_clock::now();
    auto refused = cluster.add_repository(0, "later", cluster.repo.url("/later"));
    CHECK(std::chrono::steady_clock::now() - started < 3s);  // the upstream timeout
    CHECK(refused.status == 503);
    CHECK(
        refused.body ==
        R"({"type":"ServiceUnavailable","message":"Unable to complete request due to service [zookeeper] unavailability","data":{"serviceName":"zookeeper","status":503}})");
    // Nothing was half-applied.
    CHECK(cluster.repositories(0) == std::vector<std::string>{"Universe"});

    cluster.zookeeper.start();
    HttpResponse added;
    CHECK(eventually(
        [&] {
            added = cluster.add_repository(0, "later", cluster.repo.url("/later"));
            return added.status == 200;
        },
        30s));
    std::vector<std::string> expected = {"Universe", "later"};
    CHECK(eventually([&] { return cluster.repositories(1) == expected; }));
    CHECK(cluster.servers[0]->running());
    CHECK(cluster.servers[1]->running());
}

TEST_CASE("against a 3-server ensemble, killing one ZooKeeper server changes nothing",
          "[zk][e2e]") {
    SharedCluster cluster(2, 3);
    cluster.repo.serve("/one", bundled_repository(), kRepoV5);
    cluster.repo.serve("/two", bundled_repository(), kRepoV5);
    REQUIRE(cluster.add_repository(0, "one", cluster.repo.url("/one")).status == 200);
    cluster.zookeeper.kill(0);
    // Instances connected to the killed server move to another one.
    HttpResponse added;
    CHECK(eventually([&] {
        added = cluster.add_repository(1, "two", cluster.repo.url("/two"));
        return added.status == 200;
    }));
    std::vector<std::string> expected = {"Universe", "one", "two"};
    CHECK(eventually([&] { return cluster.repositories(0) == expected; }));
    CHECK(publish(cluster.port(0), bundle("ensemble-pkg", "1.0.0")).status == 202);
    CHECK(eventually([&] {
        auto names = cluster.search(1, "ensemble-pkg");
        return names == std::vector<std::string>{"ensemble-pkg"};
    }));
    REQUIRE(cluster.install(1, Json{{"packageName", "ensemble-pkg"}}).status == 200);
    CHECK(eventually([&] { return cluster.history(0).size() == 1; }));
    for (int i : {0, 1})
        CHECK(cluster.health(i)["zookeeper"]["connected"] == true);
}

TEST_CASE("after a forced session expiry, watches and locks work again", "[zk][e2e]") {
    SharedCluster cluster;
    cluster.repo.serve("/from-b", bundled_repository(), kRepoV5);
    cluster.repo.serve("/from-a", bundled_repository(), kRepoV5);
    REQUIRE(cluster.install(0, Json{{"packageName", "kafka"}}).status == 200);
    cluster.mesos.set_sdk_service("kafka", SdkService{{"kafka-framework-id"}, 503, nullptr});
    REQUIRE(cluster.rpc(0, "uninstall", Json{{"packageName", "kafka"}}).status == 200);
    REQUIRE(plan_polled(cluster.mesos, "kafka"));

    // A is frozen longer than its session timeout (2 s): ZooKeeper expires its session, which
    // takes A's claim on the uninstall with it, and B carries the job on.
    cluster.servers[0]->send_signal(SIGSTOP);
    CHECK(cluster.servers[1]->wait_for_log("carrying job", 20s));
    cluster.servers[0]->send_signal(SIGCONT);
    CHECK(cluster.servers[0]->wait_for_log("expired", 20s));
    CHECK(eventually([&] {
        auto zk = cluster.health(0)["zookeeper"];
        return zk["connected"] == true && zk["sessionExpirations"] == 1;
    }));
    // Watches, set again under the new session: changes reach A, and A's reach B.
    REQUIRE(cluster.add_repository(1, "from-b", cluster.repo.url("/from-b")).status == 200);
    std::vector<std::string> expected = {"Universe", "from-b"};
    CHECK(eventually([&] { return cluster.repositories(0) == expected; }, 5s));
    REQUIRE(cluster.add_repository(0, "from-a", cluster.repo.url("/from-a")).status == 200);
    expected.push_back("from-a");
    CHECK(eventually([&] { return cluster.repositories(1) == expected; }, 5s));
    // Locks: the job is finished once, by its one carrier.
    cluster.mesos.set_sdk_service("kafka", SdkService{{"kafka-framework-id"}, 200, nullptr});
    CHECK(eventually([&] { return !cluster.marathon.app("/kafka").has_value(); }, 30s));
    std::this_thread::sleep_for(500ms);
    CHECK(cluster.marathon.log().matching("DELETE", "/v2/apps/kafka").size() == 1);
    // A new job started on A after its expiry runs under A's new session.
    REQUIRE(cluster.install(0, Json{{"packageName", "kafka"}, {"appId", "/kafka-2"}}).status ==
            200);
    cluster.mesos.set_sdk_service("kafka-2", SdkService{{"kafka-2-id"}, 200, nullptr});
    REQUIRE(
        cluster.rpc(0, "uninstall", Json{{"packageName", "kafka"}, {"appId", "/kafka-2"}}).status ==
        200);
    CHECK(eventually([&] { return !cluster.marathon.app("/kafka-2").has_value(); }, 30s));
    CHECK(cluster.marathon.log().matching("DELETE", "/v2/apps/kafka-2").size() == 1);
}

TEST_CASE(
    "after ZooKeeper was paused beyond the session timeout, the instances recover by "
    "themselves",
    "[zk][e2e]") {
    SharedCluster cluster;
    cluster.repo.serve("/after", bundled_repository(), kRepoV5);
    cluster.zookeeper.pause();
    std::this_thread::sleep_for(5s);
    cluster.zookeeper.resume();
    // Whether the servers expire a session or the client resumes it first is a race inside
    // ZooKeeper; either way the instances are connected again without help.
    for (int i : {0, 1}) {
        CHECK(eventually([&] { return cluster.health(i)["zookeeper"]["connected"] == true; }, 30s));
    }
    HttpResponse added;
    CHECK(eventually(
        [&] {
            added = cluster.add_repository(0, "after", cluster.repo.url("/after"));
            return added.status == 200;
        },
        30s));
    std::vector<std::string> expected = {"Universe", "after"};
    CHECK(eventually([&] { return cluster.repositories(1) == expected; }, 5s));
}

TEST_CASE("migration from a SQLite store to ZooKeeper loses nothing", "[zk][e2e][migrate]") {
    ZooKeeperProcess zookeeper;
    MarathonEmulator marathon;
    MesosEmulator mesos;
    RepoServer repo;
    repo.serve("/mine", bundled_repository(), kRepoV5);
    TempDir dir;
    std::vector<std::string> cluster_args = {
        "--marathon-uri",     marathon.url(), "--mesos-uri",        mesos.url(),
        "--admin-router-uri", mesos.url(),    "--upstream-timeout", "3"};
    auto list_of = [](std::uint16_t port) {
        return package_rpc(port, Cli::kPython, "repository.list", Json::object()).json();
    };
    auto local_of = [](std::uint16_t port) {
        return cli_post(port, Cli::kPython, "/package/local/list",
                        package_type("local.list-request"), package_type("local.list-response"),
                        "{}")
            .json();
    };
    auto history_of = [](std::uint16_t port) {
        Json records =
            cli_post(port, Cli::kPython, "/package/history", package_type("history-request"),
                     package_type("history-response"), "{}")
                .json()["records"];
        for (auto& r : records)
            r.erase("id");  // ZooKeeper numbers the records anew
        return records;
    };
    Json repositories, local, history;
    {
        ServerProcess single(dir / "single", cluster_args);
        auto p = single.port();
        REQUIRE(package_rpc(p, Cli::kPython, "repository.add",
                            Json{{"name", "mine"}, {"uri", repo.url("/mine")}, {"index", 0}})
                    .status == 200);
        REQUIRE(publish(p, bundle("kept", "1.0.0")).status == 202);
        REQUIRE(publish(p, bundle("kept", "1.1.0")).status == 202);
        REQUIRE(
            package_rpc(p, Cli::kPython, "install", Json{{"packageName", "kept"}}, "v2").status ==
            200);
        REQUIRE(package_rpc(p, Cli::kPython, "install",
                            Json{{"packageName", "nginx"}, {"appId", "/n"}}, "v2")
                    .status == 200);
        REQUIRE(package_rpc(p, Cli::kPython, "uninstall",
                            Json{{"packageName", "nginx"}, {"appId", "/n"}})
                    .status == 200);
        repositories = list_of(p);
        local = local_of(p);
        history = history_of(p);
        REQUIRE(history.size() == 3);
        REQUIRE(single.stop() == 0);
    }
    const std::string server = shell_quote((binary_dir() / "cosmos" / "cosmos-server").string());
    const std::string migrate = server + " migrate --from-data-dir " +
                                shell_quote((dir / "single").string()) + " --to-zookeeper-uri " +
                                shell_quote(zookeeper.uri("/moved"));
    auto moved = run_command(migrate);
    INFO(moved.output);
    REQUIRE(moved.exit_code == 0);
    CHECK_THAT(moved.output, Catch::Contains("copied 2 repositories, 2 local packages, 3 "
                                             "operation records and 0 jobs"));
    // A second run refuses to overwrite, unless forced.
    auto again = run_command(migrate);
    CHECK(again.exit_code == 1);
    CHECK_THAT(again.output, Catch::Contains("already holds state"));
    auto forced = run_command(migrate + " --force");
    CHECK(forced.exit_code == 0);

    std::vector<std::unique_ptr<ServerProcess>> instances;
    for (int i = 0; i < 2; ++i) {
        auto args = cluster_args;
        args.insert(args.end(), {"--zookeeper-uri", zookeeper.uri("/moved"),
                                 "--zookeeper-session-timeout-ms", kSessionTimeoutMs});
        instances.push_back(
            std::make_unique<ServerProcess>(dir / ("instance-" + std::to_string(i)), args));
    }
    for (auto& instance : instances) {
        auto p = instance->port();
        Json list = list_of(p);
        REQUIRE(list["repositories"].size() == 2);
        for (std::size_t k = 0; k < 2; ++k) {
            CHECK(list["repositories"][k]["name"] == repositories["repositories"][k]["name"]);
            CHECK(list["repositories"][k]["uri"] == repositories["repositories"][k]["uri"]);
        }
        CHECK(local_of(p) == local);
        CHECK(history_of(p) == history);
        CHECK(eventually([&] {
            auto r = package_rpc(p, Cli::kPython, "describe",
                                 Json{{"packageName", "kept"}, {"packageVersion", "1.0.0"}}, "v3");
            return r.status == 200;
        }));
    }
}

TEST_CASE("with ZOOKEEPER_USER and ZOOKEEPER_SECRET, nodes are writable only with them",
          "[zk][e2e]") {
    ZooKeeperProcess zookeeper;
    RepoServer repo;
    repo.serve("/secured", bundled_repository(), kRepoV5);
    TempDir dir;
    std::vector<std::string> args = {
        "--zookeeper-uri", zookeeper.uri("/secure"), "--zookeeper-session-timeout-ms",
        kSessionTimeoutMs, "--fetch-retries",        "0"};
    ServerProcess owner(dir / "owner", args, {"ZOOKEEPER_USER=cosmos", "ZOOKEEPER_SECRET=s3cret"});
    ServerProcess stranger(dir / "stranger", args);
    REQUIRE(package_rpc(owner.port(), Cli::kPython, "repository.add",
                        Json{{"name", "secured"}, {"uri", repo.url("/secured")}})
                .status == 200);
    // Everyone may read (world READ, as Cosmos set it)...
    std::vector<std::string> names;
    CHECK(eventually([&] {
        auto r = package_rpc(stranger.port(), Cli::kPython, "repository.list", Json::object());
        return r.status == 200 && r.json()["repositories"].size() == 2;
    }));
    // ...but only the authenticated user may write.
    auto refused =
        package_rpc(stranger.port(), Cli::kPython, "repository.delete", Json{{"name", "secured"}});
    CHECK(refused.status == 500);
    CHECK_THAT(refused.body, Catch::Contains("ZOOKEEPER_USER"));
    CHECK(package_rpc(owner.port(), Cli::kPython, "repository.delete", Json{{"name", "secured"}})
              .status == 200);
}

TEST_CASE("a ZooKeeper URI that does not parse refuses to start with Cosmos's message",
          "[zk][e2e]") {
    const std::string server = shell_quote((binary_dir() / "cosmos" / "cosmos-server").string());
    for (const std::string uri : {"zk://127.0.0.1:2181", "http://127.0.0.1:2181/cosmos",
                                  "zk://127.0.0.1/cosmos", "zk:///cosmos"}) {
        auto r = run_command(server + " --zookeeper-uri " + shell_quote(uri));
        CHECK(r.exit_code == 2);
        CHECK(r.output == "ZooKeeper URI not parsable: " + uri + "\n");
    }
    auto env = run_command("COSMOS_ZOOKEEPER_URI=zk://x " + server);
    CHECK(env.exit_code == 2);
    CHECK(env.output == "ZooKeeper URI not parsable: zk://x\n");
}
