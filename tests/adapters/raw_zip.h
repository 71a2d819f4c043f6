#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace universe_test {

/// One entry of a hand-made zip archive. Every field that a well-formed archive would derive from
/// the data can be overridden, so that tests can build archives that lie.
struct RawZipEntry {
    std::string name{};
    std::string data{};                                  ///< uncompressed content
    bool deflate = true;                                 ///< method 8 (deflate) or 0 (stored)
    std::uint16_t flags = 0;                             ///< general purpose bit flag
    std::uint16_t version_made_by = (3 << 8) | 30;       ///< host 3 = Unix, so modes are read
    std::uint32_t external_attributes = 0100644u << 16;  ///< Unix mode in the high 16 bits
    std::optional<std::string> body{};  ///< stored bytes, used as they are instead of data's
    std::optional<std::uint32_t> crc{};
    std::optional<std::uint32_t>
        uncompressed_size{};  ///< written in both headers instead of data's
    /// The central directory record points at this earlier entry's local header and data
    /// instead of at a header of its own (overlapping entries).
    std::optional<std::size_t> share_local_header_of{};
};

/// A zip archive (local headers, central directory, end record) of the entries, in order.
std::string build_raw_zip(const std::vector<RawZipEntry>& entries);

/// Raw deflate (no zlib or gzip wrapper) of data, at the best compression level.
std::string raw_deflate(std::string_view data);

/// Raw deflate of count zero bytes, produced without holding them in memory.
std::string raw_deflate_zeros(std::uint64_t count);

/// CRC-32 (as stored in zip headers) of count zero bytes.
std::uint32_t crc32_of_zeros(std::uint64_t count);

/// CRC-32 of data.
std::uint32_t crc32_of(std::string_view data);

}  // namespace universe_test
