#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "cosmos/core/json.h"
#include "tests/support/loopback_server.h"

namespace universe_test {

/// Why a request got no complete answer.
enum class HttpFailure {
    kRefused,    ///< nothing listens on the port
    kTimedOut,   ///< no complete answer before the deadline (a hanging server)
    kClosed,     ///< the server closed the connection before a status line (a dropped call)
    kTruncated,  ///< the head arrived but the body ended before its announced length
    kMalformed,  ///< the bytes are not an HTTP/1.x response
};

/// "refused", "timed out", "closed", "truncated", "malformed".
std::string_view to_string(HttpFailure failure);

/// Thrown by the client when no complete response arrives.
class HttpClientError : public std::runtime_error {
public:
    HttpClientError(HttpFailure failure, const std::string& what)
        : std::runtime_error(what), failure_(failure) {}
    /// The kind of failure.
    HttpFailure failure() const noexcept { return failure_; }

private:
    HttpFailure failure_;
};

/// A request for the client. Host and Content-Length are added when absent.
struct HttpCall {
    std::string method = "GET";
    std::string target = "/";                 ///< origin-form: path plus optional "?query"
    HeaderList headers;                       ///< sent in this order
    std::string body;                         ///< sent verbatim
    std::chrono::milliseconds timeout{5000};  ///< for the whole exchange
};

/// A complete response. Bodies are returned as received (chunked framing removed, no
/// decompression).
struct HttpResponse {
    int status = 0;      ///< e.g. 201
    std::string reason;  ///< the reason phrase as sent
    HeaderList headers;  ///< response header fields in order
    std::string body;    ///< the body bytes

    /// The first value of header name (case-insensitive), or nullopt.
    std::optional<std::string> header(std::string_view name) const { return headers.get(name); }
    /// The body parsed as JSON; throws cosmos::core::Error when it is not JSON.
    cosmos::core::Json json() const;
};

/// One TCP connection to 127.0.0.1 (or host), usable for several requests (keep-alive).
class HttpConnection {
public:
    /// Connects; throws HttpClientError kRefused when nothing listens.
    explicit HttpConnection(std::uint16_t port, std::string host = "127.0.0.1");
    ~HttpConnection();
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    /// Sends call and reads its response; throws HttpClientError.
    HttpResponse request(const HttpCall& call);
    /// Writes bytes verbatim (for hand-made requests, e.g. chunked bodies).
    void send_raw(std::string_view bytes);
    /// Reads one response; head_request = the request was HEAD (no body follows). Throws
    /// HttpClientError.
    HttpResponse read_response(std::chrono::milliseconds timeout, bool head_request = false);
    /// True when the server closes the connection within timeout (recv returns end of stream).
    bool closed_by_peer(std::chrono::milliseconds timeout);

private:
    bool fill(std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    std::string host_;
    std::uint16_t port_;
    std::string buffer_;
};

/// One request over a fresh connection to 127.0.0.1:port; throws HttpClientError.
HttpResponse http_call(std::uint16_t port, const HttpCall& call);

/// GET target with optional extra headers.
HttpResponse http_get(std::uint16_t port, const std::string& target, HeaderList headers = {});

/// method target with a JSON body (Content-Type: application/json).
HttpResponse http_json(std::uint16_t port, const std::string& method, const std::string& target,
                       const cosmos::core::Json& body, HeaderList headers = {});

/// method target with a text body and the given Content-Type.
HttpResponse http_send(std::uint16_t port, const std::string& method, const std::string& target,
                       std::string body, const std::string& content_type, HeaderList headers = {});

/// Runs fn and returns the HttpFailure it threw, or nullopt when it returned normally.
template <typename Fn>
std::optional<HttpFailure> http_failure_of(Fn&& fn) {
    try {
        fn();
    } catch (const HttpClientError& e) {
        return e.failure();
    }
    return std::nullopt;
}

}  // namespace universe_test
