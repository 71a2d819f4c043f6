// The router as the one place where answers are observed: errors, and answers the listener gave.
#include "cosmos/http/router.h"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

#include "cosmos/core/error.h"
#include "cosmos/http/listener.h"

using cosmos::http::HttpRequest;
using cosmos::http::HttpResponse;
using cosmos::http::RequestRecord;
using cosmos::http::Router;

namespace {

HttpRequest post(const std::string& path) {
    HttpRequest r;
    r.method = "POST";
    r.path = path;
    return r;
}

}  // namespace

TEST_CASE("answers the listener gives itself are observed under their route", "[http][router]") {
    Router router;
    router.add("POST", "/package/search", "package/search", [](const HttpRequest&) {
        return HttpResponse{200, {}, "{}"};
    });
    std::vector<RequestRecord> seen;
    router.set_observer([&](const RequestRecord& r) { seen.push_back(r); });

    router.refused(post("/package/search"), cosmos::http::payload_too_large_response(1000));
    router.refused(post("/nowhere"), cosmos::http::bad_request_response());
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].endpoint == "package/search");
    CHECK(seen[0].status == 413);
    CHECK(seen[0].error_type == "PayloadTooLarge");
    CHECK(seen[1].endpoint == "unknown");
    CHECK(seen[1].status == 400);
    CHECK(seen[1].error_type.empty());
}

TEST_CASE("server-side failures: the caller gets no library text, the log gets the reason",
          "[http][router]") {
    Router router;
    router.add("POST", "/boom", "boom", [](const HttpRequest&) -> HttpResponse {
        throw std::out_of_range("vector::_M_range_check: __n (which is 3) >= this->size()");
    });
    router.add("POST", "/upstream", "upstream", [](const HttpRequest&) -> HttpResponse {
        throw cosmos::core::service_unavailable("marathon", "http://m:8080/v2/apps",
                                                "connection refused");
    });
    std::vector<RequestRecord> seen;
    router.set_observer([&](const RequestRecord& r) { seen.push_back(r); });

    auto boom = router.handle(post("/boom"));
    CHECK(boom.status == 500);
    CHECK(
        boom.body ==
        R"({"type":"unhandled_exception","message":"The server failed to handle the request; its log says why"})");
    auto upstream = router.handle(post("/upstream"));
    CHECK(upstream.status == 503);
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].error_detail == "vector::_M_range_check: __n (which is 3) >= this->size()");
    CHECK(seen[1].error_type == "ServiceUnavailable");
    CHECK(seen[1].error_detail ==
          "Unable to complete request due to service [marathon] unavailability "
          "(http://m:8080/v2/apps: connection refused)");
}
