// Authentication and roles end to end: the real binary with --auth-file and --jwt-public-key,
// every endpoint with no credential, a wrong one, bad JWTs and each role, sent the way the
// Python and Go DC/OS CLIs send them; tokens stay out of logs, history and metrics; the
// start-up rules for non-loopback addresses. Keys are generated for each run.
#include <algorithm>
#include <catch2/catch.hpp>
#include <ctime>
#include <set>

#include "cosmos/adapters/digest.h"
#include "cosmos/core/json.h"
#include "tests/adapters/raw_zip.h"
#include "tests/e2e/cosmos_client.h"
#include "tests/support/marathon_emulator.h"
#include "tests/support/mesos_emulator.h"
#include "tests/support/process.h"
#include "tests/support/repo_server.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_jwt.h"
#include "tests/support/test_paths.h"

using cosmos::core::Json;
using namespace universe_test;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kRoles = {"read", "install", "publish", "admin"};

int rank(const std::string& role) {
    return static_cast<int>(std::find(kRoles.begin(), kRoles.end(), role) - kRoles.begin());
}

std::string token_of(const std::string& role) {
    return "s3cret-" + role + "-token-4f1c9a";
}

std::int64_t now_seconds() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

// One endpoint, the request that reaches its handler, and the role it needs ("" = open).
struct Endpoint {
    std::string method;
    std::string path;  // with the query for GETs
    std::string request_type;
    std::string response_type;
    std::string body;
    std::string role;
};

std::vector<Endpoint> endpoints() {
    auto rpc = [](const std::string& kind, const Json& body, const std::string& role,
                  const std::string& response_version = "v1") {
        std::string path = "/package/" + kind;
        std::replace(path.begin(), path.end(), '.', '/');
        return Endpoint{"POST",
                        path,
                        package_type(kind + "-request"),
                        package_type(kind + "-response", response_version),
                        body.dump(),
                        role};
    };
    auto service = [](const std::string& prefix, const std::string& kind, const Json& body,
                      const std::string& role) {
        return Endpoint{"POST",
                        prefix + "/service/" + kind,
                        service_type(kind + "-request"),
                        service_type(kind + "-response"),
                        body.dump(),
                        role};
    };
    return {
        {"GET", "/health", "", "", "", ""},
        {"GET", "/metrics", "", "", "", "read"},
        {"GET", "/capabilities", "",
         "application/vnd.dcos.capabilities+json;charset=utf-8;version=v1", "", "read"},
        {"GET", "/package/resource", "", "", "", "read"},
        rpc("search", Json::object(), "read"),
        rpc("describe", Json{{"packageName", "nginx"}}, "read", "v3"),
        rpc("list-versions", Json{{"packageName", "nginx"}, {"includePackageVersions", true}},
            "read"),
        rpc("render", Json{{"packageName", "nginx"}}, "read"),
        rpc("list", Json::object(), "read"),
        rpc("history", Json::object(), "read"),
        rpc("repository.list", Json::object(), "read"),
        rpc("local.list", Json::object(), "read"),
        service("", "describe", Json{{"appId", "/not-installed"}}, "read"),
        service("/cosmos", "describe", Json{{"appId", "/not-installed"}}, "read"),
        rpc("install", Json{{"packageName", "nginx"}}, "install", "v2"),
        rpc("uninstall", Json{{"packageName", "not-installed"}}, "install"),
        service("", "update", Json{{"appId", "/not-installed"}, {"replace", true}}, "install"),
        service("/cosmos", "update", Json{{"appId", "/not-installed"}, {"replace", true}},
                "install"),
        rpc("add", Json{{"packageName", "no-such-package"}}, "publish"),
        rpc("delete", Json{{"packageName", "no-such-package"}, {"packageVersion", "1"}}, "publish"),
        rpc("repository.add", Json{{"name", "unreachable"}, {"uri", "http://127.0.0.1:1/repo"}},
            "admin"),
        rpc("repository.delete", Json{{"name", "not-configured"}}, "admin"),
    };
}

// The endpoint with this method and path.
Endpoint endpoint(const std::string& method, const std::string& path) {
    for (auto& e : endpoints()) {
        if (e.method == method && e.path == path) return e;
    }
    throw std::logic_error("no endpoint " + path);
}

// How a credential travels.
struct Credential {
    std::string label;
    Cli cli = Cli::kPython;
    std::optional<std::string> authorization;  // the header value; nullopt: the CLI's default
};

// Sends the endpoint's request with the CLI's headers (cosmos_client.h) and the credential.
HttpResponse send(std::uint16_t port, const Endpoint& e, const Credential& c) {
    if (e.method == "POST" && !c.authorization) {
        return cli_post(port, c.cli, e.path, e.request_type, e.response_type, e.body);
    }
    HttpCall call;
    call.method = e.method;
    call.target = e.path;
    call.timeout = std::chrono::seconds(20);
    call.headers.add("Host", "cosmos.test");
    if (c.cli == Cli::kPython) {
        call.headers.add("User-Agent", "python-requests/2.18.4");
        if (!e.response_type.empty()) call.headers.add("Accept", e.response_type);
    } else {
        call.headers.add("User-Agent", "dcos-client-go(0.0.1)");
        if (!e.response_type.empty()) {
            call.headers.add("Accept", e.response_type + "," + package_type("error"));
        }
    }
    if (!e.request_type.empty()) call.headers.add("Content-Type", e.request_type);
    // The Go CLI always sends the header, empty when it has no token.
    if (c.authorization) {
        call.headers.add("Authorization", *c.authorization);
    } else if (c.cli == Cli::kGo) {
        call.headers.add("Authorization", "token=");
    }
    call.body = e.body;
    return http_call(port, call);
}

struct AuthCluster {
    MarathonEmulator marathon;
    MesosEmulator mesos;
    RepoServer repos;
    TempDir dir;
    TestRsaKey signer;
    TestRsaKey stranger;
    std::unique_ptr<ServerProcess> server;

    AuthCluster() {
        write_text(dir / "jwt.pem", signer.public_pem());
        std::string file = "# roles for the end-to-end test\n";
        for (const auto& role : kRoles) {
            file += role + " sha256:" + cosmos::adapters::sha256_hex(token_of(role)) + "\n";
            file += role + " uid:" + role + "-user   # a DC/OS user\n";
        }
        write_text(dir / "auth.txt", file);
        repos.serve("/small", Json{{"packages", Json::array()}}.dump(),
                    "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v4");
        server = std::make_unique<ServerProcess>(
            dir / "data",
            std::vector<std::string>{"--marathon-uri", marathon.url(), "--mesos-uri", mesos.url(),
                                     "--admin-router-uri", mesos.url(), "--upstream-timeout", "3",
                                     "--fetch-retries", "0", "--fetch-timeout", "3", "--auth-file",
                                     (dir / "auth.txt").string(), "--jwt-public-key",
                                     (dir / "jwt.pem").string()});
    }
    std::uint16_t port() const { return server->port(); }

    std::string jwt(const std::string& uid, std::int64_t expires_in = 3600) const {
        return signer.sign(Json{{"uid", uid}, {"exp", now_seconds() + expires_in}});
    }
};

// The Cosmos error body of a refusal, checked for its shape.
Json refusal(const HttpResponse& r, int status) {
    CHECK(r.status == status);
    CHECK(r.header("Content-Type") == package_type("error"));
    Json body = r.json();
    CHECK(body.contains("message"));
    if (status == 401) {
        CHECK(r.header("WWW-Authenticate") == "acsjwt");
        CHECK(body["type"] == "Unauthorized");
    } else {
        CHECK(body["type"] == "Forbidden");
    }
    return body;
}

// True when the request got past the role check (whatever the endpoint then answered).
bool passed_guard(const HttpResponse& r) {
    if (r.status == 401) return false;
    if (r.status == 403 && r.body.find("requiredRole") != std::string::npos) return false;
    return true;
}

}  // namespace

TEST_CASE("auth: every endpoint refuses a missing, wrong or bad credential", "[e2e][auth]") {
    AuthCluster cluster;
    const std::string admin_jwt_expired = cluster.jwt("admin-user", -60);
    const std::string foreign =
        cluster.stranger.sign(Json{{"uid", "admin-user"}, {"exp", now_seconds() + 3600}});
    const std::string none =
        unsigned_jwt(Json{{"uid", "admin-user"}, {"exp", now_seconds() + 3600}});
    const std::string confused = hs256_jwt(
        Json{{"uid", "admin-user"}, {"exp", now_seconds() + 3600}}, cluster.signer.public_pem());
    struct Bad {
        Credential credential;
        std::string message;
    };
    const std::vector<Bad> bad = {
        {{"no credential (Python CLI)", Cli::kPython, std::nullopt}, "Authentication required"},
        {{"no credential (Go CLI: token=)", Cli::kGo, std::nullopt}, "Authentication required"},
        {{"wrong token", Cli::kPython, "token=wrong"}, "matches no credential"},
        {{"wrong bearer", Cli::kGo, "Bearer wrong"}, "matches no credential"},
        {{"basic auth", Cli::kPython, "Basic YWRtaW46YWRtaW4="}, "must be 'token=<token>'"},
        {{"expired JWT", Cli::kPython, "token=" + admin_jwt_expired}, "the token expired at"},
        {{"JWT of another key", Cli::kGo, "token=" + foreign}, "signature does not verify"},
        {{"alg none JWT", Cli::kPython, "Bearer " + none}, "signed with 'none'"},
        {{"HS256 with the public key", Cli::kGo, "token=" + confused}, "signed with 'HS256'"},
    };
    for (const auto& e : endpoints()) {
        for (const auto& b : bad) {
            INFO(e.method << " " << e.path << " with " << b.credential.label);
            auto r = send(cluster.port(), e, b.credential);
            if (e.role.empty()) {
                CHECK(r.status == 200);
                continue;
            }
            Json body = refusal(r, 401);
            CHECK_THAT(body["message"].get<std::string>(), Catch::Contains(b.message));
        }
    }
    CHECK(cluster.marathon.apps().empty());
}

TEST_CASE("auth: each role reaches exactly the endpoints it includes, by token and by JWT",
          "[e2e][auth]") {
    AuthCluster cluster;
    for (const auto& role : kRoles) {
        const std::vector<Credential> credentials = {
            {"token, Python CLI", Cli::kPython, "token=" + token_of(role)},
            {"token, Go CLI", Cli::kGo, "token=" + token_of(role)},
            {"token, Bearer", Cli::kPython, "Bearer " + token_of(role)},
            {"JWT, Go CLI", Cli::kGo, "token=" + cluster.jwt(role + "-user")},
            {"JWT, Bearer", Cli::kPython, "Bearer " + cluster.jwt(role + "-user")},
        };
        for (const auto& e : endpoints()) {
            for (const auto& c : credentials) {
                INFO(e.method << " " << e.path << " as " << role << " (" << c.label << ")");
                auto r = send(cluster.port(), e, c);
                INFO(r.status << " " << r.body);
                if (e.role.empty() || rank(role) >= rank(e.role)) {
                    CHECK(passed_guard(r));
                } else {
                    Json body = refusal(r, 403);
                    CHECK(body["data"]["requiredRole"] == e.role);
                    CHECK_THAT(body["message"].get<std::string>(),
                               Catch::StartsWith("This request needs the role '" + e.role + "'"));
                    if (c.label.rfind("JWT", 0) == 0) {
                        CHECK_THAT(body["message"].get<std::string>(),
                                   Catch::Contains("user '" + role + "-user' has the role '" +
                                                   role + "'"));
                    }
                }
            }
        }
    }
    // A verified user the auth file does not name has no role at all.
    auto nobody = send(cluster.port(), endpoint("POST", "/package/search"),
                       {"unknown user", Cli::kPython, "token=" + cluster.jwt("mallory")});
    Json body = refusal(nobody, 403);
    CHECK(body["message"] ==
          "This request needs the role 'read'; user 'mallory' has no role on this server");
    // A JWT whose nbf lies ahead is not valid yet.
    std::string early = cluster.signer.sign(
        Json{{"uid", "admin-user"}, {"nbf", now_seconds() + 600}, {"exp", now_seconds() + 3600}});
    auto too_early = send(cluster.port(), endpoint("POST", "/package/search"),
                          {"nbf ahead", Cli::kPython, "token=" + early});
    CHECK_THAT(refusal(too_early, 401)["message"].get<std::string>(),
               Catch::Contains("not valid before"));
}

TEST_CASE("auth: the roles do their work, tokens are forwarded and never recorded", "[e2e][auth]") {
    AuthCluster cluster;
    const std::string install_jwt = cluster.jwt("install-user");
    auto as = [&](const std::string& authorization, const std::string& kind, const Json& body,
                  const std::string& version = "v1") {
        Endpoint e{"POST",
                   "/package/" + kind,
                   package_type(kind + "-request"),
                   package_type(kind + "-response", version),
                   body.dump(),
                   ""};
        std::replace(e.path.begin(), e.path.end(), '.', '/');
        return send(cluster.port(), e, {"", Cli::kPython, authorization});
    };

    // install: by the DC/OS CLI's token header, and by a JWT.
    auto installed = as("token=" + token_of("install"), "install",
                        Json{{"packageName", "nginx"}, {"appId", "/auth/nginx-1"}}, "v2");
    INFO(installed.body);
    REQUIRE(installed.status == 200);
    auto by_jwt = as("Bearer " + install_jwt, "install",
                     Json{{"packageName", "nginx"}, {"appId", "/auth/nginx-2"}}, "v2");
    REQUIRE(by_jwt.status == 200);
    // The caller's Authorization still goes to Marathon verbatim.
    std::set<std::string> forwarded;
    for (const auto& r : cluster.marathon.log().matching("POST", "/v2/apps")) {
        forwarded.insert(r.header("Authorization").value_or(""));
    }
    CHECK(forwarded ==
          std::set<std::string>{"token=" + token_of("install"), "Bearer " + install_jwt});
    auto uninstalled = as("token=" + token_of("admin"), "uninstall",
                          Json{{"packageName", "nginx"}, {"appId", "/auth/nginx-1"}});
    CHECK(uninstalled.status == 200);

    // publish: a copy from the configured repository; admin: repository add and delete.
    auto published = as("token=" + token_of("publish"), "add", Json{{"packageName", "kafka"}});
    INFO(published.body);
    CHECK(published.status == 202);
    auto added = as("token=" + token_of("admin"), "repository.add",
                    Json{{"name", "small"}, {"uri", cluster.repos.url("/small")}});
    INFO(added.body);
    CHECK(added.status == 200);
    CHECK(as("token=" + token_of("admin"), "repository.delete", Json{{"name", "small"}}).status ==
          200);
    CHECK(cluster.repos.hits("/small") >= 1);
    // Repositories never see the caller's credentials.
    for (const auto& r : cluster.repos.requests("/small"))
        CHECK_FALSE(r.header("Authorization"));

    // Nothing the server keeps or shows holds a token.
    auto history = as("token=" + token_of("read"), "history", Json::object());
    REQUIRE(history.status == 200);
    CHECK(history.json()["records"].size() >= 3);
    auto metrics = send(cluster.port(), endpoint("GET", "/metrics"),
                        {"", Cli::kPython, "token=" + token_of("read")});
    REQUIRE(metrics.status == 200);
    CHECK_THAT(metrics.body,
               Catch::Contains("cosmos_http_requests_total{endpoint=\"package/install\""));
    const std::string log = cluster.server->log();
    CHECK_THAT(log, Catch::Contains("authentication on"));
    for (const std::string& secret :
         {token_of("read"), token_of("install"), token_of("publish"), token_of("admin"),
          install_jwt, install_jwt.substr(install_jwt.rfind('.') + 1)}) {
        CHECK(log.find(secret) == std::string::npos);
        CHECK(history.body.find(secret) == std::string::npos);
        CHECK(metrics.body.find(secret) == std::string::npos);
    }
}

TEST_CASE("auth: repo-tool publish --token against a server with authentication", "[e2e][auth]") {
    AuthCluster cluster;
    Json meta{{"packagingVersion", "4.0"},
              {"name", "hello-auth"},
              {"version", "1.0.0"},
              {"maintainer", "author@example.org"},
              {"description", "Published with a token"},
              {"tags", Json::array({"demo"})}};
    write_text(cluster.dir / "hello.dcos", build_raw_zip({{"metadata.json", meta.dump()}}));
    std::string publish = shell_quote((binary_dir() / "repo-tool" / "repo-tool").string()) +
                          " publish " + shell_quote((cluster.dir / "hello.dcos").string()) +
                          " --to " + cluster.server->base_url();

    auto anonymous = run_command(publish);
    CHECK(anonymous.exit_code == 1);
    CHECK_THAT(anonymous.output, Catch::Contains("Authentication required"));
    CHECK_THAT(anonymous.output, Catch::Contains("HTTP 401"));
    auto reader = run_command(publish + " --token " + token_of("read"));
    CHECK(reader.exit_code == 1);
    CHECK_THAT(reader.output, Catch::Contains("needs the role 'publish'"));
    CHECK_THAT(reader.output, Catch::Contains("HTTP 403"));
    auto publisher = run_command(publish + " --token " + token_of("publish"));
    INFO(publisher.output);
    CHECK(publisher.exit_code == 0);
    CHECK_THAT(publisher.output, Catch::Contains("published hello-auth 1.0.0"));
}

TEST_CASE("auth: bad auth files and keys stop the server with the file and line", "[e2e][auth]") {
    TempDir dir;
    auto server = shell_quote((binary_dir() / "cosmos" / "cosmos-server").string());
    auto start = [&](const std::string& args) {
        return run_command(server + " --listen 127.0.0.1:0 --data-dir " +
                           shell_quote((dir / "data").string()) + " " + args);
    };
    write_text(dir / "bad.txt", "read sha256:" + std::string(64, 'a') + "\nroot uid:alice\n");
    auto bad_role = start("--auth-file " + shell_quote((dir / "bad.txt").string()));
    CHECK(bad_role.exit_code == 2);
    CHECK_THAT(bad_role.output,
               Catch::Contains((dir / "bad.txt").string() + ":2: unknown role 'root'"));
    CHECK_THAT(bad_role.output, !Catch::Contains("InvalidAuthFile"));

    auto missing = start("--auth-file " + shell_quote((dir / "absent.txt").string()));
    CHECK(missing.exit_code == 2);
    CHECK_THAT(missing.output, Catch::Contains("cannot read the auth file"));

    write_text(dir / "good.txt", "admin uid:alice\n");
    write_text(dir / "key.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    auto bad_key = start("--auth-file " + shell_quote((dir / "good.txt").string()) +
                         " --jwt-public-key " + shell_quote((dir / "key.pem").string()));
    CHECK(bad_key.exit_code == 2);
    CHECK_THAT(bad_key.output, Catch::Contains("key.pem: holds no PEM public key"));

    auto key_alone = start("--jwt-public-key " + shell_quote((dir / "key.pem").string()));
    CHECK(key_alone.exit_code == 2);
    CHECK_THAT(key_alone.output, Catch::Contains("--jwt-public-key needs --auth-file"));
}

TEST_CASE("auth: a non-loopback address needs --auth-file or --allow-unauthenticated",
          "[e2e][auth]") {
    TempDir dir;
    auto server = shell_quote((binary_dir() / "cosmos" / "cosmos-server").string());
    const std::string base =
        server + " --listen 0.0.0.0:0 --data-dir " + shell_quote((dir / "data").string());
    auto refused = run_command(base);
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.output, Catch::Contains("refusing to serve 0.0.0.0:0 without "
                                               "authentication"));
    CHECK_THAT(refused.output, Catch::Contains("--allow-unauthenticated"));
    CHECK_FALSE(fs::exists(dir / "data"));  // refused before anything was created

    // Allowed on request, by option or environment, with a warning; `timeout` ends it after
    // start-up.
    for (std::string how : {"timeout -s TERM 4 " + base + " --allow-unauthenticated",
                            "COSMOS_ALLOW_UNAUTHENTICATED=true timeout -s TERM 4 " + base}) {
        INFO(how);
        auto open = run_command(how);
        CHECK_THAT(open.output, Catch::Contains("WARN serving 0.0.0.0:0 WITHOUT authentication"));
        CHECK_THAT(open.output, Catch::Contains("listening on 0.0.0.0:"));
    }

    // With an auth file it starts, and the environment variable works as the option does.
    write_text(dir / "auth.txt", "admin uid:alice\n");
    auto with_file = run_command("COSMOS_AUTH_FILE=" + shell_quote((dir / "auth.txt").string()) +
                                 " timeout -s TERM 4 " + base);
    CHECK_THAT(with_file.output, Catch::Contains("authentication on"));
    CHECK_THAT(with_file.output, Catch::Contains("listening on 0.0.0.0:"));
    CHECK_THAT(with_file.output, !Catch::Contains("WITHOUT authentication"));
}
