// Fuzz target "repository_zip": the legacy zip repository of DC/OS 1.6.1-1.7. An input that
// starts with "PK" is a zip archive (read with the zip adapter's limits, then decoded); any other
// input is the archive's files already extracted, as NUL-separated path and content pairs, so that
// the decoder itself is reached without first forging checksums.

#include <utility>
#include <vector>

#include "cosmos/adapters/zip_archive.h"
#include "cosmos/core/error.h"
#include "cosmos/core/repository.h"
#include "schemas/schema_catalog.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cosmos;
using universe_fuzz::expect;

namespace {
constexpr const char* kTarget = "repository_zip";
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = universe_fuzz::as_text(data, size);
    std::vector<std::pair<std::string, std::string>> files;
    if (input.substr(0, 2) == "PK") {
        adapters::ZipLimits limits;
        limits.max_entries = 200;
        limits.max_entry_bytes = 4u << 20;
        limits.max_total_bytes = 8u << 20;
        try {
            for (auto& entry : adapters::read_zip(input, limits)) {
                files.emplace_back(std::move(entry.path), std::move(entry.data));
            }
        } catch (const core::Error& e) {
            expect(!universe_fuzz::leaks_library_text(e.what(), universe_fuzz::as_text(data, size)),
                   kTarget, std::string("zip error leaks library text: ") + e.what());
            return 0;
        }
    } else {
        std::string_view rest = input;
        while (!rest.empty()) {
            auto parts = universe_fuzz::split_parts(rest, 3);
            files.emplace_back(std::string(parts[0]), std::string(parts[1]));
            rest = parts[2];
        }
    }
    static const auto package_schema = schemas::compiled(schemas::kPackage20);
    try {
        auto packages = core::decode_zip_repository(files, "https://repository.invalid/repo.zip",
                                                    package_schema.get());
        for (const auto& p : packages) {
            expect(p.packaging_version == core::PackagingVersion::k2_0, kTarget,
                   "a zip repository package is not packaging 2.0");
        }
    } catch (const core::Error& e) {
        expect(!universe_fuzz::leaks_library_text(e.what(), universe_fuzz::as_text(data, size)),
               kTarget, std::string("error leaks library text: ") + e.what());
    }
    return 0;
}
