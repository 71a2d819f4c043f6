#pragma once

#include <string>
#include <string_view>

namespace cosmos::adapters {

/// Lower-case hexadecimal SHA-256 of bytes.
std::string sha256_hex(std::string_view bytes);

}  // namespace cosmos::adapters
