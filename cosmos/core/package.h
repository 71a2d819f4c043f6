#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cosmos/core/json.h"
#include "cosmos/core/version.h"

namespace cosmos::core {

/// The four packaging formats of the Universe.
enum class PackagingVersion { k2_0, k3_0, k4_0, k5_0 };

/// "2.0", "3.0", "4.0" or "5.0".
std::string_view to_string(PackagingVersion v);
/// Parses a packagingVersion value; nullopt for anything else.
std::optional<PackagingVersion> parse_packaging_version(std::string_view text);

/// An ordered string-to-string map (keys keep their source order).
using StringMap = std::vector<std::pair<std::string, std::string>>;

struct License {
    std::string name;
    std::string url;
    bool operator==(const License&) const = default;
};

struct HashInfo {
    std::string algo;
    std::string value;
    bool operator==(const HashInfo&) const = default;
};

struct CliBinary {
    std::string kind;  ///< "executable" or "zip"
    std::string url;
    std::vector<HashInfo> content_hash;
    bool operator==(const CliBinary&) const = default;
};

/// resource.cli: one x86-64 binary per operating system.
struct CliInfo {
    bool has_binaries = false;  ///< "binaries" present (it may hold no platform at all)
    std::optional<CliBinary> windows;
    std::optional<CliBinary> linux_x86_64;
    std::optional<CliBinary> darwin;
    bool operator==(const CliInfo&) const = default;
};

struct Images {
    std::optional<std::string> icon_small;
    std::optional<std::string> icon_medium;
    std::optional<std::string> icon_large;
    std::optional<std::vector<std::string>> screenshots;
    bool operator==(const Images&) const = default;
};

struct Assets {
    std::optional<StringMap> uris;
    std::optional<StringMap> docker;  ///< assets.container.docker (container present iff set)
    bool operator==(const Assets&) const = default;
};

struct Resource {
    std::optional<Assets> assets;
    std::optional<Images> images;
    std::optional<CliInfo> cli;  ///< 3.0 and later only
    bool operator==(const Resource&) const = default;
};

/// manager (5.0): a custom package manager that handles this package.
struct Manager {
    std::string package_name;
    std::optional<std::string> min_package_version;
    bool operator==(const Manager&) const = default;
};

/// One package revision, normalised from any packaging version. Fields a packaging version does
/// not have stay empty (decode drops them; encode never writes them).
struct Package {
    PackagingVersion packaging_version = PackagingVersion::k3_0;
    std::string name;
    PackageVersion version;
    ReleaseVersion release_version = 0;
    std::string maintainer;
    std::string description;
    std::vector<std::string> tags;
    std::optional<bool> selected;
    std::optional<std::string> scm;
    std::optional<std::string> website;
    std::optional<bool> framework;
    std::optional<std::string> pre_install_notes;
    std::optional<std::string> post_install_notes;
    std::optional<std::string> post_uninstall_notes;
    std::optional<std::vector<License>> licenses;
    std::optional<std::string> min_dcos_release_version;  ///< 3.0+
    /// marathon.v2AppMustacheTemplate as stored: standard base64 of the template bytes.
    std::optional<SharedText> marathon_template_base64;
    std::optional<Resource> resource;
    std::optional<JsonText> config;                         ///< a JSON Schema object
    std::optional<std::vector<std::string>> command_pip;    ///< command.pip (2.0 and 3.0)
    std::optional<std::int64_t> last_updated;               ///< 3.0+
    std::optional<bool> has_known_issues;                   ///< 3.0+
    std::optional<std::vector<std::string>> upgrades_from;  ///< 4.0+
    std::optional<std::vector<std::string>> downgrades_to;  ///< 4.0+
    std::optional<Manager> manager;                         ///< 5.0

    bool operator==(const Package&) const = default;

    /// The template text (base64-decoded); nullopt for CLI-only packages.
    std::optional<std::string> marathon_template() const;
    /// framework, defaulting to false.
    bool is_framework() const { return framework.value_or(false); }
    /// selected, defaulting to false.
    bool is_selected() const { return selected.value_or(false); }
    /// Cosmos quirk: its description accessor returns the maintainer for 5.0 packages. Search
    /// results and search matching use this; describe does not.
    const std::string& search_description() const;
};

/// Decodes a package definition as found in a repository file (or in a storage envelope).
/// Unknown fields are ignored, fields of later packaging versions are dropped. Throws Error
/// (JsonDecodingError) naming the first field that does not decode, e.g.
/// "Expected one of [2.0, 3.0, 4.0, 5.0] for packaging version, but found [6.0]".
Package decode_package(const Json& definition);

/// How absent optional fields are written.
enum class Nulls {
    kDrop,   ///< omitted (API responses)
    kWrite,  ///< written as null (the inner JSON of the DCOS_PACKAGE_DEFINITION envelope)
};

/// Encodes in Cosmos's canonical field order for the package's packaging version (describe v3,
/// the storage envelope, service describe).
Json encode_package(const Package& package, Nulls nulls = Nulls::kDrop);

/// Encodes a resource object. with_cli=false gives the 2.0 shape (assets and images only).
Json encode_resource(const Resource& resource, bool with_cli, Nulls nulls = Nulls::kDrop);

/// The flat describe v2 body. Throws ConversionFromPackageToV2DescribeResponse for 5.0 packages
/// and 4.0 packages that have upgradesFrom or downgradesTo entries.
Json encode_describe_v2(const Package& package);

/// /package/list "packageDefinition" (v1 package information: no releaseVersion, selected and
/// framework always written).
Json encode_list_definition(const Package& package);

/// Every URL that the resource proxy may fetch: assets.uris values, icons, screenshots and CLI
/// binary URLs, in encoding order.
std::vector<std::string> resource_urls(const Resource& resource);

/// Returns a copy whose URL fields (assets.uris, images, cli binaries) went through rewrite.
/// Docker image names are left alone.
Resource rewrite_resource_urls(const Resource& resource,
                               const std::function<std::string(const std::string&)>& rewrite);

}  // namespace cosmos::core
