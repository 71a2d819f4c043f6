#include "cosmos/adapters/sqlite_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cosmos/core/error.h"

namespace {

namespace fs = std::filesystem;
using cosmos::adapters::SqliteStore;
using cosmos::app::HistoryFilter;
using cosmos::app::LocalPackage;
using cosmos::app::OperationRecord;
using cosmos::app::RepositoryRef;
using cosmos::app::StoredContent;
using cosmos::core::Json;

// A fresh folder under the system temp dir, removed at the end of the test.
class TempDir {
public:
    TempDir() {
        std::random_device random;
        path_ = fs::temp_directory_path() /
                ("universe-sqlite-" + std::to_string(random()) + std::to_string(random()));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

const std::vector<RepositoryRef> kDefaults = {
    {"Universe", "https://universe.mesosphere.com/repo"},
    {"Local", "http://localhost:7070/local/repo"},
};

std::string all_bytes() {
    std::string bytes;
    for (int i = 0; i < 256; ++i)
        bytes.push_back(static_cast<char>(i));
    bytes += std::string("\0\0after-nul", 11);
    return bytes;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

OperationRecord operation(std::string app_id, std::string package, std::int64_t time_ms) {
    OperationRecord r;
    r.operation = "install";
    r.package_name = std::move(package);
    r.package_version = "1.0.0";
    r.app_id = std::move(app_id);
    r.options = Json{{"service", {{"name", "x"}, {"cpus", 0.5}}}};
    r.app_sha256 = "abc";
    r.outcome = "success";
    r.time_ms = time_ms;
    return r;
}

LocalPackage package(std::string name, std::string version, std::int64_t release) {
    LocalPackage p;
    p.name = std::move(name);
    p.version = std::move(version);
    p.release_version = release;
    p.definition = Json{{"packagingVersion", "4.0"}, {"name", p.name}, {"version", p.version}};
    p.sha256 = "0123";
    p.status = "Installed";
    p.added_at_ms = 1000 + release;
    return p;
}

}  // namespace

TEST_CASE("a new database is seeded with the default repositories", "[adapters][sqlite]") {
    SqliteStore store(":memory:", kDefaults);
    CHECK(store.list() == kDefaults);
    CHECK(store.schema_version() == SqliteStore::kSchemaVersion);
    cosmos::app::RepositoryStore& port = store;
    CHECK(port.list() == kDefaults);
}

TEST_CASE("the repository list persists across reopening", "[adapters][sqlite]") {
    TempDir dir;
    auto path = dir.file("cosmos.db");
    std::vector<RepositoryRef> changed = {{"Mine", "https://example.com/repo.json"}};
    {
        SqliteStore store(path, kDefaults);
        store.update([&](const std::vector<RepositoryRef>&) { return changed; });
    }
    // Different defaults on the second start must not replace the stored list.
    SqliteStore reopened(path, {{"Other", "https://other.example/repo"}});
    CHECK(reopened.list() == changed);
}

TEST_CASE("an emptied repository list stays empty after a restart", "[adapters][sqlite]") {
    TempDir dir;
    auto path = dir.file("cosmos.db");
    {
        SqliteStore store(path, kDefaults);
        auto result = store.update(
            [](const std::vector<RepositoryRef>&) { return std::vector<RepositoryRef>{}; });
        CHECK(result.empty());
    }
    SqliteStore reopened(path, kDefaults);
    CHECK(reopened.list().empty());
}

TEST_CASE("update passes the current list and stores the new one", "[adapters][sqlite]") {
    SqliteStore store(":memory:", kDefaults);
    std::vector<RepositoryRef> seen;
    auto result = store.update([&](const std::vector<RepositoryRef>& current) {
        seen = current;
        auto next = current;
        next.insert(next.begin(), {"First", "https://first.example/repo"});
        return next;
    });
    CHECK(seen == kDefaults);
    REQUIRE(result.size() == 3);
    CHECK(result[0].name == "First");
    CHECK(store.list() == result);
}

TEST_CASE("update writes nothing when change throws, and the exception is unchanged",
          "[adapters][sqlite]") {
    struct Refused : std::runtime_error {
        using std::runtime_error::runtime_error;
    };
    SqliteStore store(":memory:", kDefaults);
    CHECK_THROWS_AS(
        store.update([](const std::vector<RepositoryRef>&) -> std::vector<RepositoryRef> {
            throw Refused("no");
        }),
        Refused);
    CHECK(store.list() == kDefaults);

    try {
        store.update([](const std::vector<RepositoryRef>&) -> std::vector<RepositoryRef> {
            throw cosmos::core::repository_already_present(std::string("Universe"), std::nullopt);
        });
        FAIL("update did not throw");
    } catch (const cosmos::core::Error& e) {
        CHECK(e.type() == "RepositoryAlreadyPresent");
    }
    CHECK(store.list() == kDefaults);
    // The store is still usable after a rollback.
    store.update([](const std::vector<RepositoryRef>&) {
        return std::vector<RepositoryRef>{{"A", "https://a.example"}};
    });
    CHECK(store.list().size() == 1);
}

TEST_CASE("a duplicate repository name is rejected by the store and rolled back",
          "[adapters][sqlite]") {
    SqliteStore store(":memory:", kDefaults);
    CHECK_THROWS_AS(store.update([](const std::vector<RepositoryRef>& current) {
        auto next = current;
        next.push_back({current[0].name, "https://elsewhere.example"});
        return next;
    }),
                    cosmos::core::Error);
    CHECK(store.list() == kDefaults);
}

TEST_CASE("concurrent updates lose nothing", "[adapters][sqlite]") {
    constexpr int kThreads = 8;
    constexpr int kPerThread = 25;
    TempDir dir;
    auto path = dir.file("shared.db");

    auto run = [&](std::vector<SqliteStore*> stores) {
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                SqliteStore& store = *stores[static_cast<std::size_t>(t) % stores.size()];
                for (int i = 0; i < kPerThread; ++i) {
                    store.update([&](const std::vector<RepositoryRef>& current) {
                        auto next = current;
                        auto id = std::to_string(t) + "-" + std::to_string(i);
                        next.push_back({"r" + id, "https://" + id + ".example"});
                        return next;
                    });
                }
            });
        }
        for (auto& thread : threads)
            thread.join();
    };

    SECTION("threads sharing one store") {
        SqliteStore store(path, {});
        run({&store});
        CHECK(store.list().size() == kThreads * kPerThread);
    }
    SECTION("two connections on one file, as two processes would") {
        SqliteStore first(path, {});
        SqliteStore second(path, {});
        run({&first, &second});
        CHECK(first.list().size() == kThreads * kPerThread);
        CHECK(second.list() == first.list());
    }
}

TEST_CASE("repository content round-trips binary bodies", "[adapters][sqlite]") {
    TempDir dir;
    auto path = dir.file("content.db");
    StoredContent content{"https://example.com/repo.zip", all_bytes(), "application/zip",
                          1700000000, std::nullopt};
    {
        SqliteStore store(path, {});
        CHECK_FALSE(store.load_content(content.uri).has_value());
        store.save_content(content);
        auto loaded = store.load_content(content.uri);
        REQUIRE(loaded.has_value());
        CHECK(loaded->body == content.body);
        CHECK_FALSE(loaded->etag.has_value());
    }
    SqliteStore store(path, {});
    auto loaded = store.load_content(content.uri);
    REQUIRE(loaded.has_value());
    CHECK(loaded->uri == content.uri);
    CHECK(loaded->body == content.body);
    CHECK(loaded->media_type == "application/zip");
    CHECK(loaded->fetched_at == 1700000000);

    StoredContent newer{content.uri, "", "application/json", 1700000100, "\"v2\""};
    store.save_content(newer);
    loaded = store.load_content(content.uri);
    REQUIRE(loaded.has_value());
    CHECK(loaded->body.empty());
    CHECK(loaded->media_type == "application/json");
    CHECK(loaded->etag == std::optional<std::string>("\"v2\""));

    store.drop_content(content.uri);
    CHECK_FALSE(store.load_content(content.uri).has_value());
    store.drop_content(content.uri);  // absent: no error
}

TEST_CASE("history filters and orders newest first", "[adapters][sqlite]") {
    SqliteStore store(":memory:", {});
    auto failed = operation("/kafka", "kafka", 300);
    failed.outcome = "failure";
    failed.error = Json{{"type", "MarathonBadGateway"}, {"message", "down"}};

    std::int64_t id1 = store.record(operation("/kafka", "kafka", 100));
    std::int64_t id2 = store.record(operation("/cassandra", "cassandra", 200));
    std::int64_t id3 = store.record(failed);
    std::int64_t id4 = store.record(operation("/kafka-2", "kafka", 300));
    std::int64_t id5 = store.record(operation("/cassandra", "cassandra", 50));
    CHECK(id1 < id2);
    CHECK(id2 < id3);

    auto ids = [](const std::vector<OperationRecord>& records) {
        std::vector<std::int64_t> out;
        for (const auto& r : records)
            out.push_back(r.id);
        return out;
    };

    struct Row {
        std::optional<std::string> app_id;
        std::optional<std::string> package;
        std::size_t limit;
        std::vector<std::int64_t> expected;
    };
    // Equal times (id3 and id4) come newest-recorded first.
    std::vector<Row> table = {
        {std::nullopt, std::nullopt, 1000, {id4, id3, id2, id1, id5}},
        {std::string("/kafka"), std::nullopt, 1000, {id3, id1}},
        {std::nullopt, std::string("kafka"), 1000, {id4, id3, id1}},
        {std::string("/kafka"), std::string("kafka"), 1000, {id3, id1}},
        {std::string("/kafka"), std::string("cassandra"), 1000, {}},
        {std::nullopt, std::nullopt, 2, {id4, id3}},
        {std::string("/nothing"), std::nullopt, 1000, {}},
    };
    for (const auto& row : table) {
        HistoryFilter filter{row.app_id, row.package, row.limit};
        CHECK(ids(store.history(filter)) == row.expected);
    }

    auto records = store.history({std::string("/kafka"), std::nullopt, 1});
    REQUIRE(records.size() == 1);
    const auto& r = records[0];
    CHECK(r.operation == "install");
    CHECK(r.package_name == "kafka");
    CHECK(r.package_version == "1.0.0");
    CHECK(r.options == failed.options);
    CHECK(r.options.dump() == failed.options.dump());  // key order kept
    CHECK(r.app_sha256 == "abc");
    CHECK(r.outcome == "failure");
    REQUIRE(r.error.has_value());
    CHECK(*r.error == *failed.error);
    CHECK(r.time_ms == 300);
    CHECK_FALSE(store.history({std::string("/cassandra"), std::nullopt, 1})[0].error.has_value());
}

TEST_CASE("local packages: put, conflict, replace, remove and order", "[adapters][sqlite]") {
    TempDir dir;
    auto path = dir.file("local.db");
    {
        SqliteStore store(path, {});
        store.put(package("zookeeper", "2.0", 2), false);
        store.put(package("kafka", "2.0", 5), false);
        store.put(package("kafka", "1.0", 3), false);
        cosmos::app::LocalPackageStore& port = store;
        auto listed = port.list_packages();
        REQUIRE(listed.size() == 3);
        CHECK(listed[0].name == "kafka");
        CHECK(listed[0].version == "1.0");
        CHECK(listed[1].version == "2.0");
        CHECK(listed[2].name == "zookeeper");
        CHECK(listed[0].definition == package("kafka", "1.0", 3).definition);
        CHECK_FALSE(listed[0].error.has_value());

        auto again = package("kafka", "2.0", 5);
        again.status = "Failed";
        try {
            store.put(again, false);
            FAIL("put did not refuse an existing version");
        } catch (const cosmos::core::Error& e) {
            CHECK(e.type() == "PackageVersionAlreadyExists");
            CHECK(e.code() == cosmos::core::ErrorCode::kConflict);
        }
        CHECK(store.list_packages()[1].status == "Installed");

        again.error = Json{{"type", "InvalidBundle"}};
        store.put(again, true);
        auto replaced = store.list_packages();
        REQUIRE(replaced.size() == 3);
        CHECK(replaced[1].status == "Failed");
        CHECK(replaced[1].error == std::optional<Json>(Json{{"type", "InvalidBundle"}}));
    }
    SqliteStore store(path, {});
    CHECK(store.list_packages().size() == 3);
    CHECK(store.remove("kafka", "1.0"));
    CHECK_FALSE(store.remove("kafka", "1.0"));
    CHECK_FALSE(store.remove("nothing", "1.0"));
    auto remaining = store.list_packages();
    REQUIRE(remaining.size() == 2);
    CHECK(remaining[0].version == "2.0");
    CHECK(remaining[0].added_at_ms == 1005);
}

TEST_CASE("a version 1 database keeps its content, with the body moved last",
          "[adapters][sqlite]") {
    TempDir dir;
    auto path = dir.file("v1.db");
    const std::string body = all_bytes();
    {
        // The tables of schema version 1, with a stored body.
        SQLite::Database raw(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        raw.exec(R"sql(
            CREATE TABLE repositories (position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
                                       uri TEXT NOT NULL UNIQUE);
            CREATE TABLE repository_content (uri TEXT PRIMARY KEY, body BLOB NOT NULL,
                                             media_type TEXT NOT NULL,
                                             fetched_at INTEGER NOT NULL, etag TEXT);
            CREATE TABLE operations (id INTEGER PRIMARY KEY AUTOINCREMENT,
                                     operation TEXT NOT NULL, package_name TEXT NOT NULL,
                                     package_version TEXT NOT NULL, app_id TEXT NOT NULL,
                                     options TEXT NOT NULL, app_sha256 TEXT NOT NULL,
                                     outcome TEXT NOT NULL, error TEXT, time_ms INTEGER NOT NULL);
            CREATE TABLE local_packages (name TEXT NOT NULL, version TEXT NOT NULL,
                                         release_version INTEGER NOT NULL,
                                         definition TEXT NOT NULL, sha256 TEXT NOT NULL,
                                         status TEXT NOT NULL, error TEXT,
                                         added_at_ms INTEGER NOT NULL,
                                         PRIMARY KEY (name, version));
            INSERT INTO repositories VALUES (0, 'Universe', 'https://example.com/repo');
            PRAGMA user_version = 1;
        )sql");
        SQLite::Statement insert(raw, "INSERT INTO repository_content VALUES (?, ?, ?, ?, ?)");
        insert.bind(1, "https://example.com/repo");
        insert.bind(2, static_cast<const void*>(body.data()), static_cast<int>(body.size()));
        insert.bind(3, "application/zip");
        insert.bind(4, static_cast<std::int64_t>(1700000000));
        insert.bind(5, "\"e\"");
        insert.exec();
    }
    SqliteStore store(path, kDefaults);
    CHECK(store.schema_version() == SqliteStore::kSchemaVersion);
    CHECK(store.list() == std::vector<RepositoryRef>{{"Universe", "https://example.com/repo"}});
    auto loaded = store.load_content("https://example.com/repo");
    REQUIRE(loaded.has_value());
    CHECK(loaded->body == body);
    CHECK(loaded->media_type == "application/zip");
    CHECK(loaded->fetched_at == 1700000000);
    CHECK(loaded->etag == std::optional<std::string>("\"e\""));
    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    SQLite::Statement columns(raw, "SELECT name FROM pragma_table_info('repository_content')");
    std::vector<std::string> names;
    while (columns.executeStep())
        names.push_back(columns.getColumn(0).getString());
    CHECK(names == std::vector<std::string>{"uri", "media_type", "fetched_at", "etag", "body"});
}

TEST_CASE("a database from a newer schema version is refused", "[adapters][sqlite]") {
    TempDir dir;
    auto path = dir.file("future.db");
    { SqliteStore store(path, kDefaults); }
    {
        SQLite::Database raw(path, SQLite::OPEN_READWRITE);
        raw.exec("PRAGMA user_version = " + std::to_string(SqliteStore::kSchemaVersion + 1));
    }
    try {
        SqliteStore store(path, kDefaults);
        FAIL("a newer database was opened");
    } catch (const cosmos::core::Error& e) {
        std::string message = e.what();
        CHECK(message.find(path) != std::string::npos);
        CHECK(message.find("newer") != std::string::npos);
    }
    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    CHECK(raw.execAndGet("SELECT count(*) FROM repositories").getInt() == 2);
}

TEST_CASE("an unusable file gives a clear error and is left unchanged", "[adapters][sqlite]") {
    TempDir dir;
    auto path = dir.file("broken.db");

    SECTION("garbage bytes") {
        std::string garbage;
        for (int i = 0; i < 8192; ++i)
            garbage.push_back(static_cast<char>((i * 37 + 11) % 251));
        { std::ofstream(path, std::ios::binary) << garbage; }
        try {
            SqliteStore store(path, kDefaults);
            FAIL("a garbage file was opened");
        } catch (const cosmos::core::Error& e) {
            std::string message = e.what();
            CHECK(message.find(path) != std::string::npos);
            CHECK(message.find("not a database") != std::string::npos);
        }
        CHECK(read_file(path) == garbage);
    }
    SECTION("another program's SQLite database") {
        {
            SQLite::Database raw(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            raw.exec("CREATE TABLE notes (text TEXT)");
        }
        try {
            SqliteStore store(path, kDefaults);
            FAIL("a foreign database was opened");
        } catch (const cosmos::core::Error& e) {
            std::string message = e.what();
            CHECK(message.find(path) != std::string::npos);
            CHECK(message.find("another program") != std::string::npos);
        }
        SQLite::Database raw(path, SQLite::OPEN_READONLY);
        CHECK_FALSE(raw.tableExists("repositories"));
    }
    SECTION("a folder that does not exist") {
        auto missing = dir.file("no/such/folder/cosmos.db");
        try {
            SqliteStore store(missing, kDefaults);
            FAIL("opened a file in a missing folder");
        } catch (const cosmos::core::Error& e) {
            CHECK(std::string(e.what()).find(missing) != std::string::npos);
        }
    }
}

TEST_CASE("a file database uses WAL and foreign keys", "[adapters][sqlite]") {
    TempDir dir;
    auto path = dir.file("wal.db");
    SqliteStore store(path, kDefaults);
    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    CHECK(raw.execAndGet("PRAGMA journal_mode").getString() == "wal");
}

TEST_CASE("records keep restore points and rollbacks, each definition stored once",
          "[adapters][sqlite]") {
    TempDir dir;
    auto path = dir.file("records.db");
    std::string big(200000, 'd');  // a large package definition, shared by many records
    std::vector<std::int64_t> ids;
    {
        SqliteStore store(path, {});
        for (int i = 0; i < 50; ++i) {
            auto r = operation("/kafka", "kafka", 100 + i);
            r.operation = i == 0 ? "install" : "rollback";
            r.restore_point = cosmos::app::RestorePoint{big, "https://universe.example/repo"};
            if (i > 0) r.rollback_of = ids.front();
            ids.push_back(store.record(r));
        }
        auto other = operation("/kafka", "kafka", 500);
        other.restore_point = cosmos::app::RestorePoint{"other definition", "builtin:universe"};
        ids.push_back(store.record(other));
        ids.push_back(store.record(operation("/kafka", "kafka", 600)));  // none kept
    }
    SqliteStore store(path, {});
    auto first = store.find(ids[0]);
    REQUIRE(first.has_value());
    CHECK(first->operation == "install");
    CHECK(first->restore_point ==
          std::optional<cosmos::app::RestorePoint>({big, "https://universe.example/repo"}));
    CHECK_FALSE(first->rollback_of.has_value());
    auto rollback = store.find(ids[7]);
    REQUIRE(rollback.has_value());
    CHECK(rollback->rollback_of == std::optional<std::int64_t>(ids[0]));
    CHECK(rollback->restore_point->package_definition == big);
    CHECK(store.find(ids[50])->restore_point->package_definition == "other definition");
    CHECK_FALSE(store.find(ids[51])->restore_point.has_value());
    CHECK_FALSE(store.find(ids.back() + 1).has_value());

    // history() reads the same fields.
    auto history = store.history({std::nullopt, std::nullopt, 1000});
    REQUIRE(history.size() == 52);
    CHECK_FALSE(history[0].restore_point.has_value());
    CHECK(history[1].restore_point->source_uri == "builtin:universe");
    CHECK(history[2].rollback_of == std::optional<std::int64_t>(ids[0]));

    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    CHECK(raw.execAndGet("SELECT count(*) FROM package_definitions").getInt() == 2);
}

TEST_CASE("a schema 1 database is migrated: its records stay and are not restorable",
          "[adapters][sqlite]") {
    TempDir dir;
    auto path = dir.file("v1.db");
    {
        // The tables as the first release wrote them, with one repository and one record.
        SQLite::Database raw(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        raw.exec(R"sql(
            CREATE TABLE repositories (position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
                                       uri TEXT NOT NULL UNIQUE);
            CREATE TABLE repository_content (uri TEXT PRIMARY KEY, body BLOB NOT NULL,
                                             media_type TEXT NOT NULL,
                                             fetched_at INTEGER NOT NULL, etag TEXT);
            CREATE TABLE operations (id INTEGER PRIMARY KEY AUTOINCREMENT,
                                     operation TEXT NOT NULL, package_name TEXT NOT NULL,
                                     package_version TEXT NOT NULL, app_id TEXT NOT NULL,
                                     options TEXT NOT NULL, app_sha256 TEXT NOT NULL,
                                     outcome TEXT NOT NULL, error TEXT, time_ms INTEGER NOT NULL);
            CREATE INDEX operations_by_app_id ON operations (app_id, time_ms);
            CREATE INDEX operations_by_package ON operations (package_name, time_ms);
            CREATE TABLE local_packages (name TEXT NOT NULL, version TEXT NOT NULL,
                                         release_version INTEGER NOT NULL,
                                         definition TEXT NOT NULL, sha256 TEXT NOT NULL,
                                         status TEXT NOT NULL, error TEXT,
                                         added_at_ms INTEGER NOT NULL,
                                         PRIMARY KEY (name, version));
            INSERT INTO repositories VALUES (0, 'mine', 'https://repo.example/mine');
            INSERT INTO operations (operation, package_name, package_version, app_id, options,
                                    app_sha256, outcome, error, time_ms)
                VALUES ('install', 'nginx', '1.10.3', '/nginx', '{"service":{"name":"nginx"}}',
                        'ab', 'success', NULL, 1000);
            PRAGMA user_version = 1;
        )sql");
    }
    SqliteStore store(path, kDefaults);
    CHECK(store.schema_version() == SqliteStore::kSchemaVersion);
    CHECK(store.list() == std::vector<RepositoryRef>{{"mine", "https://repo.example/mine"}});
    auto old = store.find(1);
    REQUIRE(old.has_value());
    CHECK(old->operation == "install");
    CHECK(old->options == Json{{"service", {{"name", "nginx"}}}});
    CHECK_FALSE(old->restore_point.has_value());
    CHECK_FALSE(old->rollback_of.has_value());

    auto next = operation("/nginx", "nginx", 2000);
    next.restore_point = cosmos::app::RestorePoint{"definition", "builtin:universe"};
    next.rollback_of = 1;
    auto id = store.record(next);
    CHECK(id == 2);
    auto records = store.history({std::string("/nginx"), std::nullopt, 10});
    REQUIRE(records.size() == 2);
    CHECK(records[0].restore_point == next.restore_point);
    CHECK(records[0].rollback_of == std::optional<std::int64_t>(1));
    CHECK_FALSE(records[1].restore_point.has_value());
}

TEST_CASE("jobs: stored with fresh ids, claimed once, kept across a restart until finished",
          "[adapters][sqlite][jobs]") {
    TempDir dir;
    std::string first_id;
    {
        SqliteStore store(dir.file("cosmos.db"), kDefaults);
        cosmos::app::Job job;
        job.kind = "sdk-uninstall";
        job.data = Json{{"appId", "/kafka"}};
        job.created_ms = 42;
        auto claim = store.submit(job);
        first_id = job.id;
        CHECK(job.id == "job-1");
        CHECK(claim->held());
        // Carried here already: no second claim.
        CHECK(store.try_claim(job.id) == nullptr);
        job.data["deploymentId"] = "d-1";
        store.update(job);
        claim.reset();
        auto again = store.try_claim(job.id);
        CHECK(again != nullptr);
        CHECK(store.try_claim("job-404") == nullptr);
    }
    // A restarted server finds the job and may claim it.
    SqliteStore store(dir.file("cosmos.db"), kDefaults);
    auto jobs = store.jobs();
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0].id == first_id);
    CHECK(jobs[0].kind == "sdk-uninstall");
    CHECK(jobs[0].data == Json{{"appId", "/kafka"}, {"deploymentId", "d-1"}});
    CHECK(jobs[0].created_ms == 42);
    CHECK(store.try_claim(first_id) != nullptr);
    store.finish(first_id);
    CHECK(store.jobs().empty());
    // Ids are not reused after a job is gone.
    cosmos::app::Job next;
    next.kind = "sdk-uninstall";
    store.submit(next);
    CHECK(next.id == "job-2");
    CHECK(store.schema_version() == SqliteStore::kSchemaVersion);
}
