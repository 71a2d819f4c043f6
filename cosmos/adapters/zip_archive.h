#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cosmos::adapters {

/// One regular file of an archive.
struct ArchiveEntry {
    std::string path;  ///< relative, "/"-separated, e.g. "metadata.json" or "repo/meta/index.json"
    std::string data;
};

/// Bounds applied while reading untrusted archives.
struct ZipLimits {
    std::size_t max_entries = 10'000;
    std::uint64_t max_entry_bytes = 64ull << 20;   ///< decompressed size of one entry
    std::uint64_t max_total_bytes = 256ull << 20;  ///< decompressed size of all entries
    /// Largest allowed decompressed/compressed ratio of the whole archive; zip bombs exceed it.
    std::uint64_t max_ratio = 200;
};

/// Reads a zip archive held in memory. Directories are skipped. Refuses (throws core::Error
/// InvalidBundle, or PayloadTooLarge for size limits) absolute paths, ".." segments, symbolic and
/// hard links, device files, encrypted entries, duplicate paths, and anything over the limits;
/// sizes are enforced while decompressing, so a lying header cannot get past them.
std::vector<ArchiveEntry> read_zip(std::string_view bytes, const ZipLimits& limits = {});

/// Writes a zip archive of the given entries, in the given order, deflate-compressed, with a fixed
/// timestamp and permissions, so equal input gives byte-identical output. Throws core::Error.
std::string write_zip(const std::vector<ArchiveEntry>& entries);

/// write_zip() to a file (written to a temporary name, then renamed).
void write_zip_file(const std::filesystem::path& path, const std::vector<ArchiveEntry>& entries);

}  // namespace cosmos::adapters
