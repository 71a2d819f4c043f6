#include "tests/adapters/raw_zip.h"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

namespace universe_test {

namespace {

void put16(std::string& out, std::uint32_t v) {
    out.push_back(static_cast<char>(v & 0xFF));
    out.push_back(static_cast<char>((v >> 8) & 0xFF));
}

void put32(std::string& out, std::uint32_t v) {
    put16(out, v & 0xFFFF);
    put16(out, v >> 16);
}

// 1980-01-01 00:00:00 in MS-DOS date and time fields.
constexpr std::uint16_t kDosTime = 0;
constexpr std::uint16_t kDosDate = (0 << 9) | (1 << 5) | 1;

class Deflater {
public:
    Deflater() {
        if (deflateInit2(&zs_, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) !=
            Z_OK) {
            throw std::runtime_error("deflateInit2 failed");
        }
    }
    ~Deflater() { deflateEnd(&zs_); }
    Deflater(const Deflater&) = delete;
    Deflater& operator=(const Deflater&) = delete;

    void feed(std::string_view data, bool finish) {
        zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
        zs_.avail_in = static_cast<uInt>(data.size());
        char buffer[64 * 1024];
        while (true) {
            zs_.next_out = reinterpret_cast<Bytef*>(buffer);
            zs_.avail_out = sizeof(buffer);
            int rc = deflate(&zs_, finish ? Z_FINISH : Z_NO_FLUSH);
            if (rc == Z_STREAM_ERROR) throw std::runtime_error("deflate failed");
            out_.append(buffer, sizeof(buffer) - zs_.avail_out);
            if (finish ? rc == Z_STREAM_END : (zs_.avail_in == 0 && zs_.avail_out != 0)) break;
        }
    }

    std::string take() { return std::move(out_); }

private:
    z_stream zs_{};
    std::string out_;
};

}  // namespace

std::string raw_deflate(std::string_view data) {
    Deflater d;
    d.feed(data, true);
    return d.take();
}

std::string raw_deflate_zeros(std::uint64_t count) {
    const std::string zeros(1 << 20, '\0');
    Deflater d;
    while (count > zeros.size()) {
        d.feed(zeros, false);
        count -= zeros.size();
    }
    d.feed(std::string_view(zeros).substr(0, count), true);
    return d.take();
}

std::uint32_t crc32_of(std::string_view data) {
    return static_cast<std::uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

std::uint32_t crc32_of_zeros(std::uint64_t count) {
    const std::string zeros(1 << 20, '\0');
    uLong crc = crc32(0, nullptr, 0);
    while (count > 0) {
        auto n = static_cast<uInt>(std::min<std::uint64_t>(count, zeros.size()));
        crc = crc32(crc, reinterpret_cast<const Bytef*>(zeros.data()), n);
        count -= n;
    }
    return static_cast<std::uint32_t>(crc);
}

std::string build_raw_zip(const std::vector<RawZipEntry>& entries) {
    struct Written {
        std::uint32_t offset;
        std::uint16_t method;
        std::uint32_t crc;
        std::uint32_t compressed;
        std::uint32_t uncompressed;
    };
    std::string out;
    std::vector<Written> written;
    // The fields the local header and the central directory entry share, in the same order.
    auto put_shared = [&out](const RawZipEntry& e, const Written& w) {
        put16(out, e.flags);
        put16(out, w.method);
        put16(out, kDosTime);
        put16(out, kDosDate);
        put32(out, w.crc);
        put32(out, w.compressed);
        put32(out, w.uncompressed);
        put16(out, static_cast<std::uint32_t>(e.name.size()));
    };
    for (const auto& e : entries) {
        if (e.share_local_header_of) {
            written.push_back(written.at(*e.share_local_header_of));
            continue;
        }
        Written w;
        w.offset = static_cast<std::uint32_t>(out.size());
        w.method = e.deflate ? 8 : 0;
        std::string body = e.body ? *e.body : (e.deflate ? raw_deflate(e.data) : e.data);
        w.crc = e.crc.value_or(crc32_of(e.data));
        w.compressed = static_cast<std::uint32_t>(body.size());
        w.uncompressed = e.uncompressed_size.value_or(static_cast<std::uint32_t>(e.data.size()));
        put32(out, 0x04034b50);
        put16(out, 20);
        put_shared(e, w);
        put16(out, 0);  // extra field length
        out += e.name;
        out += body;
        written.push_back(w);
    }
    const auto cd_offset = static_cast<std::uint32_t>(out.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& e = entries[i];
        const auto& w = written[i];
        put32(out, 0x02014b50);
        put16(out, e.version_made_by);
        put16(out, 20);
        put_shared(e, w);
        put16(out, 0);  // extra field length
        put16(out, 0);  // comment length
        put16(out, 0);  // disk number
        put16(out, 0);  // internal attributes
        put32(out, e.external_attributes);
        put32(out, w.offset);
        out += e.name;
    }
    const auto cd_size = static_cast<std::uint32_t>(out.size()) - cd_offset;
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, static_cast<std::uint32_t>(entries.size()));
    put16(out, static_cast<std::uint32_t>(entries.size()));
    put32(out, cd_size);
    put32(out, cd_offset);
    put16(out, 0);
    return out;
}

}  // namespace universe_test
