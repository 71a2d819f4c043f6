#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace universe_test {

/// The project's source folder.
inline std::filesystem::path source_dir() {
    return UNIVERSE_SOURCE_DIR;
}

/// The build folder (where the binaries are).
inline std::filesystem::path binary_dir() {
    return UNIVERSE_BINARY_DIR;
}

/// ../shared, when it exists. Reference-data tests skip (and say so) without it.
inline std::optional<std::filesystem::path> shared_dir() {
    std::filesystem::path p = UNIVERSE_SHARED_DIR;
    if (std::filesystem::is_directory(p)) return p;
    return std::nullopt;
}

/// A folder under ../shared, when present.
inline std::optional<std::filesystem::path> shared_path(const std::string& relative) {
    auto root = shared_dir();
    if (!root) return std::nullopt;
    auto p = *root / relative;
    if (!std::filesystem::exists(p)) return std::nullopt;
    return p;
}

}  // namespace universe_test

/// Skips the rest of a test case when ../shared/<relative> is missing, with a visible message.
#define REQUIRE_SHARED(var, relative)                                                    \
    auto var##_opt = universe_test::shared_path(relative);                               \
    if (!var##_opt) {                                                                    \
        WARN("SKIPPED: reference data ../shared/" << (relative)                          \
                                                  << " is not present on this machine"); \
        return;                                                                          \
    }                                                                                    \
    const std::filesystem::path var = *var##_opt
