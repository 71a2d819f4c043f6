// repo-tool render: the Marathon app cosmos-server would post, as `helm template` does for charts.
#include <cstdio>
#include <filesystem>

#include "cosmos/adapters/disk_tree.h"
#include "cosmos/adapters/gzip_codec.h"
#include "cosmos/adapters/package_tree.h"
#include "cosmos/app/tree_actions.h"
#include "cosmos/core/error.h"
#include "cosmos/core/render.h"
#include "repo-tool/args.h"
#include "repo-tool/commands.h"

namespace repo_tool {

namespace fs = std::filesystem;

namespace {

void print_error(const cosmos::core::Error& e) {
    std::fprintf(stderr, "repo-tool render: %s\n", e.what());
    const auto& data = e.data();
    if (e.type() == "JsonSchemaMismatch" && data.contains("errors")) {
        for (const auto& v : data["errors"]) {
            std::string where = v["instance"]["pointer"].get<std::string>();
            std::fprintf(stderr, "  %s: %s\n", where.empty() ? "/" : where.c_str(),
                         v["message"].get<std::string>().c_str());
        }
    } else if (e.type() == "JsonParsingError" && data.contains("parsingErrorMessage")) {
        std::fprintf(stderr, "  %s\n", data["parsingErrorMessage"].get<std::string>().c_str());
    }
}

}  // namespace

int run_render(const std::vector<std::string>& argv) {
    Args args(argv, {"version", "options", "app-id", "source"}, {});
    args.expect_positionals(2, 2);
    fs::path tree = args.positionals()[0];
    const std::string& name = args.positionals()[1];
    require_source_tree(tree);

    cosmos::core::Json options = cosmos::core::Json::object();
    if (auto file = args.value("options")) {
        std::string text;
        try {
            text = cosmos::adapters::read_file(*file);
        } catch (const cosmos::core::Error& e) {
            throw UsageError{std::string(e.what()) + " (--options)"};
        }
        try {
            options = cosmos::core::parse_json(text);
        } catch (const cosmos::core::Error& e) {
            const auto& data = e.data();
            throw UsageError{"--options " + *file + " is not JSON: " +
                             (data.is_object() && data.contains("parsingErrorMessage")
                                  ? data["parsingErrorMessage"].get<std::string>()
                                  : std::string(e.what()))};
        }
        if (!options.is_object()) throw UsageError{*file + " must hold a JSON object"};
    }

    cosmos::adapters::DiskTreeSource source(tree);
    std::vector<cosmos::core::Problem> problems;
    auto refs = source.list(problems);
    std::optional<cosmos::core::CheckedRevision> chosen;
    std::vector<std::string> versions;
    for (const auto& ref : refs) {
        if (ref.name != name) continue;
        auto revision = source.read(ref, problems);
        auto checked = cosmos::core::check_revision(revision, cosmos::app::tree_schemas(), {});
        if (!checked.entry) {
            for (auto& p : checked.problems)
                problems.push_back(std::move(p));
            continue;
        }
        std::string version = checked.entry->value("version", "");
        versions.push_back(version);
        bool wanted = !args.value("version") || *args.value("version") == version;
        if (wanted && (!chosen || checked.release_version > chosen->release_version)) {
            chosen = std::move(checked);
        }
    }
    if (!chosen) {
        for (const auto& p : problems) {
            std::fprintf(stderr, "%s\n", cosmos::core::format_problem(p).c_str());
        }
        if (versions.empty()) {
            std::fprintf(stderr, "repo-tool render: no valid package named '%s' in %s\n",
                         name.c_str(), tree.string().c_str());
        } else {
            std::fprintf(stderr, "repo-tool render: package '%s' has no version '%s'\n",
                         name.c_str(), args.value("version")->c_str());
        }
        return kExitProblems;
    }

    try {
        auto package = cosmos::core::decode_package(*chosen->entry);
        cosmos::core::RenderRequest request;
        request.package = &package;
        request.source_uri = args.value("source").value_or(
            "file://" + fs::absolute(tree).lexically_normal().string());
        request.user_options = options;
        request.app_id = args.value("app-id");
        cosmos::core::Codec codec{
            [](std::string_view b) { return cosmos::adapters::gzip_compress(b); },
            [](std::string_view b) { return cosmos::adapters::gzip_decompress(b, 64u << 20); }};
        auto rendered = cosmos::core::render_marathon_app(request, codec);
        std::printf("%s\n", rendered.app.dump(2).c_str());
        return kExitOk;
    } catch (const cosmos::core::Error& e) {
        print_error(e);
        return kExitProblems;
    }
}

}  // namespace repo_tool
