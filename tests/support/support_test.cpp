// The loopback HTTP server and the raw-socket test client, exercised against each other.

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/support/http_test_client.h"
#include "tests/support/loopback_server.h"

using namespace std::chrono_literals;
using universe_test::HeaderList;
using universe_test::HttpCall;
using universe_test::HttpConnection;
using universe_test::HttpFailure;
using universe_test::LoopbackServer;
using universe_test::Reply;
using universe_test::Request;

namespace {

// Answers with a summary of what it received, so tests can check the parsing.
Reply echo(const Request& request) {
    std::string text =
        request.method + "|" + request.path + "|" + request.query + "|" + request.body;
    Reply reply = Reply::text(200, text);
    reply.headers.add("X-Param-A", request.param("a").value_or("<none>"));
    reply.headers.add("X-Accept", request.header("accept").value_or("<none>"));
    return reply;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("loopback server parses method, path, query, headers and body", "[support]") {
    LoopbackServer server(echo);
    auto port = server.start();
    REQUIRE(port != 0);
    CHECK(server.base_url() == "http://127.0.0.1:" + std::to_string(port));

    HttpCall call;
    call.method = "POST";
    call.target = "/v2/apps/my%20group/app?a=x+y%2Bz&b=1&a=second";
    call.headers.add("ACCEPT", "application/json;charset=utf-8");
    call.body = "{\"id\":\"/x\"}";
    auto response = universe_test::http_call(port, call);
    CHECK(response.status == 200);
    CHECK(response.reason == "OK");
    CHECK(response.body == "POST|/v2/apps/my group/app|a=x+y%2Bz&b=1&a=second|{\"id\":\"/x\"}");
    CHECK(response.header("x-param-a") == "x y+z");
    CHECK(response.header("X-Accept") == "application/json;charset=utf-8");
    CHECK(response.header("content-length") == std::to_string(response.body.size()));

    auto logged = server.log().entries();
    REQUIRE(logged.size() == 1);
    CHECK(logged[0].target == call.target);
    CHECK(logged[0].param_all("a") == std::vector<std::string>{"x y+z", "second"});
    CHECK(logged[0].header("Accept") == "application/json;charset=utf-8");
    CHECK(logged[0].header("host").has_value());
}

TEST_CASE("loopback server keeps connections alive and honours Connection: close", "[support]") {
    LoopbackServer server(echo);
    auto port = server.start();
    {
        HttpConnection connection(port);
        HttpCall call;
        call.target = "/one";
        CHECK(connection.request(call).body == "GET|/one||");
        call.target = "/two";
        CHECK(connection.request(call).body == "GET|/two||");
        call.target = "/three";
        call.headers.add("Connection", "close");
        auto last = connection.request(call);
        CHECK(last.header("Connection") == "close");
        CHECK(connection.closed_by_peer(2s));
    }
    CHECK(server.connections_accepted() == 1);
    CHECK(server.log().size() == 3);
}

TEST_CASE("loopback server reads chunked request bodies and answers 100-continue", "[support]") {
    LoopbackServer server(echo);
    auto port = server.start();

    HttpConnection connection(port);
    connection.send_raw(
        "PUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: t\r\n\r\n");
    auto response = connection.read_response(2s);
    CHECK(response.body == "PUT|/c||hello, world");

    HttpConnection waiting(port);
    waiting.send_raw(
        "POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
        "Content-Length: 3\r\n\r\n");
    // The interim answer arrives before the body is sent; read_response skips it.
    std::this_thread::sleep_for(50ms);
    waiting.send_raw("abc");
    CHECK(waiting.read_response(2s).body == "POST|/e||abc");
}

TEST_CASE("loopback server rejects malformed requests with 400", "[support]") {
    LoopbackServer server(echo);
    auto port = server.start();
    HttpConnection connection(port);
    connection.send_raw("NONSENSE\r\n\r\n");
    auto response = connection.read_response(2s);
    CHECK(response.status == 400);
    CHECK(connection.closed_by_peer(2s));
    CHECK(server.log().size() == 0);
}

TEST_CASE("loopback server answers HEAD without a body and handler failures with 500",
          "[support]") {
    LoopbackServer server([](const Request& request) -> Reply {
        if (request.path == "/throw") throw std::runtime_error("boom");
        return Reply::text(200, "twelve bytes");
    });
    auto port = server.start();
    HttpConnection connection(port);
    HttpCall head;
    head.method = "HEAD";
    head.target = "/x";
    auto response = connection.request(head);
    CHECK(response.header("Content-Length") == "12");
    CHECK(response.body.empty());
    // The connection is still in sync: the next answer is the right one.
    auto failed = connection.request(HttpCall{"GET", "/throw", {}, "", 2s});
    CHECK(failed.status == 500);
    CHECK(failed.body.find("boom") != std::string::npos);
}

TEST_CASE("loopback server delays, drops, truncates and sends raw bytes", "[support]") {
    LoopbackServer server([](const Request& request) {
        Reply reply = Reply::text(200, "0123456789");
        if (request.path == "/delay") reply.delay = 300ms;
        if (request.path == "/drop") reply.drop = true;
        if (request.path == "/truncate") reply.truncate = true;
        if (request.path == "/raw") reply.raw = "HTTP/1.1 299 Odd\r\nX-Raw: 1\r\n\r\nrest";
        if (request.path == "/garbage") reply.raw = "this is not http\r\n\r\n";
        return reply;
    });
    auto port = server.start();

    auto start = std::chrono::steady_clock::now();
    auto delayed = universe_test::http_get(port, "/delay");
    CHECK(delayed.body == "0123456789");
    CHECK(seconds_since(start) >= 0.29);

    auto drop = universe_test::http_failure_of([&] { universe_test::http_get(port, "/drop"); });
    CHECK(drop == HttpFailure::kClosed);

    auto truncated =
        universe_test::http_failure_of([&] { universe_test::http_get(port, "/truncate"); });
    CHECK(truncated == HttpFailure::kTruncated);

    auto raw = universe_test::http_get(port, "/raw");
    CHECK(raw.status == 299);
    CHECK(raw.header("X-Raw") == "1");
    CHECK(raw.body == "rest");

    auto garbage =
        universe_test::http_failure_of([&] { universe_test::http_get(port, "/garbage"); });
    CHECK(garbage == HttpFailure::kMalformed);
}

TEST_CASE("loopback server: hanging calls time out and stop() still returns promptly",
          "[support]") {
    LoopbackServer server([](const Request&) {
        Reply reply;
        reply.hang = true;
        return reply;
    });
    auto port = server.start();

    HttpCall call;
    call.target = "/hang";
    call.timeout = 200ms;
    auto failure = universe_test::http_failure_of([&] { universe_test::http_call(port, call); });
    CHECK(failure == HttpFailure::kTimedOut);

    // Several clients stay connected and waiting while the server stops.
    std::vector<std::unique_ptr<HttpConnection>> waiting;
    for (int i = 0; i < 5; ++i) {
        waiting.push_back(std::make_unique<HttpConnection>(port));
        waiting.back()->send_raw("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    // An idle keep-alive connection too.
    HttpConnection idle(port);
    REQUIRE(server.log().wait_for_size(6, 2s));

    auto start = std::chrono::steady_clock::now();
    server.stop();
    CHECK(seconds_since(start) < 1.0);
    CHECK_FALSE(server.running());
    for (auto& connection : waiting)
        CHECK(connection->closed_by_peer(1s));
    CHECK(idle.closed_by_peer(1s));

    auto refused = universe_test::http_failure_of([&] { universe_test::http_call(port, call); });
    CHECK(refused == HttpFailure::kRefused);
}

TEST_CASE("loopback server restarts on the same port after stop()", "[support]") {
    LoopbackServer server(echo);
    auto port = server.start();
    server.stop();
    server.stop();  // idempotent
    CHECK(universe_test::http_failure_of([&] { universe_test::http_get(port, "/"); }) ==
          HttpFailure::kRefused);
    CHECK(server.start() == port);
    CHECK(universe_test::http_get(port, "/back").body == "GET|/back||");
    CHECK_THROWS_AS(server.start(), std::logic_error);
}

TEST_CASE("request log is thread-safe, filterable and clearable", "[support]") {
    LoopbackServer server(echo);
    auto port = server.start();
    std::vector<std::thread> clients;
    for (int i = 0; i < 8; ++i) {
        clients.emplace_back([port, i] {
            for (int j = 0; j < 5; ++j) {
                universe_test::http_get(port, "/client/" + std::to_string(i));
            }
        });
    }
    for (auto& client : clients)
        client.join();
    CHECK(server.log().size() == 40);
    CHECK(server.log().matching("GET", "/client/3").size() == 5);
    CHECK(server.log().matching("*", "/client/*").size() == 40);
    CHECK(server.log().matching("POST", "*").empty());
    server.log().clear();
    CHECK(server.log().size() == 0);
    CHECK_FALSE(server.log().wait_for_size(1, 50ms));
}

TEST_CASE("test client reads chunked responses", "[support]") {
    LoopbackServer server([](const Request&) {
        Reply reply;
        reply.raw =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            "4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n";
        return reply;
    });
    auto port = server.start();
    CHECK(universe_test::http_get(port, "/").body == "Wikipedia");
}

TEST_CASE("glob, query and percent helpers", "[support]") {
    using universe_test::glob_matches;
    CHECK(glob_matches("/v2/apps", "/v2/apps"));
    CHECK_FALSE(glob_matches("/v2/apps", "/v2/apps/x"));
    CHECK(glob_matches("/v2/apps/*", "/v2/apps/group/app"));
    CHECK(glob_matches("*", "/anything"));
    CHECK(glob_matches("", "/anything"));
    CHECK(glob_matches("/service/*/v1/plans/*", "/service/kafka/v1/plans/deploy"));
    CHECK_FALSE(glob_matches("/service/*/v1/plans", "/service/kafka/v1/state"));

    CHECK(universe_test::percent_decode("a%2Fb+c%zz%4") == "a/b+c%zz%4");
    CHECK(universe_test::percent_decode("a+b", true) == "a b");
    CHECK(universe_test::percent_encode("a b/c~") == "a%20b%2Fc~");
    auto params = universe_test::parse_query("frameworkId=a%20b&&flag&x=1=2");
    REQUIRE(params.size() == 3);
    CHECK(params[0] == std::pair<std::string, std::string>{"frameworkId", "a b"});
    CHECK(params[1] == std::pair<std::string, std::string>{"flag", ""});
    CHECK(params[2] == std::pair<std::string, std::string>{"x", "1=2"});

    HeaderList headers{{"A", "1"}, {"b", "2"}, {"a", "3"}};
    CHECK(headers.get_all("a") == std::vector<std::string>{"1", "3"});
    headers.set("A", "4");
    CHECK(headers.get_all("a") == std::vector<std::string>{"4"});
    headers.remove("B");
    CHECK_FALSE(headers.has("b"));
}
