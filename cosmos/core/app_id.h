#pragma once

#include <string>
#include <string_view>

namespace cosmos::core {

/// Normalises a Marathon app id to start with "/" ("kafka" -> "/kafka"), as Cosmos does for every
/// app id it reads or writes; nothing else changes (no trailing-slash or case handling).
inline std::string normalize_app_id(std::string_view app_id) {
    if (!app_id.empty() && app_id.front() == '/') return std::string(app_id);
    return "/" + std::string(app_id);
}

}  // namespace cosmos::core
