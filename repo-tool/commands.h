#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cosmos/app/tree_actions.h"

namespace repo_tool {

class Args;

/// One repo-tool command: what `repo-tool help` lists and what `repo-tool <name>` runs.
struct Command {
    std::string_view name;
    std::string_view summary;  ///< one line
    std::string_view usage;    ///< "repo-tool build TREE OUT [--strict]" and option lines
    int (*run)(const std::vector<std::string>& args);  ///< exit status
};

/// Every command, in the order `help` lists them.
const std::vector<Command>& commands();

/// Exit statuses: 0 done, 1 the input has problems or the operation failed, 2 usage error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitProblems = 1;
inline constexpr int kExitUsage = 2;

/// The tree options of validate, build and verify: --strict, --threads, and the digest adapter.
cosmos::app::TreeOptions tree_options(const Args& args);

// Command entry points (one file per group).
int run_validate(const std::vector<std::string>& args);
int run_build(const std::vector<std::string>& args);
int run_bundle(const std::vector<std::string>& args);
int run_inspect(const std::vector<std::string>& args);
int run_render(const std::vector<std::string>& args);
int run_add(const std::vector<std::string>& args);
int run_publish(const std::vector<std::string>& args);
int run_verify(const std::vector<std::string>& args);
int run_serve(const std::vector<std::string>& args);

}  // namespace repo_tool
