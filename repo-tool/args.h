#pragma once

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
    const std::vector<std::string>& positionals() const { return positionals_; }

    /// Throws UsageError unless there are between min and max positionals.
    void expect_positionals(std::size_t min, std::size_t max) const;

private:
    std::vector<std::string> positionals_;
    std::map<std::string, std::string> values_;
    std::set<std::string> switches_;
};

}  // namespace repo_tool
