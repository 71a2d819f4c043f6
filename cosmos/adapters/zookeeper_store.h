#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cosmos/adapters/zookeeper_client.h"
#include "cosmos/app/ports.h"
#include "cosmos/core/render.h"

namespace cosmos::adapters {

/// The state that several cosmos-server instances share, in ZooKeeper under one path (the
/// README's "Running several instances" has the znode layout):
/// - the repository list, one node in Cosmos's storage envelope, changed by compare-and-set on
///   its version;
/// - the local packages: one record node each, their definitions in chunks named by their
///   SHA-256, written before the record; every change also sets a guard node by version in the
///   same multi, so releaseVersions never collide;
/// - operation records: sequential nodes, so every instance sees one order;
/// - jobs in flight, each with an ephemeral owner node held by the instance that carries it.
///
/// Reads (list, list_packages, history, jobs) answer from memory, fed by watches that are set
/// again after they fire and after every reconnection; they never wait for ZooKeeper. Writes
/// fail with ServiceUnavailable("zookeeper") when ZooKeeper cannot be reached, write nothing
/// partially, and are never queued. A write whose outcome is unknown after a connection loss is
/// checked before it is tried again. A race lost to another instance is retried when the
/// retry re-checks everything, and otherwise gives ConcurrentAccess.
///
/// Repository content stays in `local` (each instance downloads its repositories), and `local`
/// also keeps a copy of the list and the local packages so that a restart serves at once while
/// ZooKeeper is away.
class ZooKeeperStore : public app::RepositoryStore,
                       public app::OperationStore,
                       public app::LocalPackageStore,
                       public app::JobStore,
                       public app::ChangeFeed,
                       public app::StoreMonitor {
public:
    /// Definitions are split into chunks of this size: under ZooKeeper's 1 MB node limit
    /// (jute.maxbuffer) with room for the request around it.
    static constexpr std::size_t kChunkBytes = 512 * 1024;
    /// The largest gzipped package definition stored (128 chunks). A bundle is at most
    /// --max-body-bytes (32 MiB) and holds at most 64 MiB uncompressed, so every bundle the server
    /// accepts fits; ZooKeeper keeps all data in memory on every server, hence a bound.
    static constexpr std::size_t kMaxDefinitionBytes = 64ull << 20;
    /// Chunks no record points to are removed once they are this old (a publish in progress
    /// may have written chunks whose record comes next).
    static constexpr std::chrono::minutes kChunkGrace{10};

    struct Options {
        ZooKeeperSettings zookeeper;
        std::string path = "/cosmos";  ///< where the state lives
        /// The list a new ensemble starts with (Cosmos: created on first use from the defaults).
        std::vector<app::RepositoryRef> default_repositories;
        bool create_list = true;  ///< false: leave a missing list missing (migration)
        core::Codec codec;        ///< gzip for the list envelope and definitions
        std::function<std::string(std::string_view)> sha256;  ///< lower-case hex
        std::size_t history_limit = 10000;  ///< the oldest records beyond are removed
        /// How long construction waits for ZooKeeper before serving the local copy.
        std::chrono::milliseconds startup_wait{5000};
        /// Called just before the repository list or an operation record is written (tests
        /// lose the connection there, where a write's outcome becomes unknown).
        std::function<void()> before_write;
    };

    ZooKeeperStore(Options options, app::RepositoryStore& local,
                   app::LocalPackageStore& local_packages);
    /// Stops following and closes the session (this instance's job claims go at once).
    ~ZooKeeperStore() override;
    ZooKeeperStore(const ZooKeeperStore&) = delete;
    ZooKeeperStore& operator=(const ZooKeeperStore&) = delete;

    // --- app::RepositoryStore ---
    std::vector<app::RepositoryRef> list() override;
    /// Compare-and-set on the list node's version; `change` runs again on the newer list after a
    /// lost race (at most 5 tries, then ConcurrentAccess). Creates the node from the defaults
    /// when it is missing.
    std::vector<app::RepositoryRef> update(
        const std::function<std::vector<app::RepositoryRef>(
            const std::vector<app::RepositoryRef>&)>& change) override;
    std::optional<app::StoredContent> load_content(const std::string& uri) override;
    void save_content(const app::StoredContent& content) override;
    void drop_content(const std::string& uri) override;

    // --- app::OperationStore ---
    /// A sequential node; returns its sequence number, which orders records across instances.
    std::int64_t record(const app::OperationRecord& record) override;
    /// Newest first (by sequence number).
    std::vector<app::OperationRecord> history(const app::HistoryFilter& filter) override;
    /// From this instance's copy of the history (kept current by watches).
    std::optional<app::OperationRecord> find(std::int64_t id) override;

    // --- app::LocalPackageStore ---
    /// Throws PackageVersionAlreadyExists as the contract says, PayloadTooLarge past
    /// kMaxDefinitionBytes, and ConcurrentAccess when another instance gave the same
    /// releaseVersion to another version of the package meanwhile.
    void put(const app::LocalPackage& package, bool replace) override;
    bool remove(const std::string& name, const std::string& version) override;
    std::vector<app::LocalPackage> list_packages() override;

    // --- app::JobStore ---
    std::unique_ptr<app::JobClaim> submit(app::Job& job) override;
    void update(const app::Job& job) override;
    void finish(const std::string& id) override;
    std::vector<app::Job> jobs() override;
    std::unique_ptr<app::JobClaim> try_claim(const std::string& id) override;

    // --- app::ChangeFeed ---
    void subscribe(std::function<void(app::SharedState)> listener) override;

    // --- app::StoreMonitor ---
    app::StoreStatus store_status() override;

    // --- migration ---
    /// True when nothing is stored under the path: no list, package, record or job. Throws
    /// ServiceUnavailable when ZooKeeper cannot be reached.
    bool empty();
    /// Deletes everything under the path (then lays out the empty folders again).
    void clear();
    /// Waits until the watch-fed copy has caught up with ZooKeeper; false after timeout.
    bool wait_synced(std::chrono::milliseconds timeout);

private:
    class Claim;
    struct CachedPackage {
        app::LocalPackage record;
        std::string definition_digest;  // of the gzipped definition; "" = not fetched
        std::vector<std::string> chunks;
    };
    struct CachedJob {
        app::Job job;
        bool owned = false;  // an owner node exists (any instance)
    };
    struct Dirty {
        bool repositories = false;
        bool packages = false;
        bool history = false;
        bool jobs = false;
        bool structure = false;  // a new session: lay out the folders, put the ACLs again
        bool any() const { return repositories || packages || history || jobs || structure; }
    };

    void on_event(const ZkEvent& event);
    void sync_loop();
    bool sync_repositories();
    bool sync_packages();
    bool sync_history();
    bool sync_jobs();
    bool ensure_structure();
    void apply_acls(const std::string& path);
    void notify(app::SharedState what);

    std::string next_write_id();
    [[noreturn]] void fail(const ZkReply& reply, std::string_view action,
                           const std::string& path) const;
    std::string encode_list(const std::vector<app::RepositoryRef>& list) const;
    std::vector<app::RepositoryRef> decode_list(const std::string& data) const;
    std::string package_node(const std::string& name, const std::string& version) const;
    std::optional<core::Json> fetch_definition(const core::Json& reference);
    void collect_chunks();
    void mirror_list(const std::vector<app::RepositoryRef>& list);
    void mirror_packages(const std::map<std::string, CachedPackage>& before,
                         const std::map<std::string, CachedPackage>& after);
    void note_change(std::int64_t mtime_ms);
    ZkReply read_when_connected(std::chrono::steady_clock::time_point deadline,
                                const std::function<ZkReply()>& read);
    bool wait_connected(std::chrono::steady_clock::time_point deadline);
    void log_unknown_outcome(const std::string& path, const ZkReply& reply) const;

    Options options_;
    app::RepositoryStore& local_;
    app::LocalPackageStore& local_packages_;
    const std::string instance_;  // random, names this instance's writes and claims
    std::atomic<std::uint64_t> writes_{0};
    // Paths.
    const std::string list_path_, packages_path_, chunks_path_, history_path_, jobs_path_,
        owners_path_;

    mutable std::mutex cache_mutex_;  // guards the copies below; never held across ZooKeeper I/O
    std::vector<app::RepositoryRef> list_;
    std::int32_t list_version_ = -1;
    std::int64_t list_czxid_ = 0;
    std::map<std::string, CachedPackage> packages_;  // by node name
    std::int32_t packages_version_ = -1;             // of the guard node the copy matches
    std::int64_t packages_czxid_ = 0;
    std::map<std::int64_t, std::pair<std::string, app::OperationRecord>> history_;  // by sequence
    std::map<std::string, CachedJob> jobs_;
    std::optional<std::int64_t> last_change_ms_;
    bool synced_ = false;  // one full pass done since the last session started
    std::condition_variable synced_cv_;

    std::mutex listeners_mutex_;
    std::vector<std::function<void(app::SharedState)>> listeners_;

    std::mutex dirty_mutex_;
    std::condition_variable dirty_cv_;
    Dirty dirty_;
    bool stopping_ = false;
    bool acls_applied_ = false;

    std::unique_ptr<ZooKeeperClient> client_;
    std::thread sync_thread_;
};

}  // namespace cosmos::adapters
