#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace repo_tool {

/// A command-line usage error; main prints it with the command's usage and exits 2.
struct UsageError {
    std::string message;
};

/// Command-line arguments of one command: positionals and --flags. Options named in `valued`
/// take a value ("--version 1.0" or "--version=1.0"); the names in `switches` take none.
class Args {
public:
    Args(const std::vector<std::string>& argv, const std::set<std::string>& valued,
         const std::set<std::string>& switches);

    bool has(const std::string& name) const { return switches_.count(name) > 0; }
    std::optional<std::string> value(const std::string& name) const;
    /// The value of an option that takes a whole number; throws UsageError for anything else.
    std::optional<unsigned> number(const std::string& name) const;
    const std::vector<std::string>& positionals() const { return positionals_; }

    /// Throws UsageError unless there are between min and max positionals.
    void expect_positionals(std::size_t min, std::size_t max) const;

private:
    std::vector<std::string> positionals_;
    std::map<std::string, std::string> values_;
    std::set<std::string> switches_;
};

/// Throws UsageError unless tree is a Universe source tree (a folder with repo/packages/); the
/// message names the path and what is wrong with it. hint is appended when given.
void require_source_tree(const std::filesystem::path& tree, const std::string& hint = "");

}  // namespace repo_tool
