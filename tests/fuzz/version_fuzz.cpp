// Fuzz target "version": revision numbers (folder names, releaseVersion), DC/OS release versions
// (minDcosReleaseVersion, the User-Agent of repository requests) and the generator's LooseVersion
// comparison, on three NUL-separated strings. Orderings must be orderings: antisymmetric and
// transitive, and a parsed version prints back to itself.

#include <compare>
#include <optional>

#include "cosmos/core/version.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cosmos::core;
using universe_fuzz::expect;

namespace {
constexpr const char* kTarget = "version";

int sign(int v) {
    return (v > 0) - (v < 0);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto parts = universe_fuzz::split_parts(universe_fuzz::as_text(data, size), 3);

    std::optional<DcosReleaseVersion> parsed[3];
    for (int i = 0; i < 3; ++i) {
        if (auto release = parse_release_version(parts[i])) {
            expect(parse_release_version(std::to_string(*release)) == release, kTarget,
                   "a release version does not read back");
        }
        parsed[i] = DcosReleaseVersion::parse(parts[i]);
        if (parsed[i]) {
            const std::string text = parsed[i]->str();
            auto again = DcosReleaseVersion::parse(text);
            expect(again && *again == *parsed[i], kTarget,
                   "DC/OS version does not read back: " + text);
        }
    }
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) {
            expect(sign(loose_version_compare(parts[i], parts[j])) ==
                       -sign(loose_version_compare(parts[j], parts[i])),
                   kTarget, "loose_version_compare is not antisymmetric");
            if (parsed[i] && parsed[j]) {
                const auto ij = *parsed[i] <=> *parsed[j];
                const auto ji = *parsed[j] <=> *parsed[i];
                expect((ij < 0) == (ji > 0) && (ij == 0) == (ji == 0), kTarget,
                       "DC/OS version order is not antisymmetric");
                expect((ij == 0) == (*parsed[i] == *parsed[j]), kTarget,
                       "DC/OS version order and equality disagree");
            }
        }
    }
    auto transitive = [](auto less) {
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j)
                for (int k = 0; k < 3; ++k)
                    if (less(i, j) && less(j, k) && !less(i, k)) return false;
        return true;
    };
    expect(transitive([&](int i, int j) { return loose_version_compare(parts[i], parts[j]) < 0; }),
           kTarget, "loose_version_compare is not transitive");
    if (parsed[0] && parsed[1] && parsed[2]) {
        expect(transitive([&](int i, int j) { return *parsed[i] < *parsed[j]; }), kTarget,
               "DC/OS version order is not transitive");
    }
    return 0;
}
