// The misbehaving repository server.

#include "tests/support/repo_server.h"

#include <catch2/catch.hpp>
#include <chrono>

#include "tests/support/http_test_client.h"

using namespace std::chrono_literals;
using universe_test::HeaderList;
using universe_test::HttpFailure;
using universe_test::RepoMode;
using universe_test::RepoServer;

namespace {

const char* const kRepoType = "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v4";
const std::string kRepoBody = R"({"packages":[{"name":"hello","version":"1.0"}]})";

}  // namespace

TEST_CASE("repo server serves registered bytes and records request headers", "[support]") {
    RepoServer repo;
    repo.serve("/repo.json", kRepoBody, kRepoType);
    CHECK(repo.url("/repo.json") ==
          "http://127.0.0.1:" + std::to_string(repo.port()) + "/repo.json");

    HeaderList headers{
        {"Accept", kRepoType}, {"User-Agent", "cosmos/0.1.0"}, {"Accept-Encoding", "gzip"}};
    auto response = universe_test::http_get(repo.port(), "/repo.json", headers);
    CHECK(response.status == 200);
    CHECK(response.body == kRepoBody);
    CHECK(response.header("Content-Type") == kRepoType);
    CHECK_FALSE(response.header("Content-Encoding").has_value());

    CHECK(repo.hits("/repo.json") == 1);
    auto seen = repo.requests("/repo.json");
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].header("Accept") == kRepoType);
    CHECK(seen[0].header("User-Agent") == "cosmos/0.1.0");
    CHECK(seen[0].header("Accept-Encoding") == "gzip");
    CHECK_FALSE(seen[0].header("Authorization").has_value());

    auto unknown = universe_test::http_get(repo.port(), "/other.json");
    CHECK(unknown.status == 404);
    CHECK(repo.hits("/other.json") == 1);
    CHECK(repo.log().size() == 2);
}

TEST_CASE("repo server error modes: 404, HTML page, 500, wrong media type", "[support]") {
    RepoServer repo;
    repo.serve("/repo.json", kRepoBody, kRepoType);

    repo.set_mode("/repo.json", RepoMode::kNotFound);
    CHECK(universe_test::http_get(repo.port(), "/repo.json").status == 404);

    repo.set_mode("/repo.json", RepoMode::kHtml);
    auto html = universe_test::http_get(repo.port(), "/repo.json");
    CHECK(html.status == 200);
    CHECK(html.header("Content-Type").value_or("").rfind("text/html", 0) == 0);
    CHECK(html.body.find("<html>") != std::string::npos);

    repo.set_mode("/repo.json", RepoMode::kServerError);
    CHECK(universe_test::http_get(repo.port(), "/repo.json").status == 500);

    repo.set_mode("/repo.json", RepoMode::kWrongMediaType);
    auto wrong = universe_test::http_get(repo.port(), "/repo.json");
    CHECK(wrong.status == 200);
    CHECK(wrong.header("Content-Type") == "application/json");
    CHECK(wrong.body == kRepoBody);

    repo.set_mode("/repo.json", RepoMode::kNormal);
    CHECK(universe_test::http_get(repo.port(), "/repo.json").header("Content-Type") == kRepoType);
    CHECK(repo.hits("/repo.json") == 5);
}

TEST_CASE("repo server hangs and truncates on request", "[support]") {
    RepoServer repo;
    std::string big(100000, 'x');
    repo.serve("/big.zip", big, "application/zip");
    repo.set_mode("/big.zip", RepoMode::kTruncated);
    CHECK(universe_test::http_failure_of([&] {
              universe_test::http_get(repo.port(), "/big.zip");
          }) == HttpFailure::kTruncated);

    repo.set_mode("/big.zip", RepoMode::kHang);
    universe_test::HttpCall call;
    call.target = "/big.zip";
    call.timeout = 200ms;
    CHECK(universe_test::http_failure_of([&] { universe_test::http_call(repo.port(), call); }) ==
          HttpFailure::kTimedOut);
    auto start = std::chrono::steady_clock::now();
    repo.stop();
    CHECK(std::chrono::steady_clock::now() - start < 1s);
}

TEST_CASE("repo server gzip-encodes with zlib", "[support]") {
    RepoServer repo;
    std::string body;
    for (int i = 0; i < 200; ++i)
        body += kRepoBody;
    repo.serve("/repo.json", body, kRepoType);
    repo.set_mode("/repo.json", RepoMode::kGzip);
    auto response =
        universe_test::http_get(repo.port(), "/repo.json", HeaderList{{"Accept-Encoding", "gzip"}});
    CHECK(response.status == 200);
    CHECK(response.header("Content-Encoding") == "gzip");
    CHECK(response.header("Content-Type") == kRepoType);
    REQUIRE(response.body.size() > 2);
    CHECK(static_cast<unsigned char>(response.body[0]) == 0x1f);
    CHECK(static_cast<unsigned char>(response.body[1]) == 0x8b);
    CHECK(response.body.size() < body.size() / 10);
    CHECK(universe_test::gunzip_bytes(response.body) == body);
    CHECK_THROWS(universe_test::gunzip_bytes("not gzip at all"));
    CHECK_THROWS(universe_test::gunzip_bytes(response.body.substr(0, response.body.size() / 2)));
}

TEST_CASE("repo server ETag: 304 when If-None-Match matches", "[support]") {
    RepoServer repo;
    repo.serve("/repo.json", kRepoBody, kRepoType);
    repo.set_etag("/repo.json", "\"v1\"");
    auto first = universe_test::http_get(repo.port(), "/repo.json");
    CHECK(first.status == 200);
    CHECK(first.header("ETag") == "\"v1\"");

    auto cached = universe_test::http_get(repo.port(), "/repo.json",
                                          HeaderList{{"If-None-Match", "\"v0\", \"v1\""}});
    CHECK(cached.status == 304);
    CHECK(cached.body.empty());
    CHECK(cached.header("ETag") == "\"v1\"");
    CHECK(universe_test::http_get(repo.port(), "/repo.json", HeaderList{{"If-None-Match", "*"}})
              .status == 304);
    CHECK(universe_test::http_get(repo.port(), "/repo.json",
                                  HeaderList{{"If-None-Match", "W/\"v1\""}})
              .status == 304);

    auto stale =
        universe_test::http_get(repo.port(), "/repo.json", HeaderList{{"If-None-Match", "\"v0\""}});
    CHECK(stale.status == 200);
    CHECK(stale.body == kRepoBody);
    CHECK(repo.hits("/repo.json") == 5);
}

TEST_CASE("repo server redirects within the server and across schemes", "[support]") {
    RepoServer repo;
    repo.serve("/new/repo.json", kRepoBody, kRepoType);
    repo.redirect("/old/repo.json", "/new/repo.json");
    repo.redirect("/moved.json", "/new/repo.json", 301);
    repo.redirect("/secure.json", repo.https_url("/new/repo.json"), 307);

    auto found = universe_test::http_get(repo.port(), "/old/repo.json");
    CHECK(found.status == 302);
    CHECK(found.header("Location") == repo.url("/new/repo.json"));
    auto followed = universe_test::http_get(repo.port(), "/new/repo.json");
    CHECK(followed.body == kRepoBody);

    CHECK(universe_test::http_get(repo.port(), "/moved.json").status == 301);
    auto secure = universe_test::http_get(repo.port(), "/secure.json");
    CHECK(secure.status == 307);
    CHECK(secure.header("Location") ==
          "https://127.0.0.1:" + std::to_string(repo.port()) + "/new/repo.json");
    CHECK(repo.hits("/old/repo.json") == 1);
    CHECK(repo.hits("/new/repo.json") == 1);
}
