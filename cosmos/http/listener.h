#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cosmos/http/message.h"

namespace cosmos::http {

/// Turns one request into one response. Must not throw (the router catches everything).
using Handler = std::function<HttpResponse(const HttpRequest&)>;

/// Settings of an HTTP listener.
struct ListenerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 7070;              ///< 0 = any free port (see Listener::port())
    std::size_t max_body_bytes = 8u << 20;  ///< larger request bodies get 413 with a Cosmos error
    /// Worker threads of the Beast listener; 0 = one per hardware thread. The cpprest listener
    /// runs on cpprest's process-wide pool and ignores this.
    unsigned threads = 0;
    unsigned idle_timeout_ms = 60000;  ///< a keep-alive connection without a request is closed
    /// Told about every answer the listener gives itself, without calling the handler (413 for a
    /// body over the limit, 400 for a malformed request, 503 while draining), with what was read
    /// of the request (method and path, possibly empty). Must not throw; may be empty.
    std::function<void(const HttpRequest&, const HttpResponse&)> on_refused;
};

/// An HTTP/1.1 server on one address. The library behind it stays inside its .cpp file, so it can
/// be swapped without touching the router.
///
/// Both kinds hand the handler the method, the percent-decoded path, the decoded query parameters
/// in order, the headers and the body, and write the handler's status, headers (in order) and body
/// with a Content-Length; no Content-Type is added when the response has none. A body over
/// max_body_bytes gets payload_too_large_response() and the connection is closed. The Beast kind
/// keeps header order and repeated headers; cpprest sorts headers by name and joins repeated ones
/// with ", ".
class Listener {
public:
    virtual ~Listener() = default;
    /// Binds and starts serving in background threads. Throws core::Error when it cannot bind.
    virtual void start() = 0;
    /// Stops accepting, lets requests in flight finish (up to drain_ms), then closes. Idle
    /// keep-alive connections are closed at once. Calling it again, or before start(), does
    /// nothing. The Beast kind refuses new connections as soon as stop() is called; the cpprest
    /// kind can only close its socket after the drain, so until then it answers new requests with
    /// 503.
    virtual void stop(unsigned drain_ms = 10000) = 0;
    /// The bound port (useful with port 0).
    virtual std::uint16_t port() const = 0;
};

/// Which implementation make_listener builds.
enum class ListenerKind {
    kBeast,    ///< Boost.Beast (asio): the default, measured faster in bench/
    kCpprest,  ///< cpprestsdk http_listener
};

/// Builds a listener of the given kind (not started).
std::unique_ptr<Listener> make_listener(ListenerKind kind, const ListenerOptions& options,
                                        Handler handler);

/// Builds the Boost.Beast listener (what make_listener(kBeast, ...) returns).
std::unique_ptr<Listener> make_beast_listener(const ListenerOptions& options, Handler handler);

/// Builds the cpprest listener (what make_listener(kCpprest, ...) returns).
std::unique_ptr<Listener> make_cpprest_listener(const ListenerOptions& options, Handler handler);

/// A request target split into its parts.
struct RequestTarget {
    std::string path;               ///< Percent-decoded; "+" stays "+".
    std::vector<QueryParam> query;  ///< Percent-decoded, "+" read as a space, in order.
};

/// Parses an origin-form ("/a%20b?x=1&y") or absolute-form ("http://h/a?x=1") request target.
/// Empty query segments are skipped and a parameter without "=" has an empty value; a fragment is
/// ignored. Returns nullopt when a percent escape is malformed or the target is not one of those
/// forms (listeners answer 400).
std::optional<RequestTarget> parse_request_target(std::string_view target);

/// The 413 answer to a request body over `limit` bytes: the Cosmos error body of
/// core::payload_too_large("Request body", limit), as the router would write it.
HttpResponse payload_too_large_response(std::size_t limit);

/// The 400 answer to a request that is not valid HTTP (plain text, the connection then closes).
HttpResponse bad_request_response();

/// Why a listener could not bind, in words, from the system error number (EADDRINUSE: "the
/// address is already in use ..."; 0 = unknown, then read from fallback's text); fallback
/// (lower-cased) for the numbers without their own words.
std::string listen_failure_cause(int error_number, std::string fallback);

/// The 503 answer the cpprest listener gives while it drains.
HttpResponse shutting_down_response();

}  // namespace cosmos::http
