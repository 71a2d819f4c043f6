#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/loopback_server.h"

namespace universe_test {

/// gzip (RFC 1952) of bytes, compressed with zlib.
std::string gzip_bytes(std::string_view bytes);

/// Inflates a gzip stream; throws std::runtime_error when it is not valid gzip.
std::string gunzip_bytes(std::string_view bytes);

/// How the repository server answers for one path.
enum class RepoMode {
    kNormal,          ///< 200, the bytes and their content type (ETag and 304 when set)
    kNotFound,        ///< 404 text/plain
    kHtml,            ///< 200 text/html with an HTML page instead of the file (a captive portal)
    kServerError,     ///< 500 text/plain
    kHang,            ///< never answers
    kTruncated,       ///< announces the full length, sends half of the bytes, closes
    kWrongMediaType,  ///< 200, the bytes, but Content-Type: application/json
    kGzip,            ///< 200, Content-Encoding: gzip, the bytes compressed (whatever was accepted)
    kRedirect,        ///< a redirect (see RepoServer::redirect)
};

/// A repository server on a loopback port that can misbehave per path. Every request is logged
/// (tests assert Accept, User-Agent, Accept-Encoding, and the absence of Authorization).
/// Unregistered paths answer 404. Thread-safe.
class RepoServer {
public:
    /// Starts listening (port 0 = any free port).
    explicit RepoServer(std::uint16_t port = 0);
    ~RepoServer();
    RepoServer(const RepoServer&) = delete;
    RepoServer& operator=(const RepoServer&) = delete;

    /// The bound port.
    std::uint16_t port() const;
    /// "http://127.0.0.1:<port><path>".
    std::string url(std::string_view path) const;
    /// "https://127.0.0.1:<port><path>" (nothing speaks TLS there: for cross-scheme redirects).
    std::string https_url(std::string_view path) const;
    /// Stops listening (connections are refused).
    void stop();

    /// Serves body at path with content_type, in mode kNormal (replaces earlier settings).
    void serve(std::string path, std::string body, std::string content_type);
    /// Changes how path answers (the path needs no body for the error modes).
    void set_mode(const std::string& path, RepoMode mode);
    /// Redirects path to location with status (301, 302, 307, 308): a location starting with '/'
    /// names another path of this server (same scheme); otherwise it is an absolute URL.
    void redirect(const std::string& path, std::string location, int status = 302);
    /// Sends ETag: etag (give it quoted, e.g. "\"v1\"") and answers 304 when If-None-Match
    /// holds it (or "*").
    void set_etag(const std::string& path, std::string etag);
    /// Requests received for path (any method).
    std::size_t hits(const std::string& path) const;
    /// The requests received for path, oldest first.
    std::vector<Request> requests(const std::string& path) const;
    /// Every request received.
    RequestLog& log();

private:
    struct Entry {
        std::string body;
        std::string content_type = "application/octet-stream";
        RepoMode mode = RepoMode::kNormal;
        std::string location;
        int redirect_status = 302;
        std::optional<std::string> etag;
    };

    Reply handle(const Request& request);

    mutable std::mutex mutex_;
    std::map<std::string, Entry> entries_;
    LoopbackServer server_;
};

}  // namespace universe_test
