#include "cosmos/adapters/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cosmos/core/error.h"
#include "cosmos/http/listener.h"

namespace {

using cosmos::adapters::CpprestHttpClient;
using cosmos::app::HttpCall;
using cosmos::app::HttpReply;
using cosmos::http::HttpRequest;
using cosmos::http::HttpResponse;

std::optional<std::string> reply_header(const HttpReply& reply, std::string_view name) {
    for (const auto& [n, v] : reply.headers) {
        if (cosmos::http::equals_ignore_case(n, name)) return v;
    }
    return std::nullopt;
}

// A Beast listener on a free loopback port that records the requests it serves.
class LoopbackServer {
public:
    explicit LoopbackServer(std::function<HttpResponse(const HttpRequest&)> respond)
        : respond_(std::move(respond)) {
        cosmos::http::ListenerOptions options;
        options.port = 0;
        options.threads = 2;
        listener_ = cosmos::http::make_listener(cosmos::http::ListenerKind::kBeast, options,
                                                [this](const HttpRequest& request) {
                                                    {
                                                        std::lock_guard lock(mutex_);
                                                        requests_.push_back(request);
                                                    }
                                                    return respond_(request);
                                                });
        listener_->start();
    }
    ~LoopbackServer() { listener_->stop(1000); }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(listener_->port()) + path;
    }
    std::uint16_t port() const { return listener_->port(); }
    std::vector<HttpRequest> requests() {
        std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    std::function<HttpResponse(const HttpRequest&)> respond_;
    std::mutex mutex_;
    std::vector<HttpRequest> requests_;
    std::unique_ptr<cosmos::http::Listener> listener_;
};

// A raw TCP server whose connections are handled by `serve(fd)` on their own threads; for
// answers no HTTP library would produce.
class RawServer {
public:
    explicit RawServer(std::function<void(int)> serve) : serve_(std::move(serve)) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
        ::listen(listen_fd_, 64);
        socklen_t length = sizeof(address);
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        acceptor_ = std::thread([this] { accept_loop(); });
    }
    ~RawServer() {
        stopping_ = true;
        acceptor_.join();
        ::close(listen_fd_);
        for (auto& thread : connections_)
            thread.join();
    }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    int accepted() const { return accepted_; }
    bool stopping() const { return stopping_; }

private:
    void accept_loop() {
        while (!stopping_) {
            pollfd p{listen_fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            int fd = ::accept(listen_fd_, nullptr, nullptr);
            if (fd < 0) continue;
            ++accepted_;
            connections_.emplace_back([this, fd] {
                serve_(fd);
                ::close(fd);
            });
        }
    }

    std::function<void(int)> serve_;
    int listen_fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> accepted_{0};
    std::thread acceptor_;
    std::vector<std::thread> connections_;
};

// Reads one request head (no body) from fd; false at end of stream.
bool read_head(int fd, std::string& head) {
    head.clear();
    char c;
    while (head.find("\r\n\r\n") == std::string::npos) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0) return false;
        if (::recv(fd, &c, 1, 0) != 1) return false;
        head.push_back(c);
    }
    return true;
}

void send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::uint16_t closed_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    socklen_t length = sizeof(address);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

// 20 bytes of gzip data: the compressed form of "hello" is not needed, only bytes that a
// decompressing client would change.
const std::string kGzipBytes(
    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcb\x48\xcd\xc9\xc9\x07\x00\x86"
    "\xa6\x10\x36\x05\x00\x00\x00",
    25);

template <typename F>
cosmos::core::Error error_of(F&& f) {
    try {
        f();
    } catch (const cosmos::core::Error& e) {
        return e;
    }
    FAIL("no core::Error was thrown");
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("http client: status, headers and body pass through", "[adapters][http_client]") {
    LoopbackServer server([](const HttpRequest&) {
        return HttpResponse{
            418, {{"Content-Type", "application/json"}, {"X-Upstream", "yes"}}, R"({"a":1})"};
    });
    CpprestHttpClient client;
    HttpCall call;
    call.url = server.url("/repo?x=1");
    HttpReply reply = client.send(call);
    CHECK(reply.status == 418);
    CHECK(reply.body == R"({"a":1})");
    CHECK(reply_header(reply, "content-type") == std::optional<std::string>("application/json"));
    CHECK(reply_header(reply, "X-Upstream") == std::optional<std::string>("yes"));
}

TEST_CASE("http client: a gzip body is returned raw with its Content-Encoding",
          "[adapters][http_client]") {
    LoopbackServer server([](const HttpRequest&) {
        return HttpResponse{200, {{"Content-Encoding", "gzip"}}, kGzipBytes};
    });
    CpprestHttpClient client;
    HttpCall call;
    call.url = server.url("/repo.json");
    call.headers = {{"Accept-Encoding", "gzip"}};
    HttpReply reply = client.send(call);
    CHECK(reply.status == 200);
    CHECK(reply.body == kGzipBytes);
    CHECK(reply_header(reply, "Content-Encoding") == std::optional<std::string>("gzip"));
}

TEST_CASE("http client: a redirect is returned, not followed", "[adapters][http_client]") {
    LoopbackServer server([](const HttpRequest& request) {
        if (request.path == "/moved") {
            return HttpResponse{302, {{"Location", "/target"}}, ""};
        }
        return HttpResponse{200, {}, "target"};
    });
    CpprestHttpClient client;
    HttpCall call;
    call.url = server.url("/moved");
    HttpReply reply = client.send(call);
    CHECK(reply.status == 302);
    CHECK(reply_header(reply, "Location") == std::optional<std::string>("/target"));
    CHECK(server.requests().size() == 1);
}

TEST_CASE("http client: request headers arrive exactly as given", "[adapters][http_client]") {
    LoopbackServer server([](const HttpRequest&) { return HttpResponse{200, {}, ""}; });
    CpprestHttpClient client;

    HttpCall plain;
    plain.url = server.url("/plain");
    client.send(plain);

    HttpCall with_auth;
    with_auth.method = "POST";
    with_auth.url = server.url("/auth?q=a%20b");
    with_auth.headers = {{"Authorization", "token=secret"},
                         {"Accept", "application/vnd.dcos.universe.repo+json;version=v4"},
                         {"User-Agent", "dcos/1.13"},
                         {"Content-Type", "application/json"}};
    with_auth.body = R"({"k":"v"})";
    client.send(with_auth);

    auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    const auto& first = requests[0];
    CHECK(first.method == "GET");
    CHECK(first.path == "/plain");
    CHECK_FALSE(first.header("Authorization").has_value());
    CHECK_FALSE(first.header("User-Agent").has_value());
    CHECK_FALSE(first.header("Accept-Encoding").has_value());
    CHECK_FALSE(first.header("Content-Type").has_value());
    CHECK(first.header("Host") == "127.0.0.1:" + std::to_string(server.port()));
    for (const auto& header : first.headers) {
        bool allowed = cosmos::http::equals_ignore_case(header.name, "Host") ||
                       cosmos::http::equals_ignore_case(header.name, "Connection") ||
                       cosmos::http::equals_ignore_case(header.name, "Content-Length");
        INFO("header sent: " << header.name);
        CHECK(allowed);
    }

    const auto& second = requests[1];
    CHECK(second.method == "POST");
    CHECK(second.path == "/auth");
    CHECK(second.query_param("q") == std::optional<std::string_view>("a b"));
    CHECK(second.header("Authorization") == std::optional<std::string_view>("token=secret"));
    CHECK(second.header("Accept") ==
          std::optional<std::string_view>("application/vnd.dcos.universe.repo+json;version=v4"));
    CHECK(second.header("User-Agent") == std::optional<std::string_view>("dcos/1.13"));
    CHECK(second.header("Content-Type") == std::optional<std::string_view>("application/json"));
    CHECK(second.body == R"({"k":"v"})");
}

TEST_CASE("http client: the response size limit is enforced while reading",
          "[adapters][http_client]") {
    CpprestHttpClient client;
    HttpCall call;
    call.max_response_bytes = 1000;

    SECTION("declared by Content-Length") {
        LoopbackServer server([](const HttpRequest&) {
            return HttpResponse{200, {}, std::string(5000, 'x')};
        });
        call.url = server.url("/big");
        auto error = error_of([&] { client.send(call); });
        CHECK(error.type() == "PayloadTooLarge");
        call.max_response_bytes = 5000;
        CHECK(client.send(call).body.size() == 5000);  // exactly the limit is fine
    }
    SECTION("read to the end of the connection, without Content-Length") {
        std::atomic<std::size_t> sent{0};
        RawServer server([&](int fd) {
            std::string head;
            if (!read_head(fd, head)) return;
            send_all(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
            std::string chunk(1000, 'y');
            // Keep sending until the client gives up; 20 MB would mean the limit was ignored.
            for (int i = 0; i < 20000; ++i) {
                ssize_t n = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
                if (n <= 0) break;
                sent += static_cast<std::size_t>(n);
            }
        });
        call.url = server.url("/stream");
        auto error = error_of([&] { client.send(call); });
        CHECK(error.type() == "PayloadTooLarge");
    }
    SECTION("a Content-Length that understates the body") {
        RawServer server([](int fd) {
            std::string head;
            if (!read_head(fd, head)) return;
            send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789EXTRA-BYTES");
        });
        call.url = server.url("/lying");
        CHECK(client.send(call).body == "0123456789");
    }
}

TEST_CASE("http client: a server that never answers times out", "[adapters][http_client]") {
    RawServer server([&](int fd) {
        std::string head;
        read_head(fd, head);
        while (!server.stopping())
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    });
    CpprestHttpClient client;
    HttpCall call;
    call.url = server.url("/never");
    call.timeout = std::chrono::milliseconds(500);
    auto start = std::chrono::steady_clock::now();
    auto error = error_of([&] { client.send(call); });
    auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(error.type() == "TimeoutError");
    CHECK(error.data()["timeout"] == "1 seconds");
    CHECK(elapsed >= std::chrono::milliseconds(450));
    CHECK(elapsed < std::chrono::seconds(10));
}

TEST_CASE("http client: a slow body also counts towards the timeout", "[adapters][http_client]") {
    RawServer server([&](int fd) {
        std::string head;
        if (!read_head(fd, head)) return;
        send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
        // One byte every 100 ms keeps an inactivity timer happy but not a deadline.
        for (int i = 0; i < 1000 && !server.stopping(); ++i) {
            send_all(fd, "z");
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });
    CpprestHttpClient client;
    HttpCall call;
    call.url = server.url("/trickle");
    call.timeout = std::chrono::milliseconds(800);
    auto error = error_of([&] { client.send(call); });
    CHECK(error.type() == "TimeoutError");
}

TEST_CASE("http client: connection failures and bad URLs", "[adapters][http_client]") {
    CpprestHttpClient client;
    HttpCall call;
    call.timeout = std::chrono::milliseconds(10000);

    SECTION("connection refused") {
        call.url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/x";
        auto error = error_of([&] { client.send(call); });
        CHECK(error.type() == "EndpointUriConnection");
        CHECK(error.data()["destination"] == call.url);
        CHECK(error.data()["cause"] == "connection refused");
    }
    SECTION("a host that does not resolve") {
        call.url = "http://no-such-host.invalid/x";
        auto error = error_of([&] { client.send(call); });
        CHECK(error.type() == "EndpointUriConnection");
        CHECK(error.data()["cause"] == "the host name does not resolve");
    }
    SECTION("https to a server that does not speak TLS") {
        LoopbackServer server([](const HttpRequest&) { return HttpResponse{200, {}, ""}; });
        call.url = "https://" + server.url("/").substr(7);
        CHECK(error_of([&] { client.send(call); }).type() == "EndpointUriConnection");
    }
    SECTION("malformed URLs") {
        for (std::string url : {"http://exa mple.com/", "not a url", "ftp://example.com/x",
                                "http:///no-host", "//example.com/x", ""}) {
            CAPTURE(url);
            call.url = url;
            auto error = error_of([&] { client.send(call); });
            CHECK(error.type() == "EndpointUriSyntax");
        }
    }
}

TEST_CASE("http client: keep-alive connections are reused", "[adapters][http_client]") {
    RawServer server([](int fd) {
        std::string head;
        while (read_head(fd, head)) {
            send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        }
    });
    CpprestHttpClient client;
    HttpCall call;
    call.url = server.url("/again");
    constexpr int kRequests = 20;
    for (int i = 0; i < kRequests; ++i) {
        CHECK(client.send(call).body == "ok");
    }
    // cpprest returns a connection to its pool just after the response completes, so a request
    // sent at once may still open a second one; without reuse every request would open its own.
    CHECK(server.accepted() <= kRequests / 4);
}

TEST_CASE("http client: file URLs read the local disk", "[adapters][http_client]") {
    std::random_device random;
    auto dir = std::filesystem::temp_directory_path() /
               ("universe-http-client-" + std::to_string(random()));
    std::filesystem::create_directories(dir / "with space");
    auto file = dir / "with space" / "repo.json";
    std::string bytes("{\"packages\":[]}\0\xff", 17);
    { std::ofstream(file, std::ios::binary) << bytes; }

    CpprestHttpClient client;
    HttpCall call;
    call.url = "file://" + (dir / "with%20space" / "repo.json").string();
    HttpReply reply = client.send(call);
    CHECK(reply.status == 200);
    CHECK(reply.body == bytes);

    call.url = "file://" + (dir / "missing.json").string();
    reply = client.send(call);
    CHECK(reply.status == 404);
    CHECK(reply.body.empty());

    call.url = "file://" + (dir / "with%20space" / "repo.json").string();
    call.max_response_bytes = 5;
    CHECK(error_of([&] { client.send(call); }).type() == "PayloadTooLarge");

    call.method = "POST";
    CHECK(error_of([&] { client.send(call); }).type() == "EndpointUriSyntax");

    std::filesystem::remove_all(dir);
}
