#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "cosmos/core/universe_tree.h"

namespace cosmos::adapters {

/// Where one revision folder of a source tree is.
struct RevisionLocation {
    std::string letter;
    std::string name;
    std::string revision;
    std::filesystem::path folder;
};

/// The revision folders of a Universe source tree (TREE/repo/packages/<L>/<name>/<rev>/), sorted
/// by letter, name, then revision (numerically where numeric). Anything that is not laid out that
/// way (a missing repo/packages, stray files between the levels, a package without revisions) is
/// added to problems with a path relative to the tree.
std::vector<RevisionLocation> list_package_tree(const std::filesystem::path& tree,
                                                std::vector<core::Problem>& problems);

/// Reads the regular files of one revision folder. Sub-folders and unreadable files become
/// problems (path relative to the tree; a location without a letter is a lone package folder,
/// named by its folder path).
core::RevisionSource read_revision(const RevisionLocation& location,
                                   std::vector<core::Problem>& problems);

/// Reads a whole file; throws core::Error naming the file and the reason in words
/// ("cannot read /x: no such file or directory").
std::string read_file(const std::filesystem::path& path);

/// Writes bytes to a file atomically (temporary name in the same folder, then rename); throws
/// core::Error naming the file and the reason ("... the folder /x does not exist").
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

/// A system error in words, in lower case ("permission denied"), for messages.
std::string describe(const std::error_code& ec);
/// write_file_atomic() of the concatenation of parts, written one after another.
void write_file_atomic(const std::filesystem::path& path,
                       const std::vector<std::string_view>& parts);

}  // namespace cosmos::adapters
