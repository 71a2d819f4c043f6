// repo-tool validate / build.
#include <cstdio>
#include <filesystem>

#include "cosmos/adapters/digest.h"
#include "cosmos/adapters/disk_tree.h"
#include "cosmos/app/tree_actions.h"
#include "repo-tool/args.h"
#include "repo-tool/commands.h"
#include "repo-tool/console.h"

namespace repo_tool {

namespace {

void print_problems(const cosmos::app::TreeReport& report) {
    for (const auto& p : report.problems) {
        std::printf("%s\n", cosmos::core::format_problem(p).c_str());
    }
}

std::size_t count(const cosmos::app::TreeReport& report, cosmos::core::Severity severity) {
    std::size_t n = 0;
    for (const auto& p : report.problems)
        n += p.severity == severity;
    return n;
}

void print_summary(const char* verb, const cosmos::app::TreeReport& report, double seconds) {
    std::printf("%s: %zu packages, %zu revisions, %s read", verb, report.packages, report.revisions,
                human_bytes(report.bytes_read).c_str());
    if (report.bytes_written > 0) {
        std::printf(", %s written", human_bytes(report.bytes_written).c_str());
    }
    std::printf(", %zu errors, %zu warnings, %.2f s\n",
                count(report, cosmos::core::Severity::kError),
                count(report, cosmos::core::Severity::kWarning), seconds);
}

}  // namespace

cosmos::app::TreeOptions tree_options(const Args& args) {
    cosmos::app::TreeOptions options;
    options.strict = args.has("strict");
    if (auto t = args.number("threads")) options.threads = *t;
    options.sha256 = [](std::string_view bytes) { return cosmos::adapters::sha256_hex(bytes); };
    return options;
}

int run_validate(const std::vector<std::string>& argv) {
    Args args(argv, {"threads"}, {"strict"});
    args.expect_positionals(1, 1);
    Stopwatch clock;
    Progress progress("validating");
    cosmos::adapters::DiskTreeSource source(args.positionals()[0]);
    cosmos::app::TreeOptions options = tree_options(args);
    options.progress = [&](std::size_t d, std::size_t n) { progress(d, n); };
    auto report = cosmos::app::validate_tree(source, options);
    progress.finish();
    print_problems(report);
    print_summary("validated", report, clock.seconds());
    return report.ok() ? kExitOk : kExitProblems;
}

int run_build(const std::vector<std::string>& argv) {
    Args args(argv, {"threads"}, {"strict"});
    args.expect_positionals(2, 2);
    Stopwatch clock;
    Progress progress("building");
    cosmos::adapters::DiskTreeSource source(args.positionals()[0]);
    cosmos::adapters::DirectoryOutputSink sink(args.positionals()[1]);
    cosmos::app::TreeOptions options = tree_options(args);
    options.progress = [&](std::size_t d, std::size_t n) { progress(d, n); };
    auto report = cosmos::app::build_repository(source, sink, options);
    progress.finish();
    print_problems(report);
    if (!report.ok()) {
        std::printf("nothing written to %s\n", args.positionals()[1].c_str());
    }
    print_summary(report.ok() ? "built" : "not built", report, clock.seconds());
    return report.ok() ? kExitOk : kExitProblems;
}

}  // namespace repo_tool
