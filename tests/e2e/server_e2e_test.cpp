// cosmos-server as an operator meets it: options, start-up failures, logs, counts, health and the
// bounds of an interactive repository add. The real binary, on loopback ports.
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <thread>

#include "cosmos/server_config.h"
#include "tests/e2e/cosmos_client.h"
#include "tests/support/marathon_emulator.h"
#include "tests/support/process.h"
#include "tests/support/repo_server.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"

using cosmos::core::Json;
using namespace universe_test;
namespace fs = std::filesystem;

namespace {

const std::string kV5 = "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v5";

std::string server_binary() {
    return shell_quote((binary_dir() / "cosmos" / "cosmos-server").string());
}

std::string bundled_repository() {
    return read_text(binary_dir() / "universe" / "repo" / "repo-up-to-2.0.json");
}

// What the server printed on a failed start, without the timestamp and level of the line.
std::string error_line(const std::string& output) {
    auto at = output.find(" ERROR ");
    if (at == std::string::npos) return output;
    auto end = output.find('\n', at);
    return output.substr(at + 7, end == std::string::npos ? std::string::npos : end - at - 7);
}

HttpResponse add_repository(std::uint16_t port, const std::string& name, const std::string& uri) {
    HttpCall call;
    call.method = "POST";
    call.target = "/package/repository/add";
    call.headers = {{"Content-Type", package_type("repository.add-request")},
                    {"Accept", package_type("repository.add-response")}};
    call.body = Json{{"name", name}, {"uri", uri}}.dump();
    // Far beyond the add's own bound: the test measures how long the answer takes.
    call.timeout = std::chrono::seconds(120);
    return http_call(port, call);
}

Json repository_list(const ServerProcess& server) {
    return package_rpc(server.port(), Cli::kPython, "repository.list", Json::object())
        .json()["repositories"];
}

// The value of one sample line of the Prometheus text, or -1.
double metric(const std::string& text, const std::string& sample) {
    auto at = text.find("\n" + sample + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + sample.size() + 2));
}

bool wait_until(const std::function<bool()>& done, std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
}

}  // namespace

TEST_CASE("cosmos-server --version prints the project version", "[e2e][server]") {
    auto r = run_command(server_binary() + " --version");
    CHECK(r.exit_code == 0);
    CHECK(r.output == "cosmos-server " UNIVERSE_VERSION "\n");
}

TEST_CASE("the add timeout has its own option, environment variable and default", "[server]") {
    auto fresh = cosmos::parse_server_config({}, {});
    REQUIRE(fresh.config);
    CHECK(fresh.config->add_timeout_seconds == 10);
    auto from_env = cosmos::parse_server_config({}, {"COSMOS_ADD_TIMEOUT=4"});
    REQUIRE(from_env.config);
    CHECK(from_env.config->add_timeout_seconds == 4);
    auto from_flag = cosmos::parse_server_config({"--add-timeout", "3"}, {"COSMOS_ADD_TIMEOUT=4"});
    REQUIRE(from_flag.config);
    CHECK(from_flag.config->add_timeout_seconds == 3);
    auto zero = cosmos::parse_server_config({"--add-timeout=0"}, {});
    CHECK_FALSE(zero.config);
    CHECK(zero.exit_status == 2);
    CHECK(zero.message == "invalid value for --add-timeout: '0'");
    // A port that is not a number is refused here, not later with a library's text.
    auto word = cosmos::parse_server_config({"--listen", "127.0.0.1:http"}, {});
    CHECK_FALSE(word.config);
    CHECK(word.message == "invalid value for --listen: '127.0.0.1:http'");
    auto version = cosmos::parse_server_config({"--version"}, {});
    CHECK(version.version_requested);
    CHECK_FALSE(version.config);
    CHECK(version.exit_status == 0);
}

TEST_CASE("start-up failures are plain messages that name the thing and the reason",
          "[e2e][server]") {
    TempDir dir;
    SECTION("a second server on a port in use") {
        ServerProcess first(dir / "first", {});
        auto r =
            run_command(server_binary() + " --listen 127.0.0.1:" + std::to_string(first.port()) +
                        " --data-dir " + shell_quote((dir / "second").string()));
        CHECK(r.exit_code == 1);
        CHECK(error_line(r.output) ==
              "cannot listen on 127.0.0.1:" + std::to_string(first.port()) +
                  ": the address is already in use (is another server running there?); choose "
                  "another address with --listen HOST:PORT");
        CHECK_THAT(r.output, !Catch::Contains("unhandled_exception"));
        CHECK(first.running());
    }
    SECTION("a data directory that cannot be created") {
        write_text(dir / "plain-file", "not a folder");
        std::string data = (dir / "plain-file" / "data").string();
        auto r = run_command(server_binary() + " --data-dir " + shell_quote(data));
        CHECK(r.exit_code == 1);
        CHECK(error_line(r.output) ==
              "cannot create the data directory " + data + " (--data-dir): not a directory");
        CHECK_THAT(r.output, !Catch::Contains("filesystem error"));
    }
    SECTION("a repositories file that is not JSON") {
        auto file = dir / "repositories.json";
        write_text(file, "[{\"name\": \"a\",}]");
        auto r =
            run_command(server_binary() + " --data-dir " + shell_quote((dir / "data").string()) +
                        " --repositories-file " + shell_quote(file.string()));
        CHECK(r.exit_code == 1);
        CHECK(error_line(r.output) ==
              "the repositories file " + file.string() +
                  " is not JSON: parse error at line 1, column 15: syntax error while parsing "
                  "object key - unexpected '}'; expected string literal");
        CHECK_THAT(r.output, !Catch::Contains("unhandled_exception"));
    }
    SECTION("a repositories file that is missing") {
        auto file = dir / "missing.json";
        auto r =
            run_command(server_binary() + " --data-dir " + shell_quote((dir / "data").string()) +
                        " --repositories-file " + shell_quote(file.string()));
        CHECK(r.exit_code == 1);
        CHECK(error_line(r.output) ==
              "cannot read " + file.string() + ": no such file or directory");
    }
}

TEST_CASE("a repositories file seeds a fresh data directory only, and says when it is ignored",
          "[e2e][server]") {
    RepoServer repo;
    repo.serve("/a", bundled_repository(), kV5);
    repo.serve("/b", bundled_repository(), kV5);
    TempDir dir;
    auto first = dir / "first.json";
    auto second = dir / "second.json";
    write_text(first, Json::array({{{"name", "first"}, {"uri", repo.url("/a")}}}).dump());
    write_text(second, Json::array({{{"name", "second"}, {"uri", repo.url("/b")}}}).dump());
    {
        ServerProcess server(dir / "data", {"--repositories-file", first.string()});
        CHECK(repository_list(server)[0]["name"] == "first");
        CHECK_THAT(server.log(), !Catch::Contains("was not applied"));
    }
    {
        // The same list again: nothing is ignored, nothing is said.
        ServerProcess server(dir / "data", {"--repositories-file", first.string()});
        CHECK_THAT(server.log(), !Catch::Contains("was not applied"));
    }
    ServerProcess server(dir / "data", {"--repositories-file", second.string()});
    auto list = repository_list(server);
    REQUIRE(list.size() == 1);
    CHECK(list[0]["name"] == "first");
    CHECK_THAT(server.log(),
               Catch::Contains("WARN --repositories-file " + second.string() +
                               " was not applied: the data directory " + (dir / "data").string() +
                               " already has a repository list, which is kept (change it with "
                               "/package/repository/add and /delete, or start on an empty "
                               "--data-dir)"));
}

TEST_CASE("an interactive repository add answers within its own bound, with the cause",
          "[e2e][server]") {
    RepoServer repo;
    repo.serve("/hang", bundled_repository(), kV5);
    repo.set_mode("/hang", RepoMode::kHang);
    repo.serve("/html", bundled_repository(), kV5);
    repo.set_mode("/html", RepoMode::kHtml);
    repo.serve("/error", bundled_repository(), kV5);
    repo.set_mode("/error", RepoMode::kServerError);
    TempDir dir;
    // Background refreshes keep long timeouts, retries and pauses; the add must not use them.
    ServerProcess server(dir / "data", {"--add-timeout", "2", "--fetch-timeout", "60",
                                        "--fetch-retries", "3", "--retry-pause-ms", "5000"});

    auto start = std::chrono::steady_clock::now();
    auto hang = add_repository(server.port(), "h", repo.url("/hang"));
    auto took = std::chrono::steady_clock::now() - start;
    // The bound is 2 s; a generous margin for a loaded machine, far below a retried download.
    CHECK(took < std::chrono::seconds(20));
    CHECK(repo.hits("/hang") == 1);
    CHECK(hang.status == 400);
    CHECK(
        hang.body ==
        R"({"type":"RepositoryUriConnection","message":"Could not access data at URI for repository [h]: )" +
            repo.url("/hang") + R"(","data":{"repository":{"name":"h","uri":")" +
            repo.url("/hang") + R"("},"cause":"timed out after 2 s"}})");

    start = std::chrono::steady_clock::now();
    auto error = add_repository(server.port(), "e", repo.url("/error"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
    CHECK(repo.hits("/error") == 1);  // no retries
    CHECK(error.status == 400);
    CHECK(error.json()["type"] == "UniverseClientHttpError");
    CHECK(error.json()["data"]["cause"] == "the server answered 500 (Internal Server Error)");

    auto html = add_repository(server.port(), "w", repo.url("/html"));
    CHECK(html.status == 400);
    CHECK(html.json()["type"] == "UnsupportedContentType");
    CHECK(html.json()["data"]["cause"] ==
          "the server sent HTML instead of a repository (Content-Type text/html; charset=utf-8)");

    auto refused = add_repository(server.port(), "r", "http://127.0.0.1:1/repo");
    CHECK(refused.status == 400);
    CHECK(
        refused.body ==
        R"({"type":"RepositoryUriConnection","message":"Could not access data at URI for repository [r]: http://127.0.0.1:1/repo","data":{"repository":{"name":"r","uri":"http://127.0.0.1:1/repo"},"cause":"connection refused"}})");

    // Nothing was added.
    CHECK(repository_list(server).size() == 1);
}

TEST_CASE("counts: packages and revisions apart, in the list, /health and /metrics",
          "[e2e][server]") {
    TempDir dir;
    ServerProcess server(dir / "data", {"--refresh-interval", "3600"});
    // The bundled Universe: 25 packages in 33 revisions.
    auto status = repository_list(server)[0]["status"];
    CHECK(status["packages"] == 25);
    CHECK(status["revisions"] == 33);
    auto health = http_get(server.port(), "/health");
    CHECK(health.status == 200);
    CHECK(health.json()["status"] == "ok");
    CHECK(health.json()["repositories"][0]["packages"] == 25);
    CHECK(health.json()["repositories"][0]["revisions"] == 33);
    auto metrics = http_get(server.port(), "/metrics").body;
    CHECK(metric(metrics, "cosmos_repository_packages{repository=\"Universe\"}") == 25);
    CHECK(metric(metrics, "cosmos_repository_revisions{repository=\"Universe\"}") == 33);

    // The age is now minus the fetch time: it grows between refreshes.
    double before = metric(metrics, "cosmos_repository_age_seconds{repository=\"Universe\"}");
    REQUIRE(before >= 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    double after = metric(http_get(server.port(), "/metrics").body,
                          "cosmos_repository_age_seconds{repository=\"Universe\"}");
    CHECK(after >= before + 2);
}

TEST_CASE("/health says degraded, still with 200, when a repository fails", "[e2e][server]") {
    RepoServer repo;
    repo.serve("/repo", bundled_repository(), kV5);
    repo.set_mode("/repo", RepoMode::kServerError);
    TempDir dir;
    auto list = dir / "repositories.json";
    write_text(list, Json::array({{{"name", "broken"}, {"uri", repo.url("/repo")}}}).dump());
    ServerProcess server(dir / "data", {"--repositories-file", list.string(), "--fetch-retries",
                                        "0", "--refresh-interval", "1"});
    HttpResponse health;
    CHECK(wait_until(
        [&] {
            health = http_get(server.port(), "/health");
            return health.json()["status"] == "degraded";
        },
        std::chrono::seconds(15)));
    CHECK(health.status == 200);
    CHECK(health.json()["repositories"][0]["healthy"] == false);
}

TEST_CASE("answers the listener gives itself are logged and counted", "[e2e][server]") {
    TempDir dir;
    ServerProcess server(dir / "data", {"--max-body-bytes", "1000"});
    auto huge =
        cli_post(server.port(), Cli::kPython, "/package/search", package_type("search-request"),
                 package_type("search-response"), "{\"query\":\"" + std::string(5000, 'x') + "\"}");
    CHECK(huge.status == 413);
    CHECK(server.wait_for_log("POST /package/search 413 ", std::chrono::seconds(5)));
    CHECK_THAT(server.log(), Catch::Contains("PayloadTooLarge"));
    auto metrics = http_get(server.port(), "/metrics").body;
    CHECK(metric(metrics,
                 "cosmos_http_requests_total{endpoint=\"package/search\",status=\"413\"}") == 1);
}

TEST_CASE("logs: the chosen port at every level, upstream calls at debug", "[e2e][server]") {
    TempDir dir;
    SECTION("--log-level error still says where it listens") {
        // ServerProcess reads the port from that line; it would not start otherwise.
        ServerProcess server(dir / "data", {"--log-level", "error"});
        CHECK(server.port() != 0);
        http_get(server.port(), "/health");
        CHECK_THAT(server.log(), !Catch::Contains("GET /health"));
    }
    SECTION("--log-level debug logs repository, Marathon and Mesos calls with their timing") {
        RepoServer repo;
        repo.serve("/repo", bundled_repository(), kV5);
        MarathonEmulator marathon;
        ServerProcess server(dir / "data", {"--log-level", "debug", "--marathon-uri",
                                            marathon.url(), "--mesos-uri", "http://127.0.0.1:1"});
        CHECK(add_repository(server.port(), "mine", repo.url("/repo")).status == 200);
        CHECK(server.wait_for_log("DEBUG upstream GET " + repo.url("/repo") + " -> 200 in ",
                                  std::chrono::seconds(5)));
        package_rpc(server.port(), Cli::kPython, "list", Json::object());
        CHECK(server.wait_for_log(
            "DEBUG upstream GET " + marathon.url() + "/v2/apps?label=DCOS_PACKAGE_NAME -> 200 in ",
            std::chrono::seconds(5)));
    }
}

TEST_CASE("an unreachable Marathon: the 503 names where and why, in data and in the log",
          "[e2e][server]") {
    TempDir dir;
    ServerProcess server(dir / "data",
                         {"--marathon-uri", "http://127.0.0.1:1", "--upstream-timeout", "3"});
    auto r = package_rpc(server.port(), Cli::kPython, "list", Json::object());
    CHECK(r.status == 503);
    CHECK(
        r.body ==
        R"({"type":"ServiceUnavailable","message":"Unable to complete request due to service [marathon] unavailability","data":{"serviceName":"marathon","status":503,"uri":"http://127.0.0.1:1/v2/apps?label=DCOS_PACKAGE_NAME","cause":"connection refused"}})");
    CHECK(server.wait_for_log("POST /package/list 503 ", std::chrono::seconds(5)));
    CHECK_THAT(server.log(),
               Catch::Contains("ServiceUnavailable: Unable to complete request due to service "
                               "[marathon] unavailability (http://127.0.0.1:1/v2/apps?label="
                               "DCOS_PACKAGE_NAME: connection refused)"));
}

TEST_CASE("/service/update without replace says which member is missing", "[e2e][server]") {
    TempDir dir;
    ServerProcess server(dir / "data", {"--marathon-uri", "http://127.0.0.1:1"});
    auto r = cli_post(server.port(), Cli::kPython, "/service/update",
                      "application/vnd.dcos.service.update-request+json;charset=utf-8;version=v1",
                      "application/vnd.dcos.service.update-response+json;charset=utf-8;version=v1",
                      R"({"appId": "/nginx", "options": {}})");
    CHECK(r.status == 400);
    CHECK(
        r.body ==
        R"x({"type":"not_parsed","message":"Item 'body' unable to be parsed: Attempt to decode value on failed cursor: DownField(replace) (the required member 'replace' is missing)"})x");
}
