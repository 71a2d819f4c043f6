// Render latency per package revision: app::render_package with the package's defaults, as
// POST /package/render and install call it. The first render of a package prepares it (config
// schema and template compiled, definition label made) and is timed apart; later renders reuse the
// preparation, as the server does. Revisions that need options without defaults are rendered the
// way corpus_render_test does: render_template with the default context. Revisions that Cosmos
// cannot render either (namerd 4) are listed and skipped.
//
//   render-bench [TREE ...] [--iterations N] [--warmup N] [--quiet]
//
// TREE is a Universe source tree (the folder holding repo/packages); by default the shared corpus
// and the bundled universe/.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cosmos/adapters/disk_tree.h"
#include "cosmos/adapters/gzip_codec.h"
#include "cosmos/app/package_actions.h"
#include "cosmos/app/tree_actions.h"
#include "cosmos/core/catalog.h"
#include "cosmos/core/error.h"
#include "cosmos/core/options.h"
#include "cosmos/core/package.h"
#include "cosmos/core/render.h"
#include "cosmos/core/universe_tree.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    auto rank = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(rank, values.size() - 1)];
}

struct Row {
    std::string id;
    const char* mode;
    double median_us;
    double p99_us;
};

struct TreeResult {
    std::string tree;
    std::vector<Row> rows;
    std::vector<double> samples_us;  // every iteration of every revision
    std::vector<double> first_us;    // the first render of each revision
    std::vector<std::string> skipped;
};

TreeResult run_tree(const fs::path& tree, int iterations, int warmup,
                    const cosmos::core::Codec& codec) {
    TreeResult out;
    out.tree = tree.string();
    cosmos::adapters::DiskTreeSource source(tree);
    std::vector<cosmos::core::Problem> problems;
    // Every valid revision goes into one repository of one catalog, as a server would hold them.
    auto content = std::make_shared<cosmos::core::RepositoryContent>();
    content->name = "bench";
    content->uri = "https://universe.example/repo";
    std::vector<std::string> ids;
    for (const auto& ref : source.list(problems)) {
        auto files = source.read(ref, problems);
        auto checked = cosmos::core::check_revision(files, cosmos::app::tree_schemas(), {});
        const std::string id = ref.name + "/" + ref.revision;
        if (!checked.entry) {
            out.skipped.push_back(id + " (invalid revision)");
            continue;
        }
        content->packages.push_back(cosmos::core::decode_package(*checked.entry));
        ids.push_back(id);
    }
    auto catalog = std::make_shared<const cosmos::core::Catalog>(
        std::vector<std::shared_ptr<const cosmos::core::RepositoryContent>>{content});
    for (std::size_t p = 0; p < content->packages.size(); ++p) {
        const auto& package = content->packages[p];
        const std::string& id = ids[p];
        cosmos::app::SelectedPackage selected{&package, content->uri, catalog, "bench"};
        const auto options = cosmos::core::Json::object();

        // Which path this revision takes: the first render decides (and is timed).
        const char* mode = "render_package";
        cosmos::core::Json context;
        auto start = Clock::now();
        try {
            cosmos::app::render_package(selected, options, std::nullopt, codec);
        } catch (const cosmos::core::Error& e) {
            if (e.type() == "JsonSchemaMismatch" && package.config && package.marathon_template()) {
                mode = "render_template (needs options)";
                context = cosmos::core::extract_defaults(package.config->value());
            } else {
                out.skipped.push_back(id + " (" + e.type() + ")");
                continue;
            }
        }
        out.first_us.push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        const bool full = context.is_null();
        std::vector<double> us;
        us.reserve(static_cast<std::size_t>(iterations));
        for (int i = 0; i < warmup + iterations; ++i) {
            start = Clock::now();
            if (full) {
                auto rendered = cosmos::app::render_package(selected, options, std::nullopt, codec);
                if (rendered.app.empty()) std::abort();
            } else {
                auto app =
                    cosmos::core::render_template(package, *package.marathon_template(), context);
                if (app.empty()) std::abort();
            }
            double elapsed =
                std::chrono::duration<double, std::micro>(Clock::now() - start).count();
            if (i >= warmup) us.push_back(elapsed);
        }
        out.rows.push_back({id, mode, percentile(us, 0.5), percentile(us, 0.99)});
        out.samples_us.insert(out.samples_us.end(), us.begin(), us.end());
    }
    return out;
}

void print_summary(const char* label, const std::vector<double>& samples, std::size_t revisions) {
    std::printf("| %-24s | %9zu | %10.1f | %10.1f | %10.1f |\n", label, revisions,
                percentile(samples, 0.5), percentile(samples, 0.99), percentile(samples, 1.0));
}

}  // namespace

int main(int argc, char** argv) {
    int iterations = 200;
    int warmup = 10;
    bool quiet = false;
    std::vector<fs::path> trees;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--iterations" && i + 1 < argc) {
            iterations = std::max(1, std::atoi(argv[++i]));
        } else if (arg == "--warmup" && i + 1 < argc) {
            warmup = std::max(0, std::atoi(argv[++i]));
        } else if (arg == "--quiet") {
            quiet = true;
        } else if (!arg.empty() && arg[0] == '-') {
            std::fprintf(stderr,
                         "usage: render-bench [TREE ...] [--iterations N] [--warmup N] "
                         "[--quiet]\n");
            return 2;
        } else {
            trees.emplace_back(arg);
        }
    }
    if (trees.empty()) {
        fs::path corpus = fs::path(UNIVERSE_SHARED_DIR) / "corpus" / "universe";
        if (fs::is_directory(corpus)) trees.push_back(corpus);
        trees.push_back(fs::path(UNIVERSE_SOURCE_DIR) / "universe");
    }
    cosmos::core::Codec codec{
        [](std::string_view b) { return cosmos::adapters::gzip_compress(b); },
        [](std::string_view b) { return cosmos::adapters::gzip_decompress(b, 64u << 20); }};

    std::vector<TreeResult> results;
    for (const auto& tree : trees)
        results.push_back(run_tree(tree, iterations, warmup, codec));

    std::printf("%d timed iterations per revision after %d warm-up\n", iterations, warmup);
    std::vector<double> all;
    std::size_t all_revisions = 0;
    for (const auto& r : results) {
        if (!quiet) {
            std::printf("\n%s\n\n| %-32s | %-31s | %10s | %10s |\n", r.tree.c_str(), "revision",
                        "path", "median us", "p99 us");
            std::printf("|%s|%s|%s|%s|\n", std::string(34, '-').c_str(),
                        std::string(33, '-').c_str(), std::string(12, '-').c_str(),
                        std::string(12, '-').c_str());
            for (const auto& row : r.rows) {
                std::printf("| %-32s | %-31s | %10.1f | %10.1f |\n", row.id.c_str(), row.mode,
                            row.median_us, row.p99_us);
            }
        }
        for (const auto& s : r.skipped)
            std::printf("skipped: %s\n", s.c_str());
    }
    std::printf("\n| %-24s | %9s | %10s | %10s | %10s |\n", "tree", "revisions", "median us",
                "p99 us", "max us");
    std::printf("|%s|%s|%s|%s|%s|\n", std::string(26, '-').c_str(), std::string(11, '-').c_str(),
                std::string(12, '-').c_str(), std::string(12, '-').c_str(),
                std::string(12, '-').c_str());
    for (const auto& r : results) {
        // The last two path parts tell the corpus (corpus/universe) from the bundled tree.
        fs::path tree(r.tree);
        auto label = (tree.parent_path().filename() / tree.filename()).string();
        print_summary(label.c_str(), r.samples_us, r.rows.size());
        all.insert(all.end(), r.samples_us.begin(), r.samples_us.end());
        all_revisions += r.rows.size();
    }
    if (results.size() > 1) print_summary("all", all, all_revisions);

    std::printf("\nThe first render of each revision (it prepares the package):\n");
    std::printf("\n| %-24s | %9s | %10s | %10s | %10s |\n", "tree", "revisions", "median us",
                "p99 us", "max us");
    std::printf("|%s|%s|%s|%s|%s|\n", std::string(26, '-').c_str(), std::string(11, '-').c_str(),
                std::string(12, '-').c_str(), std::string(12, '-').c_str(),
                std::string(12, '-').c_str());
    std::vector<double> all_first;
    for (const auto& r : results) {
        fs::path tree(r.tree);
        auto label = (tree.parent_path().filename() / tree.filename()).string();
        print_summary(label.c_str(), r.first_us, r.first_us.size());
        all_first.insert(all_first.end(), r.first_us.begin(), r.first_us.end());
    }
    if (results.size() > 1) print_summary("all", all_first, all_first.size());
    return 0;
}
