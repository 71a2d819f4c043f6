// Fuzz target "repository": repository JSON as a repository server sends it (v3, v4 and v5 media
// types, chosen by the first byte). The per-package fast path must decode exactly what the
// whole-document decoder decodes, or fail when it fails.

#include <optional>
#include <vector>

#include "cosmos/app/repository_fetch.h"
#include "cosmos/core/error.h"
#include "cosmos/core/package.h"
#include "cosmos/core/repo_index.h"
#include "cosmos/core/repository.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cosmos;
using universe_fuzz::expect;

namespace {
constexpr const char* kTarget = "repository";

std::vector<std::pair<std::string, std::string>> no_unzip(std::string_view) {
    universe_fuzz::fail(kTarget, "a JSON media type was unzipped");
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const int version = 3 + data[0] % 3;
    const std::string_view body = universe_fuzz::as_text(data + 1, size - 1);

    app::StoredContent content;
    content.uri = "https://repository.invalid/repo";
    content.body = std::string(body);
    content.media_type = core::repo_media_type(version);

    std::optional<std::vector<core::Package>> served;
    try {
        served = app::decode_content(content, no_unzip);
    } catch (const core::Error& e) {
        expect(!universe_fuzz::leaks_library_text(e.what(), universe_fuzz::as_text(data, size)),
               kTarget, std::string("error leaks library text: ") + e.what());
    }
    std::optional<std::vector<core::Package>> whole;
    try {
        whole = core::decode_repository_json(body);
    } catch (const core::Error&) {
    }
    expect(served.has_value() == whole.has_value(), kTarget,
           served ? "decoded a repository the whole-document decoder refuses"
                  : "refused a repository the whole-document decoder accepts");
    if (!served) return 0;
    expect(*served == *whole, kTarget, "the two decoders disagree on the packages");

    // A decoded package encodes to a definition that decodes to the same package.
    for (const auto& package : *served) {
        core::Package again = core::decode_package(core::encode_package(package));
        expect(again == package, kTarget, "package " + package.name + " changes on re-encoding");
    }
    return 0;
}
