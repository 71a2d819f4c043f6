// Two cosmos-server instances over one real ZooKeeper (started here, as the tests do):
//  1. propagation: a repository added (or deleted) through instance A, timed from A's answer
//     until instance B's repository list shows it, over many changes (p50, p99, max);
//  2. search throughput on A with wrk while ZooKeeper is up, then while it is stopped.
//
//   zk-bench [--changes N] [--wrk-seconds S] [--connections C]
//
// Needs wrk on the PATH. The repository added is a tiny one served on loopback, so the time is
// the shared state's, not a download's.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cosmos/core/json.h"
#include "tests/e2e/cosmos_client.h"
#include "tests/support/process.h"
#include "tests/support/repo_server.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"
#include "tests/support/zookeeper_process.h"

using cosmos::core::Json;
using namespace universe_test;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    int changes = 1000;
    int wrk_seconds = 10;
    int connections = 16;
};

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

bool listed(std::uint16_t port, const std::string& name) {
    auto r = package_rpc(port, Cli::kPython, "repository.list", Json::object());
    if (r.status != 200) return false;
    const Json body = r.json();
    for (const auto& item : body["repositories"]) {
        if (item["name"] == name) return true;
    }
    return false;
}

// Requests/s and p99 from wrk's summary (--latency).
std::string run_wrk(std::uint16_t port, const Options& o) {
    std::string script = (source_dir() / "bench" / "wrk" / "search_all.lua").string();
    auto r = run_command("wrk -t2 -c" + std::to_string(o.connections) + " -d" +
                         std::to_string(o.wrk_seconds) + "s --latency -s " + shell_quote(script) +
                         " http://127.0.0.1:" + std::to_string(port));
    std::string rps = "?", p99 = "?", errors = "0";
    for (std::size_t at = 0; at < r.output.size();) {
        auto end = r.output.find('\n', at);
        std::string line = r.output.substr(at, end == std::string::npos ? end : end - at);
        at = end == std::string::npos ? r.output.size() : end + 1;
        auto field = [&](const std::string& key) {
            auto k = line.find(key);
            return k == std::string::npos ? std::string() : line.substr(k + key.size());
        };
        if (auto v = field("Requests/sec:"); !v.empty()) rps = v;
        if (auto v = field("99%"); !v.empty() && line.find("99%") < 6) p99 = v;
        if (auto v = field("Non-2xx or 3xx responses:"); !v.empty()) errors = v;
    }
    auto trim = [](std::string s) {
        s.erase(0, s.find_first_not_of(' '));
        return s;
    };
    return trim(rps) + " req/s, p99 " + trim(p99) + ", non-2xx " + trim(errors);
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        int value = std::atoi(argv[i + 1]);
        if (flag == "--changes") o.changes = value;
        if (flag == "--wrk-seconds") o.wrk_seconds = value;
        if (flag == "--connections") o.connections = value;
    }
    ZooKeeperProcess zookeeper;
    RepoServer repo;
    repo.serve("/tiny", R"({"packages":[]})",
               "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v5");
    TempDir dir;
    std::vector<std::string> args = {
        "--zookeeper-uri", zookeeper.uri("/bench"), "--log-level", "warn", "--fetch-retries", "0"};
    ServerProcess a(dir / "a", args);
    ServerProcess b(dir / "b", args);

    std::vector<double> ms;
    ms.reserve(static_cast<std::size_t>(o.changes));
    for (int i = 0; i < o.changes; ++i) {
        bool add = i % 2 == 0;
        auto r =
            add ? package_rpc(a.port(), Cli::kPython, "repository.add",
                              Json{{"name", "tiny"}, {"uri", repo.url("/tiny")}})
                : package_rpc(a.port(), Cli::kPython, "repository.delete", Json{{"name", "tiny"}});
        if (r.status != 200) {
            std::fprintf(stderr, "change %d failed: %d %s\n", i, r.status, r.body.c_str());
            return 1;
        }
        auto start = Clock::now();
        while (listed(b.port(), "tiny") != add) {
            if (Clock::now() - start > std::chrono::seconds(10)) {
                std::fprintf(stderr, "change %d not seen on B within 10 s\n", i);
                return 1;
            }
        }
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    std::printf(
        "propagation A -> B over %d changes (repository add/delete): p50 %.2f ms, p99 "
        "%.2f ms, max %.2f ms\n",
        o.changes, percentile(ms, 0.5), percentile(ms, 0.99),
        *std::max_element(ms.begin(), ms.end()));

    std::printf("search on A, ZooKeeper up:   %s\n", run_wrk(a.port(), o).c_str());
    zookeeper.stop();
    std::printf("search on A, ZooKeeper down: %s\n", run_wrk(a.port(), o).c_str());
    return 0;
}
