#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cosmos/core/json.h"
#include "cosmos/core/package.h"

namespace cosmos::core {

class JsonSchema;

/// Decodes a repository document {"packages": [...]} (the v3, v4 and v5 formats decode alike).
/// One package that does not decode fails the whole repository (JsonDecodingError), as in Cosmos.
std::vector<Package> decode_repository_json(std::string_view body);

/// As decode_repository_json, for a document already parsed.
std::vector<Package> decode_repository(const Json& document);

/// Decodes a legacy zip repository (DC/OS 1.6.1-1.7) from its files (path, bytes):
/// */*/meta/index.json must exist (IndexNotFound) with a version starting with "2."
/// (UnsupportedRepositoryVersion); each */*/packages/<L>/<name>/<rev>/ needs package.json
/// (PackageFileMissing) and marathon.json.mustache; bad JSON gives PackageFileNotJson and a
/// package.json that fails package_schema (may be null) PackageFileSchemaMismatch. Every package
/// becomes packaging 2.0 with releaseVersion = rev. repo_uri names the repository in errors.
std::vector<Package> decode_zip_repository(
    const std::vector<std::pair<std::string, std::string>>& files, std::string_view repo_uri,
    const JsonSchema* package_schema);

/// The packages of a built universe.json as a repository server would serve them to a DC/OS
/// release: entries filtered by minDcosReleaseVersion, and in their pre-1.10 form for older
/// releases. Used for the repository compiled into the server.
std::vector<Package> packages_for_dcos(const Json& universe_document,
                                       std::string_view dcos_release);

}  // namespace cosmos::core
