#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cosmos/app/ports.h"

namespace cosmos::adapters {

/// The server's state in one SQLite database: the repository list and the repositories' last good
/// content, the operation records, the local repository's packages, and the jobs in flight.
///
/// Safe to share between threads (one connection behind a mutex). Several processes may open the
/// same file: every write runs in an IMMEDIATE transaction, so writers serialise and wait up to
/// the busy timeout for each other. Every method throws core::Error (unhandled_exception, naming
/// the file) when SQLite fails.
class SqliteStore : public app::RepositoryStore,
                    public app::OperationStore,
                    public app::LocalPackageStore,
                    public app::JobStore,
                    public app::ChangeFeed,
                    public app::StoreMonitor {
public:
    /// The schema version this build writes; a database with a higher version is refused.
    static constexpr int kSchemaVersion = 4;
    /// How long a writer waits for another connection's lock before failing.
    static constexpr int kBusyTimeoutMs = 10000;

    /// Opens (creating when missing) the database at `path` (":memory:" for a private in-memory
    /// one) and migrates it to kSchemaVersion. A new database gets `default_repositories` as its
    /// list; an existing one keeps its list, even when the user emptied it. Throws core::Error
    /// naming the file when it cannot be opened, is not a database, is not ours, or has a newer
    /// schema version; an existing file is never recreated.
    SqliteStore(const std::string& path, std::vector<app::RepositoryRef> default_repositories);
    ~SqliteStore() override;

    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

    /// The file this store was opened on.
    const std::string& path() const noexcept { return path_; }
    /// The schema version found in the file (== kSchemaVersion once open).
    int schema_version();

    // --- app::RepositoryStore ---
    /// The list in priority order (index 0 first).
    std::vector<app::RepositoryRef> list() override;
    /// Runs `change` inside one IMMEDIATE transaction and stores its result; when `change` throws,
    /// nothing is written and its exception propagates unchanged. Names and URIs must be unique.
    std::vector<app::RepositoryRef> update(
        const std::function<std::vector<app::RepositoryRef>(
            const std::vector<app::RepositoryRef>&)>& change) override;
    /// The content last saved for `uri`, or nullopt.
    std::optional<app::StoredContent> load_content(const std::string& uri) override;
    /// Saves (replacing) the content of content.uri; the body is stored as bytes.
    void save_content(const app::StoredContent& content) override;
    /// Forgets the content of `uri` (no-op when absent).
    void drop_content(const std::string& uri) override;

    // --- app::OperationStore ---
    /// Stores a record (its id is ignored) and returns the new id.
    std::int64_t record(const app::OperationRecord& record) override;
    /// Matching records, newest first (by time_ms, then by id), at most filter.limit.
    std::vector<app::OperationRecord> history(const app::HistoryFilter& filter) override;
    /// The record with this id, or nullopt. Package definitions are stored once per distinct
    /// text, shared by the records that keep them.
    std::optional<app::OperationRecord> find(std::int64_t id) override;

    // --- app::LocalPackageStore ---
    /// Adds name+version, or replaces it when `replace`; throws core::package_version_exists when
    /// it exists and `replace` is false.
    void put(const app::LocalPackage& package, bool replace) override;
    /// Removes name+version; false when absent.
    bool remove(const std::string& name, const std::string& version) override;
    /// All packages, by name, then release_version, then version.
    std::vector<app::LocalPackage> list_packages() override;

    // --- app::JobStore ---
    // One process carries the jobs of its file: a claim is held in memory until released, so a
    // restarted server claims again (and resumes) every job it finds.
    /// The id is "job-<n>", n one more than the highest ever used in this file.
    std::unique_ptr<app::JobClaim> submit(app::Job& job) override;
    void update(const app::Job& job) override;
    void finish(const std::string& id) override;
    /// Every stored job, oldest first.
    std::vector<app::Job> jobs() override;
    std::unique_ptr<app::JobClaim> try_claim(const std::string& id) override;

    // --- app::ChangeFeed ---
    /// Nothing to follow: one process owns the file and its use-cases apply their own changes.
    void subscribe(std::function<void(app::SharedState)>) override {}

    // --- app::StoreMonitor ---
    app::StoreStatus store_status() override;

private:
    struct Connection;
    /// Runs work(database) under the lock; an SQLite failure becomes a StorageError naming action.
    template <typename Work>
    auto read(std::string_view action, Work&& work);
    /// read() inside an IMMEDIATE transaction, committed when work returns and rolled back when
    /// it throws (whatever it throws reaches the caller).
    template <typename Work>
    auto write(std::string_view action, Work&& work);

    class Claim;
    void release(const std::string& id);

    std::string path_;
    std::mutex mutex_;
    std::unique_ptr<Connection> db_;
    std::mutex claims_mutex_;
    std::set<std::string> claimed_;
};

}  // namespace cosmos::adapters
