#include "cosmos/app/tree_actions.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "cosmos/core/error.h"
#include "schemas/schema_catalog.h"

namespace cosmos::app {

namespace {

struct RevisionOutcome {
    std::vector<core::Problem> problems;
    std::optional<core::PreparedEntry> prepared;
    std::uint64_t bytes = 0;
};

// Runs fn(i) for i in [0, n) on a small pool; order of completion does not matter because each
// result goes to its own slot.
template <typename Fn>
void parallel_for(std::size_t n, unsigned threads, const ProgressFn& progress, Fn&& fn) {
    unsigned workers = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
    workers = static_cast<unsigned>(std::min<std::size_t>(workers, std::max<std::size_t>(n, 1)));
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    std::mutex progress_mutex;
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto work = [&] {
        while (true) {
            std::size_t i = next.fetch_add(1);
            if (i >= n) return;
            try {
                fn(i);
            } catch (...) {
                std::lock_guard lock(failure_mutex);
                if (!failure) failure = std::current_exception();
            }
            std::size_t d = done.fetch_add(1) + 1;
            if (progress) {
                std::lock_guard lock(progress_mutex);
                progress(d, n);
            }
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < workers; ++t)
        pool.emplace_back(work);
    work();
    for (auto& t : pool)
        t.join();
    if (failure) std::rethrow_exception(failure);
}

TreeReport run(TreeSource& source, const TreeOptions& options, bool prepare,
               std::vector<core::PreparedEntry>* prepared_out) {
    TreeReport report;
    auto refs = source.list(report.problems);
    std::vector<RevisionOutcome> outcomes(refs.size());
    const core::CheckOptions check{options.strict};
    const auto& schemas = tree_schemas();
    const auto& repo = repo_schemas();
    parallel_for(refs.size(), options.threads, options.progress, [&](std::size_t i) {
        auto& out = outcomes[i];
        auto revision = source.read(refs[i], out.problems);
        auto checked = core::check_revision(revision, schemas, check);
        out.bytes = checked.bytes;
        for (auto& p : checked.problems)
            out.problems.push_back(std::move(p));
        if (checked.entry) {
            // Every revision's entry is checked against the served formats, also by validate:
            // a package that no DC/OS release could load is an error in the tree.
            auto prepared =
                core::prepare_entry(*checked.entry, revision.path, repo, prepare, options.strict);
            const bool usable = !core::has_errors(prepared.problems);
            for (auto& p : prepared.problems)
                out.problems.push_back(std::move(p));
            if (prepare && usable) {
                // The digest goes in after validation (the repository schemas allow no extra
                // member), here so that the hashing runs on every core.
                core::add_entry_digest(prepared, options.sha256);
                out.prepared = std::move(prepared);
            }
        }
    });
    std::set<std::string> names;
    for (std::size_t i = 0; i < refs.size(); ++i) {
        auto& out = outcomes[i];
        names.insert(refs[i].name);
        report.bytes_read += out.bytes;
        for (auto& p : out.problems)
            report.problems.push_back(std::move(p));
        if (out.prepared && prepared_out) prepared_out->push_back(std::move(*out.prepared));
    }
    report.packages = names.size();
    report.revisions = refs.size();
    return report;
}

}  // namespace

TreeReport validate_tree(TreeSource& source, const TreeOptions& options) {
    return run(source, options, false, nullptr);
}

void OutputSink::write_parts(const std::string& name, const std::vector<std::string_view>& parts) {
    write(name, core::detail::join(parts));
}

TreeReport build_repository(TreeSource& source, OutputSink& sink, const TreeOptions& options) {
    std::vector<core::PreparedEntry> entries;
    TreeReport report = run(source, options, true, &entries);
    if (!report.ok()) return report;
    core::sort_entries(entries);
    // The legacy zip is compressed while the JSON files are written (the kernel copying them is
    // most of their cost), unless a single thread was asked for.
    auto write_zip = [&] { sink.write_zip("repo-up-to-1.7.zip", core::legacy_zip_files(entries)); };
    std::exception_ptr zip_failure;
    std::optional<std::thread> zip_thread;
    if (options.threads != 1) {
        zip_thread.emplace([&] {
            try {
                write_zip();
            } catch (...) {
                zip_failure = std::current_exception();
            }
        });
    }
    try {
        core::for_each_repository_file(
            entries, [&](const std::string& name, const std::vector<std::string_view>& parts) {
                for (auto part : parts)
                    report.bytes_written += part.size();
                sink.write_parts(name, parts);
            });
    } catch (...) {
        if (zip_thread) zip_thread->join();
        throw;
    }
    if (zip_thread) {
        zip_thread->join();
        if (zip_failure) std::rethrow_exception(zip_failure);
    } else {
        write_zip();
    }
    sink.commit();
    return report;
}

namespace {

using Compile = std::shared_ptr<const core::JsonSchema> (*)(std::string_view);

core::TreeSchemas tree_schemas_with(Compile compile) {
    core::TreeSchemas s;
    s.package[0] = compile(schemas::kPackage20).get();
    s.package[1] = compile(schemas::kPackage30).get();
    s.package[2] = compile(schemas::kPackage40).get();
    s.package[3] = compile(schemas::kPackage50).get();
    s.config = compile(schemas::kConfig).get();
    s.command = compile(schemas::kCommand).get();
    s.resource_v2 = compile(schemas::kResourceV2).get();
    s.resource_v3 = compile(schemas::kResourceV3).get();
    return s;
}

core::RepoSchemas repo_schemas_with(Compile compile) {
    core::RepoSchemas s;
    s.entry_v3 = compile(schemas::kRepoEntryV3).get();
    s.entry_v4 = compile(schemas::kRepoEntryV4).get();
    s.entry_v5 = compile(schemas::kRepoEntryV5).get();
    return s;
}

}  // namespace

const core::TreeSchemas& tree_schemas() {
    // The compiled schemas are cached for the life of the program, so the pointers stay valid.
    static const core::TreeSchemas lenient = tree_schemas_with(&schemas::compiled_without_formats);
    static const core::TreeSchemas schemas = [] {
        core::TreeSchemas s = tree_schemas_with(&schemas::compiled);
        s.without_formats = &lenient;
        return s;
    }();
    return schemas;
}

const core::RepoSchemas& repo_schemas() {
    static const core::RepoSchemas lenient = repo_schemas_with(&schemas::compiled_without_formats);
    static const core::RepoSchemas schemas = [] {
        core::RepoSchemas s = repo_schemas_with(&schemas::compiled);
        s.without_formats = &lenient;
        return s;
    }();
    return schemas;
}

}  // namespace cosmos::app
