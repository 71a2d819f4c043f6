// Fuzz target "app_id": Marathon app ids as users give them (appId in install, uninstall, list,
// service describe and update, history). Normalising adds the leading "/" once and changes
// nothing else.

#include "cosmos/core/app_id.h"
#include "tests/fuzz/fuzz_support.h"

using cosmos::core::normalize_app_id;
using universe_fuzz::expect;

namespace {
constexpr const char* kTarget = "app_id";
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view id = universe_fuzz::as_text(data, size);
    const std::string normal = normalize_app_id(id);
    expect(!normal.empty() && normal.front() == '/', kTarget, "no leading slash");
    expect(normalize_app_id(normal) == normal, kTarget, "normalising twice changes the id");
    const std::string_view tail = std::string_view(normal).substr(1);
    expect(id == normal || id == tail, kTarget, "normalising changed more than the leading slash");
    return 0;
}
