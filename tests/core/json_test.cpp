#include "cosmos/core/json.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <string_view>

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

// parse_document takes texts through simdjson and falls back to nlohmann's parser: both paths
// must give the same value, types included, and refuse the same texts.
TEST_CASE("parsing gives nlohmann's values and errors whichever parser runs", "[core][json]") {
    const char* accepted[] = {
        R"({"a": [1, -2, 3.5, 1e2, 18446744073709551615, -9223372036854775808]})",
        R"(18446744073709551616)",  // beyond 64 bits: a double, as nlohmann reads it
        R"(-9223372036854775809)",
        R"([0, -0, -0.0, 0.0])",  // -0 is a signed integer for nlohmann
        R"("\ud83d\ude00 caf\u00e9 \u0000 \/")",
        "\xEF\xBB\xBF{\"bom\": true}",  // nlohmann skips a byte order mark
        R"( {"nested": {"deep": [[[[{"x": null}]]]]}} )",
        R"(true)",
        R"({"a": ["node-0", "x\"-0", -0, -0.5, -0e1, "-0", 0, "\\-0"]})",
    };
    for (const char* text : accepted) {
        INFO(text);
        Json expected = Json::parse(text);
        Json got = cosmos::core::parse_json(text);
        CHECK(got == expected);
        CHECK(got.dump() == expected.dump());
        CHECK(cosmos::core::is_json(text));
        // Types matter: validation and Python text tell unsigned, signed and float apart.
        if (expected.is_object() && expected.contains("a")) {
            for (std::size_t i = 0; i < expected["a"].size(); ++i)
                CHECK(got["a"][i].type() == expected["a"][i].type());
        }
    }
    CHECK(cosmos::core::parse_json("[0, -0]")[1].is_number_integer());
    CHECK_FALSE(cosmos::core::parse_json("[0, -0]")[1].is_number_unsigned());
    CHECK(cosmos::core::parse_json("[0, -0]")[0].is_number_unsigned());

    const char* refused[] = {R"("\udc00")", R"("\ud800x")",     "[1,]",   "{\"a\":1,}", "01",
                             "1e400",       "\"\xed\xa0\x80\"", "\"\t\"", "1 2",        "",
                             "nul",         "{\"a\" 1}"};
    for (const char* text : refused) {
        INFO(text);
        CHECK_FALSE(cosmos::core::is_json(text));
        CHECK_THROWS_AS(cosmos::core::parse_json(text), cosmos::core::Error);
    }
}

TEST_CASE("duplicates in large objects are found and located", "[core][json]") {
    // Past a few members, keys are looked up in an index: duplicates must still be found.
    std::string text = "{";
    for (int i = 0; i < 40; ++i)
        text += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ", ";
    text += R"("k7": 7, "k30": {"x": 1}, "inner": {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5,
               "f": 6, "g": 7, "h": 8, "i": 9, "a": 10}})";
    auto doc = cosmos::core::parse_document(text);
    REQUIRE(doc.duplicates.size() == 3);
    CHECK(doc.duplicates[0].pointer == "/k7");
    CHECK(doc.duplicates[0].same_value);
    CHECK(doc.duplicates[1].pointer == "/k30");
    CHECK_FALSE(doc.duplicates[1].same_value);
    CHECK(doc.duplicates[2].pointer == "/inner/a");
    CHECK(doc.value["k30"] == Json{{"x", 1}});
    CHECK(doc.value["inner"]["a"] == 10);
    // The first position is kept.
    CHECK(doc.value.begin().key() == "k0");
    CHECK(std::next(doc.value["inner"].begin()).key() == "b");
    CHECK(doc.value.size() == 41);
}

TEST_CASE("JsonText::shared keeps a slice of a shared buffer", "[core][json]") {
    auto buffer = std::make_shared<const std::string>(R"({"config": {"a": [1, 2]}, "x": 1})");
    std::string_view slice = std::string_view(*buffer).substr(11, 13);
    REQUIRE(slice == R"({"a": [1, 2]})");
    auto text = cosmos::core::JsonText::shared(cosmos::core::SharedText(buffer, slice));
    CHECK(text.text().data() == slice.data());  // not copied
    CHECK(text.value() == Json::parse(R"({"a": [1, 2]})"));
    CHECK(text == cosmos::core::JsonText(Json::parse(R"({"a":[1,2]})")));
    auto copy = text;
    CHECK(copy.text().data() == slice.data());
    CHECK_THROWS_AS(cosmos::core::JsonText::shared(
                        cosmos::core::SharedText(buffer, std::string_view(*buffer).substr(11, 6))),
                    cosmos::core::Error);
}

TEST_CASE("SharedText compares by content and copies without copying bytes", "[core][json]") {
    cosmos::core::SharedText owned(std::string("abc"));
    auto buffer = std::make_shared<const std::string>("xxabcxx");
    cosmos::core::SharedText slice(buffer, std::string_view(*buffer).substr(2, 3));
    CHECK(owned == slice);
    CHECK(slice == "abc");
    CHECK(slice.str() == "abc");
    CHECK(std::string_view(slice).data() == buffer->data() + 2);
    cosmos::core::SharedText copy = slice;
    CHECK(copy.data() == slice.data());
    CHECK(copy.buffer() == buffer);
    CHECK(cosmos::core::SharedText().empty());
}

TEST_CASE("escaping finds special characters at every offset", "[core][json]") {
    // Runs of plain characters are skipped eight bytes at a time: a special character must be
    // found wherever it falls in such a block.
    const std::string specials[] = {
        "\x01", "\x1f", "\"", "\\", "\n", "\xc3\xa9", "\xf0\x9f\x98\x80"};
    for (const auto& special : specials) {
        for (std::size_t before = 0; before < 20; ++before) {
            for (std::size_t after : {0, 1, 7, 8, 9}) {
                std::string s = std::string(before, 'a') + special + std::string(after, 'b');
                for (bool ascii : {true, false}) {
                    std::string got;
                    cosmos::core::append_json_escaped(got, s, ascii);
                    std::string quoted = Json(s).dump(-1, ' ', ascii);
                    CHECK(got == quoted.substr(1, quoted.size() - 2));
                }
            }
        }
    }
}

TEST_CASE("a NUL byte anywhere makes the text malformed, not its end", "[core][json]") {
    using namespace std::string_literals;
    auto parse_message = [](const std::string& text) {
        try {
            cosmos::core::parse_json(text);
        } catch (const cosmos::core::Error& e) {
            CHECK(e.type() == "JsonParsingError");
            return e.data()["parsingErrorMessage"].get<std::string>();
        }
        return std::string("no error");
    };
    for (const std::string& text : {"{}\0garbage"s, "{\"a\": 1}\n\0\0"s, "[1,\0 2]"s, "\0"s}) {
        INFO(text.size());
        CHECK_THAT(parse_message(text), Catch::Contains("a NUL byte"));
        CHECK_THROWS(cosmos::core::JsonText::from_text(text));
        CHECK_FALSE(cosmos::core::is_json(text));
    }
    CHECK_THAT(parse_message("{\n  \"a\": 1}\0"s), Catch::Contains("line 2, column 10"));
}

TEST_CASE("a duplicate inside a value that a later duplicate replaces is still reported",
          "[core][json]") {
    // The inner object is gone from the result; both duplicates are reported, as the slow
    // parser reports them, and nothing throws.
    auto doc = cosmos::core::parse_document(R"({"a": {"b": 1, "b": 1}, "a": 5})");
    CHECK(doc.value == Json{{"a", 5}});
    REQUIRE(doc.duplicates.size() == 2);
    CHECK(doc.duplicates[0].pointer == "/a/b");
    CHECK(doc.duplicates[0].same_value);
    CHECK(doc.duplicates[1].pointer == "/a");
    CHECK_FALSE(doc.duplicates[1].same_value);
}
