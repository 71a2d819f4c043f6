#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace cosmos::schemas {

/// The text of one of our JSON Schemas in schemas/ by file name ("package-schema.json"), compiled
/// into the binary so that tools work from any folder.
std::optional<std::string_view> find(std::string_view file_name);

/// All embedded schema file names, sorted.
std::vector<std::string_view> names();

}  // namespace cosmos::schemas
