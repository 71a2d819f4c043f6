// cosmos-server end to end: the real binary on a loopback port, driven with the exact headers of
// the Python 0.6 and Go 2.x DC/OS CLIs, against repositories served by a loopback server.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/e2e/cosmos_client.h"
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

// The bundled Universe as built by the build (no reference data needed).
std::string bundled_repository() {
    return read_text(binary_dir() / "universe" / "repo" / "repo-up-to-2.0.json");
}

// The corpus built once per test run with repo-tool, when ../shared is present.
std::optional<std::string> corpus_repository() {
    static std::optional<std::string> built = []() -> std::optional<std::string> {
        auto corpus = shared_path("corpus/universe");
        if (!corpus) return std::nullopt;
        static TempDir out;
        auto r = run_command(shell_quote((binary_dir() / "repo-tool" / "repo-tool").string()) +
                             " build " + shell_quote(corpus->string()) + " " +
                             shell_quote((out / "repo").string()));
        if (r.exit_code != 0) return std::nullopt;
        return read_text(out / "repo/repo-up-to-2.0.json");
    }();
    return built;
}

std::string repositories_file(const TempDir& dir, const Json& list) {
    auto file = dir / "repositories.json";
    write_text(file, list.dump());
    return file.string();
}

// Waits until the server's catalog has at least `packages` search results.
bool wait_for_catalog(const ServerProcess& server, std::size_t packages) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
        auto r = package_rpc(server.port(), Cli::kPython, "search", Json{{"query", ""}});
        if (r.status != 200) {
            UNSCOPED_INFO("search answered " << r.status << ": " << r.body);
        } else if (r.json()["packages"].size() >= packages) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

Json repository_status(const ServerProcess& server, const std::string& name) {
    Json list = package_rpc(server.port(), Cli::kPython, "repository.list", Json::object()).json();
    for (const auto& repo : list["repositories"]) {
        if (repo["name"] == name) return repo.value("status", Json::object());
    }
    return Json::object();
}

}  // namespace

TEST_CASE("capabilities answer the Python CLI's probe", "[e2e][catalog]") {
    TempDir dir;
    ServerProcess server(dir / "data", {});
    HttpCall call;
    call.target = "/capabilities";
    call.headers = {
        {"Accept", "application/vnd.dcos.capabilities+json;charset=utf-8;version=v1"},
        {"Content-Type", "application/vnd.dcos.capabilities+json;charset=utf-8;version=v1"},
        {"User-Agent", "python-requests/2.18.4"}};
    auto r = http_call(server.port(), call);
    CHECK(r.status == 200);
    CHECK(r.header("Content-Type") ==
          "application/vnd.dcos.capabilities+json;charset=utf-8;version=v1");
    CHECK(r.body ==
          R"({"capabilities":[{"name":"PACKAGE_MANAGEMENT"},{"name":"SUPPORT_CLUSTER_REPORT"},)"
          R"({"name":"METRONOME"},{"name":"LOGGING"},{"name":"LOGGING_V2"}]})");
    CHECK(server.stop() == 0);
}

TEST_CASE("a fresh server serves the bundled Universe without any network", "[e2e][catalog]") {
    TempDir dir;
    ServerProcess server(dir / "data", {});
    REQUIRE(wait_for_catalog(server, 25));
    for (Cli cli : {Cli::kPython, Cli::kGo}) {
        auto search = package_rpc(server.port(), cli, "search", Json{{"query", "kafka"}});
        CHECK(search.status == 200);
        // Python checks that the Content-Type contains its Accept byte for byte.
        CHECK(search.header("Content-Type") == package_type("search-response"));
        auto packages = search.json()["packages"];
        REQUIRE(packages.size() == 1);
        CHECK(packages[0]["name"] == "kafka");
        CHECK(packages[0]["licenses"][0]["name"] == "Apache License 2.0");
        // Our addition: where the package comes from.
        CHECK(packages[0]["repository"] == Json{{"name", "Universe"}, {"uri", "builtin:universe"}});
    }
    for (const char* version : {"v3", "v2"}) {
        auto d = package_rpc(server.port(), Cli::kPython, "describe",
                             Json{{"packageName", "nginx"}}, version);
        REQUIRE(d.status == 200);
        CHECK(d.json()["repository"] == Json{{"name", "Universe"}, {"uri", "builtin:universe"}});
    }
    auto list = package_rpc(server.port(), Cli::kGo, "repository.list", nullptr);
    CHECK(list.status == 200);
    CHECK(list.json()["repositories"][0]["uri"] == "builtin:universe");
}

TEST_CASE("catalog endpoints match the golden files on the corpus", "[e2e][catalog][corpus]") {
    auto corpus = corpus_repository();
    if (!corpus) {
        WARN("SKIPPED: reference data ../shared/corpus/universe is not present on this machine");
        return;
    }
    RepoServer repo;
    repo.serve("/repo", *corpus, kV5);
    TempDir dir;
    ServerProcess server(
        dir / "data",
        {"--repositories-file",
         repositories_file(dir, Json::array({{{"name", "corpus"}, {"uri", repo.url("/repo")}}}))});
    REQUIRE(wait_for_catalog(server, 28));
    struct Case {
        const char* golden;
        const char* kind;
        Json body;
        const char* version;
    };
    const Case cases[] = {
        {"search-all.json", "search", Json{{"query", ""}}, "v1"},
        {"search-kafka.json", "search", Json{{"query", "kafka"}}, "v1"},
        {"search-wildcard.json", "search", Json{{"query", "c*a"}}, "v1"},
        {"search-database.json", "search", Json{{"query", "databas"}}, "v1"},
        {"describe-kafka-v3.json", "describe", Json{{"packageName", "kafka"}}, "v3"},
        {"describe-cassandra-900-v3.json", "describe",
         Json{{"packageName", "cassandra"}, {"packageVersion", "2.9.0-3.11.6"}}, "v3"},
        {"describe-jenkins-v2.json", "describe", Json{{"packageName", "jenkins"}}, "v2"},
        {"describe-nginx-v2.json", "describe", Json{{"packageName", "nginx"}}, "v2"},
        {"list-versions-kafka.json", "list-versions",
         Json{{"packageName", "kafka"}, {"includePackageVersions", true}}, "v1"},
        {"render-crate.json", "render", Json{{"packageName", "crate"}}, "v1"},
        {"error-package-not-found.json", "describe", Json{{"packageName", "nope"}}, "v3"},
        {"error-version-not-found.json", "describe",
         Json{{"packageName", "kafka"}, {"packageVersion", "0.0"}}, "v3"},
        {"error-describe-v2-conversion.json", "describe", Json{{"packageName", "kafka"}}, "v2"},
        {"error-render-package-not-found.json", "render", Json{{"packageName", "nope"}}, "v1"},
    };
    for (const auto& c : cases) {
        INFO(c.golden);
        auto r = package_rpc(server.port(), Cli::kPython, c.kind, c.body, c.version);
        bool error = std::string(c.golden).rfind("error-", 0) == 0;
        CHECK(r.status == (error ? 400 : 200));
        CHECK(r.header("Content-Type") ==
              (error ? package_type("error")
                     : package_type(std::string(c.kind) + "-response", c.version)));
        // The repository's address changes from run to run: pin a stand-in.
        std::string body = r.body;
        for (std::size_t at; (at = body.find(repo.url("/repo"))) != std::string::npos;) {
            body.replace(at, repo.url("/repo").size(), "http://repository.test/repo");
        }
        auto mismatch = golden_mismatch(c.golden, body);
        CHECK(mismatch.empty());
        // The Go CLI gets the same body.
        auto go = package_rpc(server.port(), Cli::kGo, c.kind, c.body, c.version);
        CHECK(go.body == r.body);
    }
}

TEST_CASE("the Python CLI's describe fallback to v2", "[e2e][catalog]") {
    TempDir dir;
    ServerProcess server(dir / "data", {});
    REQUIRE(wait_for_catalog(server, 25));
    // kafka's latest revision has upgradesFrom: v2 cannot carry it.
    auto v2 =
        package_rpc(server.port(), Cli::kPython, "describe", Json{{"packageName", "kafka"}}, "v2");
    CHECK(v2.status == 400);
    CHECK(v2.json()["type"] == "ConversionFromPackageToV2DescribeResponse");
    // A 2.0 package describes flat in v2, with defaults for selected and framework.
    auto nginx =
        package_rpc(server.port(), Cli::kPython, "describe", Json{{"packageName", "nginx"}}, "v2");
    CHECK(nginx.status == 200);
    CHECK(nginx.header("Content-Type") == package_type("describe-response", "v2"));
    auto body = nginx.json();
    CHECK(body["name"] == "nginx");
    CHECK_FALSE(body.contains("releaseVersion"));
    CHECK(body["selected"].is_boolean());
    CHECK(body["framework"].is_boolean());
    // Resource URLs are rewritten through the proxy from the Host the client used.
    CHECK(body["resource"]["images"]["icon-small"].get<std::string>().rfind(
              "http://cosmos.test/package/resource?url=https://", 0) == 0);
}

TEST_CASE("request validation errors have Cosmos's exact bodies", "[e2e][catalog]") {
    TempDir dir;
    ServerProcess server(dir / "data", {"--max-body-bytes", "4096"});
    // No Accept, no Content-Type, no body.
    HttpCall call;
    call.method = "POST";
    call.target = "/package/search";
    auto r = http_call(server.port(), call);
    CHECK(r.status == 400);
    CHECK(r.header("Content-Type") == package_type("error"));
    CHECK(
        r.body ==
        R"({"type":"multiple_errors","message":"Multiple errors while processing request","data":{"errors":[)"
        R"({"type":"not_present","message":"Item header 'Accept' not present but required"},)"
        R"({"type":"not_present","message":"Item header 'Content-Type' not present but required"},)"
        R"({"type":"not_present","message":"Item body not present but required"}]}})");
    // An Accept without charset is not the server's type.
    auto no_charset =
        cli_post(server.port(), Cli::kPython, "/package/install", package_type("install-request"),
                 "application/vnd.dcos.package.install-response+json;version=v2",
                 R"({"packageName":"kafka"})");
    CHECK(no_charset.status == 400);
    CHECK(no_charset.json()["type"] == "not_valid");
    // Malformed JSON.
    auto bad =
        cli_post(server.port(), Cli::kPython, "/package/search", package_type("search-request"),
                 package_type("search-response"), "{\"query\":");
    CHECK(bad.status == 400);
    CHECK(bad.json()["type"] == "not_parsed");
    CHECK_THAT(bad.json()["message"].get<std::string>(),
               Catch::StartsWith("Item 'body' unable to be parsed"));
    // Wrong type for a field.
    auto wrong =
        package_rpc(server.port(), Cli::kPython, "describe", Json{{"packageName", 5}}, "v3");
    CHECK(
        wrong.body ==
        R"x({"type":"not_parsed","message":"Item 'body' unable to be parsed: String: DownField(packageName)"})x");
    // A body over the limit is refused and the server stays healthy.
    auto huge = cli_post(server.port(), Cli::kPython, "/package/search",
                         package_type("search-request"), package_type("search-response"),
                         "{\"query\":\"" + std::string(100000, 'x') + "\"}");
    CHECK(huge.status == 413);
    CHECK(huge.json()["type"] == "PayloadTooLarge");
    // Unknown paths and wrong methods: 404 with an empty body, as Cosmos.
    auto unknown = http_get(server.port(), "/package/nothing");
    CHECK(unknown.status == 404);
    CHECK(unknown.body.empty());
    auto health = http_get(server.port(), "/health");
    CHECK(health.status == 200);
}

TEST_CASE("repository add, delete and list with Cosmos's semantics and errors", "[e2e][catalog]") {
    RepoServer repo;
    repo.serve("/good", bundled_repository(), kV5);
    repo.serve("/other", bundled_repository(), kV5);
    repo.serve("/html", bundled_repository(), kV5);
    repo.set_mode("/html", RepoMode::kHtml);
    TempDir dir;
    ServerProcess server(dir / "data", {"--fetch-retries", "0"});
    auto port = server.port();
    auto add = [&](Cli cli, const std::string& body) {
        return cli_post(port, cli, "/package/repository/add",
                        package_type("repository.add-request"),
                        package_type("repository.add-response"), body);
    };
    auto del = [&](const std::string& body) {
        return cli_post(port, Cli::kPython, "/package/repository/delete",
                        package_type("repository.delete-request"),
                        package_type("repository.delete-response"), body);
    };
    // The Python CLI sends the index as a string.
    auto first =
        add(Cli::kPython, R"({"name":"good","uri":")" + repo.url("/good") + R"(","index":"0"})");
    REQUIRE(first.status == 200);
    CHECK(first.json()["repositories"][0]["name"] == "good");
    CHECK(first.json()["repositories"][1]["name"] == "Universe");
    // The Go CLI sends an integer.
    auto second =
        add(Cli::kGo, R"({"name":"other","uri":")" + repo.url("/other") + R"(","index":2})");
    REQUIRE(second.status == 200);
    CHECK(second.json()["repositories"].size() == 3);

    auto out_of_bounds =
        add(Cli::kPython, R"({"name":"x","uri":")" + repo.url("/good?x") + R"(","index":7})");
    CHECK(
        out_of_bounds.body ==
        R"({"type":"RepositoryAddIndexOutOfBounds","message":"Index (7) is out of range. Index value must be between 0 and 3 inclusive.","data":{"attempted":7,"max":3}})");
    auto both = add(Cli::kPython, R"({"name":"good","uri":")" + repo.url("/good") + R"("})");
    CHECK(both.json()["message"] == "Repository name [good] and URI [" + repo.url("/good") +
                                        "] are both already present in the list");
    auto file = add(Cli::kPython, R"({"name":"f","uri":"file:///etc/passwd"})");
    CHECK(
        file.body ==
        R"({"type":"UnsupportedRepositoryUri","message":"Repository URI [file:///etc/passwd] uses an unsupported scheme. Only http and https are supported","data":{"uri":"file:///etc/passwd"}})");
    auto html = add(Cli::kPython, R"({"name":"h","uri":")" + repo.url("/html") + R"("})");
    CHECK(html.status == 400);
    CHECK(html.json()["type"] == "UnsupportedContentType");
    auto missing = add(Cli::kPython, R"({"name":"m","uri":")" + repo.url("/missing") + R"("})");
    CHECK(
        missing.body ==
        R"({"type":"UniverseClientHttpError","message":"Unexpected upstream http error while fetching repository 'm' at )" +
            repo.url("/missing") + R"(: GET 404","data":{"packageRepository":{"name":"m","uri":")" +
            repo.url("/missing") +
            R"x("},"method":"GET","clientStatus":404,"status":400,"cause":"the server answered 404 (Not Found)"}})x");
    auto refused = add(Cli::kPython, R"({"name":"r","uri":"http://127.0.0.1:1/repo"})");
    CHECK(refused.status == 400);
    CHECK(refused.json()["type"] == "RepositoryUriConnection");

    auto not_present = del(R"({"name":"nope"})");
    CHECK(
        not_present.body ==
        R"({"type":"RepositoryNotPresent","message":"Repository name [nope] is not present in the list","data":{"name":"nope"}})");
    auto mismatch = del(R"({"name":"good","uri":")" + repo.url("/other") + R"("})");
    CHECK(mismatch.json()["type"] == "RepositoryNotPresent");
    auto neither = del("{}");
    CHECK(
        neither.body ==
        R"({"type":"RepoNameOrUriMissing","message":"Must specify either the name or URI of the repository"})");
    auto removed = del(R"({"name":"good"})");
    CHECK(removed.status == 200);
    CHECK(removed.json()["repositories"].size() == 2);

    // Repository downloads carry Cosmos's headers and never the caller's credentials.
    for (const auto& request : repo.requests("/good")) {
        CHECK(request.headers.get("Accept") ==
              "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v5,"
              "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v4,"
              "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v3");
        CHECK(request.headers.get("Accept-Encoding") == "gzip");
        CHECK(request.headers.get("User-Agent") == "cosmos/0.1.0 dcos/2.1");
        CHECK_FALSE(request.headers.has("Authorization"));
    }
    // The list survives a restart.
    server.stop();
    ServerProcess again(dir / "data", {});
    auto list = package_rpc(again.port(), Cli::kPython, "repository.list", Json::object());
    CHECK(list.json()["repositories"].size() == 2);
    CHECK(list.json()["repositories"][1]["name"] == "other");
}

TEST_CASE("an upstream that turns bad never empties the catalog", "[e2e][catalog]") {
    RepoServer repo;
    repo.serve("/repo", bundled_repository(), kV5);
    TempDir dir;
    auto list =
        repositories_file(dir, Json::array({{{"name", "flaky"}, {"uri", repo.url("/repo")}}}));
    for (RepoMode mode : {RepoMode::kServerError, RepoMode::kHtml, RepoMode::kTruncated,
                          RepoMode::kWrongMediaType, RepoMode::kNotFound, RepoMode::kHang}) {
        INFO("mode " << static_cast<int>(mode));
        repo.set_mode("/repo", RepoMode::kNormal);
        TempDir data;
        ServerProcess server(data / "data", {"--repositories-file", list, "--refresh-interval", "1",
                                             "--fetch-timeout", "2", "--fetch-retries", "0"});
        REQUIRE(wait_for_catalog(server, 25));
        repo.set_mode("/repo", mode);
        auto hits = repo.hits("/repo");
        // Wait for a refresh that sees the bad upstream.
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        bool failed = false;
        while (std::chrono::steady_clock::now() < deadline && !failed) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            // No request waits for the upstream, even while a download hangs.
            auto start = std::chrono::steady_clock::now();
            auto search = package_rpc(server.port(), Cli::kGo, "search", Json::object());
            auto took = std::chrono::steady_clock::now() - start;
            CHECK(took < std::chrono::milliseconds(1500));
            CHECK(search.json()["packages"].size() == 25);
            failed = repository_status(server, "flaky").value("healthy", true) == false;
        }
        if (mode == RepoMode::kWrongMediaType) {
            // application/json is not a repository type: the download is refused.
            CHECK(repository_status(server, "flaky")["lastError"]["type"] ==
                  "UnsupportedContentType");
        }
        CHECK(failed);
        CHECK(repo.hits("/repo") > hits);
        auto metrics = http_get(server.port(), "/metrics");
        CHECK_THAT(metrics.body, Catch::Contains("cosmos_repository_up{repository=\"flaky\"} 0"));
        CHECK_THAT(metrics.body,
                   Catch::Contains(
                       "cosmos_repository_fetch_total{repository=\"flaky\",outcome=\"failure\"}"));
        CHECK(server.stop() == 0);
    }
}

TEST_CASE("a restart serves the stored catalog at once, upstream down", "[e2e][catalog]") {
    TempDir dir;
    auto repo = std::make_unique<RepoServer>();
    repo->serve("/repo", bundled_repository(), kV5);
    auto list =
        repositories_file(dir, Json::array({{{"name", "remote"}, {"uri", repo->url("/repo")}}}));
    {
        ServerProcess server(dir / "data", {"--repositories-file", list});
        REQUIRE(wait_for_catalog(server, 25));
    }
    repo.reset();  // the upstream is gone
    ServerProcess server(dir / "data", {"--repositories-file", list, "--fetch-retries", "0"});
    auto search = package_rpc(server.port(), Cli::kPython, "search", Json{{"query", ""}});
    CHECK(search.json()["packages"].size() == 25);
}

TEST_CASE("the resource proxy serves allow-listed URLs only, without credentials",
          "[e2e][catalog]") {
    RepoServer upstream;
    upstream.serve("/icons/kafka.png", std::string("\x89PNG fake image", 15), "image/png");
    Json repository = Json::parse(bundled_repository());
    for (auto& p : repository["packages"]) {
        if (p["name"] == "kafka")
            p["resource"]["images"]["icon-small"] = upstream.url("/icons/kafka.png");
    }
    upstream.serve("/repo", repository.dump(), kV5);
    TempDir dir;
    ServerProcess server(
        dir / "data",
        {"--repositories-file",
         repositories_file(dir, Json::array({{{"name", "r"}, {"uri", upstream.url("/repo")}}}))});
    REQUIRE(wait_for_catalog(server, 25));
    auto allowed =
        http_get(server.port(), "/package/resource?url=" + upstream.url("/icons/kafka.png"),
                 {{"Authorization", "token=secret"}});
    CHECK(allowed.status == 200);
    CHECK(allowed.body == std::string("\x89PNG fake image", 15));
    CHECK(allowed.header("Content-Type") == "image/png");
    CHECK(allowed.header("Content-Disposition") == "attachment; filename=\"kafka.png\"");
    for (const auto& r : upstream.requests("/icons/kafka.png"))
        CHECK_FALSE(r.headers.has("Authorization"));

    auto denied = http_get(server.port(), "/package/resource?url=http://127.0.0.1:1/etc/passwd");
    CHECK(denied.status == 403);
    CHECK(
        denied.body ==
        R"({"type":"Forbidden","message":"Unable to complete request due to Forbidden response from service [ResourceProxyHandler$] while accessinghttp://127.0.0.1:1/etc/passwd","data":{"serviceName":"ResourceProxyHandler$","destination":"http://127.0.0.1:1/etc/passwd","status":403}})");
    auto no_url = http_get(server.port(), "/package/resource");
    CHECK(no_url.body ==
          R"({"type":"not_present","message":"Item param 'url' not present but required"})");
}

TEST_CASE("SIGTERM lets a request in flight finish", "[e2e][catalog]") {
    RepoServer upstream;
    Json repository = Json::parse(bundled_repository());
    repository["packages"][0]["resource"]["images"]["icon-small"] = upstream.url("/slow.png");
    upstream.serve("/repo", repository.dump(), kV5);
    upstream.serve("/slow.png", "png", "image/png");
    TempDir dir;
    ServerProcess server(
        dir / "data",
        {"--repositories-file",
         repositories_file(dir, Json::array({{{"name", "r"}, {"uri", upstream.url("/repo")}}})),
         "--fetch-timeout", "1"});
    REQUIRE(wait_for_catalog(server, 25));
    upstream.set_mode("/slow.png", RepoMode::kHang);
    std::optional<HttpResponse> reply;
    std::thread client([&] {
        reply = http_get(server.port(), "/package/resource?url=" + upstream.url("/slow.png"));
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    int status = server.stop();
    client.join();
    REQUIRE(reply.has_value());
    CHECK(reply->status == 502);  // the upstream timed out; the answer still arrived
    CHECK(reply->json()["type"] == "EndpointUriConnection");
    CHECK(status == 0);
}

TEST_CASE("legacy zip repositories are read, and ETags spare downloads", "[e2e][catalog]") {
    // repo-tool build writes the DC/OS 1.7 zip repository beside the JSON files.
    std::string zip = read_text(binary_dir() / "universe" / "repo" / "repo-up-to-1.7.zip");
    REQUIRE_FALSE(zip.empty());
    RepoServer repo;
    repo.serve("/repo.zip", zip, "application/zip");
    repo.serve("/repo", bundled_repository(), kV5);
    repo.set_etag("/repo", "\"v1\"");
    TempDir dir;
    ServerProcess server(
        dir / "data",
        {"--repositories-file",
         repositories_file(dir, Json::array({{{"name", "zip"}, {"uri", repo.url("/repo.zip")}},
                                             {{"name", "json"}, {"uri", repo.url("/repo")}}})),
         "--refresh-interval", "1"});
    REQUIRE(wait_for_catalog(server, 25));
    auto zip_status = repository_status(server, "zip");
    CHECK(zip_status["healthy"] == true);
    // Only packaging 2.0 packages with a template (and no minimum above 1.7) are in a zip repo.
    CHECK(zip_status["packages"].get<int>() > 5);
    auto nginx =
        package_rpc(server.port(), Cli::kPython, "describe", Json{{"packageName", "nginx"}}, "v3");
    CHECK(nginx.json()["package"]["packagingVersion"] == "2.0");

    // Later refreshes send If-None-Match and a 304 keeps what was downloaded.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (repo.hits("/repo") < 3 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    auto requests = repo.requests("/repo");
    REQUIRE(requests.size() >= 3);
    CHECK_FALSE(requests[0].headers.has("If-None-Match"));
    CHECK(requests.back().headers.get("If-None-Match") == "\"v1\"");
    auto search = package_rpc(server.port(), Cli::kPython, "search", Json{{"query", "kafka"}});
    CHECK(search.json()["packages"].size() == 1);
    auto metrics = http_get(server.port(), "/metrics");
    CHECK_THAT(metrics.body,
               Catch::Contains(
                   "cosmos_repository_fetch_total{repository=\"json\",outcome=\"not_modified\"}"));
}

TEST_CASE("file:// repositories come only from the server's own configuration", "[e2e][catalog]") {
    TempDir dir;
    std::string file_uri =
        "file://" + (binary_dir() / "universe" / "repo" / "repo-up-to-2.0.json").string();
    ServerProcess server(
        dir / "data",
        {"--repositories-file",
         repositories_file(dir, Json::array({{{"name", "local-file"}, {"uri", file_uri}}}))});
    REQUIRE(wait_for_catalog(server, 25));
    CHECK(repository_status(server, "local-file")["healthy"] == true);
    // Through the API the same URI is refused.
    auto add =
        cli_post(server.port(), Cli::kPython, "/package/repository/add",
                 package_type("repository.add-request"), package_type("repository.add-response"),
                 Json{{"name", "again"}, {"uri", file_uri}}.dump());
    CHECK(add.status == 400);
    CHECK(add.json()["type"] == "UnsupportedRepositoryUri");
}
