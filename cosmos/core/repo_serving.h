#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cosmos/core/repo_index.h"

namespace cosmos::core {

// How a built repository is served: the Universe Server's rules (universe-format.md §7.2), the
// digests that build records in it, and the HTTP caching helpers of `repo-tool serve`.

/// The DC/OS release the Universe Server derives from a User-Agent: "2.0" by default; the
/// header containing "dcos/1.8", "dcos/1.9", "dcos/1.10", "dcos/1.11", "dcos/1.12", "dcos/1.13"
/// or "dcos/2.0" selects that release, tested in this order so that a later match overrides an
/// earlier one.
std::string serving_release(std::optional<std::string_view> user_agent);

/// The repository format (3, 4 or 5) an Accept header asks the Universe Server for: the highest
/// version whose exact media type
/// "application/vnd.dcos.universe.repo+json;charset=utf-8;version=vN" (no spaces, no q-values
/// considered) occurs anywhere in the header; nullopt when none does ("not a JSON Accept").
std::optional<int> requested_repo_version(std::optional<std::string_view> accept);

/// What the Universe Server answers to a GET of one path.
struct ServeTarget {
    enum class Kind {
        kFile,     ///< the bytes of `file`
        kPackage,  ///< {"packages": [the entries of `package_name` in `file`]}
        kNotFound,
    };
    Kind kind = Kind::kNotFound;
    std::string file;          ///< a file of the build output folder (no folders)
    std::string content_type;  ///< of the answer
    std::string package_name;  ///< kPackage only
    /// The answer depends on Accept and User-Agent (the response gets a Vary header).
    bool negotiated = false;
    bool operator==(const ServeTarget&) const = default;
};

/// The Universe Server's routing, with release = serving_release(user_agent) and
/// version = requested_repo_version(accept):
/// - "/repo": with a version, repo-up-to-<release>.json typed as the requested vN media type;
///   without, repo-up-to-<release>.zip as application/zip.
/// - "/repo-1.7": with a version (and release != 1.7), repo-empty-v3.json typed v3; otherwise
///   repo-up-to-1.7.zip as application/zip.
/// - "/package/<name>": the entries of <name> in repo-up-to-<release>.json, typed as the requested
///   vN type, or application/json without a version (upstream then falls through to its static
///   files).
/// - "/<file>" for a top-level file named repo-*.json (application/json) or repo-*.zip
///   (application/zip): that file.
/// - anything else: kNotFound. Whether the file exists is the caller's business (404 when not).
ServeTarget route_repository_request(std::string_view path, std::optional<std::string_view> accept,
                                     std::optional<std::string_view> user_agent);

/// The exact texts of the entries of a repository file written as {"packages": [e1, e2, ...]}
/// (any JSON spacing), in file order; each view points into text. Throws Error
/// (json_parsing_error) when the text is not an object whose "packages" member is an array of
/// objects.
std::vector<std::string_view> split_repository_entries(std::string_view text);

/// A strong entity tag of bytes: a quoted prefix of their SHA-256 followed by suffix
/// ("\"0a1b...\"", "\"0a1b...-gzip\"").
std::string entity_tag(std::string_view bytes, const Hasher& sha256, std::string_view suffix = "");

/// True when an If-None-Match header matches one of tags: "*", or a listed tag equal to one of
/// them under the weak comparison (a "W/" prefix is ignored).
bool if_none_match_hits(std::string_view if_none_match, const std::vector<std::string>& tags);

/// True when an Accept-Encoding header accepts gzip: a "gzip" (or "x-gzip") or "*" coding whose
/// q-value is not zero. Codings are case-insensitive; an explicit "gzip;q=0" wins over "*".
bool accepts_gzip(std::optional<std::string_view> accept_encoding);

}  // namespace cosmos::core
