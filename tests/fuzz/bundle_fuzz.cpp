// Fuzz target "bundle": a .dcos bundle as POST /package/add and `repo-tool inspect` read it. An
// input that starts with "PK" is the archive; any other input is the text of its metadata.json,
// checked and decoded as the archive's would be.

#include "cosmos/adapters/bundle_file.h"
#include "cosmos/core/bundle.h"
#include "cosmos/core/error.h"
#include "cosmos/core/package.h"
#include "schemas/schema_catalog.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cosmos;
using universe_fuzz::expect;

namespace {
constexpr const char* kTarget = "bundle";

void check_message(const core::Error& e) {
    expect(!universe_fuzz::leaks_library_text(e.what()), kTarget,
           std::string("error leaks library text: ") + e.what());
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = universe_fuzz::as_text(data, size);
    if (input.substr(0, 2) == "PK") {
        adapters::ZipLimits limits;
        limits.max_entries = 200;
        limits.max_entry_bytes = 4u << 20;
        limits.max_total_bytes = 8u << 20;
        try {
            auto bundle = adapters::read_bundle(input, 7, limits);
            expect(bundle.package.release_version == 7, kTarget, "releaseVersion not applied");
        } catch (const core::Error& e) {
            check_message(e);
        }
        return 0;
    }
    static const auto metadata_schema = schemas::compiled(schemas::kMetadata);
    core::Package package;
    try {
        package = core::package_from_bundle_metadata(input, metadata_schema.get(), 3);
    } catch (const core::Error& e) {
        check_message(e);
        return 0;
    }
    // What publishing stores is the package's definition; it must decode to the same package.
    expect(core::decode_package(core::encode_package(package)) == package, kTarget,
           "the published definition decodes to another package");
    // A bundle written from the package reads back as the same package.
    try {
        core::Json metadata = core::bundle_metadata(core::encode_package(package));
        auto again = adapters::read_bundle(adapters::write_bundle(metadata), 3);
        expect(again.package == package, kTarget, "a rewritten bundle holds another package");
    } catch (const core::Error& e) {
        universe_fuzz::fail(kTarget,
                            std::string("a valid bundle cannot be rewritten: ") + e.what());
    }
    return 0;
}
