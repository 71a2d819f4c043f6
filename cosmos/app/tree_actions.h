#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cosmos/core/repo_index.h"
#include "cosmos/core/universe_tree.h"

namespace cosmos::app {

/// A revision folder of a source tree, as a TreeSource names it.
struct RevisionRef {
    std::string letter;
    std::string name;
    std::string revision;
    std::string locator;  ///< where the source finds it (a folder path for the disk source)
};

/// Reads a Universe source tree (port; the disk implementation is adapters::DiskTreeSource).
class TreeSource {
public:
    virtual ~TreeSource() = default;
    /// Every revision folder, sorted by letter, name and revision; layout problems are appended.
    virtual std::vector<RevisionRef> list(std::vector<core::Problem>& problems) = 0;
    /// The files of one revision; read problems are appended. Must be safe to call concurrently.
    virtual core::RevisionSource read(const RevisionRef& ref,
                                      std::vector<core::Problem>& problems) = 0;
};

/// Receives the files of a build (port). Nothing is visible in the destination until commit().
/// write(), write_parts() and write_zip() may be called from two threads at once (for different
/// names); commit() is called alone, after them.
class OutputSink {
public:
    virtual ~OutputSink() = default;
    virtual void write(const std::string& name, std::string_view bytes) = 0;
    /// Writes a file whose bytes are the concatenation of parts. By default the parts are joined
    /// and passed to write(); a sink that can stream them should.
    virtual void write_parts(const std::string& name, const std::vector<std::string_view>& parts);
    /// Writes a deterministic zip archive made of the given (path, bytes) entries.
    virtual void write_zip(const std::string& name,
                           const std::vector<std::pair<std::string, std::string>>& entries) = 0;
    /// Makes everything written visible at once.
    virtual void commit() = 0;
};

/// Called as revisions are done: (done, total).
using ProgressFn = std::function<void(std::size_t, std::size_t)>;

struct TreeOptions {
    bool strict = false;   ///< render failures are errors
    unsigned threads = 0;  ///< 0 = one per hardware thread
    ProgressFn progress;   ///< may be empty
    core::Hasher sha256;   ///< for the digests build records (required by build_repository)
};

/// What a validate or build saw.
struct TreeReport {
    std::vector<core::Problem> problems;  ///< in tree order
    std::size_t packages = 0;
    std::size_t revisions = 0;
    std::uint64_t bytes_read = 0;
    std::uint64_t bytes_written = 0;
    bool ok() const { return !core::has_errors(problems); }
};

/// Checks every revision of a tree (core::check_revision, in parallel) and reports all problems.
TreeReport validate_tree(TreeSource& source, const TreeOptions& options);

/// Validates the tree and, when it has no error, writes the served repository files to sink:
/// universe.json, repo-empty-v3.json, repo-up-to-<release>.json for 1.8 ... 2.0 (each with its
/// .content_type) and the legacy zip repository repo-up-to-1.7.zip, then commits. Entries are
/// ordered by name, then releaseVersion; the output is byte-identical for the same input. With
/// any error nothing is committed.
TreeReport build_repository(TreeSource& source, OutputSink& sink, const TreeOptions& options);

/// The compiled schemas the tree checks use (from schemas/).
const core::TreeSchemas& tree_schemas();

/// The compiled schemas of the served repository formats (from schemas/).
const core::RepoSchemas& repo_schemas();

}  // namespace cosmos::app
