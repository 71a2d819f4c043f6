#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cosmos/core/error.h"
#include "cosmos/core/json.h"

namespace cosmos::app {

// Ports: what the use-cases need from the outside world, in core terms. Adapters implement them
// (cosmos/adapters); tests use fakes. Every method reports failure by throwing core::Error.

/// One configured repository.
struct RepositoryRef {
    std::string name;
    std::string uri;
    bool operator==(const RepositoryRef&) const = default;
};

/// The last good download of a repository, kept so a restart serves at once and an unreachable
/// upstream never empties the catalog.
struct StoredContent {
    std::string uri;
    /// As served (decompressed). Shared: the packages decoded from it keep pointing into it.
    core::SharedText body;
    std::string media_type;       ///< the response Content-Type
    std::int64_t fetched_at = 0;  ///< Unix seconds
    std::optional<std::string> etag;
};

/// The repository list and the repositories' last good content.
class RepositoryStore {
public:
    virtual ~RepositoryStore() = default;
    /// The list in priority order (index 0 first).
    virtual std::vector<RepositoryRef> list() = 0;
    /// Read-modify-write of the list in one transaction: change gets the current list and returns
    /// the new one (or throws, leaving the list untouched). Returns the stored new list.
    virtual std::vector<RepositoryRef> update(
        const std::function<std::vector<RepositoryRef>(const std::vector<RepositoryRef>&)>&
            change) = 0;
    virtual std::optional<StoredContent> load_content(const std::string& uri) = 0;
    virtual void save_content(const StoredContent& content) = 0;
    virtual void drop_content(const std::string& uri) = 0;
};

/// What rollback needs to render an app again when its package has left every repository: the
/// values of the app's DCOS_PACKAGE_DEFINITION label (the package in its gzipped storage
/// envelope) and DCOS_PACKAGE_SOURCE label. Both are plain strings, stored as they are.
struct RestorePoint {
    std::string package_definition;
    std::string source_uri;
    bool operator==(const RestorePoint&) const = default;
};

/// One install, update, uninstall or rollback, as recorded (our addition, like Helm's release
/// records).
struct OperationRecord {
    std::int64_t id = 0;    ///< assigned by the store
    std::string operation;  ///< "install", "update", "uninstall", "rollback"
    std::string package_name;
    std::string package_version;
    std::string app_id;                         ///< normalised
    core::Json options = core::Json::object();  ///< the user's options
    std::string app_sha256;                     ///< of the rendered app's compact JSON ("" if none)
    std::string outcome;                        ///< "success" or "failure"
    std::optional<core::Json> error;            ///< the Cosmos error body on failure
    std::int64_t time_ms = 0;                   ///< Unix milliseconds
    /// Kept for a successful operation that left an app on Marathon; absent otherwise (and in
    /// records written before rollback existed).
    std::optional<RestorePoint> restore_point;
    std::optional<std::int64_t> rollback_of;  ///< a "rollback": the id of the record restored
};

/// Filters for OperationStore::history (empty = any).
struct HistoryFilter {
    std::optional<std::string> app_id;
    std::optional<std::string> package_name;
    std::size_t limit = 1000;
};

/// Records of operations.
class OperationStore {
public:
    virtual ~OperationStore() = default;
    /// Stores a record and returns its id.
    virtual std::int64_t record(const OperationRecord& record) = 0;
    /// Matching records, newest first.
    virtual std::vector<OperationRecord> history(const HistoryFilter& filter) = 0;
    /// The record with this id, or nullopt. The default reads the whole history; a store with
    /// an index by id should override it.
    virtual std::optional<OperationRecord> find(std::int64_t id);
};

/// A package published into the local repository (POST /package/add).
struct LocalPackage {
    std::string name;
    std::string version;
    std::int64_t release_version = 0;
    core::Json definition;  ///< the package definition (repository entry form)
    std::string sha256;     ///< of the uploaded bundle ("" for copies)
    std::string status;     ///< "Installing", "Installed", "Failed", "Invalid"
    std::optional<core::Json> error;
    std::int64_t added_at_ms = 0;
};

/// The local repository's packages.
class LocalPackageStore {
public:
    virtual ~LocalPackageStore() = default;
    /// Adds or (replace=true) replaces name+version atomically. Throws PackageVersionAlreadyExists
    /// when it exists and replace is false.
    virtual void put(const LocalPackage& package, bool replace) = 0;
    /// Removes name+version; false when absent.
    virtual bool remove(const std::string& name, const std::string& version) = 0;
    /// All packages, by name then release_version.
    virtual std::vector<LocalPackage> list_packages() = 0;
};

/// Work in flight that must outlive the instance that started it: an SDK uninstall waiting for
/// its scheduler. Exactly one instance carries a job at a time (it holds the job's claim); when
/// that instance dies, another one claims and finishes it.
struct Job {
    std::string id;    ///< unique; assigned by JobStore::submit (letters, digits and '-')
    std::string kind;  ///< what to run, e.g. "sdk-uninstall"
    core::Json data = core::Json::object();
    std::int64_t created_ms = 0;  ///< Unix milliseconds
};

/// This instance's right to carry one job; destroying it releases the job for other instances
/// (the job itself stays stored until JobStore::finish).
class JobClaim {
public:
    virtual ~JobClaim() = default;
    /// False once the claim is lost (a ZooKeeper session expired, or was cut off long enough to
    /// expire): the carrier must stop working on the job, another instance may take it.
    virtual bool held() const = 0;
};

/// Stored jobs and their claims.
class JobStore {
public:
    virtual ~JobStore() = default;
    /// Stores a new job under a fresh id (set in job.id) and claims it for this instance in one
    /// step. Throws core::Error (the store's unavailability) and stores nothing when it cannot.
    virtual std::unique_ptr<JobClaim> submit(Job& job) = 0;
    /// Replaces the data of a job this instance carries.
    virtual void update(const Job& job) = 0;
    /// Removes a finished job and its claim (no-op when it is gone).
    virtual void finish(const std::string& id) = 0;
    /// Every stored job, oldest first (from memory: never waits for a remote store).
    virtual std::vector<Job> jobs() = 0;
    /// Claims a stored job that no instance carries; nullptr when another instance carries it,
    /// it is gone, or the store cannot be reached.
    virtual std::unique_ptr<JobClaim> try_claim(const std::string& id) = 0;
};

/// The parts of the state that instances share.
enum class SharedState { kRepositories, kLocalPackages, kHistory, kJobs };

/// Tells the use-cases that the shared state changed, whoever changed it (another instance
/// included), so that this instance follows without a restart or a polling loop.
class ChangeFeed {
public:
    virtual ~ChangeFeed() = default;
    /// Calls listener after each change, on a thread of the store. The listener must return
    /// quickly (hand the work to another thread) and must not call back into subscribe.
    virtual void subscribe(std::function<void(SharedState)> listener) = 0;
};

/// How the store that holds the shared state is doing, for /health and /metrics.
struct StoreStatus {
    std::string backend;                    ///< "sqlite" or "zookeeper"
    bool connected = true;                  ///< writes can reach the store
    std::string state;                      ///< "connected", "connecting", "session expired", ...
    std::string servers;                    ///< the ZooKeeper connection string ("" for SQLite)
    std::optional<std::string> session_id;  ///< hexadecimal, while a session exists
    std::int64_t session_timeout_ms = 0;    ///< as negotiated with the server
    std::uint64_t session_expirations = 0;  ///< sessions lost and replaced since start
    std::optional<std::int64_t> last_change_ms;  ///< when the shared state last changed
};

/// Reports StoreStatus.
class StoreMonitor {
public:
    virtual ~StoreMonitor() = default;
    virtual StoreStatus store_status() = 0;
};

/// An outgoing HTTP request.
struct HttpCall {
    std::string method = "GET";
    std::string url;  ///< absolute
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::chrono::milliseconds timeout{30000};        ///< whole exchange
    std::uint64_t max_response_bytes = 40ull << 20;  ///< body size limit
};

/// The answer to an HttpCall. Redirects are not followed; bodies are not decompressed.
struct HttpReply {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  ///< as received
    std::string body;
    /// First header of that name (case-insensitive), if any.
    std::optional<std::string> header(std::string_view name) const;
};

/// The one way out to other HTTP services (repositories, Marathon, Mesos, Admin Router).
/// Throws core::Error: EndpointUriSyntax for an unusable URL, EndpointUriConnection when the
/// host cannot be reached or the connection fails, TimeoutError when the timeout passes,
/// PayloadTooLarge past max_response_bytes. A "file://" URL answers GET from the local disk
/// (200 with the bytes, 404 when missing); the caller decides whether file URLs are allowed.
class HttpClient {
public:
    virtual ~HttpClient() = default;
    virtual HttpReply send(const HttpCall& call) = 0;
};

/// Why an HttpClient call failed, in words, for an error's "cause": the adapter's own cause for a
/// connection failure ("connection refused"), "timed out after <timeout>" for a TimeoutError,
/// else the error's message.
std::string call_failure_cause(const core::Error& error, std::chrono::milliseconds timeout);

/// A duration as people write it: "10 s", "2.5 s", "250 ms".
std::string duration_text(std::chrono::milliseconds duration);

/// Wall-clock time.
class Clock {
public:
    virtual ~Clock() = default;
    virtual std::int64_t now_ms() = 0;
};

}  // namespace cosmos::app
