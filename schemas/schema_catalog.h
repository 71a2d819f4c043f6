#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "cosmos/core/json_schema.h"

namespace cosmos::schemas {

/// The prefix of the URI under which each embedded schema file is registered: the file
/// "package-schema.json" is "https://schemas.universe.invalid/package-schema.json". The
/// ".invalid" domain never resolves; these URIs are names, not locations.
inline constexpr std::string_view kSchemaBaseUri = "https://schemas.universe.invalid/";

// Refs for compiled(), by the document they validate.
/// package.json of any packaging version.
inline constexpr std::string_view kPackage = "package-schema.json";
/// package.json of one packaging version.
inline constexpr std::string_view kPackage20 = "package-schema.json#/definitions/v20Package";
inline constexpr std::string_view kPackage30 = "package-schema.json#/definitions/v30Package";
inline constexpr std::string_view kPackage40 = "package-schema.json#/definitions/v40Package";
inline constexpr std::string_view kPackage50 = "package-schema.json#/definitions/v50Package";
/// config.json (a draft-04 meta-schema).
inline constexpr std::string_view kConfig = "config-schema.json";
/// command.json (packaging 2.0 and 3.0).
inline constexpr std::string_view kCommand = "command-schema.json";
/// resource.json of packaging 2.0, and of 3.0 to 5.0.
inline constexpr std::string_view kResourceV2 = "resource-v2-schema.json";
inline constexpr std::string_view kResourceV3 = "resource-v3-schema.json";
/// One repository entry of a given packaging version.
inline constexpr std::string_view kRepoEntry20 =
    "repository-package-schema.json#/definitions/v20Package";
inline constexpr std::string_view kRepoEntry30 =
    "repository-package-schema.json#/definitions/v30Package";
inline constexpr std::string_view kRepoEntry40 =
    "repository-package-schema.json#/definitions/v40Package";
inline constexpr std::string_view kRepoEntry50 =
    "repository-package-schema.json#/definitions/v50Package";
/// One entry as a repository file of media type version v3 (packaging 2.0, 3.0), v4 (2.0 to 4.0)
/// or v5 (2.0 to 5.0) accepts it.
inline constexpr std::string_view kRepoEntryV3 =
    "repository-v3-schema.json#/properties/packages/items";
inline constexpr std::string_view kRepoEntryV4 =
    "repository-v4-schema.json#/properties/packages/items";
inline constexpr std::string_view kRepoEntryV5 =
    "repository-v5-schema.json#/properties/packages/items";
/// A whole repository file of media type version v3, v4 or v5.
inline constexpr std::string_view kRepositoryV3 = "repository-v3-schema.json";
inline constexpr std::string_view kRepositoryV4 = "repository-v4-schema.json";
inline constexpr std::string_view kRepositoryV5 = "repository-v5-schema.json";
/// metadata.json of a .dcos bundle.
inline constexpr std::string_view kMetadata = "metadata-schema.json";

/// kSchemaBaseUri + file_name.
std::string uri_of(std::string_view file_name);

/// Every embedded schema (schemas/*.json), parsed on first use and registered under uri_of(file).
/// Thread-safe; lives until the program ends.
const cosmos::core::SchemaRegistry& registry();

/// The schema named by ref, "<file>.json" or "<file>.json#<JSON pointer>" (for example
/// "repository-package-schema.json#/definitions/v30Package"), compiled on first use and cached for
/// the life of the program. Thread-safe. Throws core::Error (JsonDecodingError) for a file that is
/// not embedded or a pointer that names no schema.
std::shared_ptr<const cosmos::core::JsonSchema> compiled(std::string_view ref);

/// compiled(ref) with every "format" keyword of the embedded schemas left out: the schemas as the
/// Universe's own validator and generator apply them (Python jsonschema without a format
/// checker). Same caching and errors as compiled().
std::shared_ptr<const cosmos::core::JsonSchema> compiled_without_formats(std::string_view ref);

}  // namespace cosmos::schemas
