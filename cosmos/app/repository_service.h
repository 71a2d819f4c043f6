#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cosmos/app/ports.h"
#include "cosmos/app/repository_fetch.h"
#include "cosmos/core/catalog.h"
#include "cosmos/core/render.h"

namespace cosmos::app {

/// What the server knows about one configured repository (the list plus our extra fields).
struct RepositoryStatus {
    RepositoryRef ref;
    std::size_t packages = 0;   ///< distinct package names served
    std::size_t revisions = 0;  ///< package revisions served (every name and version)
    std::optional<std::int64_t> fetched_at_ms;  ///< of the content being served
    std::optional<double> age_seconds;          ///< now minus fetched_at_ms, set by status()
    std::optional<std::int64_t> last_attempt_ms;
    std::optional<core::Json> last_error;  ///< error body of the last failed refresh
    std::uint64_t successes = 0;
    std::uint64_t failures = 0;
    std::uint64_t not_modified = 0;
};

/// Settings of the repository service.
struct RepositoryConfig {
    FetchSettings fetch;  ///< background refreshes
    /// An interactive add makes one attempt, without retries or pauses, bounded by this.
    std::chrono::milliseconds add_timeout{10000};
    std::string dcos_version = "2.1";
    /// Repositories compiled into the server: URI ("builtin:<name>") -> universe.json text.
    std::map<std::string, std::string> builtin;
    /// file:// URIs the server's own configuration names; the API never accepts file URIs.
    std::set<std::string> configured_file_uris;
    Unzipper unzip;
    core::Codec codec;
    /// Called after each repository is decoded, to return freed memory (may be empty).
    std::function<void()> release_memory;
};

/// Repository list, downloads and the merged catalog. Requests never wait for an upstream: the
/// catalog is rebuilt from stored content and replaced atomically after each refresh.
class RepositoryService {
public:
    RepositoryService(RepositoryStore& store, HttpClient& client, Clock& clock,
                      RepositoryConfig config);

    /// The current merged catalog (never null; empty before anything was loaded).
    std::shared_ptr<const core::Catalog> catalog() const;

    /// Builds the catalog from the stored list and content (start-up: serves at once).
    void load_stored();

    /// Downloads every repository once, in priority order. A repository that fails keeps its
    /// last good content; the failure is kept in its status. Rebuilds the catalog.
    void refresh();

    /// Downloads only the listed repositories that have no content yet (added by another
    /// instance), as refresh() does.
    void refresh_missing();

    /// Follows a list another instance changed: forgets the repositories no longer listed (and
    /// this instance's stored copy of their content) and rebuilds the catalog. Returns true when
    /// a listed repository has no content yet, for refresh_missing().
    bool sync_list();

    /// The list in priority order, with status (age_seconds as of this call).
    std::vector<RepositoryStatus> status() const;

    /// The list in priority order (Cosmos: read from the store, not from a cache).
    std::vector<RepositoryRef> list();

    /// Cosmos's add: http(s) only (UnsupportedRepositoryUri), downloaded once in a single attempt
    /// bounded by add_timeout (any failure fails the add, with a "cause"), then inserted at index
    /// (appended when absent; RepositoryAddIndexOutOfBounds, RepositoryAlreadyPresent). Returns the
    /// new list.
    std::vector<RepositoryRef> add(const std::string& name, const std::string& uri,
                                   std::optional<std::int64_t> index);

    /// Cosmos's delete: by name and/or uri, both must match when both are given
    /// (RepoNameOrUriMissing, RepositoryNotPresent). Returns the new list.
    std::vector<RepositoryRef> remove(const std::optional<std::string>& name,
                                      const std::optional<std::string>& uri);

    /// Adds a repository that is always consulted first (the local repository of published
    /// packages); provider returns its current packages. Rebuild with rebuild().
    void set_local_repository(std::string name, std::string uri,
                              std::function<std::vector<core::Package>()> provider);

    /// Rebuilds the catalog from what is stored (after the local repository changes).
    void rebuild();

    /// Seconds since the oldest content being served was fetched (0 when nothing is loaded).
    double index_age_seconds() const;

private:
    struct Decoded {
        std::int64_t fetched_at = 0;
        std::shared_ptr<const core::RepositoryContent> content;
    };

    Fetched download(const RepositoryRef& ref, const std::optional<std::string>& etag,
                     bool during_add);
    std::shared_ptr<const core::RepositoryContent> decode(const RepositoryRef& ref,
                                                          const StoredContent& content);
    void rebuild_locked();
    void forget_locked(const std::string& uri);  // what this instance holds for a repository
    void refresh_where(const std::function<bool(bool have_content)>& wanted);

    RepositoryStore& store_;
    HttpClient& client_;
    Clock& clock_;
    RepositoryConfig config_;

    mutable std::mutex mutex_;  // guards everything below
    std::shared_ptr<const core::Catalog> catalog_;
    std::map<std::string, Decoded> decoded_;          // by URI
    std::map<std::string, RepositoryStatus> status_;  // by URI
    std::map<std::string, std::string> etags_;        // by URI, of the content being served
    std::vector<RepositoryRef> refs_;
    std::optional<RepositoryRef> local_ref_;
    std::function<std::vector<core::Package>()> local_provider_;
    std::mutex refresh_mutex_;  // one refresh at a time
};

}  // namespace cosmos::app
