#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cosmos/adapters/zip_archive.h"
#include "cosmos/core/json.h"
#include "cosmos/core/package.h"

namespace cosmos::adapters {

/// A .dcos package bundle, read and checked.
struct Bundle {
    core::Json metadata;               ///< metadata.json as written
    core::Package package;             ///< decoded, with the releaseVersion given to read_bundle()
    std::string sha256;                ///< of the bundle's bytes
    std::vector<std::string> entries;  ///< every file name in the archive
};

/// The limits of a .dcos bundle, as cosmos-server applies them to POST /package/add and
/// repo-tool to what it bundles and inspects: at most 1000 entries, 16 MiB per entry and 64 MiB
/// in all (a bundle holds one package, so these are tighter than a zip repository's).
ZipLimits bundle_limits();

/// Reads a bundle with the zip limits (traversal, links, bombs refused), requires metadata.json
/// at the root (InvalidBundle "missing metadata.json" otherwise), validates it against our
/// metadata schema and decodes it. Throws core::Error (InvalidBundle, PayloadTooLarge).
Bundle read_bundle(std::string_view bytes, core::ReleaseVersion release_version,
                   const ZipLimits& limits = bundle_limits());

/// The bytes of a bundle holding metadata.json (pretty-printed). Deterministic.
std::string write_bundle(const core::Json& metadata);

}  // namespace cosmos::adapters
