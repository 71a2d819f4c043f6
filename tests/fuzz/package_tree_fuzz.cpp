// Fuzz target "package_tree": one revision folder of a Universe source tree, checked as
// `repo-tool validate` and `build` check it (package.json, config.json, the Marathon template,
// resource.json and command.json: each part of the input, NUL-separated, is one file; an empty
// part is a missing file). The first byte chooses whether the folder layout is checked too.

#include <array>
#include <string_view>

#include "cosmos/app/tree_actions.h"
#include "cosmos/core/error.h"
#include "cosmos/core/universe_tree.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cosmos;
using universe_fuzz::expect;

namespace {
constexpr const char* kTarget = "package_tree";
constexpr std::array<std::string_view, 5> kFiles = {
    "package.json", "config.json", "marathon.json.mustache", "resource.json", "command.json"};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    core::RevisionSource source;
    source.layout_checks = (data[0] & 1) != 0;
    source.letter = "H";
    source.name = "hello";
    source.revision = "0";
    source.path = "repo/packages/H/hello/0";
    auto parts =
        universe_fuzz::split_parts(universe_fuzz::as_text(data + 1, size - 1), kFiles.size());
    for (std::size_t i = 0; i < kFiles.size(); ++i) {
        if (!parts[i].empty()) source.files[std::string(kFiles[i])] = std::string(parts[i]);
    }
    core::CheckOptions options;
    options.strict = (data[0] & 2) != 0;
    // check_revision reports problems as values; it must not throw.
    core::CheckedRevision checked;
    try {
        checked = core::check_revision(source, app::tree_schemas(), options);
    } catch (const std::exception& e) {
        universe_fuzz::fail(kTarget, std::string("check_revision threw: ") + e.what());
    }
    for (const auto& problem : checked.problems) {
        expect(
            !universe_fuzz::leaks_library_text(problem.message, universe_fuzz::as_text(data, size)),
            kTarget, "problem leaks library text: " + core::format_problem(problem));
    }
    expect(checked.entry.has_value() == !core::has_errors(checked.problems), kTarget,
           "an entry is built exactly when there is no error");
    return 0;
}
