#include "cosmos/app/publish_service.h"

#include <algorithm>
#include <utility>

#include "cosmos/core/catalog.h"
#include "cosmos/core/error.h"

namespace cosmos::app {

namespace {

std::optional<core::Package> decoded(const LocalPackage& record, core::Json* error) {
    try {
        return core::decode_package(record.definition);
    } catch (const core::Error& e) {
        if (error) *error = e.to_json();
    } catch (const std::exception& e) {
        if (error) *error = core::unhandled_exception(e.what()).to_json();
    }
    return std::nullopt;
}

}  // namespace

PublishService::PublishService(LocalPackageStore& store, RepositoryService& repositories,
                               Clock& clock, BundleReader read_bundle)
    : store_(store),
      repositories_(repositories),
      clock_(clock),
      read_bundle_(std::move(read_bundle)) {}

void PublishService::attach() {
    repositories_.set_local_repository(std::string(kLocalRepositoryName),
                                       std::string(kLocalRepositoryUri),
                                       [this] { return catalog_packages(); });
    repositories_.rebuild();
}

LocalPackage PublishService::add_bundle(std::string_view bytes, bool replace) {
    // Everything is checked before the store is touched: a refused bundle leaves nothing.
    CheckedBundle bundle = read_bundle_(bytes);
    return store_new(std::move(bundle.package), std::move(bundle.sha256), replace);
}

LocalPackage PublishService::add_copy(const PackageAddCopyRequest& request, bool replace) {
    auto catalog = repositories_.catalog();
    std::vector<std::shared_ptr<const core::RepositoryContent>> upstream;
    for (const auto& repository : catalog->repositories()) {
        if (repository->uri != kLocalRepositoryUri) upstream.push_back(repository);
    }
    // Copying from the local repository itself would be a no-op, so it is left out of the
    // selection, which otherwise follows describe's rules.
    core::Catalog configured(std::move(upstream));
    const auto& entry = configured.select(request.package_name, request.package_version);
    const core::Package& package = *entry.package;
    if (package.packaging_version == core::PackagingVersion::k2_0) {
        throw core::invalid_package_version_for_add(package.name, package.version.str());
    }
    return store_new(package, "", replace);
}

LocalPackage PublishService::store_new(core::Package package, std::string sha256, bool replace) {
    std::lock_guard lock(changes_);
    const std::string version = package.version.str();
    std::optional<core::ReleaseVersion> existing;
    std::optional<core::ReleaseVersion> highest;
    for (const auto& stored : store_.list_packages()) {
        if (stored.name != package.name) continue;
        auto release =
            static_cast<core::ReleaseVersion>(std::max<std::int64_t>(0, stored.release_version));
        if (!highest || release > *highest) highest = release;
        if (stored.version == version) existing = release;
    }
    if (existing && !replace) throw core::package_version_exists(package.name, version);
    // A replacement keeps its place among the package's revisions.
    package.release_version = existing ? *existing : (highest ? *highest + 1 : 0);

    LocalPackage record;
    record.name = package.name;
    record.version = version;
    record.release_version = static_cast<std::int64_t>(package.release_version);
    record.definition = core::encode_package(package);
    record.sha256 = std::move(sha256);
    record.status = std::string(kStatusInstalled);
    record.added_at_ms = clock_.now_ms();
    store_.put(record, replace);
    repositories_.rebuild();
    return record;
}

LocalPackage PublishService::remove(const std::string& name, const std::string& version) {
    std::lock_guard lock(changes_);
    std::optional<LocalPackage> found;
    for (auto& stored : store_.list_packages()) {
        if (stored.name == name && stored.version == version) found = std::move(stored);
    }
    if (!found || !store_.remove(name, version)) throw core::local_package_not_found(name, version);
    repositories_.rebuild();
    return std::move(*found);
}

std::vector<LocalPackageState> PublishService::list() {
    std::vector<LocalPackageState> out;
    for (auto& stored : store_.list_packages()) {
        LocalPackageState state;
        core::Json error;
        state.package = decoded(stored, &error);
        state.record = std::move(stored);
        if (!state.package) {
            state.record.status = std::string(kStatusInvalid);
            state.record.error = std::move(error);
        }
        out.push_back(std::move(state));
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        if (a.record.name != b.record.name) return a.record.name > b.record.name;
        return a.record.release_version > b.record.release_version;
    });
    return out;
}

std::optional<std::string> PublishService::digest(const std::string& name,
                                                  const std::string& version) {
    for (const auto& stored : store_.list_packages()) {
        if (stored.name == name && stored.version == version && !stored.sha256.empty()) {
            return stored.sha256;
        }
    }
    return std::nullopt;
}

std::vector<core::Package> PublishService::catalog_packages() {
    std::vector<LocalPackage> stored;
    try {
        stored = store_.list_packages();
    } catch (const std::exception&) {
        // The catalog keeps serving the last packages it knew rather than losing them.
        std::lock_guard lock(last_mutex_);
        return last_packages_;
    }
    std::vector<core::Package> packages;
    for (const auto& record : stored) {
        if (record.status != kStatusInstalled) continue;
        if (auto package = decoded(record, nullptr)) packages.push_back(std::move(*package));
    }
    std::lock_guard lock(last_mutex_);
    last_packages_ = packages;
    return packages;
}

}  // namespace cosmos::app
