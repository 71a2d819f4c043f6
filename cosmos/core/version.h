#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cosmos::core {

/// A package's version string ("2.10.0-2.4.0"). Opaque: compared for equality only, never parsed.
/// Ordering between revisions goes through ReleaseVersion.
class PackageVersion {
public:
    PackageVersion() = default;
    explicit PackageVersion(std::string value) : value_(std::move(value)) {}
    const std::string& str() const noexcept { return value_; }
    bool operator==(const PackageVersion&) const = default;
    // No ordering on purpose: versions such as "0.2.0-1" and "1.1.0-0.1" carry no usable order.

private:
    std::string value_;
};

/// The integer revision of a package in a repository (the revision folder name). Higher is newer.
using ReleaseVersion = std::uint64_t;

/// Parses a revision folder name ("1200") as a ReleaseVersion: decimal digits only, at most 18;
/// nullopt otherwise.
std::optional<ReleaseVersion> parse_release_version(std::string_view text);

/// A DC/OS release version such as "1.10", "1.9.0" or "2.1.0-beta.1".
///
/// Comparison is numeric per component, left to right. When one list of numbers is a prefix of
/// the other, the shorter one is lower: "1.9" < "1.9.0" < "1.9.1" < "1.10". This is the ordering
/// of Python's LooseVersion, which the Universe generator uses to filter packages by
/// minDcosReleaseVersion (so a package needing "1.9.0" is not served to DC/OS "1.9"). A suffix
/// marks a pre-release: "1.10-dev" < "1.10"; two suffixes compare as strings.
class DcosReleaseVersion {
public:
    /// Parses "<n>(.<n>)*(-<suffix>)?" with no leading zeros; nullopt when malformed.
    static std::optional<DcosReleaseVersion> parse(std::string_view text);

    const std::vector<std::uint64_t>& components() const noexcept { return components_; }
    const std::optional<std::string>& suffix() const noexcept { return suffix_; }
    std::string str() const;

    std::strong_ordering operator<=>(const DcosReleaseVersion& other) const;
    bool operator==(const DcosReleaseVersion& other) const = default;

private:
    std::vector<std::uint64_t> components_;
    std::optional<std::string> suffix_;
};

/// Python LooseVersion comparison of two arbitrary strings, as the Universe generator applies it
/// to minDcosReleaseVersion: split into runs of digits (compared as numbers) and runs of other
/// characters (compared as strings, dots dropped). Returns <0, 0 or >0.
int loose_version_compare(std::string_view a, std::string_view b);

}  // namespace cosmos::core
