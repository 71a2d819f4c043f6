#include "cosmos/adapters/gzip_codec.h"

#include <catch2/catch.hpp>
#include <stdexcept>

#include <zlib.h>

#include "cosmos/core/error.h"
#include "tests/adapters/sample_bytes.h"

namespace {

using cosmos::adapters::gzip_compress;
using cosmos::adapters::gzip_decompress;
using cosmos::core::Error;
using cosmos::core::ErrorCode;
using universe_test::random_bytes;

constexpr std::uint64_t kNoLimit = 1ull << 40;

Error gzip_refusal(std::string_view bytes, std::uint64_t limit = kNoLimit) {
    try {
        gzip_decompress(bytes, limit);
    } catch (const Error& e) {
        return e;
    }
    FAIL("gzip_decompress accepted the input");
    throw std::logic_error("unreachable");
}

void check_invalid_gzip(const Error& e) {
    CHECK(e.type() == "InvalidGzip");
    CHECK(e.code() == ErrorCode::kInvalidRequest);
    CHECK_THAT(e.what(), Catch::Contains("Invalid gzip data"));
}

}  // namespace

TEST_CASE("gzip round trip", "[adapters][gzip]") {
    struct Row {
        std::string name;
        std::string data;
    };
    const std::vector<Row> rows = {
        {"empty", ""},
        {"one byte", "a"},
        {"text", "{\"packages\":[{\"name\":\"hello\",\"version\":\"1.0\"}]}"},
        {"repetitive 3 MB", std::string(3 << 20, 'z')},
        {"random 1 MB", random_bytes(1 << 20, 5)},
    };
    for (const auto& row : rows) {
        INFO(row.name);
        const std::string gz = gzip_compress(row.data);
        CHECK(gzip_decompress(gz, kNoLimit) == row.data);
    }
}

TEST_CASE("gzip_compress writes a plain gzip header", "[adapters][gzip]") {
    const std::string gz = gzip_compress("hello");
    REQUIRE(gz.size() >= 18);
    CHECK(static_cast<unsigned char>(gz[0]) == 0x1f);
    CHECK(static_cast<unsigned char>(gz[1]) == 0x8b);
    CHECK(gz[2] == 8);                               // deflate
    CHECK(gz[3] == 0);                               // no flags: no file name, no comment
    CHECK(gz.substr(4, 4) == std::string(4, '\0'));  // mtime 0
    CHECK(gzip_compress("hello") == gz);
}

TEST_CASE("gzip_decompress reads concatenated members", "[adapters][gzip]") {
    const std::string gz = gzip_compress("hello ") + gzip_compress("") + gzip_compress("world");
    CHECK(gzip_decompress(gz, kNoLimit) == "hello world");
}

TEST_CASE("gzip_decompress refuses a truncated stream", "[adapters][gzip]") {
    const std::string gz = gzip_compress(random_bytes(50'000, 9));
    for (std::size_t keep : {std::size_t{0}, std::size_t{1}, std::size_t{10}, gz.size() / 2,
                             gz.size() - 4, gz.size() - 1}) {
        INFO("keeping " << keep << " of " << gz.size() << " bytes");
        check_invalid_gzip(gzip_refusal(gz.substr(0, keep)));
    }
    SECTION("also after a complete first member") {
        const std::string second = gzip_compress("second member");
        check_invalid_gzip(gzip_refusal(gz + second.substr(0, second.size() / 2)));
    }
}

TEST_CASE("gzip_decompress refuses garbage", "[adapters][gzip]") {
    std::string bad_crc = gzip_compress("checked content");
    bad_crc[bad_crc.size() - 8] = static_cast<char>(~bad_crc[bad_crc.size() - 8]);
    std::string bad_body = gzip_compress(random_bytes(4096, 2));
    for (std::size_t i = 12; i < bad_body.size() - 8; i += 5)
        bad_body[i] = static_cast<char>(~bad_body[i]);

    struct Row {
        std::string name;
        std::string bytes;
    };
    const std::vector<Row> rows = {
        {"text", "this is not gzip"},
        {"random bytes", random_bytes(10'000, 4)},
        {"wrong CRC in the trailer", bad_crc},
        {"damaged deflate data", bad_body},
        {"garbage after a member", gzip_compress("fine") + "trailing garbage"},
    };
    for (const auto& row : rows) {
        INFO(row.name);
        check_invalid_gzip(gzip_refusal(row.bytes));
    }
}

TEST_CASE("gzip_decompress refuses output over the limit", "[adapters][gzip]") {
    // 64 MB of zeros compress to about 64 KB.
    constexpr std::size_t kSize = 64u << 20;
    static const std::string bomb = gzip_compress(std::string(kSize, '\0'));
    REQUIRE(bomb.size() < 200'000);

    const Error e = gzip_refusal(bomb, 1 << 20);
    CHECK(e.type() == "PayloadTooLarge");
    CHECK(e.code() == ErrorCode::kPayloadTooLarge);
    CHECK_THAT(e.what(), Catch::Contains("larger than the limit of 1048576 bytes"));

    SECTION("at exactly the limit the output is accepted") {
        const std::string gz = gzip_compress(std::string(100'000, 'q'));
        CHECK(gzip_decompress(gz, 100'000).size() == 100'000);
        CHECK(gzip_refusal(gz, 99'999).type() == "PayloadTooLarge");
    }
}

TEST_CASE("a zlib stream is not gzip", "[adapters][gzip]") {
    std::string text = "not wrapped in gzip";
    uLongf size = compressBound(static_cast<uLong>(text.size()));
    std::string zlib_stream(size, '\0');
    REQUIRE(compress(reinterpret_cast<Bytef*>(zlib_stream.data()), &size,
                     reinterpret_cast<const Bytef*>(text.data()),
                     static_cast<uLong>(text.size())) == Z_OK);
    zlib_stream.resize(size);
    try {
        cosmos::adapters::gzip_decompress(zlib_stream, 1 << 20);
        FAIL("a zlib stream was accepted as gzip");
    } catch (const cosmos::core::Error& e) {
        CHECK(e.type() == "InvalidGzip");
    }
}
