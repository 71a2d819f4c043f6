#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cosmos::adapters {

/// gzip (RFC 1952) of bytes: default compression level, no file name, zero mtime.
std::string gzip_compress(std::string_view bytes);

/// Decompresses a gzip stream (concatenated members allowed). Throws core::Error: PayloadTooLarge
/// as soon as the output would exceed max_output, InvalidGzip for a corrupt or truncated stream.
std::string gzip_decompress(std::string_view bytes, std::uint64_t max_output);

}  // namespace cosmos::adapters
