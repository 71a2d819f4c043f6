#pragma once

// Several cosmos-server instances sharing one state in a real ZooKeeper, with the Marathon and
// Mesos emulators and a repository server: what the tests of the shared state run on.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cosmos/core/json.h"
#include "tests/e2e/cosmos_client.h"
#include "tests/support/eventually.h"
#include "tests/support/marathon_emulator.h"
#include "tests/support/mesos_emulator.h"
#include "tests/support/repo_server.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"
#include "tests/support/zookeeper_process.h"

namespace universe_test {

inline const std::string kRepoV5 =
    "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v5";

/// The session timeout the instances ask for: short, so that takeovers and expiries are quick.
inline const std::string kSessionTimeoutMs = "2000";

/// The bundled Universe as the build wrote it (a repository to add).
inline std::string bundled_repository() {
    return read_text(binary_dir() / "universe" / "repo" / "repo-up-to-2.0.json");
}

/// ZooKeeper (1 or 3 servers), the emulators, a repository server, and N instances.
struct SharedCluster {
    ZooKeeperProcess zookeeper;
    MarathonEmulator marathon;
    MesosEmulator mesos;
    RepoServer repo;
    TempDir dir;
    std::vector<std::unique_ptr<ServerProcess>> servers;
    std::vector<std::string> extra;
    std::vector<std::string> environment;

    explicit SharedCluster(int instances = 2, int zookeeper_servers = 1,
                           std::vector<std::string> extra_args = {},
                           std::vector<std::string> env = {})
        : zookeeper(zookeeper_servers), extra(std::move(extra_args)), environment(std::move(env)) {
        for (int i = 0; i < instances; ++i)
            servers.push_back(start(i));
    }

    /// With UNIVERSE_TEST_SHOW_LOGS set, the instances' logs go to stderr at the end.
    ~SharedCluster() {
        if (!std::getenv("UNIVERSE_TEST_SHOW_LOGS")) return;
        for (std::size_t i = 0; i < servers.size(); ++i) {
            if (servers[i])
                std::fprintf(stderr, "--- instance %zu\n%s", i, servers[i]->log().c_str());
        }
    }

    std::vector<std::string> args() const {
        std::vector<std::string> out = {"--zookeeper-uri",
                                        zookeeper.uri("/cosmos"),
                                        "--zookeeper-session-timeout-ms",
                                        kSessionTimeoutMs,
                                        "--marathon-uri",
                                        marathon.url(),
                                        "--mesos-uri",
                                        mesos.url(),
                                        "--admin-router-uri",
                                        mesos.url(),
                                        "--sdk-poll-ms",
                                        "50",
                                        "--upstream-timeout",
                                        "3",
                                        "--fetch-retries",
                                        "0"};
        out.insert(out.end(), extra.begin(), extra.end());
        return out;
    }

    /// Instance i (its own data folder, the shared ZooKeeper path).
    std::unique_ptr<ServerProcess> start(int i) {
        return std::make_unique<ServerProcess>(dir / ("data-" + std::to_string(i)), args(),
                                               environment);
    }

    std::uint16_t port(int i) const { return servers.at(static_cast<std::size_t>(i))->port(); }

    HttpResponse rpc(int i, const std::string& kind, const cosmos::core::Json& body,
                     const std::string& version = "v1") {
        return package_rpc(port(i), Cli::kPython, kind, body, version);
    }
    HttpResponse add_repository(int i, const std::string& name, const std::string& uri,
                                std::optional<int> index = std::nullopt) {
        cosmos::core::Json body{{"name", name}, {"uri", uri}};
        if (index) body["index"] = *index;
        return rpc(i, "repository.add", body);
    }
    HttpResponse delete_repository(int i, const std::string& name) {
        return rpc(i, "repository.delete", cosmos::core::Json{{"name", name}});
    }
    /// The names in instance i's repository list, in order.
    std::vector<std::string> repositories(int i) {
        auto r = rpc(i, "repository.list", cosmos::core::Json::object());
        std::vector<std::string> names;
        if (r.status != 200) return names;
        const cosmos::core::Json body = r.json();  // kept: the loop reads into it
        for (const auto& item : body["repositories"])
            names.push_back(item["name"].get<std::string>());
        return names;
    }
    /// Package names instance i's search finds for query.
    std::vector<std::string> search(int i, const std::string& query) {
        auto r = rpc(i, "search", cosmos::core::Json{{"query", query}});
        std::vector<std::string> names;
        if (r.status != 200) return names;
        const cosmos::core::Json body = r.json();  // kept: the loop reads into it
        for (const auto& p : body["packages"])
            names.push_back(p["name"].get<std::string>());
        return names;
    }
    HttpResponse install(int i, const cosmos::core::Json& body) {
        return rpc(i, "install", body, "v2");
    }
    cosmos::core::Json history(int i,
                               const cosmos::core::Json& filter = cosmos::core::Json::object()) {
        auto r =
            cli_post(port(i), Cli::kPython, "/package/history", package_type("history-request"),
                     package_type("history-response"), filter.dump());
        return r.status == 200 ? r.json()["records"] : cosmos::core::Json::array();
    }
    cosmos::core::Json health(int i) { return http_get(port(i), "/health").json(); }
};

}  // namespace universe_test
