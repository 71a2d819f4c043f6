// Crash safety: the real server is killed with SIGKILL at random moments while it publishes
// bundles, refreshes a large repository, records installs and uninstalls, and adds and deletes
// repositories. After every restart the store opens, everything acknowledged before the kill is
// there, and every item is whole or absent.
//
// The store is whatever the server is told to use: UNIVERSE_CRASH_SERVER_ARGS (split at spaces)
// is appended to its command line, so the same test runs against another store. The number of
// kills is UNIVERSE_CRASH_ITERATIONS (default 100); UNIVERSE_CRASH_SEED repeats a run.
#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "cosmos/adapters/digest.h"
#include "cosmos/core/json.h"
#include "tests/adapters/raw_zip.h"
#include "tests/e2e/cosmos_client.h"
#include "tests/support/marathon_emulator.h"
#include "tests/support/mesos_emulator.h"
#include "tests/support/repo_server.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

using cosmos::core::Json;
using namespace universe_test;
namespace fs = std::filesystem;

namespace {

const std::string kRepoType = "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v4";
const std::string kBundleType = "application/vnd.dcos.universe.package+zip;version=v1";
constexpr int kLargeA = 600;  // packages in the two versions of the large repository
constexpr int kLargeB = 601;

std::string env_or(const char* name, const std::string& fallback) {
    const char* value = std::getenv(name);
    return value && *value ? value : fallback;
}

std::vector<std::string> split_args(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string word; in >> word;)
        out.push_back(word);
    return out;
}

// A repository of `count` packages shaped like real ones (a config schema, a template), a few
// megabytes in all, so that storing it takes a while.
std::string large_repository(int count, const std::string& tag) {
    Json packages = Json::array();
    const std::string template_text = cosmos::core::base64_encode(
        R"({"id": "{{service.name}}", "cpus": {{service.cpus}}, "mem": {{service.mem}},)"
        R"( "cmd": "run --flag {{service.flag}}", "instances": 1})");
    for (int i = 0; i < count; ++i) {
        Json properties = Json::object();
        properties["name"] = Json{{"type", "string"}, {"default", "big-" + std::to_string(i)}};
        properties["cpus"] = Json{{"type", "number"}, {"default", 0.5}};
        properties["mem"] = Json{{"type", "integer"}, {"default", 256}};
        properties["flag"] = Json{{"type", "string"}, {"default", "x"}};
        for (int p = 0; p < 40; ++p) {
            properties["option-" + std::to_string(p)] =
                Json{{"type", "string"},
                     {"default", "value " + std::to_string(p)},
                     {"description", "An option described at some length, as real packages do."}};
        }
        packages.push_back(Json{
            {"packagingVersion", "4.0"},
            {"name", "big-" + std::to_string(i)},
            {"version", "1.0-" + tag},
            {"releaseVersion", 0},
            {"maintainer", "crash@example.org"},
            {"description",
             "Package " + std::to_string(i) + " of a large repository (" + tag + ")"},
            {"tags", Json::array({"crash", "large"})},
            {"marathon", Json{{"v2AppMustacheTemplate", template_text}}},
            {"config", Json{{"type", "object"},
                            {"properties", Json{{"service", Json{{"type", "object"},
                                                                 {"properties", properties}}}}}}}});
    }
    return Json{{"packages", std::move(packages)}}.dump();
}

std::string bundle(const std::string& version) {
    Json meta{{"packagingVersion", "4.0"},
              {"name", "crash-pkg"},
              {"version", version},
              {"maintainer", "crash@example.org"},
              {"description", "Published while the server may die"},
              {"tags", Json::array({"crash"})},
              {"marathon", Json{{"v2AppMustacheTemplate",
                                 cosmos::core::base64_encode(R"({"id": "/crash-pkg"})")}}}};
    return build_raw_zip({{"metadata.json", meta.dump()}});
}

// What the store must hold: a key is present, absent, or either (an operation whose answer never
// came).
class Expectations {
public:
    enum class State { kPresent, kAbsent, kEither };

    void attempt(const std::string& key) { set(key, State::kEither); }
    void acknowledged(const std::string& key, bool present) {
        set(key, present ? State::kPresent : State::kAbsent);
    }
    std::map<std::string, State> snapshot() const {
        std::lock_guard lock(mutex_);
        return states_;
    }
    // Keys whose state changed since the last call (the last run's operations).
    std::set<std::string> take_touched() {
        std::lock_guard lock(mutex_);
        return std::exchange(touched_, {});
    }

private:
    void set(const std::string& key, State state) {
        std::lock_guard lock(mutex_);
        states_[key] = state;
        touched_.insert(key);
    }
    mutable std::mutex mutex_;
    std::map<std::string, State> states_;
    std::set<std::string> touched_;
};

// Failures seen by worker threads (Catch2 assertions are for the main thread only).
class Failures {
public:
    void add(std::string what) {
        std::lock_guard lock(mutex_);
        list_.push_back(std::move(what));
    }
    std::vector<std::string> take() {
        std::lock_guard lock(mutex_);
        return std::exchange(list_, {});
    }

private:
    std::mutex mutex_;
    std::vector<std::string> list_;
};

struct Rig {
    MarathonEmulator marathon;
    MesosEmulator mesos;
    RepoServer repos;
    TempDir dir;
    std::unique_ptr<ServerProcess> server;
    Expectations packages;      // "crash-pkg <version>"
    Expectations history;       // "install <appId>", "uninstall <appId>"
    Expectations repositories;  // repository name
    std::map<std::string, std::string> repository_uris;
    std::mutex uris_mutex;
    Failures failures;
    std::atomic<int> operations{0};

    Rig() {
        repos.serve("/small", Json{{"packages", Json::array()}}.dump(), kRepoType);
        write_text(dir / "repositories.json",
                   Json::array({Json{{"name", "Large"}, {"uri", repos.url("/large")}},
                                Json{{"name", "Universe"}, {"uri", "builtin:universe"}}})
                       .dump());
    }

    void start() {
        std::vector<std::string> args = {
            "--marathon-uri",      marathon.url(),
            "--mesos-uri",         mesos.url(),
            "--admin-router-uri",  mesos.url(),
            "--repositories-file", (dir / "repositories.json").string(),
            "--refresh-interval",  "1",
            "--fetch-retries",     "0",
            "--upstream-timeout",  "5"};
        for (auto& a : split_args(env_or("UNIVERSE_CRASH_SERVER_ARGS", "")))
            args.push_back(std::move(a));
        server = std::make_unique<ServerProcess>(dir / "data", args);
    }
    std::uint16_t port() const { return server->port(); }

    HttpResponse rpc(const std::string& kind, const Json& body, const std::string& version = "v1") {
        return package_rpc(port(), Cli::kPython, kind, body, version);
    }
};

// Thrown by expect_status() once the failure is recorded.
struct Refused {};

// Runs `work` until it throws (the server died) or stop is set. Answers that come back with an
// unexpected status are failures: the server was alive and refused a valid request.
template <typename Work>
void worker(Rig& rig, const std::atomic<bool>& stop, const char* name, Work&& work) {
    for (int n = 0; !stop.load(); ++n) {
        try {
            work(n);
            ++rig.operations;
        } catch (const HttpClientError&) {
            return;  // killed under the request
        } catch (const Refused&) {
            return;  // already recorded
        } catch (const std::exception& e) {
            rig.failures.add(std::string(name) + ": " + e.what());
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

void expect_status(Rig& rig, const HttpResponse& r, int status, const std::string& what) {
    if (r.status != status) {
        rig.failures.add(what + " answered " + std::to_string(r.status) + ": " + r.body);
        throw Refused{};
    }
}

void publisher(Rig& rig, int iteration, const std::atomic<bool>& stop) {
    std::vector<std::string> published;
    worker(rig, stop, "publisher", [&](int n) {
        if (n % 3 == 2 && !published.empty()) {
            std::string version = published.front();
            published.erase(published.begin());
            rig.packages.attempt(version);
            auto r =
                cli_post(rig.port(), Cli::kPython, "/package/delete",
                         package_type("delete-request"), package_type("delete-response"),
                         Json{{"packageName", "crash-pkg"}, {"packageVersion", version}}.dump());
            expect_status(rig, r, 200, "delete " + version);
            rig.packages.acknowledged(version, false);
            return;
        }
        std::string version = std::to_string(iteration) + "." + std::to_string(n);
        rig.packages.attempt(version);
        HttpCall call;
        call.method = "POST";
        call.target = "/package/add";
        call.timeout = std::chrono::seconds(20);
        call.headers.add("Content-Type", kBundleType);
        call.headers.add("Accept", package_type("add-response"));
        call.body = bundle(version);
        auto r = http_call(rig.port(), call);
        expect_status(rig, r, 202, "publish " + version);
        rig.packages.acknowledged(version, true);
        published.push_back(version);
    });
}

void installer(Rig& rig, int iteration, const std::atomic<bool>& stop) {
    worker(rig, stop, "installer", [&](int n) {
        std::string id = "/crash/i" + std::to_string(iteration) + "-" + std::to_string(n);
        rig.history.attempt("install " + id);
        auto installed = rig.rpc("install", Json{{"packageName", "nginx"}, {"appId", id}}, "v2");
        expect_status(rig, installed, 200, "install " + id);
        rig.history.acknowledged("install " + id, true);
        rig.history.attempt("uninstall " + id);
        auto removed = rig.rpc("uninstall", Json{{"packageName", "nginx"}, {"appId", id}});
        expect_status(rig, removed, 200, "uninstall " + id);
        rig.history.acknowledged("uninstall " + id, true);
    });
}

void repository_worker(Rig& rig, int iteration, const std::atomic<bool>& stop) {
    worker(rig, stop, "repositories", [&](int n) {
        std::string name = "crash-r" + std::to_string(iteration) + "-" + std::to_string(n);
        std::string uri = rig.repos.url("/small/" + name);
        rig.repos.serve("/small/" + name, Json{{"packages", Json::array()}}.dump(), kRepoType);
        {
            std::lock_guard lock(rig.uris_mutex);
            rig.repository_uris[name] = uri;
        }
        rig.repositories.attempt(name);
        auto added = rig.rpc("repository.add", Json{{"name", name}, {"uri", uri}});
        expect_status(rig, added, 200, "repository add " + name);
        rig.repositories.acknowledged(name, true);
        if (n % 2 == 1) return;  // every other one stays
        rig.repositories.attempt(name);
        auto deleted = rig.rpc("repository.delete", Json{{"name", name}});
        expect_status(rig, deleted, 200, "repository delete " + name);
        rig.repositories.acknowledged(name, false);
    });
}

using State = Expectations::State;

// Present keys ⊆ found ⊆ present ∪ either.
void check_set(const std::string& what, const std::map<std::string, State>& expected,
               const std::set<std::string>& found) {
    for (const auto& [key, state] : expected) {
        INFO(what << " " << key);
        if (state == State::kPresent) CHECK(found.count(key) == 1);
        if (state == State::kAbsent) CHECK(found.count(key) == 0);
    }
    for (const auto& key : found) {
        INFO(what << " " << key << " is stored but was never acknowledged or attempted");
        CHECK(expected.count(key) == 1);
    }
}

void verify(Rig& rig, bool large_stored, const std::set<std::string>& recent_history) {
    // Published packages: whole (decodable, the uploaded bytes' digest) or absent.
    auto local = rig.rpc("local.list", Json::object());
    REQUIRE(local.status == 200);
    std::set<std::string> versions;
    const Json local_body = local.json();  // the loop must not walk a temporary
    for (const auto& p : local_body["packages"]) {
        const std::string version = p["packageCoordinate"]["version"];
        INFO("local package " << p.dump());
        CHECK(p["status"] == "Installed");
        CHECK(p["metadata"]["version"] == version);
        CHECK(p["sha256"] == cosmos::adapters::sha256_hex(bundle(version)));
        versions.insert(version);
    }
    check_set("package", rig.packages.snapshot(), versions);

    // Repositories: the acknowledged list, each entry with its own URI.
    auto list = rig.rpc("repository.list", Json::object());
    REQUIRE(list.status == 200);
    std::set<std::string> names;
    bool large_whole = false;
    const Json list_body = list.json();
    for (const auto& r : list_body["repositories"]) {
        const std::string name = r["name"];
        if (name == "Large") {
            int count = r.value("status", Json::object()).value("packages", 0);
            large_whole = count == kLargeA || count == kLargeB;
            INFO("the large repository holds " << count << " packages");
            CHECK((!large_stored || large_whole));
            continue;
        }
        if (name == "Universe") continue;
        names.insert(name);
        std::lock_guard lock(rig.uris_mutex);
        CHECK(r["uri"] == rig.repository_uris[name]);
        // Listed means stored with its content (checked before the restart's refresh gets to
        // the small repositories, which come last).
        INFO("repository " << name << ": " << r.dump());
        CHECK(r.value("status", Json::object()).contains("fetchedAt"));
    }
    check_set("repository", rig.repositories.snapshot(), names);

    // History: every acknowledged install and uninstall of the last run has its record, whole.
    auto expected = rig.history.snapshot();
    for (const auto& key : recent_history) {
        std::string operation = key.substr(0, key.find(' '));
        std::string id = key.substr(key.find(' ') + 1);
        auto r =
            cli_post(rig.port(), Cli::kPython, "/package/history", package_type("history-request"),
                     package_type("history-response"), Json{{"appId", id}}.dump());
        REQUIRE(r.status == 200);
        bool found = false;
        const Json records = r.json()["records"];
        for (const auto& record : records) {
            INFO("history record " << record.dump());
            CHECK(record["appId"] == id);
            CHECK(record["packageName"] == "nginx");
            CHECK(record["id"].is_number_integer());
            CHECK(record["options"].is_object());
            CHECK(record["time"].is_string());
            CHECK((record["outcome"] == "success" || record["outcome"] == "failure"));
            if (record["operation"] == operation && record["outcome"] == "success") found = true;
        }
        INFO(key);
        if (expected[key] == State::kPresent) CHECK(found);
    }
}

}  // namespace

TEST_CASE("crash: kill -9 at random moments never loses or tears acknowledged data",
          "[e2e][crash][slow]") {
    const int iterations = std::stoi(env_or("UNIVERSE_CRASH_ITERATIONS", "100"));
    const unsigned seed = static_cast<unsigned>(
        std::stoul(env_or("UNIVERSE_CRASH_SEED", std::to_string(std::random_device{}()))));
    INFO("UNIVERSE_CRASH_SEED=" << seed);
    std::mt19937 random(seed);

    Rig rig;
    const std::string large_a = large_repository(kLargeA, "a");
    const std::string large_b = large_repository(kLargeB, "b");
    rig.repos.serve("/large", large_a, kRepoType);
    rig.repos.set_etag("/large", "\"a\"");
    // Every refresh finds new content, so every refresh writes the store.
    struct Flipper {
        std::atomic<bool> done{false};
        std::thread thread;
        ~Flipper() {
            done = true;
            if (thread.joinable()) thread.join();
        }
    } flipper;
    flipper.thread = std::thread([&] {
        for (int n = 0; !flipper.done.load(); ++n) {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            bool b = n % 2 == 0;
            rig.repos.serve("/large", b ? large_b : large_a, kRepoType);
            rig.repos.set_etag("/large", b ? "\"b\"" : "\"a\"");
        }
    });

    rig.start();
    // The first refresh stores the large repository; from then on it must always load whole.
    bool large_stored = false;
    std::string last_list;
    for (int i = 0; i < 400 && !large_stored; ++i) {
        auto list = rig.rpc("repository.list", Json::object());
        last_list = list.body;
        const Json body = list.json();
        for (const auto& r : body["repositories"]) {
            if (r["name"] == "Large" && r["status"]["packages"] != 0) large_stored = true;
        }
        if (!large_stored) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    INFO("repository list: " << last_list);
    REQUIRE(large_stored);

    std::uniform_int_distribution<int> pause_ms(30, 1200);
    for (int iteration = 0; iteration < iterations; ++iteration) {
        INFO("kill " << iteration + 1 << " of " << iterations);
        std::atomic<bool> stop{false};
        std::vector<std::thread> workers;
        workers.emplace_back([&] { publisher(rig, iteration, stop); });
        workers.emplace_back([&] { installer(rig, iteration, stop); });
        workers.emplace_back([&] { repository_worker(rig, iteration, stop); });
        std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
        rig.server->kill();
        stop = true;
        for (auto& t : workers)
            t.join();
        for (const auto& failure : rig.failures.take())
            FAIL_CHECK(failure);

        // The SQLite file, when that is the store, passes SQLite's own check.
        fs::path db = rig.dir / "data" / "cosmos.db";
        if (fs::exists(db)) {
            SQLite::Database check(db.string(), SQLite::OPEN_READWRITE);
            CHECK(check.execAndGet("PRAGMA integrity_check").getString() == "ok");
        }
        // The store opens: the server comes up on it.
        REQUIRE_NOTHROW(rig.start());
        auto recent = rig.history.take_touched();
        verify(rig, large_stored, recent);
    }
    INFO("operations run: " << rig.operations.load());
    CHECK(rig.operations.load() > iterations);
}
