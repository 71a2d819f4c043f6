// The ZooKeeper store against a real ZooKeeper, two stores standing for two instances: compare-
// and-set under contention, writes whose outcome was lost with the connection, chunked
// definitions, releaseVersion races and job claims.
#include "cosmos/adapters/zookeeper_store.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "cosmos/adapters/digest.h"
#include "cosmos/adapters/gzip_codec.h"
#include "cosmos/adapters/sqlite_store.h"
#include "cosmos/core/error.h"
#include "tests/support/eventually.h"
#include "tests/support/zookeeper_process.h"

using cosmos::adapters::SqliteStore;
using cosmos::adapters::ZooKeeperStore;
using cosmos::app::RepositoryRef;
using cosmos::core::Json;
using namespace universe_test;
using namespace std::chrono_literals;

namespace {

// One instance's stores: a private SQLite copy and the shared ZooKeeper state.
struct Instance {
    SqliteStore local;
    ZooKeeperStore shared;
    Instance(const ZooKeeperProcess& zk, std::chrono::milliseconds operation_timeout = 5s)
        : local(":memory:", {{"Universe", "builtin:universe"}}),
          shared(options(zk, operation_timeout), local, local) {}

    static ZooKeeperStore::Options options(const ZooKeeperProcess& zk,
                                           std::chrono::milliseconds operation_timeout) {
        ZooKeeperStore::Options o;
        o.zookeeper.servers = zk.connect_string();
        o.zookeeper.session_timeout = 2s;
        o.zookeeper.operation_timeout = operation_timeout;
        o.path = "/test/cosmos";
        o.default_repositories = {{"Universe", "builtin:universe"}};
        o.codec = {
            [](std::string_view b) { return cosmos::adapters::gzip_compress(b); },
            [](std::string_view b) { return cosmos::adapters::gzip_decompress(b, 512ull << 20); }};
        o.sha256 = [](std::string_view b) { return cosmos::adapters::sha256_hex(b); };
        o.startup_wait = 20s;
        o.zookeeper.log = [](int level, const std::string& message) {
            if (level <= 2) std::fprintf(stderr, "%d %s\n", level, message.c_str());
        };
        return o;
    }
};

cosmos::app::LocalPackage package(const std::string& name, const std::string& version,
                                  std::int64_t release, std::size_t padding = 0) {
    cosmos::app::LocalPackage p;
    p.name = name;
    p.version = version;
    p.release_version = release;
    std::string filler;
    std::mt19937_64 random(7);
    for (std::size_t i = 0; i < padding; ++i)
        filler.push_back(static_cast<char>('!' + random() % 90));
    p.definition = Json{
        {"packagingVersion", "4.0"}, {"name", name}, {"version", version}, {"description", filler}};
    p.sha256 = "digest";
    p.status = "Installed";
    p.added_at_ms = 1000;
    return p;
}

std::function<std::vector<RepositoryRef>(const std::vector<RepositoryRef>&)> append(
    RepositoryRef ref) {
    return [ref](const std::vector<RepositoryRef>& current) {
        auto next = current;
        next.push_back(ref);
        return next;
    };
}

}  // namespace

TEST_CASE("concurrent list updates from two instances apply each change once", "[zk][adapters]") {
    ZooKeeperProcess zk;
    Instance a(zk), b(zk);
    std::atomic<int> conflicts{0};
    // Catch2's assertions are not thread-safe: the writers note what they saw, the test checks it.
    std::mutex seen_mutex;
    std::vector<std::string> error_types;
    std::vector<std::thread> writers;
    for (int i = 0; i < 16; ++i) {
        writers.emplace_back([&, i] {
            auto& store = i % 2 ? b.shared : a.shared;
            try {
                store.update(append({"r" + std::to_string(i), "http://r/" + std::to_string(i)}));
            } catch (const cosmos::core::Error& e) {
                std::lock_guard lock(seen_mutex);
                error_types.push_back(e.type());
                ++conflicts;
            }
        });
    }
    for (auto& t : writers)
        t.join();
    for (const auto& type : error_types)
        CHECK(type == "ConcurrentAccess");
    std::vector<RepositoryRef> list;
    CHECK(eventually([&] {
        list = b.shared.list();
        return list.size() == 17u - static_cast<unsigned>(conflicts) && a.shared.list() == list;
    }));
    std::set<std::string> names;
    for (const auto& r : list)
        names.insert(r.name);
    CHECK(names.size() == list.size());
    // The local copy follows, for a restart without ZooKeeper.
    CHECK(eventually([&] { return a.local.list() == list; }));
}

TEST_CASE("a write whose answer was lost with the connection is checked, not applied twice",
          "[zk][adapters]") {
    ZooKeeperProcess zk;
    Instance b(zk);
    // ZooKeeper freezes just as each of the first two writes leaves (a repository and a
    // record): the client gives the connection up before any answer, and the write may or may
    // not be applied when ZooKeeper comes back.
    std::atomic<int> writes{0};
    std::vector<std::thread> thaws;
    auto options = Instance::options(zk, 15s);
    Instance a(zk, 15s);
    SqliteStore local(":memory:", {});
    options.before_write = [&] {
        if (++writes > 2) return;
        zk.pause();
        thaws.emplace_back([&] {
            std::this_thread::sleep_for(1500ms);
            zk.resume();
        });
    };
    ZooKeeperStore frozen(options, local, local);
    std::vector<std::string> outcomes;
    try {
        frozen.update(append({"once", "http://once"}));
        outcomes.push_back("list written");
        frozen.record(cosmos::app::OperationRecord{
            0, "install", "p", "1", "/p", Json::object(), "", "success", {}, 5, {}, {}});
        outcomes.push_back("record written");
    } catch (const cosmos::core::Error& e) {
        outcomes.push_back(e.type());
    }
    for (auto& t : thaws)
        t.join();
    INFO(outcomes.back());
    CHECK(writes >= 2);
    // Either way: written at most once, and a write reported done is there exactly once.
    std::vector<RepositoryRef> list;
    CHECK(eventually([&] {
        list = b.shared.list();
        return std::count_if(list.begin(), list.end(),
                             [](const auto& r) { return r.name == "once"; }) == 1 &&
               b.shared.history({}).size() == 1;
    }));
    CHECK(std::count_if(list.begin(), list.end(), [](const auto& r) { return r.name == "once"; }) ==
          1);
    CHECK(b.shared.history({}).size() == 1);
    CHECK(outcomes == std::vector<std::string>{"list written", "record written"});
}

TEST_CASE("records keep restore points and rollbacks for every instance, and find() reads by id",
          "[zk][adapters]") {
    ZooKeeperProcess zk;
    Instance a(zk), b(zk);
    cosmos::app::OperationRecord install{
        0,
        "install",
        "kafka",
        "2.0",
        "/kafka",
        Json{{"brokers", 3}},
        "ab",
        "success",
        {},
        10,
        cosmos::app::RestorePoint{std::string(200000, 'd'), "https://universe.example/repo"},
        {}};
    const auto first = a.shared.record(install);
    auto rollback = install;
    rollback.operation = "rollback";
    rollback.time_ms = 20;
    rollback.rollback_of = first;
    const auto second = a.shared.record(rollback);
    // A definition whose gzipped form is too large for the record's node is left out.
    std::string noise;
    std::mt19937_64 random(3);
    for (int i = 0; i < 1500000; ++i)
        noise.push_back(static_cast<char>('!' + random() % 90));
    auto huge = install;
    huge.time_ms = 30;
    huge.restore_point = cosmos::app::RestorePoint{noise, "builtin:universe"};
    const auto third = a.shared.record(huge);

    // B reads them by id, written a moment ago on A.
    auto seen = b.shared.find(first);
    REQUIRE(seen.has_value());
    CHECK(seen->restore_point == install.restore_point);
    CHECK(seen->options == install.options);
    CHECK_FALSE(seen->rollback_of.has_value());
    auto rolled = b.shared.find(second);
    REQUIRE(rolled.has_value());
    CHECK(rolled->operation == "rollback");
    CHECK(rolled->rollback_of == std::optional<std::int64_t>(first));
    auto unrestorable = b.shared.find(third);
    REQUIRE(unrestorable.has_value());
    CHECK_FALSE(unrestorable->restore_point.has_value());
    CHECK_FALSE(b.shared.find(third + 1000).has_value());
    CHECK(eventually([&] {
        return b.shared.history({std::nullopt, std::nullopt, 10}).size() == 3;
    }));
}

TEST_CASE("a definition larger than a znode is stored in chunks and read back whole",
          "[zk][adapters]") {
    ZooKeeperProcess zk;
    Instance a(zk), b(zk);
    auto big = package("big", "1.0", 0, 3 << 20);
    a.shared.put(big, false);
    CHECK(eventually([&] { return b.shared.list_packages().size() == 1; }));
    auto seen = b.shared.list_packages().at(0);
    CHECK(seen.definition == big.definition);
    CHECK(seen.release_version == 0);
    CHECK_THROWS_WITH(a.shared.put(big, false), Catch::Contains("already in the local repository"));
    // Replaced through B with new content; A follows.
    auto changed = package("big", "1.0", 0, 1 << 20);
    b.shared.put(changed, true);
    CHECK(eventually([&] {
        auto p = a.shared.list_packages();
        return p.size() == 1 && p[0].definition == changed.definition;
    }));
    CHECK(b.shared.remove("big", "1.0"));
    CHECK_FALSE(b.shared.remove("big", "1.0"));
    CHECK(eventually([&] { return a.shared.list_packages().empty(); }));
}

TEST_CASE(
    "two versions given the same releaseVersion by two instances: one gets "
    "ConcurrentAccess",
    "[zk][adapters]") {
    ZooKeeperProcess zk;
    Instance a(zk), b(zk);
    a.shared.put(package("p", "1.0", 0), false);
    CHECK_THROWS_WITH(b.shared.put(package("p", "2.0", 0), false),
                      Catch::Contains("concurrent access"));
    b.shared.put(package("p", "2.0", 1), false);
    CHECK(eventually([&] { return a.shared.list_packages().size() == 2; }));
}

TEST_CASE("a job is carried by one instance, and by another once its carrier is gone",
          "[zk][adapters]") {
    ZooKeeperProcess zk;
    Instance b(zk);
    std::atomic<int> notices{0};
    b.shared.subscribe([&](cosmos::app::SharedState what) {
        if (what == cosmos::app::SharedState::kJobs) ++notices;
    });
    std::string id;
    {
        Instance a(zk);
        cosmos::app::Job job;
        job.kind = "sdk-uninstall";
        job.data = Json{{"appId", "/kafka"}};
        auto claim = a.shared.submit(job);
        id = job.id;
        CHECK(claim->held());
        CHECK(eventually([&] { return b.shared.jobs().size() == 1; }));
        CHECK(b.shared.try_claim(id) == nullptr);
        int before = notices;
        claim.reset();  // released: B hears of it
        CHECK(eventually([&] { return notices > before; }));
        auto mine = b.shared.try_claim(id);
        REQUIRE(mine != nullptr);
        CHECK(a.shared.try_claim(id) == nullptr);
        // B stops carrying it; A takes it and then A's session ends without a release.
        mine.reset();
        auto again = a.shared.try_claim(id);
        REQUIRE(again != nullptr);
        // Dropped on the floor: only the session's end frees it (its destructor would release
        // it, and would outlive A's client). LeakSanitizer is told it is on purpose.
        cosmos::app::JobClaim* dropped = again.release();
#if defined(__SANITIZE_ADDRESS__)
        __lsan_ignore_object(dropped);
#else
        (void)dropped;
#endif
    }
    auto taken = std::unique_ptr<cosmos::app::JobClaim>();
    CHECK(eventually([&] { return (taken = b.shared.try_claim(id)) != nullptr; }));
    b.shared.finish(id);
    CHECK(b.shared.jobs().empty());
}
