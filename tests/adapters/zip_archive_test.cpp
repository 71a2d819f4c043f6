#include "cosmos/adapters/zip_archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "cosmos/core/error.h"
#include "tests/adapters/raw_zip.h"
#include "tests/adapters/sample_bytes.h"

namespace {

using cosmos::adapters::ArchiveEntry;
using cosmos::adapters::read_zip;
using cosmos::adapters::write_zip;
using cosmos::adapters::write_zip_file;
using cosmos::adapters::ZipLimits;
using cosmos::core::Error;
using cosmos::core::ErrorCode;
using universe_test::build_raw_zip;
using universe_test::random_bytes;
using universe_test::RawZipEntry;

std::string all_byte_values() {
    std::string out;
    for (int i = 0; i < 256; ++i)
        out.push_back(static_cast<char>(i));
    return out;
}

Error refusal(std::string_view bytes, const ZipLimits& limits = {}) {
    try {
        read_zip(bytes, limits);
    } catch (const Error& e) {
        return e;
    }
    FAIL("read_zip accepted the archive");
    throw std::logic_error("unreachable");
}

void check_invalid(const Error& e, const std::string& fragment) {
    CHECK(e.code() == ErrorCode::kInvalidRequest);
    CHECK(e.type() == "InvalidBundle");
    CHECK_THAT(e.what(), Catch::Contains(fragment));
}

void check_too_large(const Error& e, const std::string& fragment) {
    CHECK(e.code() == ErrorCode::kPayloadTooLarge);
    CHECK(e.type() == "PayloadTooLarge");
    CHECK_THAT(e.what(), Catch::Contains(fragment));
}

// An archive written by libarchive itself, for the kinds of entry our own writer never makes.
struct LibarchiveEntry {
    std::string path;
    std::string data;
    unsigned type = AE_IFREG;
    std::string symlink{};
};

la_ssize_t append(archive*, void* out, const void* buffer, std::size_t length) {
    static_cast<std::string*>(out)->append(static_cast<const char*>(buffer), length);
    return static_cast<la_ssize_t>(length);
}

std::string libarchive_zip(const std::vector<LibarchiveEntry>& entries,
                           const char* options = nullptr, const char* passphrase = nullptr) {
    std::string out;
    archive* a = archive_write_new();
    REQUIRE(archive_write_set_format_zip(a) == ARCHIVE_OK);
    if (options) REQUIRE(archive_write_set_options(a, options) == ARCHIVE_OK);
    if (passphrase) REQUIRE(archive_write_set_passphrase(a, passphrase) == ARCHIVE_OK);
    REQUIRE(archive_write_set_bytes_per_block(a, 0) == ARCHIVE_OK);
    REQUIRE(archive_write_open2(a, &out, nullptr, append, nullptr, nullptr) == ARCHIVE_OK);
    for (const auto& e : entries) {
        archive_entry* entry = archive_entry_new();
        archive_entry_set_pathname(entry, e.path.c_str());
        archive_entry_set_filetype(entry, e.type);
        archive_entry_set_perm(entry, 0644);
        if (!e.symlink.empty()) archive_entry_set_symlink(entry, e.symlink.c_str());
        archive_entry_set_size(entry, static_cast<la_int64_t>(e.data.size()));
        REQUIRE(archive_write_header(a, entry) == ARCHIVE_OK);
        if (!e.data.empty()) {
            REQUIRE(archive_write_data(a, e.data.data(), e.data.size()) ==
                    static_cast<la_ssize_t>(e.data.size()));
        }
        archive_entry_free(entry);
    }
    REQUIRE(archive_write_close(a) == ARCHIVE_OK);
    archive_write_free(a);
    return out;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// A fresh folder under the system temporary folder, removed at the end of the test.
class TempDir {
public:
    TempDir() {
        std::random_device rd;
        path_ = std::filesystem::temp_directory_path() /
                ("zip_archive_test." + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// Sets TZ for the lifetime of the object; libarchive converts zip dates with localtime().
class TimeZone {
public:
    explicit TimeZone(const char* zone) {
        if (const char* old = std::getenv("TZ")) old_ = old;
        setenv("TZ", zone, 1);
        tzset();
    }
    ~TimeZone() {
        if (old_) {
            setenv("TZ", old_->c_str(), 1);
        } else {
            unsetenv("TZ");
        }
        tzset();
    }

private:
    std::optional<std::string> old_;
};

std::uint32_t le32_at(std::string_view b, std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
        v = (v << 8) | static_cast<unsigned char>(b[at + i]);
    return v;
}

std::vector<ArchiveEntry> sample_entries() {
    return {
        {"metadata.json", R"({"name":"hello","version":"1.0"})"},
        {"empty.txt", ""},
        {"a/b/c/d/nested.txt", "deep"},
        {"bin/all-bytes", all_byte_values()},
        {"bin/random-1mb", random_bytes(1 << 20, 7)},
        {"text-1mb", std::string(1 << 20, 'x')},
        {"données/été.txt", "UTF-8 names survive"},
    };
}

}  // namespace

TEST_CASE("write_zip then read_zip returns the same entries in order", "[adapters][zip]") {
    const auto entries = sample_entries();
    const auto back = read_zip(write_zip(entries));
    REQUIRE(back.size() == entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        INFO("entry " << entries[i].path);
        CHECK(back[i].path == entries[i].path);
        CHECK(back[i].data == entries[i].data);
    }
}

TEST_CASE("an empty archive round-trips", "[adapters][zip]") {
    CHECK(read_zip(write_zip({})).empty());
}

TEST_CASE("write_zip compresses with deflate", "[adapters][zip]") {
    const std::string zip = write_zip({{"big.txt", std::string(1 << 20, 'x')}});
    CHECK(zip.size() < 20'000);
    CHECK(le32_at(zip, 0) == 0x04034b50);
    CHECK((le32_at(zip, 8) & 0xFFFF) == 8);  // compression method of the first local header
}

TEST_CASE("write_zip is deterministic", "[adapters][zip]") {
    const auto entries = sample_entries();
    const std::string first = write_zip(entries);
    CHECK(write_zip(entries) == first);

    SECTION("whatever the time zone") {
        for (const char* zone : {"UTC", "Pacific/Kiritimati", "America/Los_Angeles"}) {
            TimeZone tz(zone);
            INFO("TZ=" << zone);
            CHECK(write_zip(entries) == first);
        }
    }
    SECTION("with a fixed date, mode and owner on every entry") {
        // 1980-01-01 00:00:00 as an MS-DOS time (low half) and date (high half).
        CHECK(le32_at(first, 10) == 0x00210000u);
        archive* a = archive_read_new();
        archive_read_support_format_zip_seekable(a);
        REQUIRE(archive_read_open_memory(a, first.data(), first.size()) == ARCHIVE_OK);
        archive_entry* entry = nullptr;
        int seen = 0;
        // A warning only says that a UTF-8 name does not fit the test's C locale.
        int rc = ARCHIVE_OK;
        while ((rc = archive_read_next_header(a, &entry)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
            ++seen;
            INFO("entry " << archive_entry_pathname(entry));
            CHECK(archive_entry_filetype(entry) == AE_IFREG);
            CHECK(archive_entry_perm(entry) == 0644);
            CHECK(archive_entry_uid(entry) == 0);
            CHECK(archive_entry_gid(entry) == 0);
        }
        archive_read_free(a);
        CHECK(seen == static_cast<int>(entries.size()));
    }
    SECTION("and keeps the given order") {
        auto reversed = entries;
        std::reverse(reversed.begin(), reversed.end());
        const auto back = read_zip(write_zip(reversed));
        REQUIRE(back.size() == reversed.size());
        CHECK(back.front().path == reversed.front().path);
        CHECK(back.back().path == reversed.back().path);
    }
}

TEST_CASE("write_zip honours the compression level", "[adapters][zip]") {
    std::string text;
    for (int i = 0; text.size() < 400'000; ++i)
        text += "{\"name\":\"pkg-" + std::to_string(i * 7919 % 1000) + "\"},";
    const std::vector<ArchiveEntry> entries = {{"index.json", text}};
    cosmos::adapters::ZipWriteOptions fast{1};
    cosmos::adapters::ZipWriteOptions small{9};

    const std::string fast_zip = write_zip(entries, fast);
    const std::string small_zip = write_zip(entries, small);
    CHECK(small_zip.size() < fast_zip.size());
    CHECK(write_zip(entries, fast) == fast_zip);
    CHECK(read_zip(fast_zip).at(0).data == text);
    CHECK(read_zip(small_zip).at(0).data == text);

    for (int level : {0, 10, -1}) {
        INFO("level " << level);
        CHECK_THROWS_AS(write_zip(entries, cosmos::adapters::ZipWriteOptions{level}), Error);
    }
}

TEST_CASE("write_zip_file writes the same bytes as write_zip", "[adapters][zip]") {
    TempDir dir;
    const auto target = dir.path() / "repo.zip";
    const auto entries = sample_entries();

    write_zip_file(target, entries);
    CHECK(read_file(target) == write_zip(entries));

    SECTION("replacing an existing file and leaving no temporary behind") {
        write_zip_file(target, {{"other.txt", "replaced"}});
        const auto back = read_zip(read_file(target));
        REQUIRE(back.size() == 1);
        CHECK(back[0].path == "other.txt");
        std::size_t files = 0;
        for (const auto& item : std::filesystem::directory_iterator(dir.path())) {
            (void)item;
            ++files;
        }
        CHECK(files == 1);
    }
    SECTION("failing with core::Error when the folder does not exist") {
        CHECK_THROWS_AS(write_zip_file(dir.path() / "missing" / "repo.zip", entries), Error);
        CHECK_FALSE(std::filesystem::exists(dir.path() / "missing"));
    }
    SECTION("leaving the old file when the entries are refused") {
        CHECK_THROWS_AS(write_zip_file(target, {{"../evil", "x"}}), Error);
        CHECK(read_file(target) == write_zip(entries));
    }
}

TEST_CASE("write_zip refuses paths that read_zip would refuse", "[adapters][zip]") {
    struct Row {
        std::vector<ArchiveEntry> entries;
        std::string fragment;
    };
    const std::vector<Row> rows = {
        {{{"../evil", "x"}}, "'..' path segment"},
        {{{"/abs", "x"}}, "absolute path"},
        {{{"", "x"}}, "empty path"},
        {{{"dir/", "x"}}, "empty path segment"},
        {{{"a", "1"}, {"a", "2"}}, "duplicate entry 'a'"},
        {{{"a", "1"}, {"a/b", "2"}}, "which is a file"},
    };
    for (const auto& row : rows) {
        INFO("first path '" << row.entries.front().path << "'");
        try {
            write_zip(row.entries);
            FAIL("write_zip accepted the entries");
        } catch (const Error& e) {
            check_invalid(e, row.fragment);
        }
    }
}

TEST_CASE("archives of more than 65535 entries use and read a zip64 end record",
          "[adapters][zip]") {
    std::vector<ArchiveEntry> entries;
    for (int i = 0; i < 70'000; ++i)
        entries.push_back({"f/" + std::to_string(i), "x"});
    const std::string zip = write_zip(entries);
    CHECK(zip.find(std::string("PK\x06\x06", 4)) != std::string::npos);

    ZipLimits limits;
    limits.max_entries = 70'000;
    const auto back = read_zip(zip, limits);
    REQUIRE(back.size() == entries.size());
    CHECK(back.back().path == "f/69999");

    limits.max_entries = 69'999;
    check_invalid(refusal(zip, limits), "70000 entries, more than the limit of 69999");
}

TEST_CASE("read_zip skips directories and reads zips from other writers", "[adapters][zip]") {
    RawZipEntry dir{.name = "pkg/", .data = ""};
    dir.deflate = false;
    dir.external_attributes = 040755u << 16;
    RawZipEntry stored{.name = "pkg/stored.txt", .data = "stored as is"};
    stored.deflate = false;
    RawZipEntry dos{.name = "pkg/from-dos.txt", .data = "no unix mode"};
    dos.version_made_by = 20;  // host 0 (MS-DOS): no Unix mode in the attributes
    dos.external_attributes = 0x20;

    const auto back = read_zip(build_raw_zip({dir, stored, dos}));
    REQUIRE(back.size() == 2);
    CHECK(back[0].path == "pkg/stored.txt");
    CHECK(back[0].data == "stored as is");
    CHECK(back[1].path == "pkg/from-dos.txt");
    CHECK(back[1].data == "no unix mode");
}

TEST_CASE("read_zip refuses unsafe paths", "[adapters][zip]") {
    struct Row {
        std::string name;
        std::string fragment;
    };
    const std::vector<Row> rows = {
        {"../evil", "entry '../evil' has a '..' path segment"},
        {"a/../../b", "entry 'a/../../b' has a '..' path segment"},
        {"a/..", "has a '..' path segment"},
        {"/abs", "entry '/abs' is an absolute path"},
        {"/", "is an absolute path"},
        {"./a", "has a '.' path segment"},
        {"a//b", "has an empty path segment"},
        {"..\\evil", "has a backslash in its path"},
        {std::string("a\nb", 3), "has a control character in its path"},
        {"bad-\xff\xfe", "not valid UTF-8"},
        {"../dir/", "entry '../dir' has a '..' path segment"},
    };
    for (const auto& row : rows) {
        INFO("path '" << row.name << "'");
        RawZipEntry entry{.name = row.name, .data = "payload"};
        if (row.name.back() == '/') entry.external_attributes = 040755u << 16;
        check_invalid(refusal(build_raw_zip({entry})), row.fragment);
    }
}

TEST_CASE("read_zip refuses symbolic links", "[adapters][zip]") {
    SECTION("written by libarchive") {
        const auto zip =
            libarchive_zip({{"ok.txt", "fine"}, {"link", "", AE_IFLNK, "/etc/passwd"}});
        check_invalid(refusal(zip), "entry 'link' is a symbolic link");
    }
    SECTION("crafted with a Unix link mode") {
        RawZipEntry link{.name = "escape", .data = "../../../../etc/passwd"};
        link.external_attributes = 0120777u << 16;
        check_invalid(refusal(build_raw_zip({link})), "entry 'escape' is a symbolic link");
    }
}

TEST_CASE("read_zip refuses hard links", "[adapters][zip]") {
    // Zip has no hard-link entry type; its form of one is a second central directory record
    // pointing at the same local header and data. libarchive would silently drop it.
    RawZipEntry original{.name = "original.txt", .data = "shared data"};
    RawZipEntry link{.name = "hardlink.txt"};
    link.share_local_header_of = 0;
    check_invalid(refusal(build_raw_zip({original, link})),
                  "entry 'hardlink.txt' of the central directory cannot be read");
}

TEST_CASE("read_zip refuses device files and sockets", "[adapters][zip]") {
    struct Row {
        std::uint32_t mode;
        std::string fragment;
    };
    const std::vector<Row> rows = {
        {0020644, "entry 'node' is a character device"},
        {0060644, "entry 'node' is a block device"},
        {0140644, "entry 'node' is a socket"},
    };
    for (const auto& row : rows) {
        INFO("mode " << std::oct << row.mode);
        RawZipEntry node{.name = "node", .data = ""};
        node.external_attributes = row.mode << 16;
        check_invalid(refusal(build_raw_zip({node})), row.fragment);
    }
}

TEST_CASE("read_zip refuses encrypted entries", "[adapters][zip]") {
    SECTION("written by libarchive") {
        for (const char* method : {"zip:encryption=zipcrypt", "zip:encryption=aes256"}) {
            INFO(method);
            const auto zip = libarchive_zip({{"secret.txt", "top secret"}}, method, "password");
            check_invalid(refusal(zip), "entry 'secret.txt' is encrypted");
        }
    }
    SECTION("crafted with the encryption flag set") {
        RawZipEntry secret{.name = "secret.txt", .data = std::string(64, 's')};
        secret.flags = 1;
        check_invalid(refusal(build_raw_zip({secret})), "entry 'secret.txt' is encrypted");
    }
}

TEST_CASE("read_zip refuses duplicate paths", "[adapters][zip]") {
    struct Row {
        std::vector<RawZipEntry> entries;
        std::string fragment;
    };
    RawZipEntry dir{.name = "a/", .data = ""};
    dir.external_attributes = 040755u << 16;
    const std::vector<Row> rows = {
        {{{.name = "a", .data = "first"}, {.name = "a", .data = "second"}}, "duplicate entry 'a'"},
        {{{.name = "a", .data = "file"}, {.name = "a/b", .data = "under a file"}},
         "entry 'a/b' lies under 'a', which is a file"},
        {{{.name = "a", .data = "file"}, dir}, "entry 'a' is both a file and a directory"},
    };
    for (const auto& row : rows) {
        INFO(row.fragment);
        check_invalid(refusal(build_raw_zip(row.entries)), row.fragment);
    }
}

TEST_CASE("read_zip refuses too many entries", "[adapters][zip]") {
    std::vector<ArchiveEntry> entries;
    for (int i = 0; i < 11; ++i)
        entries.push_back({"file-" + std::to_string(i), "x"});
    const std::string zip = write_zip(entries);
    ZipLimits limits;

    limits.max_entries = 11;
    CHECK(read_zip(zip, limits).size() == 11);

    limits.max_entries = 10;
    check_invalid(refusal(zip, limits), "more than the limit of 10");
}

TEST_CASE("read_zip refuses a zip bomb", "[adapters][zip]") {
    // 200 MB of zeros deflate to about 200 KB: a ratio of about 1000.
    constexpr std::uint64_t kSize = 200ull << 20;
    static const std::string body = universe_test::raw_deflate_zeros(kSize);
    static const std::uint32_t crc = universe_test::crc32_of_zeros(kSize);
    RawZipEntry bomb{.name = "zeros.bin"};
    bomb.body = body;
    bomb.crc = crc;
    bomb.uncompressed_size = static_cast<std::uint32_t>(kSize);
    const std::string zip = build_raw_zip({bomb});
    REQUIRE(zip.size() < 400'000);

    SECTION("by the entry limit") {
        check_too_large(refusal(zip), "Entry 'zeros.bin' is larger than the limit of 67108864");
    }
    SECTION("by the ratio, while decompressing") {
        ZipLimits limits;
        limits.max_entry_bytes = 1ull << 30;
        limits.max_total_bytes = 1ull << 30;
        const Error e = refusal(zip, limits);
        check_too_large(e, "over 200 times its compressed size");
        CHECK(e.data()["limit"] == 200 * zip.size());
    }
    SECTION("by the total limit") {
        ZipLimits limits;
        limits.max_entry_bytes = 1ull << 30;
        limits.max_total_bytes = 8ull << 20;
        limits.max_ratio = 1'000'000;
        check_too_large(refusal(zip, limits), "Decompressed archive is larger than the limit");
    }
}

TEST_CASE("read_zip counts the bytes it produces, not the sizes headers claim", "[adapters][zip]") {
    // The headers claim 1000 bytes; the data inflates to 10 MB.
    constexpr std::uint64_t kReal = 10ull << 20;
    RawZipEntry liar{.name = "liar.bin"};
    liar.body = universe_test::raw_deflate_zeros(kReal);
    liar.crc = universe_test::crc32_of_zeros(kReal);
    liar.uncompressed_size = 1000;
    const std::string zip = build_raw_zip({liar});

    ZipLimits limits;
    limits.max_entry_bytes = 1ull << 20;
    limits.max_ratio = 1'000'000;
    check_too_large(refusal(zip, limits), "Entry 'liar.bin' is larger than the limit of 1048576");

    SECTION("and refuses the lie itself when the data fits the limits") {
        limits.max_entry_bytes = 64ull << 20;
        check_invalid(refusal(zip, limits), "entry 'liar.bin' is corrupt");
    }
}

TEST_CASE("read_zip applies the total limit across entries", "[adapters][zip]") {
    std::vector<ArchiveEntry> entries;
    for (int i = 0; i < 3; ++i)
        entries.push_back({"part-" + std::to_string(i), random_bytes(400'000, i)});
    const std::string zip = write_zip(entries);
    ZipLimits limits;
    limits.max_total_bytes = 1'000'000;
    CHECK(read_zip(zip, ZipLimits{}).size() == 3);
    check_too_large(refusal(zip, limits),
                    "Decompressed archive is larger than the limit of 1000000");
}

TEST_CASE("read_zip exempts small outputs from the ratio limit", "[adapters][zip]") {
    // 512 KB of one byte compresses about 1000 to 1, but is harmless.
    const std::string zip = write_zip({{"spaces.txt", std::string(512 << 10, ' ')}});
    CHECK(read_zip(zip).at(0).data.size() == 512u << 10);

    ZipLimits strict;
    strict.ratio_exempt_bytes = 0;
    check_too_large(refusal(zip, strict), "times its compressed size");
}

TEST_CASE("read_zip refuses truncated archives", "[adapters][zip]") {
    const std::string zip = write_zip({{"a.txt", random_bytes(10'000, 1)}, {"b.txt", "bee"}});
    for (std::size_t keep : {zip.size() - 1, zip.size() - 22, zip.size() / 2, std::size_t{30}}) {
        INFO("keeping " << keep << " of " << zip.size() << " bytes");
        check_invalid(refusal(zip.substr(0, keep)), "truncated");
    }
}

TEST_CASE("read_zip refuses corrupt data", "[adapters][zip]") {
    SECTION("a wrong CRC") {
        RawZipEntry entry{.name = "data.txt", .data = "some text that will be checked"};
        entry.crc = 0x12345678;
        check_invalid(refusal(build_raw_zip({entry})), "entry 'data.txt' is corrupt");
    }
    SECTION("a damaged deflate stream") {
        RawZipEntry entry{.name = "data.bin", .data = random_bytes(4096, 3)};
        std::string body = universe_test::raw_deflate(entry.data);
        for (std::size_t i = 10; i < body.size(); i += 7)
            body[i] = static_cast<char>(~body[i]);
        entry.body = body;
        check_invalid(refusal(build_raw_zip({entry})), "entry 'data.bin' is corrupt");
    }
    SECTION("local headers that disagree with the central directory") {
        std::string zip = build_raw_zip({{.name = "aaaa", .data = "hello"}});
        zip.replace(zip.rfind("aaaa"), 4, "bbbb");  // the central directory's copy of the name
        check_invalid(refusal(zip), "entry 'aaaa' is not in the central directory");
    }
}

TEST_CASE("read_zip refuses input that is not a zip", "[adapters][zip]") {
    struct Row {
        std::string name;
        std::string bytes;
    };
    const std::vector<Row> rows = {
        {"empty input", ""},
        {"random bytes", random_bytes(100'000, 42)},
        {"text", "this is not a zip archive, just some text"},
        {"a lone local header signature", std::string("PK\x03\x04", 4) + std::string(100, '\0')},
    };
    for (const auto& row : rows) {
        INFO(row.name);
        check_invalid(refusal(row.bytes), "not a zip archive");
    }
}
