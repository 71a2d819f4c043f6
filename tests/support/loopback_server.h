#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace universe_test {

/// Header fields in arrival order. Names compare case-insensitively; values are kept verbatim.
class HeaderList {
public:
    HeaderList() = default;
    /// Builds a list from {name, value} pairs, in that order.
    HeaderList(std::initializer_list<std::pair<std::string, std::string>> fields);

    /// Appends a field (a name may repeat).
    void add(std::string name, std::string value);
    /// Replaces every field called name by one field with value (appended when absent).
    void set(std::string name, std::string value);
    /// Removes every field called name.
    void remove(std::string_view name);
    /// The first value of name, or nullopt.
    std::optional<std::string> get(std::string_view name) const;
    /// Every value of name, in order.
    std::vector<std::string> get_all(std::string_view name) const;
    /// True when at least one field is called name.
    bool has(std::string_view name) const;
    /// All fields in order.
    const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

private:
    std::vector<std::pair<std::string, std::string>> fields_;
};

/// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);

/// Percent-decodes text; with plus_is_space, '+' becomes ' ' (query-string rule). Malformed
/// escapes are kept literally.
std::string percent_decode(std::string_view text, bool plus_is_space = false);

/// Percent-encodes every byte outside RFC 3986 unreserved characters.
std::string percent_encode(std::string_view text);

/// Splits a raw query or form body ("a=1&b=%20") into decoded pairs, in order ('+' = space).
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view raw);

/// Glob match for paths: '*' matches any run of characters (slashes included); the rest is
/// literal. An empty pattern or "*" matches everything.
bool glob_matches(std::string_view pattern, std::string_view text);

/// One HTTP request as the server received it.
struct Request {
    std::string method;  ///< "GET", "POST", ...
    std::string target;  ///< the request target exactly as sent ("/v2/apps?label=a%3D%3Db")
    std::string path;    ///< the path part of target, percent-decoded
    std::string query;   ///< the raw query (after '?', not decoded), "" when absent
    std::vector<std::pair<std::string, std::string>> params;  ///< decoded query parameters
    HeaderList headers;                                       ///< request header fields
    std::string body;                                         ///< the body, de-chunked

    /// The first value of query parameter name, or nullopt.
    std::optional<std::string> param(std::string_view name) const;
    /// Every value of query parameter name, in order.
    std::vector<std::string> param_all(std::string_view name) const;
    /// The first value of header name (case-insensitive), or nullopt.
    std::optional<std::string> header(std::string_view name) const { return headers.get(name); }
};

/// The answer to a request, plus ways to misbehave.
struct Reply {
    int status = 200;    ///< any status; 1xx, 204 and 304 get no body
    HeaderList headers;  ///< Content-Length is added unless present (or truncate is set)
    std::string body;    ///< sent as is (not for HEAD requests)

    std::chrono::milliseconds delay{0};  ///< wait this long before answering
    bool hang = false;      ///< never answer; the connection is released when the server stops
    bool drop = false;      ///< close the connection without answering
    bool truncate = false;  ///< announce a Content-Length larger than body, send body, close
    std::optional<std::string> raw;  ///< send these bytes verbatim instead, then close
    bool close = false;              ///< close the connection after answering (Connection: close)

    /// status + JSON text + Content-Type: application/json.
    static Reply json(int status, std::string json_text);
    /// status + body + the given Content-Type.
    static Reply text(int status, std::string body, std::string content_type = "text/plain");
};

/// The standard reason phrase of an HTTP status ("Unknown" for others).
std::string_view reason_phrase(int status);

/// A thread-safe record of requests.
class RequestLog {
public:
    /// Appends one request and wakes waiters.
    void record(const Request& request);
    /// A copy of every recorded request, oldest first.
    std::vector<Request> entries() const;
    /// The recorded requests whose method equals method (empty or "*" = any) and whose path
    /// matches the glob path_pattern, oldest first.
    std::vector<Request> matching(std::string_view method, std::string_view path_pattern) const;
    /// The number of recorded requests.
    std::size_t size() const;
    /// Forgets every recorded request.
    void clear();
    /// Waits until at least count requests are recorded; false when timeout passes first.
    bool wait_for_size(std::size_t count, std::chrono::milliseconds timeout) const;

private:
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::vector<Request> entries_;
};

/// A small HTTP/1.1 server on a loopback port: one thread per connection, keep-alive,
/// Content-Length and chunked request bodies, every request logged before it is handled.
class LoopbackServer {
public:
    using Handler = std::function<Reply(const Request&)>;

    /// Stores the handler; call start() to listen. The handler runs on connection threads and
    /// must be thread-safe.
    explicit LoopbackServer(Handler handler);
    /// Stops the server (see stop()).
    ~LoopbackServer();
    LoopbackServer(const LoopbackServer&) = delete;
    LoopbackServer& operator=(const LoopbackServer&) = delete;

    /// Binds address:port (port 0 = any free port; after a stop(), 0 reuses the previous port)
    /// and starts accepting. Returns the bound port. Throws std::runtime_error when the port
    /// cannot be bound, std::logic_error when already running.
    std::uint16_t start(std::uint16_t port = 0, const std::string& address = "127.0.0.1");
    /// Closes the listening socket and every connection (hanging and delayed ones included),
    /// then joins all threads. New connections are refused afterwards. Idempotent.
    void stop();
    /// True between start() and stop().
    bool running() const;

    /// The bound port (0 before the first start()).
    std::uint16_t port() const;
    /// "127.0.0.1:<port>" (the bound address).
    std::string host_port() const;
    /// "http://127.0.0.1:<port>", without a trailing slash.
    std::string base_url() const;
    /// Every request received, in arrival order.
    RequestLog& log() { return log_; }
    const RequestLog& log() const { return log_; }
    /// Connections accepted since construction.
    std::size_t connections_accepted() const { return accepted_.load(); }

private:
    struct Connection {
        std::thread thread;
        int fd = -1;  // guarded by connections_mutex_; -1 once the thread closed it
        std::atomic<bool> done{false};
    };

    void accept_loop();
    void serve_connection(Connection* connection, int fd);
    void release(Connection* connection, int fd);
    void reap_finished();

    Handler handler_;
    RequestLog log_;
    std::atomic<std::size_t> accepted_{0};

    mutable std::mutex state_mutex_;  // running_, port_, address_
    bool running_ = false;
    std::uint16_t port_ = 0;
    std::string address_ = "127.0.0.1";

    int listen_fd_ = -1;
    int wake_read_ = -1;  // readable once stop() begins: wakes every poll()
    int wake_write_ = -1;
    std::thread accept_thread_;
    std::mutex connections_mutex_;
    std::list<Connection> connections_;
};

}  // namespace universe_test
