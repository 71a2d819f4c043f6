// decode_content reads repository JSON one package at a time and keeps each config schema as
// text. Whatever the layout of the document, the packages must equal those of the whole-document
// decoder (core::decode_repository_json), and bad documents must fail with its exact errors.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "cosmos/app/repository_fetch.h"
#include "cosmos/core/error.h"
#include "cosmos/core/repo_index.h"
#include "cosmos/core/repository.h"
#include "tests/support/test_paths.h"

using cosmos::core::Json;

namespace {

cosmos::app::StoredContent v4_content(std::string body) {
    cosmos::app::StoredContent c;
    c.uri = "https://repo.example.org/repo";
    c.media_type = cosmos::core::repo_media_type(4);
    c.body = std::move(body);
    return c;
}

std::vector<cosmos::core::Package> decode(const std::string& body) {
    return cosmos::app::decode_content(v4_content(body), nullptr);
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Json package(const std::string& name, Json config) {
    Json p{{"packagingVersion", "3.0"},
           {"name", name},
           {"version", "1.0"},
           {"releaseVersion", 0},
           {"maintainer", "m@example.org"},
           {"description", "d"},
           {"tags", Json::array()}};
    if (!config.is_null()) p["config"] = std::move(config);
    return p;
}

const Json kSchema = Json::parse(R"({"type": "object", "properties": {
    "service": {"type": "object", "properties": {
        "name": {"type": "string", "default": "a \"quoted\" name\twith\\escapes"},
        "cpus": {"type": "number", "default": 0.5}}}}})");

// True when text lies inside the bytes of body.
bool within(const cosmos::core::SharedText& body, std::string_view text) {
    return text.data() >= body.data() && text.data() + text.size() <= body.data() + body.size();
}

// The error type and message of decoding body, or "" when it decodes.
std::string failure_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const cosmos::core::Error& e) {
        return std::string(e.type()) + ": " + e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("per-package decoding equals the whole-document decoder", "[app][repository]") {
    Json doc{{"packages", Json::array({package("a", kSchema), package("b", nullptr),
                                       package("c", Json::object())})}};
    for (int indent : {-1, 0, 2}) {
        std::string body = doc.dump(indent);
        auto content = v4_content(body);
        auto packages = cosmos::app::decode_content(content, nullptr);
        REQUIRE(packages == cosmos::core::decode_repository_json(body));
        REQUIRE(packages.size() == 3);
        // The config stays in the document (shared, not copied), and reads back as the same value.
        CHECK(within(content.body, packages[0].config->text()));
        CHECK(packages[0].config->value() == Json(kSchema));
        CHECK_FALSE(packages[1].config);
        CHECK(packages[2].config->value() == Json::object());
    }
}

TEST_CASE("templates stay in the document, or decode exactly when they cannot",
          "[app][repository]") {
    auto with_template = [](const std::string& name, const std::string& base64_json) {
        return R"({"packagingVersion": "2.0", "name": ")" + name +
               R"(", "version": "1", "releaseVersion": 0, "maintainer": "m", "description": "d",
               "tags": [], "marathon": {"v2AppMustacheTemplate": )" +
               base64_json + "}}";
    };
    const std::string plain = "\"" + cosmos::core::base64_encode("{\"id\": \"x\"}") + "\"";
    std::string body = "{\"packages\": [" + with_template("a", plain) + ", " +
                       with_template("b", R"("e30\u003d")") + "]}";
    auto content = v4_content(body);
    auto packages = cosmos::app::decode_content(content, nullptr);
    REQUIRE(packages == cosmos::core::decode_repository_json(body));
    REQUIRE(packages.size() == 2);
    CHECK(within(content.body, *packages[0].marathon_template_base64));
    CHECK(packages[0].marathon_template() == "{\"id\": \"x\"}");
    // An escape in the base64 text: the decoder reads it.
    CHECK(*packages[1].marathon_template_base64 == "e30=");
    CHECK(packages[1].marathon_template() == "{}");

    for (std::string bad : {R"("e30")", R"("!!!!")", "5", R"({"x": 1})"}) {
        std::string bad_body = "{\"packages\": [" + with_template("c", bad) + "]}";
        auto expected = failure_of([&] { cosmos::core::decode_repository_json(bad_body); });
        INFO(bad);
        CHECK(failure_of([&] { decode(bad_body); }) == expected);
    }
}

TEST_CASE("documents the scanner does not plainly read still decode exactly", "[app][repository]") {
    const std::string schema = kSchema.dump(1);
    const std::vector<std::string> bodies = {
        // the config key written with an escape
        R"({"packages": [{"packagingVersion": "3.0", "name": "a", "version": "1", "releaseVersion": 0,
            "maintainer": "m", "description": "d", "tags": [], "co\u006Efig": )" +
            schema + "}]}",
        // config twice: the last value wins, as in every decoder
        R"({"packages": [{"packagingVersion": "3.0", "name": "a", "version": "1", "releaseVersion": 0,
            "maintainer": "m", "description": "d", "tags": [], "config": {"type": "object"},
            "config": )" +
            schema + "}]}",
    };
    for (const auto& body : bodies) {
        auto packages = decode(body);
        REQUIRE(packages == cosmos::core::decode_repository_json(body));
        REQUIRE(packages.size() == 1);
        CHECK(packages[0].config->value() == Json(kSchema));
    }
}

TEST_CASE("a bad config fails as the whole-document decoder fails", "[app][repository]") {
    const std::string head =
        R"({"packages": [{"packagingVersion": "3.0", "name": "a", "version": "1",
        "releaseVersion": 0, "maintainer": "m", "description": "d", "tags": [], "config": )";
    for (std::string config : {"5", "[]", "\"text\"", "{\"type\": }", "{\"a\": 1"}) {
        std::string body = head + config + "}]}";
        auto expected = failure_of([&] { cosmos::core::decode_repository_json(body); });
        REQUIRE_FALSE(expected.empty());
        CHECK(failure_of([&] { decode(body); }) == expected);
    }
}

TEST_CASE("JsonText keeps compact text and compares values", "[app][repository][json]") {
    using cosmos::core::JsonText;
    auto t = JsonText::from_text(" {\n \"a\" : [1, 2],\t\"b\": \"x y \\\" z\" } ");
    CHECK(t.text() == R"({"a":[1,2],"b":"x y \" z"})");
    CHECK(t == JsonText(Json::parse(R"({"a": [1, 2], "b": "x y \" z"})")));
    CHECK_FALSE(t == JsonText(Json::parse(R"({"b": "x y \" z", "a": [1, 2]})")));
    CHECK(failure_of([] { JsonText::from_text("{\"a\": 1} 2"); }).rfind("JsonParsingError", 0) ==
          0);
    CHECK(failure_of([] { JsonText::from_text(""); }).rfind("JsonParsingError", 0) == 0);
}

TEST_CASE("the corpus repository files decode per package as a whole", "[app][repository]") {
    REQUIRE_SHARED(expected, "corpus/universe/expected");
    for (const char* file :
         {"repo-up-to-1.8.json", "repo-up-to-1.10.json", "repo-up-to-2.0.json", "universe.json"}) {
        if (!std::filesystem::exists(expected / file)) continue;
        std::string body = read_file(expected / file);
        auto packages = decode(body);
        INFO(file);
        CHECK(packages.size() > 10);
        CHECK(packages == cosmos::core::decode_repository_json(body));
    }
}
