// The role of each route, the Authorization header forms, and the guard in front of the real
// routes: 401 and 403 as the router writes them.
#include "cosmos/http/auth.h"

#include <catch2/catch.hpp>

#include "cosmos/adapters/digest.h"
#include "cosmos/app/repository_service.h"
#include "cosmos/core/error.h"
#include "cosmos/http/handlers.h"
#include "cosmos/http/media_types.h"
#include "cosmos/http/rpc.h"
#include "tests/app/fakes.h"

using cosmos::app::Role;
using cosmos::core::Json;
using cosmos::http::HttpRequest;
using cosmos::http::HttpResponse;

namespace {

HttpRequest with_authorization(std::optional<std::string> value) {
    HttpRequest r;
    r.method = "GET";
    r.path = "/capabilities";
    r.headers.push_back({"Host", "cosmos.test"});
    r.headers.push_back({"Accept", std::string(cosmos::http::kCapabilitiesType)});
    if (value) r.headers.push_back({"Authorization", *value});
    return r;
}

// A router with every route of the server, over an empty catalog.
struct Server {
    Server() : repositories(store, client, clock, {}) {
        cosmos::http::register_routes(router, context);
        router.set_observer([this](const cosmos::http::RequestRecord& r) { records.push_back(r); });
    }
    universe_test::MemoryRepositoryStore store{{}};
    universe_test::NoHttpClient client;
    universe_test::FixedClock clock;
    cosmos::app::RepositoryService repositories;
    cosmos::http::Metrics metrics;
    cosmos::http::ServerContext context{repositories, client, {}, metrics, "test"};
    cosmos::http::Router router;
    std::vector<cosmos::http::RequestRecord> records;
};

}  // namespace

TEST_CASE("auth: the Authorization header forms", "[http][auth]") {
    struct Case {
        std::optional<std::string> header;
        std::optional<std::string> token;
    };
    const std::vector<Case> cases = {
        {std::nullopt, std::nullopt}, {"token=abc", "abc"},   {"Token=abc", "abc"},
        {"  token= abc  ", "abc"},    {"token=", ""},         {"Bearer abc", "abc"},
        {"bearer   a.b.c", "a.b.c"},  {"BEARER\tabc", "abc"}, {"Bearer", ""},
    };
    for (const auto& c : cases) {
        INFO(c.header.value_or("(none)"));
        // The token is a view into the request, which must outlive it.
        const auto request = with_authorization(c.header);
        auto token = cosmos::http::request_token(request);
        CHECK(token.has_value() == c.token.has_value());
        if (token && c.token) CHECK(std::string(*token) == *c.token);
    }
    for (std::string bad : {"Basic dXNlcjpwYXNz", "Bearerabc", "abc", "acsjwt abc"}) {
        INFO(bad);
        CHECK_THROWS_AS(cosmos::http::request_token(with_authorization(bad)), cosmos::core::Error);
    }
}

TEST_CASE("auth: each route's role follows the documented mapping", "[http][auth]") {
    using cosmos::http::route_role;
    CHECK_FALSE(route_role("health"));
    for (const char* name :
         {"metrics", "capabilities", "package/search", "package/describe", "package/list-versions",
          "package/render", "package/list", "package/history", "package/repository/list",
          "package/local/list", "service/describe", "package/resource"}) {
        INFO(name);
        CHECK(route_role(name) == Role::kRead);
    }
    for (const char* name :
         {"package/install", "package/uninstall", "service/update", "package/rollback"}) {
        INFO(name);
        CHECK(route_role(name) == Role::kInstall);
    }
    CHECK(route_role("package/add") == Role::kPublish);
    CHECK(route_role("package/delete") == Role::kPublish);
    CHECK(route_role("package/repository/add") == Role::kAdmin);
    CHECK(route_role("package/repository/delete") == Role::kAdmin);
    // A route nobody classified is closed to all but admin.
    CHECK(route_role("something/new") == Role::kAdmin);
    CHECK_FALSE(cosmos::http::route_classified("something/new"));
}

TEST_CASE("auth: every route the server registers has a role", "[http][auth]") {
    Server server;
    auto names = server.router.route_names();
    REQUIRE(names.size() >= 20);
    for (const auto& name : names) {
        INFO("route '" << name
                       << "' needs a line in kRouteRoles (cosmos/http/auth.cpp) saying who may "
                          "call it");
        CHECK(cosmos::http::route_classified(name));
    }
}

TEST_CASE("auth: the guard answers 401 and 403 with Cosmos error bodies", "[http][auth]") {
    Server server;
    cosmos::app::AuthTable table;
    table.token_digests[cosmos::adapters::sha256_hex("reader")] = Role::kRead;
    table.token_digests[cosmos::adapters::sha256_hex("installer")] = Role::kInstall;
    universe_test::FixedClock clock;
    cosmos::app::Authenticator authenticator(
        table, [](std::string_view b) { return cosmos::adapters::sha256_hex(b); }, nullptr, clock);
    server.router.set_guard(cosmos::http::access_guard(authenticator));

    // /health stays open.
    HttpRequest health;
    health.method = "GET";
    health.path = "/health";
    CHECK(server.router.handle(health).status == 200);

    auto missing = server.router.handle(with_authorization(std::nullopt));
    CHECK(missing.status == 401);
    CHECK(missing.header("WWW-Authenticate") == "acsjwt");
    CHECK(missing.header("Content-Type") == cosmos::http::kErrorType);
    auto body = Json::parse(missing.body);
    CHECK(body["type"] == "Unauthorized");
    CHECK_THAT(body["message"].get<std::string>(), Catch::StartsWith("Authentication required"));
    CHECK(server.records.back().error_type == "Unauthorized");
    CHECK(server.records.back().endpoint == "capabilities");

    for (std::string bad : {"token=wrong", "Bearer wrong", "Basic cmVhZGVy", "token="}) {
        INFO(bad);
        auto r = server.router.handle(with_authorization(bad));
        CHECK(r.status == 401);
        CHECK(r.header("WWW-Authenticate") == "acsjwt");
        CHECK(r.body.find("wrong") == std::string::npos);  // the token is never echoed
    }
    CHECK(server.router.handle(with_authorization("token=reader")).status == 200);
    CHECK(server.router.handle(with_authorization("Bearer reader")).status == 200);

    // The role check comes before any other: an empty install request by a reader is 403.
    HttpRequest install;
    install.method = "POST";
    install.path = "/package/install";
    install.headers.push_back({"Authorization", "token=reader"});
    auto forbidden = server.router.handle(install);
    CHECK(forbidden.status == 403);
    CHECK_FALSE(forbidden.header("WWW-Authenticate"));
    CHECK(Json::parse(forbidden.body) ==
          Json{{"type", "Forbidden"},
               {"message", "This request needs the role 'install'; a token has the role 'read'"},
               {"data", {{"requiredRole", "install"}, {"role", "read"}}}});
    // With the role, the request reaches the endpoint's own checks (here: a missing Accept).
    install.headers[0].value = "token=installer";
    auto reached = server.router.handle(install);
    CHECK(reached.status == 400);
    CHECK(reached.body.find("not_present") != std::string::npos);

    // Unknown paths stay 404 with an empty body, whoever asks.
    HttpRequest unknown = with_authorization(std::nullopt);
    unknown.path = "/nothing/here";
    auto not_found = server.router.handle(unknown);
    CHECK(not_found.status == 404);
    CHECK(not_found.body.empty());
}

TEST_CASE("auth: the UI's cookie counts for /package/resource and nowhere else in the API",
          "[http][auth]") {
    using cosmos::http::browser_token;
    HttpRequest r = with_authorization(std::nullopt);
    CHECK_FALSE(browser_token(r));
    r.headers.push_back({"Cookie", "theme=dark; cosmos_token=a%20b%3Bc ; other=1"});
    CHECK(browser_token(r) == std::optional<std::string>("a b;c"));
    // The header wins over the cookie.
    HttpRequest both = with_authorization("token=header");
    both.headers.push_back({"Cookie", "cosmos_token=cookie"});
    CHECK(browser_token(both) == std::optional<std::string>("header"));
    // Another cookie whose name ends the same way is not it.
    HttpRequest other = with_authorization(std::nullopt);
    other.headers.push_back({"Cookie", "not_cosmos_token=x"});
    CHECK_FALSE(browser_token(other));

    Server server;
    cosmos::app::AuthTable table;
    table.token_digests[cosmos::adapters::sha256_hex("reader")] = Role::kRead;
    universe_test::FixedClock clock;
    cosmos::app::Authenticator authenticator(
        table, [](std::string_view b) { return cosmos::adapters::sha256_hex(b); }, nullptr, clock);
    server.router.set_guard(cosmos::http::access_guard(authenticator));

    // /package/resource: the cookie passes the guard (the route then refuses the missing url).
    HttpRequest resource;
    resource.method = "GET";
    resource.path = "/package/resource";
    resource.headers.push_back({"Cookie", "cosmos_token=reader"});
    auto passed = server.router.handle(resource);
    CHECK(passed.status != 401);
    CHECK(passed.status != 403);
    resource.headers[0].value = "cosmos_token=wrong";
    CHECK(server.router.handle(resource).status == 401);

    // Any other API route ignores it: a page elsewhere cannot call them with the cookie.
    HttpRequest capabilities = with_authorization(std::nullopt);
    capabilities.headers.push_back({"Cookie", "cosmos_token=reader"});
    CHECK(server.router.handle(capabilities).status == 401);
}
