#include "cosmos/adapters/gzip_codec.h"

#include <zlib.h>

#include <algorithm>

#include "cosmos/core/error.h"

namespace cosmos::adapters {

namespace {

core::Error invalid_gzip(std::string_view why) {
    return core::Error(core::ErrorCode::kInvalidRequest, "InvalidGzip",
                       "Invalid gzip data: " + std::string(why));
}

}  // namespace

std::string gzip_compress(std::string_view bytes) {
    z_stream zs{};
    // windowBits 15 + 16 selects the gzip wrapper.
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        throw core::unhandled_exception("zlib: deflateInit2 failed");
    }
    std::string out;
    char buffer[64 * 1024];
    // zlib counts in uInt: feed the input in slices so that inputs of 4 GiB and more work.
    std::size_t offset = 0;
    int rc = Z_OK;
    do {
        std::size_t slice = std::min<std::size_t>(bytes.size() - offset, 1u << 30);
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + offset));
        zs.avail_in = static_cast<uInt>(slice);
        offset += slice;
        const int flush = offset == bytes.size() ? Z_FINISH : Z_NO_FLUSH;
        do {
            zs.next_out = reinterpret_cast<Bytef*>(buffer);
            zs.avail_out = sizeof(buffer);
            rc = deflate(&zs, flush);
            out.append(buffer, sizeof(buffer) - zs.avail_out);
        } while (zs.avail_out == 0);
    } while (offset < bytes.size());
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw core::unhandled_exception("zlib: deflate did not finish");
    return out;
}

std::string gzip_decompress(std::string_view bytes, std::uint64_t max_output) {
    z_stream zs{};
    // 15 + 16: the gzip wrapper only (a zlib stream is not gzip).
    if (inflateInit2(&zs, 15 + 16) != Z_OK) throw core::unhandled_exception("zlib: inflateInit2");
    std::string out;
    char buffer[64 * 1024];
    std::size_t offset = 0;
    auto refill = [&] {
        std::size_t slice = std::min<std::size_t>(bytes.size() - offset, 1u << 30);
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + offset));
        zs.avail_in = static_cast<uInt>(slice);
        offset += slice;
    };
    refill();
    while (true) {
        if (zs.avail_in == 0 && offset < bytes.size()) refill();
        zs.next_out = reinterpret_cast<Bytef*>(buffer);
        zs.avail_out = sizeof(buffer);
        int rc = inflate(&zs, Z_NO_FLUSH);
        std::size_t produced = sizeof(buffer) - zs.avail_out;
        if (out.size() + produced > max_output) {
            inflateEnd(&zs);
            throw core::payload_too_large("Decompressed content", max_output);
        }
        out.append(buffer, produced);
        if (rc == Z_STREAM_END) {
            if (zs.avail_in == 0 && offset == bytes.size()) break;
            // Another gzip member follows.
            if (inflateReset(&zs) != Z_OK) {
                inflateEnd(&zs);
                throw invalid_gzip("cannot read the next member");
            }
            continue;
        }
        if (rc == Z_BUF_ERROR && zs.avail_in == 0 && offset == bytes.size()) {
            inflateEnd(&zs);
            throw invalid_gzip("truncated stream");
        }
        if (rc != Z_OK) {
            std::string why = zs.msg ? zs.msg : "corrupt stream";
            inflateEnd(&zs);
            throw invalid_gzip(why);
        }
    }
    inflateEnd(&zs);
    return out;
}

}  // namespace cosmos::adapters
