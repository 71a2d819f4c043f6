#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cosmos/core/json.h"
#include "cosmos/core/package.h"

namespace cosmos::core {

class JsonSchema;

enum class Severity { kError, kWarning };

/// One finding about a source tree, reported as "<path>: <message>".
struct Problem {
    std::string path;  ///< relative to the tree, e.g. "repo/packages/K/kafka/3/package.json"
    Severity severity = Severity::kError;
    std::string message;
};

/// "<path>: <message>", or "<path>: warning: <message>" for a warning.
std::string format_problem(const Problem& problem);

/// True when any problem is an error.
bool has_errors(const std::vector<Problem>& problems);

/// The files of one revision folder, as read from disk: repo/packages/<letter>/<name>/<revision>/.
struct RevisionSource {
    std::string letter;  ///< folder names exactly as found
    std::string name;
    std::string revision;
    std::string path;                          ///< "repo/packages/<letter>/<name>/<revision>"
    std::map<std::string, std::string> files;  ///< file name -> bytes (regular files only)
    /// False for a lone package folder (a bundle's source): folder names are not checked and the
    /// package name comes from package.json.
    bool layout_checks = true;
};

/// Compiled schemas for the files of a revision (see schemas/README.md).
struct TreeSchemas {
    std::array<const JsonSchema*, 4> package{};  ///< package.json by packaging 2.0, 3.0, 4.0, 5.0
    const JsonSchema* config = nullptr;          ///< config.json must itself be a draft-04 schema
    const JsonSchema* command = nullptr;
    const JsonSchema* resource_v2 = nullptr;
    const JsonSchema* resource_v3 = nullptr;
    /// The same schemas without their "format" keywords, as the Universe's own tools apply them
    /// (may be null). What only the formats object to is then a warning, or an error when strict.
    const TreeSchemas* without_formats = nullptr;
};

struct CheckOptions {
    /// What the Universe's own validator and generator let through but the package service
    /// would trip on is an error rather than a warning: a template that does not render with
    /// its defaults to a JSON object, a package it cannot decode, a config.json it cannot
    /// compile, duplicate keys with different values.
    bool strict = false;
};

/// The outcome for one revision.
struct CheckedRevision {
    std::vector<Problem> problems;
    /// The repository entry, built as the Universe generator builds it (package.json keys in
    /// source order, then releaseVersion, resource, marathon, config, command, each only when
    /// non-empty); set when the revision has no error.
    std::optional<Json> entry;
    std::string name;
    ReleaseVersion release_version = 0;
    std::uint64_t bytes = 0;  ///< total size of the revision's files
};

/// Checks one revision the way the Universe validator does, and more:
/// folder names (letter ^[A-Z]$ matching the name, name pattern, numeric revision); package.json
/// present, ASCII, no escaped non-ASCII or control characters, valid JSON (a duplicate key is a
/// warning: the last value wins, as in Python), valid for its packagingVersion, name equal to the
/// folder; command.json only below 4.0 and valid; config.json a valid draft-04 schema; the
/// template present for 2.0 and compiling; resource.json valid for the packaging version; a CLI
/// in resource.json below DC/OS 1.8 needs command.json. Finally the config.json should compile,
/// and the package decode as Cosmos decodes it and render with its defaults, under Cosmos 0.6
/// rules, to a JSON object. Duplicate keys with different values and these last three are
/// warnings unless options.strict. Unknown files are warnings.
CheckedRevision check_revision(const RevisionSource& source, const TreeSchemas& schemas,
                               const CheckOptions& options);

}  // namespace cosmos::core
