#include "cosmos/adapters/bundle_file.h"

#include "cosmos/adapters/digest.h"
#include "cosmos/core/bundle.h"
#include "cosmos/core/error.h"
#include "schemas/schema_catalog.h"

namespace cosmos::adapters {

ZipLimits bundle_limits() {
    ZipLimits limits;
    limits.max_entries = 1000;
    limits.max_entry_bytes = 16ull << 20;
    limits.max_total_bytes = 64ull << 20;
    return limits;
}

Bundle read_bundle(std::string_view bytes, core::ReleaseVersion release_version,
                   const ZipLimits& limits) {
    Bundle bundle;
    bundle.sha256 = sha256_hex(bytes);
    auto files = read_zip(bytes, limits);
    const ArchiveEntry* metadata = nullptr;
    for (const auto& f : files) {
        bundle.entries.push_back(f.path);
        if (f.path == core::kBundleMetadataEntry) metadata = &f;
    }
    if (!metadata) {
        throw core::invalid_bundle("missing metadata.json at the root of the archive");
    }
    auto schema = schemas::compiled(schemas::kMetadata);
    bundle.package =
        core::package_from_bundle_metadata(metadata->data, schema.get(), release_version);
    bundle.metadata = core::parse_json(metadata->data);
    return bundle;
}

std::string write_bundle(const core::Json& metadata) {
    return write_zip({{std::string(core::kBundleMetadataEntry), metadata.dump(2) + "\n"}});
}

}  // namespace cosmos::adapters
