#include "cosmos/adapters/sqlite_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <iterator>
#include <limits>
#include <string_view>
#include <type_traits>
#include <utility>

#include "cosmos/core/error.h"
#include "cosmos/core/json.h"

namespace cosmos::adapters {

struct SqliteStore::Connection {
    explicit Connection(const std::string& path)
        : db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, kBusyTimeoutMs) {}
    SQLite::Database db;
};

namespace {

bool is_memory(const std::string& path) {
    return path.empty() || path == ":memory:";
}

// What a user can do about a failure, by SQLite's primary result code.
std::string_view advice(int primary_code) {
    switch (primary_code) {
        case SQLITE_NOTADB:
        case SQLITE_CORRUPT:
            return "; the file is not a usable SQLite database and was left unchanged: restore it "
                   "from a backup or start the server with another database file";
        case SQLITE_CANTOPEN:
            return "; check that the folder exists and that the file can be read and written";
        case SQLITE_READONLY:
        case SQLITE_PERM:
        case SQLITE_AUTH:
            return "; the file must be writable by the server";
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return "; another process holds the database lock";
        case SQLITE_FULL:
        case SQLITE_IOERR:
            return "; the disk is full or failing";
        default:
            return "";
    }
}

core::Error storage_error(const std::string& path, std::string_view action,
                          const SQLite::Exception& e) {
    int code = e.getErrorCode();
    std::string where = is_memory(path) ? "in-memory database" : "database file '" + path + "'";
    return core::unhandled_exception("SQLite " + where + ": " + std::string(action) +
                                     " failed: " + e.what() + " (SQLite error " +
                                     std::to_string(e.getExtendedErrorCode()) + ")" +
                                     std::string(advice(code & 0xff)));
}

core::Error unusable_database(const std::string& path, const std::string& reason) {
    return core::unhandled_exception("SQLite database file '" + path + "' " + reason +
                                     "; it was left unchanged");
}

// Large bodies go through SQLite's incremental blob I/O, in pieces of this size: reading a blob
// column or binding one to an INSERT makes SQLite assemble the whole value in a buffer of its own,
// so the body would be in memory twice.
constexpr int kBlobChunk = 1 << 20;

// Opens the body of a repository_content row; throws SQLite::Exception.
class BlobHandle {
public:
    BlobHandle(SQLite::Database& db, std::int64_t rowid, bool write) : db_(db) {
        int rc = sqlite3_blob_open(db.getHandle(), "main", "repository_content", "body", rowid,
                                   write ? 1 : 0, &blob_);
        if (rc != SQLITE_OK) {
            sqlite3_blob_close(blob_);
            throw SQLite::Exception(db.getHandle(), rc);
        }
    }
    ~BlobHandle() { sqlite3_blob_close(blob_); }
    BlobHandle(const BlobHandle&) = delete;
    BlobHandle& operator=(const BlobHandle&) = delete;

    int size() const { return sqlite3_blob_bytes(blob_); }
    void read(char* out, int size, int offset) {
        check(sqlite3_blob_read(blob_, out, size, offset));
    }
    void write(const char* data, int size, int offset) {
        check(sqlite3_blob_write(blob_, data, size, offset));
    }

private:
    void check(int rc) {
        if (rc != SQLITE_OK) throw SQLite::Exception(db_.getHandle(), rc);
    }
    SQLite::Database& db_;
    sqlite3_blob* blob_ = nullptr;
};

std::string read_body(SQLite::Database& db, std::int64_t rowid) {
    BlobHandle blob(db, rowid, false);
    std::string out(static_cast<std::size_t>(blob.size()), '\0');
    for (int at = 0; at < blob.size(); at += kBlobChunk) {
        blob.read(out.data() + at, std::min(kBlobChunk, blob.size() - at), at);
    }
    return out;
}

void write_body(SQLite::Database& db, std::int64_t rowid, std::string_view body) {
    BlobHandle blob(db, rowid, true);
    const int size = static_cast<int>(body.size());
    for (int at = 0; at < size; at += kBlobChunk) {
        blob.write(body.data() + at, std::min(kBlobChunk, size - at), at);
    }
}

std::optional<std::string> optional_text(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return column.getString();
}

template <typename T>
void bind_optional(SQLite::Statement& statement, int index, const std::optional<T>& v) {
    if (v) {
        statement.bind(index, *v);
    } else {
        statement.bind(index);
    }
}

std::optional<std::string> optional_json_text(const std::optional<core::Json>& value) {
    if (!value) return std::nullopt;
    return core::to_compact(*value);
}

std::optional<core::Json> optional_json(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return core::parse_json(column.getString());
}

std::vector<app::RepositoryRef> read_repositories(SQLite::Database& db) {
    SQLite::Statement query(db, "SELECT name, uri FROM repositories ORDER BY position");
    std::vector<app::RepositoryRef> result;
    while (query.executeStep()) {
        result.push_back({query.getColumn(0).getString(), query.getColumn(1).getString()});
    }
    return result;
}

void write_repositories(SQLite::Database& db, const std::vector<app::RepositoryRef>& list) {
    db.exec("DELETE FROM repositories");
    SQLite::Statement insert(db, "INSERT INTO repositories (position, name, uri) VALUES (?, ?, ?)");
    for (std::size_t i = 0; i < list.size(); ++i) {
        insert.bind(1, static_cast<std::int64_t>(i));
        insert.bind(2, list[i].name);
        insert.bind(3, list[i].uri);
        insert.exec();
        insert.reset();
    }
}

// --- schema migrations ---

struct MigrationContext {
    const std::vector<app::RepositoryRef>& default_repositories;
};

using MigrationStep = void (*)(SQLite::Database&, const MigrationContext&);

// Version 1: the initial schema. The first repository list is seeded here and only here, so a
// list the user emptied stays empty across restarts.
void migrate_to_1(SQLite::Database& db, const MigrationContext& context) {
    db.exec(R"sql(
        CREATE TABLE repositories (
            position INTEGER PRIMARY KEY,
            name     TEXT NOT NULL UNIQUE,
            uri      TEXT NOT NULL UNIQUE
        );
        CREATE TABLE repository_content (
            uri        TEXT PRIMARY KEY,
            body       BLOB NOT NULL,
            media_type TEXT NOT NULL,
            fetched_at INTEGER NOT NULL,
            etag       TEXT
        );
        CREATE TABLE operations (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            operation       TEXT NOT NULL,
            package_name    TEXT NOT NULL,
            package_version TEXT NOT NULL,
            app_id          TEXT NOT NULL,
            options         TEXT NOT NULL,
            app_sha256      TEXT NOT NULL,
            outcome         TEXT NOT NULL,
            error           TEXT,
            time_ms         INTEGER NOT NULL
        );
        CREATE INDEX operations_by_app_id ON operations (app_id, time_ms);
        CREATE INDEX operations_by_package ON operations (package_name, time_ms);
        CREATE TABLE local_packages (
            name            TEXT NOT NULL,
            version         TEXT NOT NULL,
            release_version INTEGER NOT NULL,
            definition      TEXT NOT NULL,
            sha256          TEXT NOT NULL,
            status          TEXT NOT NULL,
            error           TEXT,
            added_at_ms     INTEGER NOT NULL,
            PRIMARY KEY (name, version)
        );
    )sql");
    write_repositories(db, context.default_repositories);
}

// Version 2: operation records keep what rollback needs. Package definitions are stored once
// each, however many records share them (a service updated a thousand times with one package
// version keeps one copy). Records written before have NULLs here and cannot be restored.
void migrate_to_2(SQLite::Database& db, const MigrationContext&) {
    db.exec(R"sql(
        CREATE TABLE package_definitions (
            id         INTEGER PRIMARY KEY,
            hash       INTEGER NOT NULL,
            definition TEXT NOT NULL
        );
        CREATE INDEX package_definitions_by_hash ON package_definitions (hash);
        ALTER TABLE operations ADD COLUMN definition_id INTEGER REFERENCES package_definitions (id);
        ALTER TABLE operations ADD COLUMN source_uri TEXT;
        ALTER TABLE operations ADD COLUMN rollback_of INTEGER;
    )sql");
}

// Version 3: a repository's body is the last column of its row. SQLite writes a zeroblob() that
// ends the row without materialising it, and only then can the body be copied in piece by piece
// (see write_body): anywhere else in the row, the zeros and the record holding them are built in
// memory, twice the size of the body.
void migrate_to_3(SQLite::Database& db, const MigrationContext&) {
    db.exec(R"sql(
        CREATE TABLE repository_content_2 (
            uri        TEXT PRIMARY KEY,
            media_type TEXT NOT NULL,
            fetched_at INTEGER NOT NULL,
            etag       TEXT,
            body       BLOB NOT NULL
        );
        INSERT INTO repository_content_2 (uri, media_type, fetched_at, etag, body)
            SELECT uri, media_type, fetched_at, etag, body FROM repository_content;
        DROP TABLE repository_content;
        ALTER TABLE repository_content_2 RENAME TO repository_content;
    )sql");
}

// Version 4: jobs in flight (SDK uninstalls waiting for their scheduler), so a restart resumes
// them.
void migrate_to_4(SQLite::Database& db, const MigrationContext&) {
    db.exec(R"sql(
        CREATE TABLE jobs (
            id         TEXT PRIMARY KEY,
            kind       TEXT NOT NULL,
            data       TEXT NOT NULL,
            created_ms INTEGER NOT NULL
        );
        CREATE TABLE job_ids (last INTEGER NOT NULL);
        INSERT INTO job_ids (last) VALUES (0);
    )sql");
}

// kMigrations[i] takes a database from version i to version i + 1. A schema change appends a
// step here and raises SqliteStore::kSchemaVersion; existing steps never change.
constexpr MigrationStep kMigrations[] = {
    &migrate_to_1,
    &migrate_to_2,
    &migrate_to_3,
    &migrate_to_4,
};
static_assert(std::size(kMigrations) == SqliteStore::kSchemaVersion,
              "one migration step per schema version");

int read_user_version(SQLite::Database& db) {
    return db.execAndGet("PRAGMA user_version").getInt();
}

void migrate(SQLite::Database& db, const std::string& path,
             const std::vector<app::RepositoryRef>& defaults) {
    // IMMEDIATE: two processes starting on a new file must not both run migration 1.
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    int version = read_user_version(db);
    if (version > SqliteStore::kSchemaVersion) {
        throw unusable_database(
            path, "has schema version " + std::to_string(version) + ", newer than version " +
                      std::to_string(SqliteStore::kSchemaVersion) +
                      " that this program understands (it was written by a newer release); "
                      "refusing to open it");
    }
    if (version < 0) {
        throw unusable_database(path, "has an invalid schema version " + std::to_string(version));
    }
    if (version == 0) {
        int tables =
            db.execAndGet("SELECT count(*) FROM sqlite_master WHERE type = 'table'").getInt();
        if (tables > 0) {
            throw unusable_database(
                path,
                "is an SQLite database of another program (it has tables but no schema "
                "version)");
        }
    }
    MigrationContext context{defaults};
    for (int step = version; step < SqliteStore::kSchemaVersion; ++step) {
        kMigrations[step](db, context);
    }
    if (version != SqliteStore::kSchemaVersion) {
        db.exec("PRAGMA user_version = " + std::to_string(SqliteStore::kSchemaVersion));
    }
    transaction.commit();
}

// The columns read_operation() reads, with what follows FROM.
constexpr std::string_view kOperationSelect =
    "SELECT o.id, o.operation, o.package_name, o.package_version, o.app_id, o.options, "
    "o.app_sha256, o.outcome, o.error, o.time_ms, d.definition, o.source_uri, o.rollback_of "
    "FROM operations o LEFT JOIN package_definitions d ON d.id = o.definition_id";

// FNV-1a, 64 bits: only narrows the search for an equal definition, which is then compared.
std::int64_t text_hash(std::string_view text) {
    std::uint64_t hash = 14695981039346656037ull;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    return static_cast<std::int64_t>(hash);
}

// The id of a stored definition equal to `definition`, stored now when there is none.
std::int64_t intern_definition(SQLite::Database& db, const std::string& definition) {
    std::int64_t hash = text_hash(definition);
    SQLite::Statement query(db,
                            "SELECT id FROM package_definitions WHERE hash = ? AND definition = ?");
    query.bind(1, hash);
    query.bind(2, definition);
    if (query.executeStep()) return query.getColumn(0).getInt64();
    SQLite::Statement insert(db,
                             "INSERT INTO package_definitions (hash, definition) VALUES (?, ?)");
    insert.bind(1, hash);
    insert.bind(2, definition);
    insert.exec();
    return db.getLastInsertRowid();
}

app::OperationRecord read_operation(SQLite::Statement& row) {
    app::OperationRecord record;
    record.id = row.getColumn(0).getInt64();
    record.operation = row.getColumn(1).getString();
    record.package_name = row.getColumn(2).getString();
    record.package_version = row.getColumn(3).getString();
    record.app_id = row.getColumn(4).getString();
    record.options = core::parse_json(row.getColumn(5).getString());
    record.app_sha256 = row.getColumn(6).getString();
    record.outcome = row.getColumn(7).getString();
    record.error = optional_json(row.getColumn(8));
    record.time_ms = row.getColumn(9).getInt64();
    if (!row.getColumn(10).isNull() && !row.getColumn(11).isNull()) {
        record.restore_point =
            app::RestorePoint{row.getColumn(10).getString(), row.getColumn(11).getString()};
    }
    if (!row.getColumn(12).isNull()) record.rollback_of = row.getColumn(12).getInt64();
    return record;
}

app::LocalPackage read_package(SQLite::Statement& row) {
    app::LocalPackage package;
    package.name = row.getColumn(0).getString();
    package.version = row.getColumn(1).getString();
    package.release_version = row.getColumn(2).getInt64();
    package.definition = core::parse_json(row.getColumn(3).getString());
    package.sha256 = row.getColumn(4).getString();
    package.status = row.getColumn(5).getString();
    package.error = optional_json(row.getColumn(6));
    package.added_at_ms = row.getColumn(7).getInt64();
    return package;
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path,
                         std::vector<app::RepositoryRef> default_repositories)
    : path_(path) {
    try {
        db_ = std::make_unique<Connection>(path);
        auto& db = db_->db;
        db.exec("PRAGMA foreign_keys = ON");
        // WAL lets readers proceed while another connection writes; it needs a real file.
        if (!is_memory(path)) db.execAndGet("PRAGMA journal_mode = WAL");
        migrate(db, path, default_repositories);
    } catch (const SQLite::Exception& e) {
        throw storage_error(path, "opening", e);
    }
}

SqliteStore::~SqliteStore() = default;

template <typename Work>
auto SqliteStore::read(std::string_view action, Work&& work) {
    std::lock_guard lock(mutex_);
    try {
        return work(db_->db);
    } catch (const SQLite::Exception& e) {
        throw storage_error(path_, action, e);
    }
}

template <typename Work>
auto SqliteStore::write(std::string_view action, Work&& work) {
    return read(action, [&](SQLite::Database& db) {
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        if constexpr (std::is_void_v<std::invoke_result_t<Work&, SQLite::Database&>>) {
            work(db);
            transaction.commit();
        } else {
            auto result = work(db);
            transaction.commit();
            return result;
        }
    });
}

int SqliteStore::schema_version() {
    return read("reading the schema version", read_user_version);
}

std::vector<app::RepositoryRef> SqliteStore::list() {
    return read("reading the repository list", read_repositories);
}

std::vector<app::RepositoryRef> SqliteStore::update(
    const std::function<std::vector<app::RepositoryRef>(const std::vector<app::RepositoryRef>&)>&
        change) {
    std::lock_guard lock(mutex_);
    auto& db = db_->db;
    std::optional<SQLite::Transaction> transaction;
    std::vector<app::RepositoryRef> current;
    try {
        // IMMEDIATE takes the write lock before reading, so a writer in another process cannot
        // slip in between our read and our write.
        transaction.emplace(db, SQLite::TransactionBehavior::IMMEDIATE);
        current = read_repositories(db);
    } catch (const SQLite::Exception& e) {
        throw storage_error(path_, "reading the repository list for an update", e);
    }
    // Outside the try: whatever change throws must reach the caller unchanged; the transaction's
    // destructor rolls back.
    std::vector<app::RepositoryRef> next = change(current);
    try {
        write_repositories(db, next);
        transaction->commit();
    } catch (const SQLite::Exception& e) {
        throw storage_error(path_, "writing the repository list", e);
    }
    return next;
}

std::optional<app::StoredContent> SqliteStore::load_content(const std::string& uri) {
    return read("loading repository content",
                [&](SQLite::Database& db) -> std::optional<app::StoredContent> {
                    SQLite::Statement query(db,
                                            "SELECT rowid, media_type, fetched_at, etag FROM "
                                            "repository_content WHERE uri = ?");
                    query.bind(1, uri);
                    if (!query.executeStep()) return std::nullopt;
                    app::StoredContent content;
                    content.uri = uri;
                    content.body = read_body(db, query.getColumn(0).getInt64());
                    content.media_type = query.getColumn(1).getString();
                    content.fetched_at = query.getColumn(2).getInt64();
                    content.etag = optional_text(query.getColumn(3));
                    return content;
                });
}

void SqliteStore::save_content(const app::StoredContent& content) {
    if (content.body.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw core::payload_too_large("Repository content",
                                      static_cast<std::uint64_t>(std::numeric_limits<int>::max()));
    }
    write("saving repository content", [&](SQLite::Database& db) {
        // The row is written with a body of zeros, which SQLite does not materialise as the
        // row's last column (migrate_to_3), then the body is copied into it piece by piece.
        SQLite::Statement insert(
            db,
            "INSERT OR REPLACE INTO repository_content "
            "(uri, media_type, fetched_at, etag, body) VALUES (?, ?, ?, ?, zeroblob(?))");
        insert.bind(1, content.uri);
        insert.bind(2, content.media_type);
        insert.bind(3, content.fetched_at);
        bind_optional(insert, 4, content.etag);
        insert.bind(5, static_cast<std::int64_t>(content.body.size()));
        insert.exec();
        write_body(db, db.getLastInsertRowid(), content.body);
    });
}

void SqliteStore::drop_content(const std::string& uri) {
    write("dropping repository content", [&](SQLite::Database& db) {
        SQLite::Statement remove(db, "DELETE FROM repository_content WHERE uri = ?");
        remove.bind(1, uri);
        remove.exec();
    });
}

std::int64_t SqliteStore::record(const app::OperationRecord& record) {
    std::string options = core::to_compact(record.options);
    std::optional<std::string> error = optional_json_text(record.error);
    return write("recording an operation", [&](SQLite::Database& db) {
        std::optional<std::int64_t> definition_id;
        if (record.restore_point) {
            definition_id = intern_definition(db, record.restore_point->package_definition);
        }
        SQLite::Statement insert(
            db,
            "INSERT INTO operations (operation, package_name, package_version, app_id, options, "
            "app_sha256, outcome, error, time_ms, definition_id, source_uri, rollback_of) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, record.operation);
        insert.bind(2, record.package_name);
        insert.bind(3, record.package_version);
        insert.bind(4, record.app_id);
        insert.bind(5, options);
        insert.bind(6, record.app_sha256);
        insert.bind(7, record.outcome);
        bind_optional(insert, 8, error);
        insert.bind(9, record.time_ms);
        bind_optional(insert, 10, definition_id);
        bind_optional(insert, 11,
                      record.restore_point
                          ? std::optional<std::string>(record.restore_point->source_uri)
                          : std::nullopt);
        bind_optional(insert, 12, record.rollback_of);
        insert.exec();
        return static_cast<std::int64_t>(db.getLastInsertRowid());
    });
}

std::vector<app::OperationRecord> SqliteStore::history(const app::HistoryFilter& filter) {
    std::string sql(kOperationSelect);
    std::vector<const std::string*> arguments;
    if (filter.app_id) {
        sql += " WHERE o.app_id = ?";
        arguments.push_back(&*filter.app_id);
    }
    if (filter.package_name) {
        sql += arguments.empty() ? " WHERE" : " AND";
        sql += " o.package_name = ?";
        arguments.push_back(&*filter.package_name);
    }
    sql += " ORDER BY o.time_ms DESC, o.id DESC LIMIT ?";
    auto limit = static_cast<std::int64_t>(
        std::min<std::size_t>(filter.limit, std::numeric_limits<std::int64_t>::max()));

    return read("reading the operation history", [&](SQLite::Database& db) {
        SQLite::Statement query(db, sql);
        int index = 1;
        for (const std::string* argument : arguments)
            query.bind(index++, *argument);
        query.bind(index, limit);
        std::vector<app::OperationRecord> result;
        while (query.executeStep())
            result.push_back(read_operation(query));
        return result;
    });
}

std::optional<app::OperationRecord> SqliteStore::find(std::int64_t id) {
    return read("reading an operation record",
                [&](SQLite::Database& db) -> std::optional<app::OperationRecord> {
                    SQLite::Statement query(db, std::string(kOperationSelect) + " WHERE o.id = ?");
                    query.bind(1, id);
                    if (!query.executeStep()) return std::nullopt;
                    return read_operation(query);
                });
}

void SqliteStore::put(const app::LocalPackage& package, bool replace) {
    std::string definition = core::to_compact(package.definition);
    std::optional<std::string> error = optional_json_text(package.error);
    write("storing a local package", [&](SQLite::Database& db) {
        if (!replace) {
            SQLite::Statement exists(db,
                                     "SELECT 1 FROM local_packages WHERE name = ? AND version = ?");
            exists.bind(1, package.name);
            exists.bind(2, package.version);
            if (exists.executeStep()) {
                throw core::package_version_exists(package.name, package.version);
            }
        }
        SQLite::Statement insert(
            db,
            "INSERT OR REPLACE INTO local_packages (name, version, release_version, definition, "
            "sha256, status, error, added_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, package.name);
        insert.bind(2, package.version);
        insert.bind(3, package.release_version);
        insert.bind(4, definition);
        insert.bind(5, package.sha256);
        insert.bind(6, package.status);
        bind_optional(insert, 7, error);
        insert.bind(8, package.added_at_ms);
        insert.exec();
    });
}

bool SqliteStore::remove(const std::string& name, const std::string& version) {
    return write("removing a local package", [&](SQLite::Database& db) {
        SQLite::Statement remove(db, "DELETE FROM local_packages WHERE name = ? AND version = ?");
        remove.bind(1, name);
        remove.bind(2, version);
        return remove.exec() > 0;
    });
}

std::vector<app::LocalPackage> SqliteStore::list_packages() {
    return read("listing local packages", [](SQLite::Database& db) {
        SQLite::Statement query(db,
                                "SELECT name, version, release_version, definition, sha256, "
                                "status, error, added_at_ms FROM local_packages "
                                "ORDER BY name, release_version, version");
        std::vector<app::LocalPackage> result;
        while (query.executeStep())
            result.push_back(read_package(query));
        return result;
    });
}

class SqliteStore::Claim : public app::JobClaim {
public:
    Claim(SqliteStore& store, std::string id) : store_(store), id_(std::move(id)) {}
    ~Claim() override { store_.release(id_); }
    bool held() const override { return true; }

private:
    SqliteStore& store_;
    std::string id_;
};

void SqliteStore::release(const std::string& id) {
    std::lock_guard lock(claims_mutex_);
    claimed_.erase(id);
}

std::unique_ptr<app::JobClaim> SqliteStore::submit(app::Job& job) {
    std::string data = core::to_compact(job.data);
    write("storing a job", [&](SQLite::Database& db) {
        // Ids are never reused, even after the job is gone.
        db.exec("UPDATE job_ids SET last = last + 1");
        job.id = "job-" + std::to_string(db.execAndGet("SELECT last FROM job_ids").getInt64());
        SQLite::Statement insert(
            db, "INSERT INTO jobs (id, kind, data, created_ms) VALUES (?, ?, ?, ?)");
        insert.bind(1, job.id);
        insert.bind(2, job.kind);
        insert.bind(3, data);
        insert.bind(4, job.created_ms);
        insert.exec();
    });
    std::lock_guard lock(claims_mutex_);
    claimed_.insert(job.id);
    return std::make_unique<Claim>(*this, job.id);
}

void SqliteStore::update(const app::Job& job) {
    std::string data = core::to_compact(job.data);
    write("updating a job", [&](SQLite::Database& db) {
        SQLite::Statement set(db, "UPDATE jobs SET data = ? WHERE id = ?");
        set.bind(1, data);
        set.bind(2, job.id);
        set.exec();
    });
}

void SqliteStore::finish(const std::string& id) {
    write("removing a finished job", [&](SQLite::Database& db) {
        SQLite::Statement remove(db, "DELETE FROM jobs WHERE id = ?");
        remove.bind(1, id);
        remove.exec();
    });
}

std::vector<app::Job> SqliteStore::jobs() {
    return read("listing jobs", [](SQLite::Database& db) {
        SQLite::Statement query(
            db, "SELECT id, kind, data, created_ms FROM jobs ORDER BY created_ms, id");
        std::vector<app::Job> result;
        while (query.executeStep()) {
            app::Job job;
            job.id = query.getColumn(0).getString();
            job.kind = query.getColumn(1).getString();
            job.data = core::parse_json(query.getColumn(2).getString());
            job.created_ms = query.getColumn(3).getInt64();
            result.push_back(std::move(job));
        }
        return result;
    });
}

std::unique_ptr<app::JobClaim> SqliteStore::try_claim(const std::string& id) {
    bool stored = read("reading a job", [&](SQLite::Database& db) {
        SQLite::Statement query(db, "SELECT 1 FROM jobs WHERE id = ?");
        query.bind(1, id);
        return query.executeStep();
    });
    if (!stored) return nullptr;
    std::lock_guard lock(claims_mutex_);
    if (!claimed_.insert(id).second) return nullptr;
    return std::make_unique<Claim>(*this, id);
}

app::StoreStatus SqliteStore::store_status() {
    app::StoreStatus status;
    status.backend = "sqlite";
    status.connected = true;
    status.state = "open";
    return status;
}

}  // namespace cosmos::adapters
