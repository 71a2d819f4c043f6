#include "cosmos/http/answer_cache.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <string>

using cosmos::http::AnswerCache;
using cosmos::http::HttpRequest;
using cosmos::http::HttpResponse;

namespace {

HttpRequest request(std::string body, std::string accept = "application/x-answer") {
    HttpRequest r;
    r.method = "POST";
    r.path = "/package/search";
    r.headers = {{"Host", "127.0.0.1:7070"},
                 {"Content-Type", "application/x-question"},
                 {"Accept", std::move(accept)}};
    r.body = std::move(body);
    return r;
}

// A route that counts its calls and answers with the body it got, under the catalog's address.
struct Counting {
    int calls = 0;
    std::shared_ptr<const cosmos::core::Catalog>* catalog = nullptr;
    HttpResponse operator()(const HttpRequest& r) {
        ++calls;
        if (r.body == "bad") return HttpResponse{400, {{"Content-Type", "x"}}, "error " + r.body};
        return HttpResponse{200,
                            {{"Content-Type", "application/x-answer"}},
                            r.body + "@" +
                                std::to_string(reinterpret_cast<std::uintptr_t>(catalog->get())) +
                                "#" + std::to_string(calls)};
    }
};

}  // namespace

TEST_CASE("answers repeat from the cache until the catalog changes", "[http][cache]") {
    auto catalog = std::make_shared<const cosmos::core::Catalog>();
    auto counting = std::make_shared<Counting>();
    counting->catalog = &catalog;
    auto cache = std::make_shared<AnswerCache>([&] { return catalog; });
    auto route = cache->wrap("search", [counting](const HttpRequest& r) { return (*counting)(r); });

    auto first = route(request(R"({"query":"kafka"})"));
    auto second = route(request(R"({"query":"kafka"})"));
    CHECK(counting->calls == 1);
    CHECK(first.status == 200);
    CHECK(second.status == 200);
    CHECK(second.headers.size() == 1);
    CHECK(second.headers[0].value == "application/x-answer");
    CHECK(second.payload() == first.payload());
    // The cached body is shared, not copied.
    REQUIRE(second.shared_body);
    CHECK(second.body.empty());
    CHECK(second.shared_body == first.shared_body);

    // Anything validation reads makes another answer: the body, Accept, Host, Authorization.
    route(request(R"({"query":"kaf"})"));
    route(request(R"({"query":"kafka"})", "application/other"));
    auto with_host = request(R"({"query":"kafka"})");
    with_host.headers[0].value = "example.com";
    route(with_host);
    auto with_token = request(R"({"query":"kafka"})");
    with_token.headers.push_back({"Authorization", "token=1"});
    route(with_token);
    auto other_scheme = request(R"({"query":"kafka"})");
    other_scheme.scheme = "https";
    route(other_scheme);
    CHECK(counting->calls == 6);
    route(with_token);
    CHECK(counting->calls == 6);

    // Errors are never kept.
    CHECK(route(request("bad")).status == 400);
    CHECK(route(request("bad")).status == 400);
    CHECK(counting->calls == 8);

    // A new catalog: everything is computed again, and the old catalog is not kept alive.
    std::weak_ptr<const cosmos::core::Catalog> old = catalog;
    catalog = std::make_shared<const cosmos::core::Catalog>();
    CHECK(old.expired());
    auto after = route(request(R"({"query":"kafka"})"));
    CHECK(counting->calls == 9);
    CHECK(after.payload() != first.payload());
}

TEST_CASE("the cache keeps a bounded number of answers, the newest last to go", "[http][cache]") {
    auto catalog = std::make_shared<const cosmos::core::Catalog>();
    int calls = 0;
    auto cache = std::make_shared<AnswerCache>([&] { return catalog; }, 2, 1 << 20);
    auto route = cache->wrap("describe", [&](const HttpRequest& r) {
        ++calls;
        return HttpResponse{200, {}, r.body};
    });
    route(request("a"));
    route(request("b"));
    route(request("c"));  // drops "a"
    CHECK(calls == 3);
    route(request("c"));
    route(request("b"));
    CHECK(calls == 3);
    route(request("a"));
    CHECK(calls == 4);

    // Past the byte limit only the newest answer stays.
    auto small = std::make_shared<AnswerCache>([&] { return catalog; }, 10, 4);
    auto small_route = small->wrap("describe", [&](const HttpRequest& r) {
        ++calls;
        return HttpResponse{200, {}, r.body + r.body + r.body};
    });
    small_route(request("xx"));
    small_route(request("yy"));
    small_route(request("yy"));
    CHECK(calls == 6);
    small_route(request("xx"));
    CHECK(calls == 7);
}
