#include "tests/support/repo_server.h"

#include <zlib.h>

#include <stdexcept>

namespace universe_test {

namespace {

// windowBits 15 + 16 selects the gzip wrapper; 15 + 32 lets inflate detect it.
constexpr int kGzipWindow = 15 + 16;
constexpr int kDetectWindow = 15 + 32;

bool etag_listed(std::string_view header, std::string_view etag) {
    while (!header.empty()) {
        std::size_t comma = header.find(',');
        std::string_view item = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ')
            item.remove_suffix(1);
        // Weak comparison, as If-None-Match uses (RFC 9110 13.1.2).
        if (item.starts_with("W/")) item.remove_prefix(2);
        std::string_view tag = etag.starts_with("W/") ? etag.substr(2) : etag;
        if (item == "*" || item == tag) return true;
    }
    return false;
}

}  // namespace

std::string gzip_bytes(std::string_view bytes) {
    z_stream stream{};
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindow, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("deflateInit2 failed");
    }
    std::string out(deflateBound(&stream, static_cast<uLong>(bytes.size())) + 32, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream.avail_in = static_cast<uInt>(bytes.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&stream, Z_FINISH);
    deflateEnd(&stream);
    if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
    out.resize(stream.total_out);
    return out;
}

std::string gunzip_bytes(std::string_view bytes) {
    z_stream stream{};
    if (inflateInit2(&stream, kDetectWindow) != Z_OK) throw std::runtime_error("inflateInit2");
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream.avail_in = static_cast<uInt>(bytes.size());
    std::string out;
    char chunk[16384];
    int rc;
    do {
        stream.next_out = reinterpret_cast<Bytef*>(chunk);
        stream.avail_out = sizeof chunk;
        rc = inflate(&stream, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            inflateEnd(&stream);
            throw std::runtime_error("not valid gzip");
        }
        out.append(chunk, sizeof chunk - stream.avail_out);
    } while (rc != Z_STREAM_END && (stream.avail_in > 0 || stream.avail_out == 0));
    inflateEnd(&stream);
    if (rc != Z_STREAM_END) throw std::runtime_error("gzip stream cut short");
    return out;
}

RepoServer::RepoServer(std::uint16_t port)
    : server_([this](const Request& request) { return handle(request); }) {
    server_.start(port);
}

RepoServer::~RepoServer() {
    server_.stop();
}

std::uint16_t RepoServer::port() const {
    return server_.port();
}

std::string RepoServer::url(std::string_view path) const {
    return server_.base_url() + std::string(path);
}

std::string RepoServer::https_url(std::string_view path) const {
    return "https://" + server_.host_port() + std::string(path);
}

void RepoServer::stop() {
    server_.stop();
}

void RepoServer::serve(std::string path, std::string body, std::string content_type) {
    std::lock_guard lock(mutex_);
    Entry entry;
    entry.body = std::move(body);
    entry.content_type = std::move(content_type);
    entries_[std::move(path)] = std::move(entry);
}

void RepoServer::set_mode(const std::string& path, RepoMode mode) {
    std::lock_guard lock(mutex_);
    entries_[path].mode = mode;
}

void RepoServer::redirect(const std::string& path, std::string location, int status) {
    std::lock_guard lock(mutex_);
    Entry& entry = entries_[path];
    entry.mode = RepoMode::kRedirect;
    entry.location = std::move(location);
    entry.redirect_status = status;
}

void RepoServer::set_etag(const std::string& path, std::string etag) {
    std::lock_guard lock(mutex_);
    entries_[path].etag = std::move(etag);
}

std::size_t RepoServer::hits(const std::string& path) const {
    return requests(path).size();
}

std::vector<Request> RepoServer::requests(const std::string& path) const {
    std::vector<Request> out;
    for (auto& request : server_.log().entries()) {
        if (request.path == path) out.push_back(std::move(request));
    }
    return out;
}

RequestLog& RepoServer::log() {
    return server_.log();
}

Reply RepoServer::handle(const Request& request) {
    Entry entry;
    {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(request.path);
        if (it == entries_.end()) return Reply::text(404, "Not Found\n");
        entry = it->second;
    }
    switch (entry.mode) {
        case RepoMode::kNotFound:
            return Reply::text(404, "Not Found\n");
        case RepoMode::kServerError:
            return Reply::text(500, "Internal Server Error\n");
        case RepoMode::kHtml:
            return Reply::text(200,
                               "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>"
                               "<body><h1>Please sign in to continue</h1></body></html>\n",
                               "text/html; charset=utf-8");
        case RepoMode::kHang: {
            Reply reply;
            reply.hang = true;
            return reply;
        }
        case RepoMode::kRedirect: {
            Reply reply = Reply::text(entry.redirect_status, "");
            std::string location = entry.location;
            if (location.starts_with("/")) location = server_.base_url() + location;
            reply.headers.add("Location", location);
            return reply;
        }
        default:
            break;
    }

    if (entry.etag) {
        auto condition = request.header("If-None-Match");
        if (condition && etag_listed(*condition, *entry.etag)) {
            Reply reply;
            reply.status = 304;
            reply.headers.add("ETag", *entry.etag);
            return reply;
        }
    }
    Reply reply = Reply::text(200, entry.body, entry.content_type);
    if (entry.etag) reply.headers.add("ETag", *entry.etag);
    switch (entry.mode) {
        case RepoMode::kTruncated:
            // The full length is announced; half the bytes arrive before the close.
            reply.headers.add("Content-Length", std::to_string(entry.body.size()));
            reply.body.erase(entry.body.size() / 2);
            reply.close = true;
            break;
        case RepoMode::kWrongMediaType:
            reply.headers.set("Content-Type", "application/json");
            break;
        case RepoMode::kGzip:
            reply.body = gzip_bytes(entry.body);
            reply.headers.add("Content-Encoding", "gzip");
            reply.headers.add("Vary", "Accept-Encoding");
            break;
        default:
            break;
    }
    return reply;
}

}  // namespace universe_test
