#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cosmos/app/ports.h"
#include "cosmos/app/repository_service.h"
#include "cosmos/app/requests.h"
#include "cosmos/core/package.h"

namespace cosmos::app {

/// The name of the local repository in the catalog.
inline constexpr std::string_view kLocalRepositoryName = "local";
/// Its URI, which is also the DCOS_PACKAGE_SOURCE of its packages (Cosmos's local source).
inline constexpr std::string_view kLocalRepositoryUri = "urn:dcos:cosmos:local-repository";

/// The states a local package can be in (cosmos-api.md §18.4).
inline constexpr std::string_view kStatusInstalling = "Installing";
inline constexpr std::string_view kStatusInstalled = "Installed";
inline constexpr std::string_view kStatusFailed = "Failed";
inline constexpr std::string_view kStatusInvalid = "Invalid";

/// A .dcos bundle that passed the archive checks, the metadata schema and decoding.
struct CheckedBundle {
    core::Json metadata;    ///< metadata.json as uploaded
    core::Package package;  ///< decoded; its releaseVersion is assigned by the add
    std::string sha256;     ///< of the uploaded bytes
};

/// Reads and checks the bytes of a .dcos bundle (an adapter: zip limits, traversal, links and
/// bombs refused, metadata.json validated). Throws core::Error (InvalidBundle, PayloadTooLarge)
/// and must not keep anything.
using BundleReader = std::function<CheckedBundle(std::string_view bytes)>;

/// One local package as the state listing reports it.
struct LocalPackageState {
    LocalPackage record;  ///< as stored; status "Invalid" (with an error) when it does not decode
    std::optional<core::Package> package;  ///< the decoded definition, when it decodes
};

/// The local repository: packages published with POST /package/add, stored in a
/// LocalPackageStore, served to the catalog ahead of every configured repository.
///
/// Every add is checked completely before anything is stored, so a refused add leaves nothing
/// behind. The catalog is rebuilt after each change. Adds and deletes of one service are
/// serialised, so releaseVersions are assigned without gaps or duplicates.
class PublishService {
public:
    PublishService(LocalPackageStore& store, RepositoryService& repositories, Clock& clock,
                   BundleReader read_bundle);

    /// Registers the local repository (kLocalRepositoryName, kLocalRepositoryUri) with the
    /// repository service, which consults it first, and rebuilds the catalog.
    void attach();

    /// Adds an uploaded bundle as an Installed local package. Its releaseVersion is one more than
    /// the highest of that name in the local repository (0 for the first); with replace an
    /// existing name+version is overwritten and keeps its releaseVersion. Throws the reader's
    /// errors, and PackageVersionAlreadyExists (409) when the version exists and replace is
    /// false. Returns the stored record.
    LocalPackage add_bundle(std::string_view bytes, bool replace);

    /// Copies a package from the configured repositories (the local one excluded) into the local
    /// repository: the named version, or the package's current one. Throws PackageNotFound /
    /// VersionNotFound, InvalidPackageVersionForAdd for packaging 2.0, and
    /// PackageVersionAlreadyExists as add_bundle. The record's sha256 is empty.
    LocalPackage add_copy(const PackageAddCopyRequest& request, bool replace);

    /// Deletes name+version from the local repository and returns what was stored. Throws
    /// LocalPackageNotFound when absent.
    LocalPackage remove(const std::string& name, const std::string& version);

    /// Every local package, name descending, then releaseVersion descending (as Cosmos listed
    /// them). A definition that no longer decodes is reported as Invalid, with the decode error.
    std::vector<LocalPackageState> list();

    /// The recorded bundle digest of name+version; nullopt when absent or added as a copy.
    std::optional<std::string> digest(const std::string& name, const std::string& version);

    /// The Installed packages that decode: what the catalog serves from the local repository.
    /// Never throws for a bad stored definition (it is skipped).
    std::vector<core::Package> catalog_packages();

private:
    LocalPackage store_new(core::Package package, std::string sha256, bool replace);

    LocalPackageStore& store_;
    RepositoryService& repositories_;
    Clock& clock_;
    BundleReader read_bundle_;
    std::mutex changes_;  // one add or delete at a time
    std::mutex last_mutex_;
    std::vector<core::Package> last_packages_;  // served while the store cannot be read
};

}  // namespace cosmos::app
