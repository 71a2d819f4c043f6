#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cosmos::core {

/// Normalises a Marathon app id to start with "/" ("kafka" -> "/kafka"), as Cosmos does for every
/// app id it reads or writes; nothing else changes (no trailing-slash or case handling).
inline std::string normalize_app_id(std::string_view app_id) {
    if (!app_id.empty() && app_id.front() == '/') return std::string(app_id);
    return "/" + std::string(app_id);
}

/// Why a normalised app id is not a valid absolute Marathon path, or nullopt when it is one.
/// Marathon's rule (PathId in its RAML): segments separated by "/", each made of "."-separated
/// labels of lower-case letters, digits and "-" that start and end with a letter or digit. Beyond
/// Marathon, which resolves them, relative segments ("." and "..") are refused, as are empty
/// segments ("//", a trailing "/") and the bare root "/".
std::optional<std::string> app_id_problem(std::string_view app_id);

/// Throws invalid_app_id() when app_id_problem() finds one.
void check_app_id(std::string_view app_id);

}  // namespace cosmos::core
