// repo-tool bundle / inspect.
#include <cstdio>
#include <filesystem>
#include <optional>

#include "cosmos/adapters/bundle_file.h"
#include "cosmos/adapters/package_tree.h"
#include "cosmos/app/tree_actions.h"
#include "cosmos/core/bundle.h"
#include "cosmos/core/error.h"
#include "cosmos/core/json.h"
#include "repo-tool/args.h"
#include "repo-tool/commands.h"
#include "repo-tool/console.h"

namespace repo_tool {

namespace fs = std::filesystem;

namespace {

// The highest numbered sub-folder of dir (a package folder of a source tree), if any.
std::optional<fs::path> latest_revision(const fs::path& dir) {
    std::optional<fs::path> latest;
    std::optional<unsigned long long> highest;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        std::string name = entry.path().filename().string();
        bool numeric = !name.empty() && name.size() < 19 &&
                       name.find_first_not_of("0123456789") == std::string::npos;
        if (!numeric || !entry.is_directory(ec)) continue;
        unsigned long long number = std::stoull(name);
        if (!highest || number > *highest) {
            highest = number;
            latest = entry.path();
        }
    }
    return latest;
}

}  // namespace

int run_bundle(const std::vector<std::string>& argv) {
    Args args(argv, {}, {});
    args.expect_positionals(2, 2);
    fs::path dir = args.positionals()[0];
    fs::path out = args.positionals()[1];
    if (!fs::is_directory(dir)) throw UsageError{dir.string() + " is not a folder"};
    if (!fs::exists(dir / "package.json")) {
        // A package folder of a tree holds revision folders: the latest one is bundled.
        auto latest = latest_revision(dir);
        if (!latest) {
            throw UsageError{dir.string() +
                             " holds neither a package.json nor revision folders (0, 1, ...); "
                             "pass a folder with package.json, config.json, "
                             "marathon.json.mustache and resource.json"};
        }
        std::printf("%s has revisions; bundling the latest, %s\n", dir.string().c_str(),
                    latest->filename().string().c_str());
        dir = *latest;
    }

    std::vector<cosmos::core::Problem> problems;
    auto source = cosmos::adapters::read_revision({"", "", "0", dir}, problems);
    source.path = dir.string();
    source.layout_checks = false;
    if (auto package = source.files.find("package.json"); package != source.files.end()) {
        // Without the field a package is packaging 2.0, which a bundle cannot carry: say so
        // before the schema's generic "missing required properties".
        try {
            auto json = cosmos::core::parse_json(package->second);
            if (json.is_object() && !json.contains("packagingVersion")) {
                std::printf(
                    "%s: packagingVersion is missing; a bundle needs packaging 3.0 or "
                    "later: add \"packagingVersion\": \"3.0\" (or \"4.0\", \"5.0\")\n"
                    "no bundle written\n",
                    (dir / "package.json").string().c_str());
                return kExitProblems;
            }
        } catch (const cosmos::core::Error&) {
            // Not JSON: the checks below report it.
        }
    }
    auto checked = cosmos::core::check_revision(source, cosmos::app::tree_schemas(), {});
    for (auto& p : checked.problems)
        problems.push_back(std::move(p));
    for (const auto& p : problems)
        std::printf("%s\n", cosmos::core::format_problem(p).c_str());
    if (cosmos::core::has_errors(problems) || !checked.entry) {
        std::printf("no bundle written\n");
        return kExitProblems;
    }
    auto metadata = cosmos::core::bundle_metadata(*checked.entry);
    std::string bytes = cosmos::adapters::write_bundle(metadata);
    // Read it back through the same checks the service applies, so a bundle that would be
    // refused is never written.
    auto bundle = cosmos::adapters::read_bundle(bytes, 0);
    cosmos::adapters::write_file_atomic(out, bytes);
    std::printf("wrote %s: %s %s (packaging %s), %s, sha256 %s\n", out.string().c_str(),
                bundle.package.name.c_str(), bundle.package.version.str().c_str(),
                std::string(cosmos::core::to_string(bundle.package.packaging_version)).c_str(),
                human_bytes(bytes.size()).c_str(), bundle.sha256.c_str());
    return kExitOk;
}

int run_inspect(const std::vector<std::string>& argv) {
    Args args(argv, {}, {"json"});
    args.expect_positionals(1, 1);
    std::string bytes = cosmos::adapters::read_file(args.positionals()[0]);
    auto bundle = cosmos::adapters::read_bundle(bytes, 0);
    if (args.has("json")) {
        std::printf("%s\n", bundle.metadata.dump(2).c_str());
        return kExitOk;
    }
    const auto& p = bundle.package;
    std::printf("name:             %s\n", p.name.c_str());
    std::printf("version:          %s\n", p.version.str().c_str());
    std::printf("packagingVersion: %s\n",
                std::string(cosmos::core::to_string(p.packaging_version)).c_str());
    std::printf("maintainer:       %s\n", p.maintainer.c_str());
    std::printf("description:      %s\n", p.description.c_str());
    std::printf("framework:        %s\n", p.is_framework() ? "yes" : "no");
    if (p.licenses) {
        for (const auto& l : *p.licenses) {
            std::printf("license:          %s (%s)\n", l.name.c_str(), l.url.c_str());
        }
    }
    if (p.min_dcos_release_version) {
        std::printf("minDcosRelease:   %s\n", p.min_dcos_release_version->c_str());
    }
    std::printf("template:         %s\n", p.marathon_template_base64 ? "yes" : "no (CLI only)");
    std::printf("config:           %s\n", p.config ? "yes" : "no");
    // One name per line, and only the first few: a bundle may hold up to the entry limit.
    constexpr std::size_t kShown = 20;
    std::printf("entries:          %zu\n", bundle.entries.size());
    for (std::size_t i = 0; i < bundle.entries.size() && i < kShown; ++i) {
        std::printf("  %s\n", bundle.entries[i].c_str());
    }
    if (bundle.entries.size() > kShown) {
        std::printf("  ... and %zu more\n", bundle.entries.size() - kShown);
    }
    std::printf("size:             %s\nsha256:           %s\n", human_bytes(bytes.size()).c_str(),
                bundle.sha256.c_str());
    return kExitOk;
}

}  // namespace repo_tool
