#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cosmos/core/json.h"
#include "cosmos/core/package.h"
#include "cosmos/core/universe_tree.h"

namespace cosmos::core {

class JsonSchema;

/// Lower-case hexadecimal SHA-256 of bytes. Core computes no digests itself: the caller passes
/// the digest adapter (OpenSSL) in.
using Hasher = std::function<std::string(std::string_view)>;

/// A DC/OS release that gets its own repository file, and that file's repository format.
struct DcosTarget {
    std::string_view release;
    int repo_version;  ///< 3, 4 or 5
};

/// The releases the Universe generator writes repo-up-to-<release>.json for, oldest first.
inline constexpr std::array<DcosTarget, 7> kDcosTargets{
    {{"1.8", 3}, {"1.9", 3}, {"1.10", 4}, {"1.11", 4}, {"1.12", 5}, {"1.13", 5}, {"2.0", 5}}};

/// The DC/OS release of the legacy zip repository (DC/OS 1.6.1 and 1.7).
inline constexpr std::string_view kLegacyZipRelease = "1.7";

/// "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v<N>".
std::string repo_media_type(int repo_version);

/// The repository format served to a DC/OS release: v3 up to 1.9, v4 up to 1.11, v5 after.
int repo_version_for(std::string_view dcos_release);

/// Whether an entry is served to a DC/OS release: LooseVersion(minDcosReleaseVersion or "0.0")
/// <= LooseVersion(release), as the generator filters ("1.9.0" is not served to "1.9").
bool served_to(const Json& entry, std::string_view dcos_release);

/// The generator's escape compatibility for DC/OS before 1.10: in config.properties (recursively
/// through object properties that have properties), each description, and each default of a
/// "string" property, gets a backslash before every double quote not already preceded by one.
Json escape_config_for_old_dcos(const Json& config);

/// The pre-1.10 form of an entry: escape compatibility, and packaging 4.0/5.0 downgraded to 3.0
/// (upgradesFrom and downgradesTo removed).
Json downgrade_for_old_dcos(const Json& entry);

/// Entry schemas of the served repository formats (each accepts one package entry).
struct RepoSchemas {
    const JsonSchema* entry_v3 = nullptr;  ///< packaging 2.0 / 3.0
    const JsonSchema* entry_v4 = nullptr;  ///< + 4.0
    const JsonSchema* entry_v5 = nullptr;  ///< + 5.0
    /// The same schemas without their "format" keywords, as the Universe generator applies them
    /// (may be null). What only the formats object to is then a warning, or an error when strict.
    const RepoSchemas* without_formats = nullptr;
};

/// One repository entry turned into the text of every form it is served in.
struct PreparedEntry {
    std::string name;
    ReleaseVersion release_version = 0;
    std::string text;                     ///< Python-style JSON of the entry (1.10 and later)
    std::optional<std::string> old_text;  ///< the pre-1.10 form, when served to 1.8 or 1.9
    std::array<bool, kDcosTargets.size()> served{};  ///< per kDcosTargets
    /// The files of the legacy zip repository (paths under "universe/"), when served to 1.7.
    std::vector<std::pair<std::string, std::string>> legacy_files;
    /// Index data for the legacy zip (values of this revision).
    Json legacy_index = nullptr;
    std::vector<Problem> problems;  ///< entries that do not fit a served format
};

/// Prepares an entry: the served texts, the DC/OS releases it reaches, and validation of each form
/// against the repository format of each release that gets it. path names the revision in
/// problems. With with_texts false only the validation is done (no texts, no legacy files).
/// strict: see RepoSchemas::without_formats.
PreparedEntry prepare_entry(const Json& entry, std::string_view path, const RepoSchemas& schemas,
                            bool with_texts = true, bool strict = false);

/// Orders prepared entries by name, then releaseVersion (the output is deterministic).
void sort_entries(std::vector<PreparedEntry>& entries);

/// The extra member that build appends to every served entry (clients ignore unknown fields):
/// `"sha256": "<hex>"`, the SHA-256 of the entry's served text without that member.
inline constexpr std::string_view kEntryDigestField = "sha256";

/// The served text of an entry with its digest member appended: `{..., "sha256": "<hex>"}`
/// where <hex> is the SHA-256 of text. text must be a Python-style JSON object ending in "}".
std::string with_entry_digest(std::string_view text, const Hasher& sha256);

/// Appends the digest member to every served text of the entries (text and old_text). Run after
/// the entries were validated: the repository schemas do not allow the extra member.
void add_entry_digests(std::vector<PreparedEntry>& entries, const Hasher& sha256);

/// add_entry_digests() for one entry.
void add_entry_digest(PreparedEntry& entry, const Hasher& sha256);

/// A served entry's digest: the recorded hex and the SHA-256 of the text it should cover.
struct EntryDigest {
    std::string recorded;
    std::string computed;
    bool ok() const { return recorded == computed; }
};

/// Reads the digest member that with_entry_digest() appended; nullopt when the text does not end
/// with one.
std::optional<EntryDigest> read_entry_digest(std::string_view served_text, const Hasher& sha256);

/// The served repository files, in the order they are written: universe.json (+ .content_type,
/// v5), repo-empty-v3.json (+ .content_type), then repo-up-to-<release>.json (+ .content_type)
/// for each kDcosTargets release. Calls sink(file name, parts) for each, one at a time, where the
/// file's bytes are the concatenation of parts: the views point into entries (and static text),
/// so no file is ever assembled in memory.
template <typename Sink>
void for_each_repository_file(const std::vector<PreparedEntry>& entries, Sink&& sink);

/// for_each_repository_file() with each file assembled: sink(file name, bytes).
template <typename Sink>
void assemble_repository_files(const std::vector<PreparedEntry>& entries, Sink&& sink);

/// The entries of the legacy zip repository (repo-up-to-1.7.zip): universe/repo/meta/index.json,
/// universe/repo/meta/version.json and each package's files, in a fixed order.
std::vector<std::pair<std::string, std::string>> legacy_zip_files(
    const std::vector<PreparedEntry>& entries);

// --- template definition ---

namespace detail {
std::vector<std::string_view> packages_file_parts(const std::vector<PreparedEntry>& entries,
                                                  int target_index);
std::string join(const std::vector<std::string_view>& parts);
}  // namespace detail

template <typename Sink>
void for_each_repository_file(const std::vector<PreparedEntry>& entries, Sink&& sink) {
    static const std::string kEmpty = "{\"packages\": []}";
    static const std::string kV3 = repo_media_type(3);
    static const std::string kV5 = repo_media_type(5);
    sink(std::string("universe.json"), detail::packages_file_parts(entries, -1));
    sink(std::string("universe.content_type"), std::vector<std::string_view>{kV5});
    sink(std::string("repo-empty-v3.json"), std::vector<std::string_view>{kEmpty});
    sink(std::string("repo-empty-v3.content_type"), std::vector<std::string_view>{kV3});
    for (std::size_t i = 0; i < kDcosTargets.size(); ++i) {
        std::string base = "repo-up-to-" + std::string(kDcosTargets[i].release);
        sink(base + ".json", detail::packages_file_parts(entries, static_cast<int>(i)));
        const std::string type = repo_media_type(kDcosTargets[i].repo_version);
        sink(base + ".content_type", std::vector<std::string_view>{type});
    }
}

template <typename Sink>
void assemble_repository_files(const std::vector<PreparedEntry>& entries, Sink&& sink) {
    for_each_repository_file(
        entries, [&](const std::string& name, const std::vector<std::string_view>& parts) {
            sink(name, detail::join(parts));
        });
}

}  // namespace cosmos::core
