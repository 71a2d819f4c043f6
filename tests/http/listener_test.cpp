#include "cosmos/http/listener.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cosmos/core/error.h"
#include "cosmos/core/json.h"
#include "tests/http/raw_http_client.h"

namespace {

using cosmos::http::Handler;
using cosmos::http::HttpRequest;
using cosmos::http::HttpResponse;
using cosmos::http::ListenerKind;
using cosmos::http::ListenerOptions;
using universe_test::RawConnection;
using universe_test::request_bytes;
using universe_test::round_trip;

const char* kind_name(ListenerKind kind) {
    return kind == ListenerKind::kBeast ? "beast" : "cpprest";
}

ListenerOptions loopback(std::size_t max_body = 8u << 20) {
    ListenerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.max_body_bytes = max_body;
    options.threads = 4;
    return options;
}

// A started listener that stops (quickly) at the end of the test.
struct Running {
    Running(ListenerKind kind, Handler handler, ListenerOptions options = loopback())
        : listener(cosmos::http::make_listener(kind, options, std::move(handler))) {
        listener->start();
    }
    ~Running() { listener->stop(1000); }
    std::uint16_t port() const { return listener->port(); }
    std::unique_ptr<cosmos::http::Listener> listener;
};

HttpResponse echo(const HttpRequest& request) {
    return HttpResponse{200, {{"Content-Type", "application/octet-stream"}}, request.body};
}

std::string binary_body(std::size_t size) {
    std::string body(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
        body[i] = static_cast<char>((i * 131 + 7) % 256);
    return body;
}

}  // namespace

TEST_CASE("listener: a request and a response round-trip", "[http][listener]") {
    auto kind = GENERATE(ListenerKind::kBeast, ListenerKind::kCpprest);
    CAPTURE(kind_name(kind));
    std::mutex mutex;
    HttpRequest seen;
    Running server(kind, [&](const HttpRequest& request) {
        std::lock_guard lock(mutex);
        seen = request;
        return HttpResponse{201, {{"X-Second", "2"}, {"X-First", "1"}}, "created"};
    });

    std::string body = R"({"packageName":"kafka"})";
    auto response = round_trip(
        server.port(),
        request_bytes("POST", "/package/describe?name=kafka&version=1.0",
                      {{"Content-Type", "application/vnd.dcos.package.describe-request+json"},
                       {"Authorization", "token=abc"}},
                      body));

    CHECK(response.status == 201);
    CHECK(response.body == "created");
    CHECK(response.header("Content-Length") == std::optional<std::string>("7"));
    CHECK(response.header("X-First") == std::optional<std::string>("1"));
    CHECK(response.header("X-Second") == std::optional<std::string>("2"));
    CHECK_FALSE(response.header("Content-Type").has_value());

    std::lock_guard lock(mutex);
    CHECK(seen.method == "POST");
    CHECK(seen.path == "/package/describe");
    REQUIRE(seen.query.size() == 2);
    CHECK(seen.query[0].name == "name");
    CHECK(seen.query[0].value == "kafka");
    CHECK(seen.query[1].name == "version");
    CHECK(seen.query[1].value == "1.0");
    CHECK(seen.header("content-type") ==
          std::optional<std::string_view>("application/vnd.dcos.package.describe-request+json"));
    CHECK(seen.header("Authorization") == std::optional<std::string_view>("token=abc"));
    CHECK(seen.header("Host") == std::optional<std::string_view>("127.0.0.1"));
    CHECK(seen.body == body);
    CHECK(seen.scheme == "http");
}

TEST_CASE("listener: response headers keep their order and an empty 404 stays empty",
          "[http][listener]") {
    auto kind = GENERATE(ListenerKind::kBeast, ListenerKind::kCpprest);
    CAPTURE(kind_name(kind));
    Running server(kind, [](const HttpRequest& request) {
        if (request.path == "/missing") return HttpResponse{404, {}, ""};
        return HttpResponse{200, {{"X-Zeta", "z"}, {"X-Alpha", "a"}}, "ok"};
    });
    auto missing = round_trip(server.port(), request_bytes("GET", "/missing", {}));
    CHECK(missing.status == 404);
    CHECK(missing.body.empty());
    CHECK(missing.header("Content-Length") == std::optional<std::string>("0"));
    CHECK_FALSE(missing.header("Content-Type").has_value());

    auto found = round_trip(server.port(), request_bytes("GET", "/", {}));
    std::vector<std::string> names;
    for (const auto& header : found.headers) {
        if (header.first == "X-Zeta" || header.first == "X-Alpha") names.push_back(header.first);
    }
    if (kind == ListenerKind::kBeast) {
        CHECK(names == std::vector<std::string>{"X-Zeta", "X-Alpha"});
    } else {
        CHECK(names.size() == 2);  // cpprest writes its headers sorted by name
    }
}

TEST_CASE("listener: repeated headers", "[http][listener]") {
    auto kind = GENERATE(ListenerKind::kBeast, ListenerKind::kCpprest);
    CAPTURE(kind_name(kind));
    std::mutex mutex;
    std::vector<std::string> values;
    Running server(kind, [&](const HttpRequest& request) {
        std::lock_guard lock(mutex);
        for (const auto& header : request.headers) {
            if (cosmos::http::equals_ignore_case(header.name, "X-Repeat")) {
                values.push_back(header.value);
            }
        }
        return HttpResponse{200, {{"X-Out", "1"}, {"X-Out", "2"}}, ""};
    });
    auto response = round_trip(server.port(),
                               request_bytes("GET", "/", {{"X-Repeat", "a"}, {"X-Repeat", "b"}}));
    std::lock_guard lock(mutex);
    if (kind == ListenerKind::kBeast) {
        CHECK(values == std::vector<std::string>{"a", "b"});
        CHECK(response.count("X-Out") == 2);
    } else {
        // cpprest keeps one value per name and joins repeats with ", ".
        CHECK(values == std::vector<std::string>{"a, b"});
        CHECK(response.header("X-Out") == std::optional<std::string>("1, 2"));
    }
}

TEST_CASE("listener: path and query are percent-decoded", "[http][listener]") {
    auto kind = GENERATE(ListenerKind::kBeast, ListenerKind::kCpprest);
    CAPTURE(kind_name(kind));
    std::mutex mutex;
    HttpRequest seen;
    Running server(kind, [&](const HttpRequest& request) {
        std::lock_guard lock(mutex);
        seen = request;
        return HttpResponse{200, {}, ""};
    });
    auto response = round_trip(
        server.port(),
        request_bytes("GET",
                      "/package/%20a%2Fb+c?url=http%3A%2F%2Fx.example%2Fy%3Fq%3D1&q=a+b%2B"
                      "&empty=&flag&&z=%E2%9C%93",
                      {}));
    CHECK(response.status == 200);
    std::lock_guard lock(mutex);
    CHECK(seen.path == "/package/ a/b+c");
    struct Expected {
        const char* name;
        const char* value;
    };
    std::vector<Expected> expected = {{"url", "http://x.example/y?q=1"},
                                      {"q", "a b+"},
                                      {"empty", ""},
                                      {"flag", ""},
                                      {"z", "\xE2\x9C\x93"}};
    REQUIRE(seen.query.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CHECK(seen.query[i].name == expected[i].name);
        CHECK(seen.query[i].value == expected[i].value);
    }
    CHECK(seen.query_param("url") == std::optional<std::string_view>("http://x.example/y?q=1"));
}

TEST_CASE("parse_request_target", "[http][listener]") {
    using cosmos::http::parse_request_target;
    struct Row {
        const char* target;
        bool ok;
        const char* path;
        std::size_t params;
    };
    std::vector<Row> table = {
        {"/", true, "/", 0},
        {"/a%2fb", true, "/a/b", 0},
        {"/a?", true, "/a", 0},
        {"/a?x=1&&y", true, "/a", 2},
        {"/a#frag?x=1", true, "/a", 0},
        {"http://host:80/p?q=1", true, "/p", 1},
        {"http://host", true, "/", 0},
        {"*", true, "*", 0},
        {"/bad%zz", false, "", 0},
        {"/bad%2", false, "", 0},
        {"/q?x=%", false, "", 0},
        {"relative", false, "", 0},
        {"", false, "", 0},
    };
    for (const auto& row : table) {
        CAPTURE(row.target);
        auto parsed = parse_request_target(row.target);
        REQUIRE(parsed.has_value() == row.ok);
        if (!parsed) continue;
        CHECK(parsed->path == row.path);
        CHECK(parsed->query.size() == row.params);
    }
}

TEST_CASE("listener: a malformed request gets 400 and the connection closes", "[http][listener]") {
    auto kind = GENERATE(ListenerKind::kBeast, ListenerKind::kCpprest);
    CAPTURE(kind_name(kind));
    std::atomic<int> calls{0};
    Running server(kind, [&](const HttpRequest&) {
        ++calls;
        return HttpResponse{200, {}, ""};
    });
    auto target = GENERATE(as<std::string>{}, "/bad%zz", "GARBAGE");
    CAPTURE(target);
    RawConnection connection(server.port());
    if (target == "GARBAGE") {
        connection.send("GARBAGE\r\n\r\n");
    } else {
        connection.send(request_bytes("GET", target, {}));
    }
    auto response = connection.read_response();
    CHECK(response.status == 400);
    // cpprest answers a URI it cannot parse itself, and keeps that connection open.
    if (kind == ListenerKind::kBeast || target == "GARBAGE") CHECK(connection.closed_by_peer());
    CHECK(calls == 0);
}

TEST_CASE("listener: large bodies are accepted up to the limit and refused past it",
          "[http][listener]") {
    auto kind = GENERATE(ListenerKind::kBeast, ListenerKind::kCpprest);
    CAPTURE(kind_name(kind));
    constexpr std::size_t kLimit = 3u << 20;
    std::atomic<int> calls{0};
    // Answers given without the handler are reported, so that they can be logged and counted.
    std::mutex refused_mutex;
    std::vector<std::pair<std::string, int>> refused;
    auto options = loopback(kLimit);
    options.on_refused = [&](const HttpRequest& request, const HttpResponse& response) {
        std::lock_guard lock(refused_mutex);
        refused.emplace_back(request.method + " " + request.path, response.status);
    };
    Running server(
        kind,
        [&](const HttpRequest& request) {
            ++calls;
            return echo(request);
        },
        options);

    SECTION("a 2 MB body is accepted") {
        std::string body = binary_body(2u << 20);
        auto response = round_trip(server.port(), request_bytes("POST", "/echo", {}, body));
        CHECK(response.status == 200);
        CHECK(response.body == body);
        CHECK(calls == 1);
    }
    SECTION("a declared length over the limit gets 413 with the Cosmos error") {
        std::string body = binary_body(kLimit + 1);
        RawConnection connection(server.port());
        // The server may answer before the body is sent; a failed send is fine.
        connection.send(request_bytes("POST", "/echo", {}, body));
        auto response = connection.read_response();
        CHECK(response.status == 413);
        CHECK(response.header("Content-Type") ==
              std::optional<std::string>(
                  "application/vnd.dcos.package.error+json;charset=utf-8;version=v1"));
        auto json = cosmos::core::parse_json(response.body);
        CHECK(json["type"] == "PayloadTooLarge");
        CHECK(json["data"]["limit"] == kLimit);
        CHECK(connection.closed_by_peer());
        CHECK(calls == 0);
        std::lock_guard lock(refused_mutex);
        CHECK(refused == std::vector<std::pair<std::string, int>>{{"POST /echo", 413}});
    }
    SECTION("a chunked body growing past the limit gets 413") {
        RawConnection connection(server.port());
        std::string head =
            "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n";
        connection.send(head);
        std::string chunk(256 * 1024, 'x');
        char size_line[32];
        std::snprintf(size_line, sizeof(size_line), "%zx\r\n", chunk.size());
        bool sending = true;
        for (std::size_t sent = 0; sending && sent <= kLimit; sent += chunk.size()) {
            sending = connection.send(std::string(size_line) + chunk + "\r\n");
        }
        if (sending) connection.send("0\r\n\r\n");
        auto response = connection.read_response();
        CHECK(response.status == 413);
        CHECK(cosmos::core::parse_json(response.body)["type"] == "PayloadTooLarge");
        CHECK(calls == 0);
        std::lock_guard lock(refused_mutex);
        CHECK(refused == std::vector<std::pair<std::string, int>>{{"POST /echo", 413}});
    }
}

TEST_CASE("listener: keep-alive serves two requests on one connection", "[http][listener]") {
    auto kind = GENERATE(ListenerKind::kBeast, ListenerKind::kCpprest);
    CAPTURE(kind_name(kind));
    Running server(kind, echo);
    RawConnection connection(server.port());
    REQUIRE(connection.send(request_bytes("POST", "/one", {}, "first")));
    auto first = connection.read_response();
    REQUIRE(connection.send(request_bytes("POST", "/two", {}, "second")));
    auto second = connection.read_response();
    CHECK(first.body == "first");
    CHECK(second.body == "second");
    CHECK(first.header("Connection") != std::optional<std::string>("close"));

    // Two requests sent back to back are answered in order (cpprest drops the second one).
    if (kind == ListenerKind::kCpprest) return;
    REQUIRE(connection.send(request_bytes("POST", "/a", {}, "third") +
                            request_bytes("POST", "/b", {}, "fourth")));
    CHECK(connection.read_response().body == "third");
    CHECK(connection.read_response().body == "fourth");
}

TEST_CASE("listener: 50 concurrent clients", "[http][listener]") {
    auto kind = GENERATE(ListenerKind::kBeast, ListenerKind::kCpprest);
    CAPTURE(kind_name(kind));
    Running server(kind, echo);
    constexpr int kClients = 50;
    constexpr int kRequests = 5;
    std::atomic<int> good{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
        clients.emplace_back([&, c] {
            try {
                RawConnection connection(server.port());
                for (int r = 0; r < kRequests; ++r) {
                    std::string body = "client " + std::to_string(c) + " request " +
                                       std::to_string(r) +
                                       binary_body(static_cast<std::size_t>(c * 100));
                    connection.send(request_bytes("POST", "/echo", {}, body));
                    auto response = connection.read_response();
                    if (response.status == 200 && response.body == body) ++good;
                }
            } catch (const std::exception&) {
            }
        });
    }
    for (auto& client : clients)
        client.join();
    CHECK(good == kClients * kRequests);
}

TEST_CASE("listener: stop() lets the request in flight finish and refuses new connections",
          "[http][listener]") {
    auto kind = GENERATE(ListenerKind::kBeast, ListenerKind::kCpprest);
    CAPTURE(kind_name(kind));
    std::promise<void> entered;
    std::promise<void> release;
    auto released = release.get_future().share();
    auto listener = cosmos::http::make_listener(kind, loopback(), [&](const HttpRequest& request) {
        if (request.path == "/slow") {
            entered.set_value();
            released.wait();
            return HttpResponse{200, {{"X-Slow", "yes"}}, std::string(100000, 's')};
        }
        return HttpResponse{200, {}, "fast"};
    });
    listener->start();
    auto port = listener->port();

    // An idle keep-alive connection, which stop() closes at once.
    RawConnection idle(port);
    REQUIRE(idle.send(request_bytes("GET", "/fast", {})));
    CHECK(idle.read_response().body == "fast");

    auto slow = std::async(std::launch::async,
                           [port] { return round_trip(port, request_bytes("GET", "/slow", {})); });
    entered.get_future().wait();

    std::atomic<bool> stopped{false};
    auto stopping = std::async(std::launch::async, [&] {
        listener->stop(20000);
        stopped = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK_FALSE(stopped);
    if (kind == ListenerKind::kBeast) {
        CHECK_FALSE(universe_test::can_connect(port));
        CHECK(idle.closed_by_peer());
    } else {
        // cpprest cannot close its socket before the drain ends; new requests get 503.
        auto refused = round_trip(port, request_bytes("GET", "/fast", {}));
        CHECK(refused.status == 503);
    }

    release.set_value();
    auto response = slow.get();
    CHECK(response.status == 200);
    CHECK(response.header("X-Slow") == std::optional<std::string>("yes"));
    CHECK(response.body == std::string(100000, 's'));
    stopping.get();
    CHECK(stopped);
    CHECK_FALSE(universe_test::can_connect(port));
    listener->stop();  // a second stop does nothing
}

TEST_CASE("listener: port 0 binds a free port", "[http][listener]") {
    auto kind = GENERATE(ListenerKind::kBeast, ListenerKind::kCpprest);
    CAPTURE(kind_name(kind));
    Running first(kind, echo);
    Running second(kind, echo);
    CHECK(first.port() != 0);
    CHECK(second.port() != 0);
    CHECK(first.port() != second.port());
    CHECK(round_trip(second.port(), request_bytes("POST", "/", {}, "hi")).body == "hi");
}

TEST_CASE("listener: a port in use is a clear error", "[http][listener]") {
    auto kind = GENERATE(ListenerKind::kBeast, ListenerKind::kCpprest);
    CAPTURE(kind_name(kind));
    Running taken(ListenerKind::kBeast, echo);
    auto options = loopback();
    options.port = taken.port();
    auto listener = cosmos::http::make_listener(kind, options, echo);
    try {
        listener->start();
        FAIL("started on a port in use");
    } catch (const cosmos::core::Error& e) {
        CHECK(e.type() == "ListenFailed");
        CHECK(std::string(e.what()) ==
              "cannot listen on 127.0.0.1:" + std::to_string(taken.port()) +
                  ": the address is already in use (is another server "
                  "running there?)");
    }
}

TEST_CASE("listener: idle connections are closed after the idle timeout", "[http][listener]") {
    auto options = loopback();
    options.idle_timeout_ms = 300;
    Running server(ListenerKind::kBeast, echo, options);
    RawConnection connection(server.port(), 10000);
    REQUIRE(connection.send(request_bytes("POST", "/", {}, "x")));
    CHECK(connection.read_response().body == "x");
    CHECK(connection.closed_by_peer());
}

TEST_CASE("listener: a shared body is sent as it is", "[http][listener]") {
    auto kind = GENERATE(ListenerKind::kBeast, ListenerKind::kCpprest);
    CAPTURE(kind_name(kind));
    auto shared = std::make_shared<const std::string>(binary_body(100000));
    Running server(kind, [&](const HttpRequest&) {
        HttpResponse response{200, {{"Content-Type", "application/octet-stream"}}};
        response.shared_body = shared;
        return response;
    });
    RawConnection connection(server.port());
    for (int i = 0; i < 2; ++i) {
        REQUIRE(connection.send(request_bytes("GET", "/", {})));
        auto response = connection.read_response();
        CHECK(response.status == 200);
        CHECK(response.header("Content-Length") == std::optional<std::string>("100000"));
        CHECK(response.body == *shared);
    }
}

TEST_CASE("listener: the framing of HTTP/1.0, HEAD and closing answers", "[http][listener]") {
    Running server(ListenerKind::kBeast, [](const HttpRequest& request) {
        if (request.path == "/close") {
            return HttpResponse{200, {{"Connection", "close"}, {"X-A", "1"}}, "bye"};
        }
        return HttpResponse{418, {{"Content-Length", "999"}, {"X-A", "1"}}, "teapot"};
    });
    {
        // HTTP/1.0 keeps the connection only when asked to, and says so.
        RawConnection connection(server.port());
        REQUIRE(connection.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
        auto response = connection.read_response();
        CHECK(response.status == 418);
        CHECK(response.body == "teapot");
        CHECK(response.header("Content-Length") == std::optional<std::string>("6"));
        CHECK(response.count("Content-Length") == 1);
        CHECK(response.header("Connection") == std::optional<std::string>("keep-alive"));
        REQUIRE(connection.send("GET / HTTP/1.0\r\n\r\n"));
        CHECK(connection.read_response().status == 418);
        CHECK(connection.closed_by_peer());
    }
    {
        // A handler's "Connection: close" ends the connection, and HEAD gets no body.
        RawConnection connection(server.port());
        REQUIRE(connection.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"));
        REQUIRE(connection.send(request_bytes("GET", "/close", {})));
        // The HEAD answer announces the length of the body it does not carry.
        auto head = connection.read_response_head();
        CHECK(head.status == 418);
        CHECK(head.header("Content-Length") == std::optional<std::string>("6"));
        auto closing = connection.read_response();
        CHECK(closing.body == "bye");
        CHECK(closing.header("Connection") == std::optional<std::string>("close"));
        CHECK(closing.header("X-A") == std::optional<std::string>("1"));
        CHECK(connection.closed_by_peer());
    }
}

TEST_CASE("listener: a body that arrives after its header", "[http][listener]") {
    auto kind = GENERATE(ListenerKind::kBeast, ListenerKind::kCpprest);
    CAPTURE(kind_name(kind));
    Running server(kind, echo);
    RawConnection connection(server.port());
    std::string body = binary_body(5000);
    std::string bytes = request_bytes("POST", "/echo", {}, body);
    std::size_t header_end = bytes.find("\r\n\r\n") + 4;
    // The header with part of the body, then the rest a moment later.
    REQUIRE(connection.send(std::string_view(bytes).substr(0, header_end + 100)));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(connection.send(std::string_view(bytes).substr(header_end + 100)));
    auto response = connection.read_response();
    CHECK(response.status == 200);
    CHECK(response.body == body);
}
