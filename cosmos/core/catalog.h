#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "cosmos/core/json.h"
#include "cosmos/core/package.h"

namespace cosmos::core {

/// The decoded packages of one repository.
struct RepositoryContent {
    std::string name;
    std::string uri;
    std::vector<Package> packages;
};

/// One package of the merged catalog and the repository it came from.
struct CatalogEntry {
    const Package* package = nullptr;
    std::size_t repository_index = 0;  ///< 0 = highest priority
    const std::string* repository_uri = nullptr;
    const std::string* repository_name = nullptr;
};

/// The repository a package was taken from (our addition to search and describe answers).
struct PackageSource {
    std::string name;
    std::string uri;
};

/// {"name", "uri"}: the `repository` member of search results and describe answers.
Json encode_package_source(const PackageSource& source);

/// One row of a search result.
struct SearchResult {
    std::string name;
    std::string current_version;
    std::vector<std::pair<std::string, ReleaseVersion>> versions;  ///< merged order
    std::string description;
    bool framework = false;
    std::vector<std::string> tags;
    std::optional<bool> selected;
    std::optional<Images> images;
    std::optional<std::vector<License>> licenses;  ///< our addition; clients ignore it
    PackageSource repository;  ///< our addition: the repository of the first entry of the name
};

/// Rewrites a resource URL for a response (the /package/resource proxy form) or returns it.
using UrlRewriter = std::function<std::string(const std::string&)>;

/// The search response element: name, currentVersion, versions, description, framework, tags,
/// selected?, images? (URLs rewritten), licenses?, repository.
Json encode_search_result(const SearchResult& result, const UrlRewriter& rewrite);

/// The packages of all configured repositories, merged with Cosmos's rules. Immutable; cheap to
/// share between threads.
class Catalog {
public:
    Catalog() = default;

    /// Merges repositories given in priority order (index 0 first). For each (name, version) the
    /// entry from the lowest repository index wins, and inside one repository the highest
    /// releaseVersion; survivors are ordered by name, repository index, then releaseVersion
    /// descending.
    explicit Catalog(std::vector<std::shared_ptr<const RepositoryContent>> repositories);

    /// All merged entries in merged order.
    const std::vector<CatalogEntry>& entries() const noexcept { return entries_; }

    /// The merged entries of one package name (empty when unknown), in merged order.
    std::span<const CatalogEntry> named(std::string_view name) const;

    /// Selection for describe, render and install: the first entry of the name, or the first with
    /// exactly that version. Throws PackageNotFound / VersionNotFound.
    const CatalogEntry& select(std::string_view name,
                               const std::optional<std::string>& version) const;

    /// Search: no query or "" -> all; a query with "*" -> case-sensitive glob that must match a
    /// whole name, whole description or whole tag ("*" does not cross line ends); otherwise a
    /// case-insensitive substring of name, description or a tag. Selected packages first, then
    /// by name.
    std::vector<SearchResult> search(const std::optional<std::string>& query) const;

    /// version -> releaseVersion of every merged entry of a name. Throws PackageNotFound.
    std::vector<std::pair<std::string, ReleaseVersion>> list_versions(std::string_view name) const;

    /// Versions of the name whose upgradesFrom holds current_version or "*", in merged order.
    std::vector<std::string> upgrades_to(std::string_view name,
                                         std::string_view current_version) const;

    /// Versions of the name that current's downgradesTo holds (or all, for "*"), merged order.
    std::vector<std::string> downgrades_to(const Package& current) const;

    /// True when url is a resource URL (asset, icon, screenshot or CLI binary) of any package in
    /// any repository: the resource proxy's allow-list.
    bool allows_url(std::string_view url) const;

    /// The repositories this catalog was built from, in priority order.
    const std::vector<std::shared_ptr<const RepositoryContent>>& repositories() const noexcept {
        return repositories_;
    }

private:
    std::vector<std::shared_ptr<const RepositoryContent>> repositories_;
    std::vector<CatalogEntry> entries_;
    std::unordered_set<std::string> allowed_urls_;
};

/// The glob match of search: "*" matches any run of characters except line terminators; the
/// rest matches literally and case-sensitively; the whole text must match.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace cosmos::core
