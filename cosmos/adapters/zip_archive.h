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
    std::size_t max_entries = 10'000;              ///< entries of any kind, directories included
    std::uint64_t max_entry_bytes = 64ull << 20;   ///< decompressed size of one entry
    std::uint64_t max_total_bytes = 256ull << 20;  ///< decompressed size of all entries
    /// Largest allowed decompressed/compressed ratio of the whole archive; zip bombs exceed it.
    std::uint64_t max_ratio = 200;
    /// Decompressed output up to this size is never refused for its ratio, so a small archive of
    /// very repetitive text is accepted.
    std::uint64_t ratio_exempt_bytes = 1ull << 20;
};

/// Reads a zip archive held in memory. Directories are skipped. Refuses (throws core::Error
/// InvalidBundle, or PayloadTooLarge for size limits) absolute paths, ".." segments, symbolic and
/// hard links, device files, encrypted entries, duplicate paths, and anything over the limits;
/// sizes are enforced while decompressing, so a lying header cannot get past them.
/// Also refused as InvalidBundle: empty or "." path segments, backslashes, control characters and
/// invalid UTF-8 in paths, a file path that another entry uses as a directory, an archive whose
/// local headers and central directory disagree (overlapping or shared entries), and corrupt,
/// truncated or non-zip input. Returns the regular files in local-header order.
std::vector<ArchiveEntry> read_zip(std::string_view bytes, const ZipLimits& limits = {});

/// How write_zip() and write_zip_file() compress.
struct ZipWriteOptions {
    /// Deflate level from 1 (fastest) to 9 (smallest). Output is byte-identical for equal input
    /// and level (with the same zlib). On the Universe corpus, level 1 writes about 3 times faster
    /// than 6 for an archive about 20% larger.
    int compression_level = 6;
};

/// Writes a zip archive of the given entries, in the given order, deflate-compressed, with a fixed
/// timestamp and permissions, so equal input gives byte-identical output. Throws core::Error.
/// Only files are written (no directory entries); every path must be one that read_zip() accepts,
/// else InvalidBundle. Every entry is dated 1980-01-01 00:00 (the earliest zip date, the same in
/// every time zone), has mode 0644 and uid/gid 0.
std::string write_zip(const std::vector<ArchiveEntry>& entries,
                      const ZipWriteOptions& options = {});

/// write_zip() to a file (written to a temporary name, then renamed). The archive is streamed to
/// the temporary file in the same folder, flushed to disk, then renamed over path, so readers see
/// either the old file or the complete new one. Throws core::Error (the temporary is removed).
void write_zip_file(const std::filesystem::path& path, const std::vector<ArchiveEntry>& entries,
                    const ZipWriteOptions& options = {});

}  // namespace cosmos::adapters
