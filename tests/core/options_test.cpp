#include "cosmos/core/options.h"

#include <catch2/catch.hpp>

#include <string>

#include "cosmos/core/json.h"

using cosmos::core::Json;

TEST_CASE("merge: overlay keys first, objects merged deeply, base-only keys after",
          "[core][options]") {
    const Json base = Json::parse(R"({"a": 1, "s": {"x": 1, "y": 2}, "b": [1]})");
    const Json overlay = Json::parse(R"({"s": {"y": 3, "z": 4}, "c": null, "a": 5})");
    CHECK(cosmos::core::to_compact(cosmos::core::merge(base, overlay)) ==
          R"({"s":{"y":3,"z":4,"x":1},"c":null,"a":5,"b":[1]})");
    CHECK(cosmos::core::merge(base, Json::array({1})) == Json::array({1}));
    CHECK(cosmos::core::merge(Json(1), overlay) == overlay);
}

TEST_CASE("large objects cost linear time: options, defaults, null dropping",
          "[core][options][complexity]") {
    // 200,000 members: a search per member (operator[]) would take minutes here, and the
    // test would time out; the answers are checked too.
    constexpr int kMembers = 200000;
    Json options = Json::object();
    Json properties = Json::object();
    for (int i = 0; i < kMembers; ++i) {
        const std::string key = "k" + std::to_string(i);
        cosmos::core::append_member(options, key, i % 2 == 0 ? Json(i) : Json(nullptr));
        cosmos::core::append_member(properties, key, Json{{"default", -i}});
    }
    const Json config = Json{{"type", "object"}, {"properties", properties}};
    const Json defaults = cosmos::core::extract_defaults(config);
    REQUIRE(defaults.size() == kMembers);
    CHECK(defaults["k7"] == -7);

    const Json merged = cosmos::core::merge(defaults, options);
    REQUIRE(merged.size() == kMembers);
    CHECK(merged["k4"] == 4);
    CHECK(merged["k5"].is_null());

    const Json dropped = cosmos::core::drop_nulls(options);
    CHECK(dropped.size() == kMembers / 2);
    CHECK_FALSE(dropped.contains("k5"));
}
