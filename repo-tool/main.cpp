// repo-tool: validate, build, bundle and render Universe packages.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cosmos/adapters/package_tree.h"
#include "cosmos/core/error.h"
#include "repo-tool/args.h"
#include "repo-tool/commands.h"

namespace {

void print_help() {
    std::printf("usage: repo-tool <command> [arguments]\n\ncommands:\n");
    for (const auto& c : repo_tool::commands()) {
        std::printf("  %-10.*s %.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                    static_cast<int>(c.summary.size()), c.summary.data());
    }
    std::printf(
        "\n'repo-tool <command> --help' shows a command's arguments; "
        "'repo-tool --version' the version.\n");
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args[0] == "--version") {
        std::printf("repo-tool %s\n", UNIVERSE_VERSION);
        return repo_tool::kExitOk;
    }
    if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
        if (args.size() >= 2) {
            for (const auto& c : repo_tool::commands()) {
                if (c.name == args[1]) {
                    std::printf("%.*s\n", static_cast<int>(c.usage.size()), c.usage.data());
                    return repo_tool::kExitOk;
                }
            }
        }
        print_help();
        return args.empty() ? repo_tool::kExitUsage : repo_tool::kExitOk;
    }
    for (const auto& c : repo_tool::commands()) {
        if (c.name != args[0]) continue;
        std::vector<std::string> rest(args.begin() + 1, args.end());
        for (const auto& a : rest) {
            if (a == "--help" || a == "-h") {
                std::printf("%.*s\n", static_cast<int>(c.usage.size()), c.usage.data());
                return repo_tool::kExitOk;
            }
        }
        try {
            return c.run(rest);
        } catch (const repo_tool::UsageError& e) {
            std::fprintf(stderr, "repo-tool %.*s: %s\nusage: %.*s\n",
                         static_cast<int>(c.name.size()), c.name.data(), e.message.c_str(),
                         static_cast<int>(c.usage.size()), c.usage.data());
            return repo_tool::kExitUsage;
        } catch (const cosmos::core::Error& e) {
            std::fprintf(stderr, "repo-tool %.*s: %s\n", static_cast<int>(c.name.size()),
                         c.name.data(), e.what());
            return repo_tool::kExitProblems;
        } catch (const std::filesystem::filesystem_error& e) {
            // The library's own text ("filesystem error: ...") is not for users.
            std::fprintf(stderr, "repo-tool %.*s: %s: %s\n", static_cast<int>(c.name.size()),
                         c.name.data(), e.path1().string().c_str(),
                         cosmos::adapters::describe(e.code()).c_str());
            return repo_tool::kExitProblems;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "repo-tool %.*s: %s\n", static_cast<int>(c.name.size()),
                         c.name.data(), e.what());
            return repo_tool::kExitProblems;
        }
    }
    std::fprintf(stderr, "repo-tool: unknown command '%s'\n\n", args[0].c_str());
    print_help();
    return repo_tool::kExitUsage;
}
