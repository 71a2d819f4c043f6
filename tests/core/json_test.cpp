#include "cosmos/core/json.h"

#include <catch2/catch.hpp>

#include "cosmos/core/error.h"
#include "cosmos/core/json_scan.h"

using cosmos::core::Json;

TEST_CASE("duplicate keys keep the first position and the last value", "[core][json]") {
    auto doc = cosmos::core::parse_document(R"({"a": 1, "b": {"x": 1, "x": 2}, "a": 3})");
    CHECK(doc.value.dump() == R"({"a":3,"b":{"x":2}})");
    REQUIRE(doc.duplicates.size() == 2);
    CHECK(doc.duplicates[0].pointer == "/b/x");
    CHECK_FALSE(doc.duplicates[0].same_value);
    CHECK(doc.duplicates[1].pointer == "/a");
    CHECK_FALSE(doc.duplicates[1].same_value);
}

TEST_CASE("identical duplicates are reported as such", "[core][json]") {
    auto doc = cosmos::core::parse_document(
        R"({"p": {"k": {"type": "string", "default": "x"}, "k": {"type": "string", "default": "x"}}})");
    REQUIRE(doc.duplicates.size() == 1);
    CHECK(doc.duplicates[0].pointer == "/p/k");
    CHECK(doc.duplicates[0].same_value);
}

TEST_CASE("duplicate keys inside arrays are located by index", "[core][json]") {
    auto doc = cosmos::core::parse_document(R"([{"a":1}, {"b": 1, "b": 1}])");
    REQUIRE(doc.duplicates.size() == 1);
    CHECK(doc.duplicates[0].pointer == "/1/b");
}

TEST_CASE("pointer tokens are escaped", "[core][json]") {
    auto doc = cosmos::core::parse_document(R"({"a/b~c": 1, "a/b~c": 2})");
    REQUIRE(doc.duplicates.size() == 1);
    CHECK(doc.duplicates[0].pointer == "/a~1b~0c");
}

TEST_CASE("bad JSON throws JsonParsingError with line and column", "[core][json]") {
    try {
        cosmos::core::parse_json("{\n  \"a\": 1,\n}");
        FAIL("no exception");
    } catch (const cosmos::core::Error& e) {
        CHECK(e.type() == "JsonParsingError");
        std::string message = e.data()["parsingErrorMessage"].get<std::string>();
        CHECK(message.find("line 3") != std::string::npos);
    }
}

TEST_CASE("nesting is bounded: kMaxJsonDepth levels parse, one more is a clear error",
          "[core][json][depth]") {
    using cosmos::core::kMaxJsonDepth;
    auto nested = [](std::size_t levels, std::string_view open, std::string_view close,
                     std::string_view inner = "") {
        std::string text;
        for (std::size_t i = 0; i < levels; ++i)
            text += open;
        text += inner;
        for (std::size_t i = 0; i < levels; ++i)
            text += close;
        return text;
    };
    CHECK(cosmos::core::parse_json(nested(kMaxJsonDepth, "[", "]")).is_array());
    CHECK(cosmos::core::parse_json(nested(kMaxJsonDepth, "{\"a\":", "}", "1")).is_object());
    CHECK(cosmos::core::JsonText::from_text(nested(kMaxJsonDepth, "[", "]")).value().is_array());

    // Far beyond the bound (a stack overflow for recursive code), in arrays, objects and mixed.
    for (const auto& text :
         {nested(kMaxJsonDepth + 1, "[", "]"), nested(100000, "{\"a\":", "}", "1"),
          nested(100000, "[{\"x\":[", "]}]"), std::string(1u << 20, '[')}) {
        try {
            cosmos::core::parse_json(text);
            FAIL("no exception");
        } catch (const cosmos::core::Error& e) {
            CHECK(e.type() == "JsonParsingError");
            const std::string message = e.data()["parsingErrorMessage"].get<std::string>();
            CHECK_THAT(message, Catch::StartsWith("arrays and objects nest deeper than 256 levels "
                                                  "at line 1, column "));
        }
        CHECK_THROWS_AS(cosmos::core::JsonText::from_text(text), cosmos::core::Error);
    }
    // The position is that of the first array or object beyond the bound; strings do not count.
    std::string text = "{\"s\": \"[[[{\\\"\",\n \"v\": " + nested(kMaxJsonDepth, "[", "]") + "}";
    try {
        cosmos::core::parse_json(text);
        FAIL("no exception");
    } catch (const cosmos::core::Error& e) {
        CHECK(e.data()["parsingErrorMessage"] ==
              "arrays and objects nest deeper than 256 levels at line 2, column 262");
    }
}

TEST_CASE("objects with many members parse in linear time, duplicates still found",
          "[core][json][complexity]") {
    // 200,000 keys, the first 1,000 repeated at the end: a scan of the object per key would
    // take minutes here (and time the test out).
    std::string text = "{";
    for (int i = 0; i < 200000; ++i)
        text += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ", ";
    for (int i = 0; i < 1000; ++i)
        text += "\"k" + std::to_string(i) + "\": " + std::to_string(i % 2 == 0 ? i : -i) + ", ";
    text += "\"last\": {\"a\": 1, \"a\": 1}}";
    auto doc = cosmos::core::parse_document(text);
    REQUIRE(doc.value.size() == 200001);
    CHECK(doc.value["k3"] == -3);
    CHECK(doc.value.begin().key() == "k0");  // a duplicate keeps the first position
    REQUIRE(doc.duplicates.size() == 1001);
    CHECK(doc.duplicates[0].pointer == "/k0");
    CHECK(doc.duplicates[0].same_value);
    CHECK(doc.duplicates[3].pointer == "/k3");
    CHECK_FALSE(doc.duplicates[3].same_value);
    CHECK(doc.duplicates[1000].pointer == "/last/a");
    CHECK(doc.duplicates[1000].same_value);
}

TEST_CASE("key order of objects is preserved", "[core][json]") {
    Json j = cosmos::core::parse_json(R"({"z": 1, "a": 2, "m": 3})");
    CHECK(cosmos::core::to_compact(j) == R"({"z":1,"a":2,"m":3})");
}

TEST_CASE("drop_nulls removes null members recursively but keeps array elements", "[core][json]") {
    Json j = cosmos::core::parse_json(R"({"a": null, "b": {"c": null, "d": 1}, "e": [null, 1]})");
    CHECK(cosmos::core::to_compact(cosmos::core::drop_nulls(j)) == R"({"b":{"d":1},"e":[null,1]})");
}

TEST_CASE("Python-style text matches json.dumps defaults", "[core][json]") {
    struct Case {
        const char* input;
        const char* expected;
    };
    const Case cases[] = {
        {R"({"a": [1, 2], "b": {"c": "d"}})", R"({"a": [1, 2], "b": {"c": "d"}})"},
        {R"({"x": 1.0, "y": 0.5, "z": 1e-05})", R"({"x": 1.0, "y": 0.5, "z": 1e-05})"},
        {R"("caf\u00e9")", R"("caf\u00e9")"},
        {R"("\ud83d\ude00")", R"("\ud83d\ude00")"},
        {R"("tab\there\nnew \"q\" \\ \u0001")", R"("tab\there\nnew \"q\" \\ \u0001")"},
        {R"([])", R"([])"},
        {R"({})", R"({})"},
        {R"(4294967296)", R"(4294967296)"},
        {R"([true, false, null])", R"([true, false, null])"},
    };
    for (const auto& c : cases) {
        INFO(c.input);
        CHECK(cosmos::core::to_python_text(cosmos::core::parse_json(c.input)) == c.expected);
    }
}

TEST_CASE("base64 round trip and strictness", "[core][json][base64]") {
    const char* samples[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char* encoded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (int i = 0; i < 7; ++i) {
        CHECK(cosmos::core::base64_encode(samples[i]) == encoded[i]);
        CHECK(cosmos::core::base64_decode(encoded[i]) == samples[i]);
        CHECK(cosmos::core::is_base64(encoded[i]));
    }
    std::string binary;
    for (int i = 0; i < 256; ++i)
        binary.push_back(static_cast<char>(i));
    CHECK(cosmos::core::base64_decode(cosmos::core::base64_encode(binary)) == binary);
    CHECK_THROWS(cosmos::core::base64_decode("Zm9v!"));
    CHECK_THROWS(cosmos::core::base64_decode("Zg==Zg"));
    CHECK_FALSE(cosmos::core::is_base64("Zm9"));
    CHECK_FALSE(cosmos::core::is_base64("Z==="));
    // decodable_base64 answers exactly what base64_decode does.
    for (const char* text :
         {"", "Zg==", "Zg", "Zm9", "Zm9v", "Zm9v!", "Zg==Zg", "Z", "Z===", "Zg==="}) {
        bool decodes = true;
        try {
            cosmos::core::base64_decode(text);
        } catch (const std::invalid_argument&) {
            decodes = false;
        }
        CAPTURE(text);
        CHECK(cosmos::core::decodable_base64(text) == decodes);
    }
}

TEST_CASE("type names count whole floats as integers", "[core][json]") {
    CHECK(cosmos::core::json_type_name(Json(1)) == "integer");
    CHECK(cosmos::core::json_type_name(Json(1.0)) == "integer");
    CHECK(cosmos::core::json_type_name(Json(1.5)) == "number");
    CHECK(cosmos::core::json_type_name(Json("x")) == "string");
    CHECK(cosmos::core::json_type_name(Json::object()) == "object");
}

TEST_CASE("JsonScanner finds the ends of tokens and values", "[core][json]") {
    using cosmos::core::JsonScanner;
    const std::string text = R"( {"a\"b": [1, {"c": "]}"}], "n": -1.5e3 , "s":"x"} )";
    JsonScanner scan(text, "an object");
    scan.expect('{');
    CHECK(scan.string_token() == R"("a\"b")");
    scan.expect(':');
    CHECK(scan.value_token() == R"([1, {"c": "]}"}])");
    CHECK(scan.accept(','));
    CHECK(scan.string_token() == R"("n")");
    scan.expect(':');
    CHECK(scan.value_token() == "-1.5e3");
    CHECK(scan.accept(','));
    CHECK_FALSE(scan.accept('}'));
    CHECK(scan.string_token() == R"("s")");
    scan.expect(':');
    CHECK(scan.peek() == '"');
    CHECK(scan.value_token() == R"("x")");
    scan.expect('}');
    CHECK(scan.done());

    JsonScanner open(R"({"a": [1, 2)", "an object");
    open.expect('{');
    open.string_token();
    open.expect(':');
    try {
        open.value_token();
        FAIL("an unclosed array was accepted");
    } catch (const cosmos::core::Error& e) {
        CHECK(e.type() == "JsonParsingError");
        CHECK(e.data()["parsingErrorMessage"] ==
              "unexpected end of input at offset 11 (expected an object)");
    }
}
