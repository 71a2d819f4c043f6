#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cosmos/http/message.h"

namespace cosmos::http {

/// What the router observed about one request (for the access log and metrics).
struct RequestRecord {
    std::string method;
    std::string path;
    std::string endpoint;  ///< the route's name, "unknown" for unrouted paths
    int status = 0;
    double milliseconds = 0;
    std::string error_type;  ///< the Cosmos error type of an error response, else ""
    /// For answers of 500 and above: the error's message, and where and why an upstream failed
    /// when the error says so ("... (http://m:8080/v2/apps: connection refused)"); else "".
    std::string error_detail;
};

/// Dispatches requests to routes by method and exact path (then by path prefix), and is the one
/// place where errors become HTTP responses: a core::Error becomes its Cosmos error body, any
/// other exception a 500 unhandled_exception. Unknown paths and wrong methods get 404 with an
/// empty body (as Cosmos).
class Router {
public:
    using Route = std::function<HttpResponse(const HttpRequest&)>;
    using Observer = std::function<void(const RequestRecord&)>;
    /// Runs before the route a request matched, with the route's name; throws core::Error to
    /// refuse the request (authentication and roles).
    using Guard = std::function<void(const HttpRequest&, const std::string& route_name)>;

    /// Registers a route; name labels it in logs and metrics.
    void add(std::string method, std::string path, std::string name, Route route);

    /// Registers a route for every path that starts with prefix and has no exact route; the
    /// longest matching prefix wins.
    void add_prefix(std::string method, std::string prefix, std::string name, Route route);

    /// Called after every request (must be thread-safe).
    void set_observer(Observer observer) { observer_ = std::move(observer); }

    /// Set before serving; without one every matched route runs.
    void set_guard(Guard guard) { guard_ = std::move(guard); }

    /// Handles one request. Never throws.
    HttpResponse handle(const HttpRequest& request) const noexcept;

    /// Reports an answer the listener gave without routing the request (a body over the limit,
    /// a malformed request), so that it is logged and counted like any other. Never throws.
    void refused(const HttpRequest& request, const HttpResponse& response) const noexcept;

    /// The names of all routes, for metrics.
    std::vector<std::string> route_names() const;

private:
    struct Entry {
        std::string name;
        Route route;
    };
    const Entry* find(const std::string& method, const std::string& path) const;

    std::map<std::pair<std::string, std::string>, Entry> routes_;
    std::map<std::pair<std::string, std::string>, Entry> prefixes_;  ///< (method, prefix)
    Observer observer_;
    Guard guard_;
};

}  // namespace cosmos::http
