#pragma once

#include <string>
#include <string_view>

#include "cosmos/core/json.h"
#include "cosmos/core/package.h"

namespace cosmos::core {

class JsonSchema;

/// The name of the one required entry of a .dcos bundle.
inline constexpr std::string_view kBundleMetadataEntry = "metadata.json";

/// The metadata.json of a .dcos bundle for a repository entry (packaging 3.0 and later): the
/// package's fields without releaseVersion, selected and command, with marathon, resource and
/// config embedded. Throws InvalidBundle for a 2.0 package (bundles start at 3.0, as in Cosmos).
Json bundle_metadata(const Json& entry);

/// Reads a bundle's metadata.json text: parses it, validates it against metadata_schema (may be
/// null) and decodes it as a package with the given releaseVersion. Throws InvalidBundle with
/// every violation in its message, or with the parse error.
Package package_from_bundle_metadata(std::string_view metadata_text,
                                     const JsonSchema* metadata_schema,
                                     ReleaseVersion release_version);

}  // namespace cosmos::core
