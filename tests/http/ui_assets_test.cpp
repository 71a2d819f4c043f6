// The web UI as the router serves it: the shell for every path under /ui/, the compiled-in
// assets with content types, strong ETags, 304s, gzip and cache headers, and the Cosmos API
// paths untouched next to it.
#include "cosmos/http/ui_assets.h"

#include <catch2/catch.hpp>
#include <regex>
#include <set>

#include "cosmos/adapters/digest.h"
#include "cosmos/adapters/gzip_codec.h"
#include "cosmos/core/error.h"
#include "cosmos/http/auth.h"
#include "cosmos/http/media_types.h"
#include "cosmos/http/ui_embedded.h"
#include "web/embedded_web.h"

using namespace cosmos::http;

namespace {

HttpRequest get(std::string path, std::vector<Header> headers = {}) {
    HttpRequest r;
    r.method = "GET";
    r.path = std::move(path);
    r.headers = std::move(headers);
    return r;
}

std::string header(const HttpResponse& r, std::string_view name) {
    auto value = r.header(name);
    return value ? std::string(*value) : std::string();
}

std::string gzip(std::string_view bytes) {
    return cosmos::adapters::gzip_compress(bytes);
}

// A router with the UI and one API route, as main wires them.
struct Server {
    std::unique_ptr<UiAssets> ui = embedded_ui(gzip);
    Router router;
    Server() {
        router.add("POST", "/package/search", "package/search", [](const HttpRequest&) {
            HttpResponse r;
            r.body = "search";
            return r;
        });
        router.add("GET", "/health", "health", [](const HttpRequest&) {
            HttpResponse r;
            r.body = "ok";
            return r;
        });
        register_ui_routes(router, *ui);
    }
    HttpResponse operator()(const HttpRequest& r) const { return router.handle(r); }
};

std::string asset_url(const UiAssets& ui, std::string_view path) {
    return ui.assets_base() + std::string(path);
}

}  // namespace

TEST_CASE("ui: GET / and /ui open the catalog", "[http][ui]") {
    Server server;
    auto root = server(get("/"));
    CHECK(root.status == 302);
    CHECK(header(root, "Location") == "/ui/");
    CHECK(root.body.empty());
    auto bare = server(get("/ui"));
    CHECK(bare.status == 301);
    CHECK(header(bare, "Location") == "/ui/");
}

TEST_CASE("ui: every path under /ui/ gets the app shell, revalidated by ETag", "[http][ui]") {
    Server server;
    auto shell = server(get("/ui/"));
    REQUIRE(shell.status == 200);
    CHECK(header(shell, "Content-Type") == "text/html; charset=utf-8");
    CHECK(header(shell, "Cache-Control") == "no-cache");
    CHECK_THAT(shell.body, Catch::Contains("<script type=\"module\" src=\"" +
                                           server.ui->assets_base() + "js/app.js\">"));
    CHECK_THAT(header(shell, "Content-Security-Policy"), Catch::Contains("default-src 'self'"));
    CHECK(header(shell, "X-Content-Type-Options") == "nosniff");
    std::string etag = header(shell, "ETag");
    REQUIRE(etag.size() == 66);  // a quoted SHA-256
    CHECK(etag.front() == '"');
    CHECK(etag.substr(1, 64) == std::string(cosmos::web::embedded_shell().sha256));
    CHECK(cosmos::adapters::sha256_hex(shell.body) == cosmos::web::embedded_shell().sha256);

    // Deep links, including ones that look like files or end in a slash.
    for (std::string path :
         {"/ui/package/kafka", "/ui/package/kafka/2.4.0-1.0", "/ui/services/group/app",
          "/ui/repositories/", "/ui/no/such/page.html", "/ui/assetsx"}) {
        INFO(path);
        auto deep = server(get(path));
        CHECK(deep.status == 200);
        CHECK(deep.body == shell.body);
        CHECK(header(deep, "ETag") == etag);
    }

    auto again = server(get("/ui/services", {{"If-None-Match", etag}}));
    CHECK(again.status == 304);
    CHECK(again.body.empty());
    CHECK(header(again, "ETag") == etag);
    auto weak = server(get("/ui/", {{"If-None-Match", "\"other\", W/" + etag}}));
    CHECK(weak.status == 304);
    auto stale = server(get("/ui/", {{"If-None-Match", "\"0123\""}}));
    CHECK(stale.status == 200);

    auto zipped = server(get("/ui/", {{"Accept-Encoding", "gzip, deflate, br"}}));
    REQUIRE(zipped.status == 200);
    CHECK(header(zipped, "Content-Encoding") == "gzip");
    CHECK(header(zipped, "Vary") == "Accept-Encoding");
    CHECK(header(zipped, "ETag") != etag);  // another representation, another strong tag
    CHECK(cosmos::adapters::gzip_decompress(zipped.body, 1 << 20) == shell.body);
}

TEST_CASE("ui: assets have their type, a strong ETag, gzip and immutable caching", "[http][ui]") {
    Server server;
    const auto& assets = cosmos::web::embedded_assets();
    REQUIRE(assets.size() >= 10);
    std::set<std::string> paths;
    for (const auto& asset : assets) {
        std::string path(asset.path);
        INFO(path);
        paths.insert(path);
        // The build-time digest is the digest of the bytes compiled in.
        CHECK(cosmos::adapters::sha256_hex(asset.body) == asset.sha256);
        auto plain = server(get(asset_url(*server.ui, path)));
        REQUIRE(plain.status == 200);
        CHECK(plain.body == asset.body);
        std::string type = header(plain, "Content-Type");
        if (path.ends_with(".js")) CHECK(type == "text/javascript; charset=utf-8");
        if (path.ends_with(".css")) CHECK(type == "text/css; charset=utf-8");
        if (path.ends_with(".svg")) CHECK(type == "image/svg+xml; charset=utf-8");
        CHECK(header(plain, "Cache-Control") == "public, max-age=31536000, immutable");
        CHECK(header(plain, "X-Content-Type-Options") == "nosniff");
        CHECK(header(plain, "ETag") == "\"" + std::string(asset.sha256) + "\"");

        auto cached =
            server(get(asset_url(*server.ui, path), {{"If-None-Match", header(plain, "ETag")}}));
        CHECK(cached.status == 304);
        CHECK(cached.body.empty());

        auto zipped = server(get(asset_url(*server.ui, path), {{"Accept-Encoding", "gzip"}}));
        REQUIRE(zipped.status == 200);
        if (asset.body.size() >= 1024) {
            CHECK(header(zipped, "Content-Encoding") == "gzip");
            CHECK(zipped.body.size() < asset.body.size());
            CHECK(cosmos::adapters::gzip_decompress(zipped.body, 8 << 20) == asset.body);
            auto zipped_again = server(
                get(asset_url(*server.ui, path),
                    {{"Accept-Encoding", "gzip"}, {"If-None-Match", header(zipped, "ETag")}}));
            CHECK(zipped_again.status == 304);
        }
        // q=0 refuses gzip.
        auto refused =
            server(get(asset_url(*server.ui, path), {{"Accept-Encoding", "gzip;q=0, identity"}}));
        CHECK(header(refused, "Content-Encoding").empty());
        CHECK(refused.body == asset.body);
    }

    // Every asset the shell names exists, and so does every module a module imports.
    std::string shell(cosmos::web::embedded_shell().body);
    std::regex named("\"" + server.ui->assets_base() + "([^\"]+)\"");
    int references = 0;
    for (std::sregex_iterator it(shell.begin(), shell.end(), named), end; it != end; ++it) {
        INFO((*it)[1].str());
        CHECK(paths.count((*it)[1].str()) == 1);
        ++references;
    }
    CHECK(references >= static_cast<int>(assets.size()) - 1);
    std::regex imported(R"(from '\./([^']+)')");
    for (const auto& asset : assets) {
        std::string text(asset.body);
        for (std::sregex_iterator it(text.begin(), text.end(), imported), end; it != end; ++it) {
            INFO(std::string(asset.path) << " imports " << (*it)[1].str());
            CHECK(paths.count("js/" + (*it)[1].str()) == 1);
        }
    }
}

TEST_CASE("ui: unknown assets and other versions are 404 with an empty body", "[http][ui]") {
    Server server;
    for (std::string path : {server.ui->assets_base() + "js/nothing.js",
                             std::string("/ui/assets/0000000000000000/js/app.js"),
                             std::string("/ui/assets/"), server.ui->assets_base()}) {
        INFO(path);
        auto r = server(get(path));
        CHECK(r.status == 404);
        CHECK(r.body.empty());
    }
}

TEST_CASE("ui: the Cosmos API paths keep their exact behaviour", "[http][ui]") {
    Server server;
    HttpRequest search = get("/package/search");
    search.method = "POST";
    CHECK(server(search).body == "search");
    // Wrong method, unknown paths and near misses of the prefix: 404, empty body.
    for (std::string path : {"/package/search", "/package/nothing", "/uix", "/u", "/index.html",
                             "/favicon.ico", "/assets/js/app.js"}) {
        INFO(path);
        auto r = server(get(path));
        CHECK(r.status == 404);
        CHECK(r.body.empty());
        CHECK(r.headers.empty());
    }
    HttpRequest post_ui = get("/ui/");
    post_ui.method = "POST";
    CHECK(server(post_ui).status == 404);
    CHECK(server(get("/health")).body == "ok");
    // HEAD of the shell answers its headers (the listener drops the body).
    HttpRequest head = get("/ui/package/nginx");
    head.method = "HEAD";
    auto headed = server(head);
    CHECK(headed.status == 200);
    CHECK(header(headed, "Content-Type") == "text/html; charset=utf-8");
}

TEST_CASE("ui: the route is named 'ui' for logs and metrics", "[http][ui]") {
    Server server;
    std::vector<RequestRecord> seen;
    server.router.set_observer([&](const RequestRecord& r) { seen.push_back(r); });
    server(get("/ui/services"));
    server(get("/nothing"));
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].endpoint == "ui");
    CHECK(seen[0].status == 200);
    CHECK(seen[1].endpoint == "unknown");
}

TEST_CASE("ui: small files and incompressible ones are served as they are", "[http][ui]") {
    UiFile shell{"", "text/html; charset=utf-8", "<!doctype html>", "00"};
    std::string random;
    for (int i = 0; i < 4096; ++i)
        random.push_back(static_cast<char>((i * 7919 + 13) % 251));
    std::vector<UiFile> files{{"a.txt", "text/plain; charset=utf-8", "tiny", "11"},
                              {"b.bin", "text/plain; charset=utf-8", gzip(random), "22"}};
    UiAssets ui(shell, files, "v1", gzip);
    CHECK(ui.assets_base() == "/ui/assets/v1/");
    for (const auto& f : files) {
        auto r = ui.serve(get("/ui/assets/v1/" + f.path, {{"Accept-Encoding", "gzip"}}));
        CHECK(r.status == 200);
        CHECK(header(r, "Content-Encoding").empty());
        CHECK(header(r, "Vary").empty());
        CHECK(r.body == f.body);
        CHECK(header(r, "ETag") == "\"" + f.digest + "\"");
    }
}

TEST_CASE("ui: with authentication on, a browser without a token gets a sign-in page",
          "[http][ui][auth]") {
    Server server;
    // The check main installs: read, from the header or the UI's cookie (here: one token).
    server.ui->set_authorize([](const HttpRequest& r) {
        auto token = browser_token(r);
        if (!token) throw cosmos::core::authentication_required();
        if (*token != "reader") throw cosmos::core::authentication_failed("unknown token");
    });

    auto page = server(get("/ui/package/kafka", {{"Accept", "text/html"}}));
    CHECK(page.status == 401);
    CHECK(header(page, "WWW-Authenticate") == "acsjwt");
    CHECK(header(page, "Content-Type") == "text/html; charset=utf-8");
    CHECK(header(page, "Cache-Control") == "no-store");
    CHECK_FALSE(header(page, "Content-Security-Policy").empty());
    CHECK(page.body.find("<form id=\"signin-form\"") != std::string::npos);
    CHECK(page.body.find(asset_url(*server.ui, "js/signin.js")) != std::string::npos);
    CHECK(page.body.find("Authentication required") != std::string::npos);

    // A wrong cookie: 401 again, saying why, never echoing the token.
    auto wrong = server(get("/ui/", {{"Cookie", "cosmos_token=guess%3Cscript%3E"}}));
    CHECK(wrong.status == 401);
    CHECK(wrong.body.find("Authentication failed: unknown token") != std::string::npos);
    CHECK(wrong.body.find("guess") == std::string::npos);

    // The sign-in page's script, its stylesheet and the icon are open; other assets are not.
    for (const char* open : {"js/signin.js", "js/session.js", "css/app.css", "favicon.svg"}) {
        INFO(open);
        CHECK(server(get(asset_url(*server.ui, open))).status == 200);
    }
    auto closed = server(get(asset_url(*server.ui, "js/app.js")));
    CHECK(closed.status == 401);
    CHECK(header(closed, "Content-Type") == std::string(cosmos::http::kErrorType));

    // With the token (header or cookie), the shell and every asset are served as before.
    CHECK(server(get("/ui/package/kafka", {{"Cookie", "cosmos_token=reader"}})).status == 200);
    auto shell = server(get("/ui/", {{"Authorization", "token=reader"}}));
    CHECK(shell.status == 200);
    CHECK(shell.body.find("signin-form") == std::string::npos);
    CHECK(server(get(asset_url(*server.ui, "js/app.js"), {{"Cookie", "cosmos_token=reader"}}))
              .status == 200);
}
