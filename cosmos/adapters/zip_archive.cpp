#include "cosmos/adapters/zip_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <locale.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "cosmos/core/error.h"

namespace cosmos::adapters {

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr int kWriteBlock = 64 * 1024;
constexpr int kEntryMode = 0644;
constexpr std::size_t kMaxShownPath = 200;

// --- paths ---

// Paths go into error messages that end up in HTTP bodies and logs: keep them printable and short.
std::string shown(std::string_view path) {
    std::string out;
    for (unsigned char c : path.substr(0, kMaxShownPath)) {
        if (c < 0x20 || c == 0x7F || c == '\\') {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\x";
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    if (path.size() > kMaxShownPath) out += "...";
    return out;
}

std::string entry_named(std::string_view path) {
    return "entry '" + shown(path) + "'";
}

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t extra = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (extra >= s.size() - i) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        static constexpr std::uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMinForLength[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += extra + 1;
    }
    return true;
}

// Why a relative file path (no trailing slash) is unacceptable, or nullopt when it is fine. The
// same rules apply to reading and writing, so we never write an archive we would refuse.
std::optional<std::string> path_problem(std::string_view path) {
    if (path.empty()) return "has an empty path";
    if (path.front() == '/') return "is an absolute path";
    if (path.find('\\') != std::string_view::npos) return "has a backslash in its path";
    for (unsigned char c : path) {
        if (c < 0x20 || c == 0x7F) return "has a control character in its path";
    }
    if (!valid_utf8(path)) return "has a path that is not valid UTF-8";
    std::size_t start = 0;
    while (true) {
        std::size_t slash = path.find('/', start);
        std::string_view segment = path.substr(
            start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (segment.empty()) return "has an empty path segment";
        if (segment == ".") return "has a '.' path segment";
        if (segment == "..") return "has a '..' path segment";
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return std::nullopt;
}

void check_path(std::string_view path) {
    if (auto problem = path_problem(path)) {
        throw core::invalid_bundle(entry_named(path) + " " + *problem);
    }
}

// A file "a" next to "a/b" (or a directory "a/") cannot be laid out as a tree; refusing it keeps
// every consumer's view of the archive unambiguous.
void check_tree(const std::unordered_set<std::string>& files,
                const std::unordered_set<std::string>& directories) {
    for (const auto& file : files) {
        if (directories.count(file)) {
            throw core::invalid_bundle(entry_named(file) + " is both a file and a directory");
        }
        for (std::size_t slash = file.find('/'); slash != std::string::npos;
             slash = file.find('/', slash + 1)) {
            std::string parent = file.substr(0, slash);
            if (files.count(parent)) {
                throw core::invalid_bundle(entry_named(file) + " lies under '" + shown(parent) +
                                           "', which is a file");
            }
        }
    }
}

std::uint64_t saturating_multiply(std::uint64_t a, std::uint64_t b) {
    if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) {
        return std::numeric_limits<std::uint64_t>::max();
    }
    return a * b;
}

// --- locale ---

// libarchive converts entry names between the archive's charset and the current locale's. Pinning
// this thread to C.UTF-8 while it works keeps UTF-8 names byte-exact whatever the process locale.
class Utf8LocaleScope {
public:
    Utf8LocaleScope() {
        static const locale_t kUtf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
        if (kUtf8 != locale_t{}) previous_ = uselocale(kUtf8);
    }
    ~Utf8LocaleScope() {
        if (previous_ != locale_t{}) uselocale(previous_);
    }
    Utf8LocaleScope(const Utf8LocaleScope&) = delete;
    Utf8LocaleScope& operator=(const Utf8LocaleScope&) = delete;

private:
    locale_t previous_{};
};

// --- central directory ---

std::uint16_t le16(std::string_view b, std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) |
                                      (static_cast<unsigned char>(b[at + 1]) << 8));
}

std::uint32_t le32(std::string_view b, std::size_t at) {
    return le16(b, at) | (static_cast<std::uint32_t>(le16(b, at + 2)) << 16);
}

std::uint64_t le64(std::string_view b, std::size_t at) {
    return le32(b, at) | (static_cast<std::uint64_t>(le32(b, at + 4)) << 32);
}

constexpr std::uint32_t kEndSignature = 0x06054b50;
constexpr std::uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr std::uint32_t kZip64EndSignature = 0x06064b50;
constexpr std::uint32_t kCentralSignature = 0x02014b50;
constexpr std::size_t kEndSize = 22;
constexpr std::size_t kZip64LocatorSize = 20;
constexpr std::size_t kZip64EndSize = 56;
constexpr std::size_t kCentralSize = 46;

core::Error not_a_zip(std::string_view why) {
    return core::invalid_bundle("not a zip archive, or truncated: " + std::string(why));
}

std::optional<std::size_t> find_end_record(std::string_view b) {
    if (b.size() < kEndSize) return std::nullopt;
    const std::size_t lowest = b.size() > kEndSize + 0xFFFF ? b.size() - kEndSize - 0xFFFF : 0;
    for (std::size_t pos = b.size() - kEndSize;; --pos) {
        // The comment length must reach exactly to the end, which rules out stray signatures.
        if (le32(b, pos) == kEndSignature && pos + kEndSize + le16(b, pos + 20) == b.size()) {
            return pos;
        }
        if (pos == lowest) return std::nullopt;
    }
}

// libarchive reads entries through their local headers while most other zip readers go by the
// central directory. Collecting the central directory's names lets read_zip() insist that both
// views agree, so no entry is hidden from one reader and visible to another (libarchive, for one,
// silently drops a second central record that shares a local header, the zip form of a hard link).
std::unordered_map<std::string, std::size_t> central_directory_names(std::string_view b,
                                                                     std::size_t max_entries) {
    auto end = find_end_record(b);
    if (!end) throw not_a_zip("no end of central directory record");
    if (le16(b, *end + 4) != 0 || le16(b, *end + 6) != 0 ||
        le16(b, *end + 8) != le16(b, *end + 10)) {
        throw core::invalid_bundle("multi-volume zip archives are not supported");
    }
    std::uint64_t count = le16(b, *end + 10);
    std::uint64_t size = le32(b, *end + 12);
    std::size_t directory_end = *end;

    if (*end >= kZip64LocatorSize && le32(b, *end - kZip64LocatorSize) == kZip64LocatorSignature) {
        const std::size_t locator = *end - kZip64LocatorSize;
        const std::uint64_t stated = le64(b, locator + 8);
        std::optional<std::size_t> record;
        if (stated <= locator && locator - stated >= kZip64EndSize &&
            le32(b, static_cast<std::size_t>(stated)) == kZip64EndSignature) {
            record = static_cast<std::size_t>(stated);
        } else if (locator >= kZip64EndSize &&
                   le32(b, locator - kZip64EndSize) == kZip64EndSignature) {
            // Data prepended to the archive shifts every stated offset; the record usually sits
            // right before the locator.
            record = locator - kZip64EndSize;
        }
        if (!record) throw not_a_zip("zip64 end of central directory record missing");
        count = le64(b, *record + 32);
        size = le64(b, *record + 40);
        directory_end = *record;
    }

    if (count > max_entries) {
        throw core::invalid_bundle("the archive has " + std::to_string(count) +
                                   " entries, more than the limit of " +
                                   std::to_string(max_entries));
    }
    if (size > directory_end) throw not_a_zip("central directory larger than the archive");

    std::unordered_map<std::string, std::size_t> names;
    std::size_t pos = directory_end - static_cast<std::size_t>(size);
    for (std::uint64_t i = 0; i < count; ++i) {
        if (directory_end - pos < kCentralSize || le32(b, pos) != kCentralSignature) {
            throw core::invalid_bundle("corrupt central directory (record " + std::to_string(i) +
                                       ")");
        }
        const std::size_t name_length = le16(b, pos + 28);
        const std::size_t record_length =
            kCentralSize + name_length + le16(b, pos + 30) + le16(b, pos + 32);
        if (directory_end - pos < record_length) {
            throw core::invalid_bundle("corrupt central directory (record " + std::to_string(i) +
                                       ")");
        }
        std::string name(b.substr(pos + kCentralSize, name_length));
        // Checked here as well as on libarchive's names, because libarchive rewrites some (a
        // backslash becomes a slash) and because refusing before any decompression is cheaper.
        check_path(name.size() > 1 && name.back() == '/' ? name.substr(0, name.size() - 1) : name);
        ++names[std::move(name)];
        pos += record_length;
    }
    if (pos != directory_end) {
        throw core::invalid_bundle("corrupt central directory (size does not match its records)");
    }
    return names;
}

// --- libarchive handles ---

struct ReadFree {
    void operator()(archive* a) const { archive_read_free(a); }
};
struct WriteFree {
    void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryFree {
    void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using ReadHandle = std::unique_ptr<archive, ReadFree>;
using WriteHandle = std::unique_ptr<archive, WriteFree>;
using EntryHandle = std::unique_ptr<archive_entry, EntryFree>;

std::string libarchive_error(archive* a) {
    const char* message = archive_error_string(a);
    return message ? message : "unknown libarchive error";
}

ReadHandle open_for_reading(std::string_view bytes) {
    ReadHandle a(archive_read_new());
    if (!a) throw core::unhandled_exception("libarchive: cannot allocate a reader");
    // Seekable zip only: it reads the Unix modes from the central directory (the streaming
    // reader does not, so it would take symbolic links and devices for plain files), and no
    // other format or compression filter is accepted.
    if (archive_read_support_format_zip_seekable(a.get()) != ARCHIVE_OK) {
        throw core::unhandled_exception("libarchive: zip support unavailable: " +
                                        libarchive_error(a.get()));
    }
    if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
        throw not_a_zip(libarchive_error(a.get()));
    }
    return a;
}

std::string file_type_name(mode_t type) {
    switch (type) {
        case AE_IFCHR:
            return "a character device";
        case AE_IFBLK:
            return "a block device";
        case AE_IFIFO:
            return "a named pipe";
        case AE_IFSOCK:
            return "a socket";
        default:
            return "not a regular file";
    }
}

class LimitedReader {
public:
    LimitedReader(archive* a, std::size_t compressed_size, const ZipLimits& limits)
        : archive_(a),
          limits_(limits),
          compressed_size_(compressed_size),
          ratio_limit_(std::max(limits.ratio_exempt_bytes,
                                saturating_multiply(limits.max_ratio, compressed_size))),
          buffer_(kReadChunk) {}

    // Counts what libarchive actually produces, never what the headers claim.
    std::string read_entry(const std::string& path) {
        std::string data;
        std::uint64_t produced = 0;
        while (true) {
            la_ssize_t n = archive_read_data(archive_, buffer_.data(), buffer_.size());
            if (n < 0) {
                throw core::invalid_bundle(entry_named(path) +
                                           " is corrupt: " + libarchive_error(archive_));
            }
            if (n == 0) return data;
            const auto got = static_cast<std::uint64_t>(n);
            produced += got;
            total_ += got;
            if (produced > limits_.max_entry_bytes) {
                throw core::payload_too_large("Entry '" + shown(path) + "'",
                                              limits_.max_entry_bytes);
            }
            if (total_ > limits_.max_total_bytes) {
                throw core::payload_too_large("Decompressed archive", limits_.max_total_bytes);
            }
            if (total_ > ratio_limit_) {
                throw core::payload_too_large("Decompressed archive (over " +
                                                  std::to_string(limits_.max_ratio) +
                                                  " times its compressed size of " +
                                                  std::to_string(compressed_size_) + " bytes)",
                                              ratio_limit_);
            }
            data.append(buffer_.data(), static_cast<std::size_t>(n));
        }
    }

private:
    archive* archive_;
    const ZipLimits& limits_;
    std::size_t compressed_size_;
    std::uint64_t ratio_limit_;
    std::uint64_t total_ = 0;
    std::vector<char> buffer_;
};

// --- writing ---

void check_entries_for_writing(const std::vector<ArchiveEntry>& entries) {
    std::unordered_set<std::string> files;
    for (const auto& entry : entries) {
        check_path(entry.path);
        if (!files.insert(entry.path).second) {
            throw core::invalid_bundle("duplicate " + entry_named(entry.path));
        }
    }
    check_tree(files, {});
}

struct StringSink {
    std::string* out;
};

la_ssize_t append_to_string(archive*, void* client, const void* buffer, std::size_t length) {
    static_cast<StringSink*>(client)->out->append(static_cast<const char*>(buffer), length);
    return static_cast<la_ssize_t>(length);
}

struct FileSink {
    int fd = -1;
    int error = 0;  // errno of the first failed write, reported with the file's name
};

la_ssize_t write_to_file(archive* a, void* client, const void* buffer, std::size_t length) {
    auto* sink = static_cast<FileSink*>(client);
    const char* p = static_cast<const char*>(buffer);
    std::size_t left = length;
    while (left > 0) {
        ssize_t n = ::write(sink->fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            sink->error = errno;
            archive_set_error(a, errno, "write failed");
            return -1;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return static_cast<la_ssize_t>(length);
}

// Writes entries through an archive already opened on a sink; throws with context on failure.
void write_entries(archive* a, const std::vector<ArchiveEntry>& entries) {
    EntryHandle entry(archive_entry_new());
    if (!entry) throw core::unhandled_exception("libarchive: cannot allocate an entry");
    for (const auto& e : entries) {
        // Fields left unset stay unset: no mtime/atime/ctime means the zip date is the 1980
        // minimum in every time zone (libarchive converts set times with localtime), and uid/gid
        // are 0.
        archive_entry_clear(entry.get());
        archive_entry_set_pathname(entry.get(), e.path.c_str());
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_perm(entry.get(), kEntryMode);
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(e.data.size()));
        if (archive_write_header(a, entry.get()) != ARCHIVE_OK) {
            throw core::unhandled_exception("libarchive: cannot write zip entry '" + shown(e.path) +
                                            "': " + libarchive_error(a));
        }
        std::size_t done = 0;
        while (done < e.data.size()) {
            la_ssize_t n = archive_write_data(a, e.data.data() + done, e.data.size() - done);
            if (n <= 0) {
                throw core::unhandled_exception("libarchive: cannot write zip entry '" +
                                                shown(e.path) + "': " + libarchive_error(a));
            }
            done += static_cast<std::size_t>(n);
        }
        if (archive_write_finish_entry(a) != ARCHIVE_OK) {
            throw core::unhandled_exception("libarchive: cannot finish zip entry '" +
                                            shown(e.path) + "': " + libarchive_error(a));
        }
    }
    if (archive_write_close(a) != ARCHIVE_OK) {
        throw core::unhandled_exception("libarchive: cannot finish the zip archive: " +
                                        libarchive_error(a));
    }
}

WriteHandle new_zip_writer(int bytes_per_block, const ZipWriteOptions& options) {
    if (options.compression_level < 1 || options.compression_level > 9) {
        throw core::unhandled_exception("zip compression level " +
                                        std::to_string(options.compression_level) +
                                        " is outside 1 to 9");
    }
    WriteHandle a(archive_write_new());
    if (!a) throw core::unhandled_exception("libarchive: cannot allocate a writer");
    const std::string settings =
        "zip:compression=deflate,zip:hdrcharset=UTF-8,zip:compression-level=" +
        std::to_string(options.compression_level);
    if (archive_write_set_format_zip(a.get()) != ARCHIVE_OK ||
        archive_write_set_options(a.get(), settings.c_str()) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(a.get(), bytes_per_block) != ARCHIVE_OK ||
        // No padding after the end record.
        archive_write_set_bytes_in_last_block(a.get(), 1) != ARCHIVE_OK) {
        throw core::unhandled_exception("libarchive: cannot set up the zip writer: " +
                                        libarchive_error(a.get()));
    }
    return a;
}

std::filesystem::path temporary_beside(const std::filesystem::path& path) {
    static std::atomic<unsigned> counter{0};
    return path.parent_path() /
           ("." + path.filename().string() + ".tmp." + std::to_string(::getpid()) + "." +
            std::to_string(counter.fetch_add(1)));
}

core::Error file_error(std::string_view what, const std::filesystem::path& path, int error) {
    return core::unhandled_exception("Cannot " + std::string(what) + " zip file '" + path.string() +
                                     "': " + std::strerror(error));
}

}  // namespace

std::vector<ArchiveEntry> read_zip(std::string_view bytes, const ZipLimits& limits) {
    if (bytes.empty()) throw not_a_zip("the input is empty");
    Utf8LocaleScope utf8;
    auto unclaimed = central_directory_names(bytes, limits.max_entries);
    // libarchive does not recognise an archive made of the end record alone.
    if (unclaimed.empty()) return {};
    ReadHandle a = open_for_reading(bytes);
    LimitedReader reader(a.get(), bytes.size(), limits);

    std::vector<ArchiveEntry> files;
    std::unordered_set<std::string> file_paths;
    std::unordered_set<std::string> directories;
    std::size_t count = 0;
    while (true) {
        archive_entry* entry = nullptr;
        const int rc = archive_read_next_header(a.get(), &entry);
        if (rc == ARCHIVE_EOF) break;
        if (rc != ARCHIVE_OK) {
            // Warnings included: libarchive uses them for names it could not decode and for
            // inconsistent headers, neither of which an honest archive has.
            throw core::invalid_bundle("corrupt archive after " + std::to_string(count) +
                                       " entries: " + libarchive_error(a.get()));
        }
        if (++count > limits.max_entries) {
            throw core::invalid_bundle("the archive has more than " +
                                       std::to_string(limits.max_entries) + " entries");
        }
        const char* raw_path = archive_entry_pathname(entry);
        if (raw_path == nullptr) throw core::invalid_bundle("an entry has no name");
        std::string path = raw_path;

        auto listed = unclaimed.find(path);
        if (listed == unclaimed.end() || listed->second == 0) {
            throw core::invalid_bundle(entry_named(path) +
                                       " is not in the central directory (the local headers "
                                       "and the central directory disagree)");
        }
        --listed->second;

        const auto type = archive_entry_filetype(entry);
        if (type == AE_IFDIR) {
            std::string directory = path;
            if (directory.size() > 1 && directory.back() == '/') directory.pop_back();
            check_path(directory);
            directories.insert(directory);
            continue;
        }
        check_path(path);
        if (archive_entry_hardlink(entry) != nullptr) {
            throw core::invalid_bundle(entry_named(path) + " is a hard link");
        }
        if (type == AE_IFLNK || archive_entry_symlink(entry) != nullptr) {
            throw core::invalid_bundle(entry_named(path) + " is a symbolic link");
        }
        if (type != AE_IFREG) {
            throw core::invalid_bundle(entry_named(path) + " is " + file_type_name(type));
        }
        if (archive_entry_is_encrypted(entry)) {
            throw core::invalid_bundle(entry_named(path) + " is encrypted");
        }
        if (!file_paths.insert(path).second) {
            throw core::invalid_bundle("duplicate " + entry_named(path));
        }
        // An honest header over the limit is refused before any work; a dishonest one is caught
        // by the reader's own count.
        if (archive_entry_size_is_set(entry) && archive_entry_size(entry) >= 0 &&
            static_cast<std::uint64_t>(archive_entry_size(entry)) > limits.max_entry_bytes) {
            throw core::payload_too_large("Entry '" + shown(path) + "'", limits.max_entry_bytes);
        }
        std::string data = reader.read_entry(path);
        files.push_back(ArchiveEntry{std::move(path), std::move(data)});
    }

    for (const auto& [name, left] : unclaimed) {
        if (left > 0) {
            throw core::invalid_bundle(
                entry_named(name) +
                " of the central directory cannot be read: it shares its data with another "
                "entry (the zip form of a hard link) or overlaps it");
        }
    }
    check_tree(file_paths, directories);
    return files;
}

std::string write_zip(const std::vector<ArchiveEntry>& entries, const ZipWriteOptions& options) {
    check_entries_for_writing(entries);
    Utf8LocaleScope utf8;
    std::string out;
    StringSink sink{&out};
    WriteHandle a = new_zip_writer(0, options);
    if (archive_write_open2(a.get(), &sink, nullptr, append_to_string, nullptr, nullptr) !=
        ARCHIVE_OK) {
        throw core::unhandled_exception("libarchive: cannot open the zip writer: " +
                                        libarchive_error(a.get()));
    }
    write_entries(a.get(), entries);
    return out;
}

void write_zip_file(const std::filesystem::path& path, const std::vector<ArchiveEntry>& entries,
                    const ZipWriteOptions& options) {
    check_entries_for_writing(entries);
    const std::filesystem::path temporary = temporary_beside(path);
    FileSink sink;
    sink.fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (sink.fd < 0) throw file_error("create", temporary, errno);

    try {
        Utf8LocaleScope utf8;
        WriteHandle a = new_zip_writer(kWriteBlock, options);
        if (archive_write_open2(a.get(), &sink, nullptr, write_to_file, nullptr, nullptr) !=
            ARCHIVE_OK) {
            throw core::unhandled_exception("libarchive: cannot open the zip writer: " +
                                            libarchive_error(a.get()));
        }
        try {
            write_entries(a.get(), entries);
        } catch (const core::Error&) {
            if (sink.error != 0) throw file_error("write", temporary, sink.error);
            throw;
        }
        // Flushed before the rename, so a crash never leaves a short file under the final name.
        if (::fsync(sink.fd) != 0) throw file_error("flush", temporary, errno);
        const int fd = sink.fd;
        sink.fd = -1;
        if (::close(fd) != 0) throw file_error("close", temporary, errno);
        if (::rename(temporary.c_str(), path.c_str()) != 0) {
            throw file_error("rename '" + temporary.string() + "' to", path, errno);
        }
    } catch (...) {
        if (sink.fd >= 0) ::close(sink.fd);
        ::unlink(temporary.c_str());
        throw;
    }
}

}  // namespace cosmos::adapters
