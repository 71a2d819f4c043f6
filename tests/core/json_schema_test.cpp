#include "cosmos/core/json_schema.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cosmos/core/error.h"
#include "cosmos/core/json.h"

using cosmos::core::Error;
using cosmos::core::Json;
using cosmos::core::JsonSchema;
using cosmos::core::SchemaRegistry;
using cosmos::core::SchemaViolation;

namespace {

Json parse(const char* text) {
    return Json::parse(text);
}

// One keyword failing alone: where it is reported and what it says.
struct MessageCase {
    const char* schema;
    const char* instance;
    const char* keyword;
    const char* instance_pointer;
    const char* schema_pointer;
    const char* message;
    const char* details;  // the expected details object, exactly
};

const MessageCase kMessageCases[] = {
    {R"({"properties":{"port":{"type":"integer"}}})", R"({"port":"80"})", "type", "/port",
     "/properties/port",
     R"(instance type (string) does not match any allowed primitive type (allowed: ["integer"]))",
     R"({"found":"string","expected":["integer"]})"},
    {R"({"type":"number"})", R"("x")", "type", "", "",
     R"(instance type (string) does not match any allowed primitive type (allowed: ["integer","number"]))",
     R"({"found":"string","expected":["integer","number"]})"},
    {R"({"type":["string","null"]})", "1.0", "type", "", "",
     R"(instance type (integer) does not match any allowed primitive type (allowed: ["null","string"]))",
     R"({"found":"integer","expected":["null","string"]})"},
    {R"({"required":["b","a","c"]})", R"({"c":1})", "required", "", "",
     R"(object has missing required properties (["a","b"]))",
     R"({"required":["a","b","c"],"missing":["a","b"]})"},
    {R"({"properties":{"a":{}},"patternProperties":{"^x-":{}},"additionalProperties":false})",
     R"({"a":1,"z":2,"x-y":3,"b":4})", "additionalProperties", "", "",
     R"(object instance has properties which are not allowed by the schema: ["b","z"])",
     R"({"unwanted":["b","z"]})"},
    {R"({"minimum":1})", "0", "minimum", "", "",
     "numeric instance is lower than the required minimum (minimum: 1, found: 0)",
     R"({"minimum":1,"found":0})"},
    {R"({"maximum":10})", "11", "maximum", "", "",
     "numeric instance is greater than the required maximum (maximum: 10, found: 11)",
     R"({"maximum":10,"found":11})"},
    {R"({"minimum":1,"exclusiveMinimum":true})", "1", "minimum", "", "",
     "numeric instance is not strictly greater than the required minimum 1",
     R"({"minimum":1,"exclusiveMinimum":true})"},
    {R"({"maximum":10,"exclusiveMaximum":true})", "10.0", "maximum", "", "",
     "numeric instance is not strictly lower than the required maximum 10",
     R"({"maximum":10,"exclusiveMaximum":true})"},
    {R"({"minimum":0.5})", "0.25", "minimum", "", "",
     "numeric instance is lower than the required minimum (minimum: 0.5, found: 0.25)",
     R"({"minimum":0.5,"found":0.25})"},
    {R"({"enum":["a","b"]})", R"("x")", "enum", "", "",
     R"(instance value ("x") not found in enum (possible values: ["a","b"]))",
     R"({"value":"x","enum":["a","b"]})"},
    {R"({"pattern":"^a$"})", R"("b")", "pattern", "", "",
     R"(ECMA 262 regex "^a$" does not match input string "b")", R"({"regex":"^a$","string":"b"})"},
    {R"({"minLength":1})", R"("")", "minLength", "", "",
     R"(string "" is too short (length: 0, required minimum: 1))",
     R"({"value":"","found":0,"minLength":1})"},
    {R"({"maxLength":3})", R"("abcd")", "maxLength", "", "",
     R"(string "abcd" is too long (length: 4, maximum allowed: 3))",
     R"({"value":"abcd","found":4,"maxLength":3})"},
    {R"({"minItems":1})", "[]", "minItems", "", "",
     "array is too short: must have at least 1 elements but instance has 0 elements",
     R"({"found":0,"minItems":1})"},
    {R"({"maxItems":2})", "[1,2,3]", "maxItems", "", "",
     "array is too long: must have at most 2 elements but instance has 3 elements",
     R"({"found":3,"maxItems":2})"},
    {R"({"items":[{},{}],"additionalItems":false})", "[1,2,3]", "additionalItems", "", "",
     "schema only allows 2 elements in array but instance has 3 elements",
     R"({"allowed":2,"found":3})"},
    {R"({"uniqueItems":true})", R"([1,{"a":[1]},{"a":[1.0]}])", "uniqueItems", "", "",
     "array must not contain duplicate elements", "{}"},
    {R"({"multipleOf":3})", "7", "multipleOf", "", "", "remainder of division is not zero (7 / 3)",
     R"({"value":7,"divisor":3})"},
    {R"({"minProperties":1})", "{}", "minProperties", "", "",
     "object has too few properties (found 0 but schema requires at least 1)",
     R"({"found":0,"required":1})"},
    {R"({"maxProperties":2})", R"({"a":1,"b":2,"c":3})", "maxProperties", "", "",
     "object has too many properties (found 3 but schema requires at most 2)",
     R"({"found":3,"required":2})"},
    {R"({"dependencies":{"a":["c","b"]}})", R"({"a":1,"c":2})", "dependencies", "", "",
     R"(property "a" of object has missing property dependencies (schema requires ["c","b"]; missing: ["b"]))",
     R"({"property":"a","required":["c","b"],"missing":["b"]})"},
    {R"({"not":{"type":"string"}})", R"("x")", "not", "", "",
     "instance matched a schema which it should not have", "{}"},
    {R"({"format":"uri"})", R"("x")", "format", "", "", R"(string "x" is not a valid URI)",
     R"({"attribute":"uri","value":"x"})"},
    {R"({"format":"ipv4"})", R"("1.2.3")", "format", "", "",
     R"(string "1.2.3" is not a valid IPv4 address)", R"({"attribute":"ipv4","value":"1.2.3"})"},
    {R"({"format":"ipv6"})", R"("1::2::3")", "format", "", "",
     R"(string "1::2::3" is not a valid IPv6 address)",
     R"({"attribute":"ipv6","value":"1::2::3"})"},
    {R"({"format":"hostname"})", R"("a_b")", "format", "", "",
     R"(string "a_b" is not a valid hostname)", R"({"attribute":"hostname","value":"a_b"})"},
    {R"({"format":"email"})", R"("nobody")", "format", "", "",
     R"(string "nobody" is not a valid email address)",
     R"({"attribute":"email","value":"nobody"})"},
    {R"({"format":"date-time"})", R"("2020-02-30T00:00:00Z")", "format", "", "",
     R"(string "2020-02-30T00:00:00Z" is invalid against requested date format(s) [yyyy-MM-dd'T'HH:mm:ssZ, yyyy-MM-dd'T'HH:mm:ss.[0-9]{1,12}Z])",
     R"j({"attribute":"date-time","value":"2020-02-30T00:00:00Z","expected":["yyyy-MM-dd'T'HH:mm:ssZ","yyyy-MM-dd'T'HH:mm:ss.[0-9]{1,12}Z"]})j"},
    {R"({"format":"regex"})", R"j("(?=x)")j", "format", "", "",
     R"j(string "(?=x)" is not a valid ECMA 262 regular expression)j",
     R"j({"attribute":"regex","value":"(?=x)"})j"},
};

}  // namespace

TEST_CASE("each keyword reports java-json-tools' message and details", "[core][json_schema]") {
    for (const auto& c : kMessageCases) {
        INFO("schema " << c.schema << " instance " << c.instance);
        const JsonSchema schema(parse(c.schema));
        const Json instance = parse(c.instance);
        CHECK_FALSE(schema.is_valid(instance));
        const auto violations = schema.validate(instance);
        REQUIRE(violations.size() == 1);
        const SchemaViolation& v = violations.front();
        CHECK(v.keyword == c.keyword);
        CHECK(v.instance_pointer == c.instance_pointer);
        CHECK(v.schema_pointer == c.schema_pointer);
        CHECK(v.schema_uri == "#");
        CHECK(v.message == c.message);
        CHECK(v.details.dump() == parse(c.details).dump());
    }
}

TEST_CASE("allOf, anyOf and oneOf report every branch", "[core][json_schema]") {
    SECTION("allOf") {
        const JsonSchema schema(parse(R"({"allOf":[{"type":"string"},{"minLength":2}]})"));
        const auto v = schema.validate("x");
        REQUIRE(v.size() == 1);
        CHECK(v[0].keyword == "allOf");
        CHECK(v[0].message ==
              "instance failed to match all required schemas (matched only 1 out of 2)");
        CHECK(v[0].details["matched"] == 1);
        CHECK(v[0].details["nrSchemas"] == 2);
        const Json& reports = v[0].details["reports"];
        CHECK(reports["/allOf/0"] == Json::array());
        REQUIRE(reports["/allOf/1"].size() == 1);
        CHECK(reports["/allOf/1"][0]["keyword"] == "minLength");
        CHECK(reports["/allOf/1"][0]["schema"]["pointer"] == "/allOf/1");
        CHECK(reports["/allOf/1"][0]["level"] == "error");
    }
    SECTION("anyOf") {
        const JsonSchema schema(parse(R"({"anyOf":[{"type":"string"},{"type":"boolean"}]})"));
        const auto v = schema.validate(3);
        REQUIRE(v.size() == 1);
        CHECK(v[0].message == "instance failed to match at least one required schema among 2");
        CHECK(v[0].details["nrSchemas"] == 2);
        CHECK_FALSE(v[0].details.contains("matched"));
        CHECK(v[0].details["reports"]["/anyOf/0"][0]["found"] == "integer");
        CHECK(v[0].details["reports"]["/anyOf/1"][0]["expected"] == Json::array({"boolean"}));
    }
    SECTION("oneOf with no match and with two matches") {
        const JsonSchema schema(
            parse(R"({"properties":{"p":{"oneOf":[{"type":"integer"},{"minimum":2}]}}})"));
        // A string is no integer but passes "minimum": exactly one branch matches.
        auto v = schema.validate(parse(R"({"p":"s"})"));
        CHECK(v.empty());
        v = schema.validate(parse(R"({"p":1.5})"));
        REQUIRE(v.size() == 1);
        CHECK(v[0].message == "instance failed to match exactly one schema (matched 0 out of 2)");
        CHECK(v[0].schema_pointer == "/properties/p");
        CHECK(v[0].instance_pointer == "/p");
        CHECK(v[0].details["reports"]["/properties/p/oneOf/1"][0]["instance"]["pointer"] == "/p");
        v = schema.validate(parse(R"({"p":3})"));
        REQUIRE(v.size() == 1);
        CHECK(v[0].message == "instance failed to match exactly one schema (matched 2 out of 2)");
        CHECK(v[0].details["matched"] == 2);
        CHECK(v[0].details["reports"]["/properties/p/oneOf/0"] == Json::array());
    }
    SECTION("a schema dependency reports the sub-schema's own violations") {
        const JsonSchema schema(parse(R"({"dependencies":{"a":{"required":["c"]}}})"));
        const auto v = schema.validate(parse(R"({"a":1})"));
        REQUIRE(v.size() == 1);
        CHECK(v[0].keyword == "required");
        CHECK(v[0].schema_pointer == "/dependencies/a");
        CHECK(schema.is_valid(parse(R"({"b":1})")));
    }
}

TEST_CASE("validate reports every violation, is_valid agrees", "[core][json_schema]") {
    const JsonSchema schema(parse(R"({
        "type": "object",
        "required": ["name", "port"],
        "additionalProperties": false,
        "properties": {
            "name": {"type": "string", "minLength": 3},
            "port": {"type": "integer", "minimum": 1, "maximum": 65535},
            "a/b~c": {"type": "object", "properties": {"deep": {"type": "boolean"}}},
            "list": {"type": "array", "items": {"type": "string"}}
        }
    })"));
    const Json bad = parse(R"({
        "name": "x",
        "a/b~c": {"deep": "yes"},
        "list": ["ok", 2, "ok", null],
        "extra": 1
    })");
    CHECK_FALSE(schema.is_valid(bad));
    const auto v = schema.validate(bad);
    std::vector<std::string> seen;
    for (const auto& one : v)
        seen.push_back(one.keyword + " " + one.instance_pointer);
    const std::vector<std::string> expected = {
        "additionalProperties ", "required ",    "minLength /name",
        "type /a~1b~0c/deep",    "type /list/1", "type /list/3",
    };
    CHECK(seen == expected);
    CHECK(schema.is_valid(parse(R"({"name":"abc","port":8080.0,"list":[]})")));
    CHECK(schema.validate(parse(R"({"name":"abc","port":8080})")).empty());
}

TEST_CASE("to_cosmos_error has the shape the DC/OS CLI reads", "[core][json_schema]") {
    const JsonSchema schema(parse(R"({"properties":{"port":{"type":"integer"}}})"));
    const auto v = schema.validate(parse(R"({"port":"80"})"));
    REQUIRE(v.size() == 1);
    const std::string expected =
        R"j({"level":"error","schema":{"loadingURI":"#","pointer":"/properties/port"},)j"
        R"j("instance":{"pointer":"/port"},"domain":"validation","keyword":"type",)j"
        R"j("message":"instance type (string) does not match any allowed primitive type )j"
        R"j((allowed: [\"integer\"])","found":"string","expected":["integer"]})j";
    CHECK(cosmos::core::to_cosmos_error(v[0]).dump() == expected);
}

TEST_CASE("$ref reaches other documents, ids and pointers", "[core][json_schema]") {
    SchemaRegistry registry;
    registry.add("http://example.test/defs.json", parse(R"({
        "port": {"type": "integer", "minimum": 1},
        "list": {"type": "array", "items": {"$ref": "#/port"}}
    })"));
    SECTION("a relative reference against the base URI") {
        const JsonSchema schema(parse(R"({"properties":{"p":{"$ref":"defs.json#/list"}}})"),
                                "http://example.test/main.json", &registry);
        CHECK(schema.is_valid(parse(R"({"p":[1,2]})")));
        const auto v = schema.validate(parse(R"({"p":[1,0]})"));
        REQUIRE(v.size() == 1);
        CHECK(v[0].schema_uri == "http://example.test/defs.json#");
        CHECK(v[0].schema_pointer == "/port");
        CHECK(v[0].instance_pointer == "/p/1");
    }
    SECTION("an id changes the base of what it contains") {
        const JsonSchema schema(
            parse(R"({"id":"http://example.test/x/","items":{"$ref":"../defs.json#/port"}})"), "",
            &registry);
        CHECK(schema.is_valid(parse("[1,2]")));
        CHECK_FALSE(schema.is_valid(parse("[0]")));
    }
    SECTION("a relative id of a referenced document applies once") {
        registry.add("http://example.test/dir/doc.json",
                     parse(R"({"id":"sub/","definitions":{"a":{"items":{"$ref":"x.json"}}}})"));
        registry.add("http://example.test/dir/sub/x.json", parse(R"({"type":"string"})"));
        const JsonSchema schema(parse(R"({"$ref":"dir/doc.json#/definitions/a"})"),
                                "http://example.test/main.json", &registry);
        CHECK(schema.is_valid(parse(R"(["a"])")));
        CHECK_FALSE(schema.is_valid(parse("[1]")));
    }
    SECTION("an id names a schema inside the same document") {
        const JsonSchema schema(parse(R"({
            "id": "http://example.test/tree",
            "properties": {"n": {"$ref": "node"}},
            "definitions": {"node": {"id": "http://example.test/node", "type": "number"}}
        })"));
        CHECK(schema.is_valid(parse(R"({"n":1})")));
        CHECK_FALSE(schema.is_valid(parse(R"({"n":"1"})")));
    }
    SECTION("recursion through the instance terminates") {
        const JsonSchema schema(
            parse(R"({"properties":{"child":{"$ref":"#"}},"additionalProperties":false})"));
        CHECK(schema.is_valid(parse(R"({"child":{"child":{}}})")));
        const auto v = schema.validate(parse(R"({"child":{"child":{"x":1}}})"));
        REQUIRE(v.size() == 1);
        CHECK(v[0].instance_pointer == "/child/child");
        CHECK(v[0].schema_pointer == "");
    }
    SECTION("$ref ignores its siblings") {
        const JsonSchema schema(parse(
            R"({"definitions":{"a":{"type":"array"}},"properties":{"f":{"$ref":"#/definitions/a","maxItems":1}}})"));
        CHECK(schema.is_valid(parse(R"({"f":[1,2,3]})")));
    }
}

TEST_CASE("unusable schemas are rejected when compiled", "[core][json_schema]") {
    const char* bad[] = {
        R"({"$ref":"#/definitions/missing"})",
        R"({"$ref":"http://nowhere.test/x.json"})",
        R"j({"pattern":"(?=lookahead)"})j",
        R"({"properties":{"a":{"patternProperties":{"(":{}}}}})",
        R"({"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},"$ref":"#/definitions/a"})",
        R"({"allOf":[{"$ref":"#"}]})",
        R"({"properties":{"a":3}})",
    };
    for (const char* text : bad) {
        INFO(text);
        try {
            JsonSchema schema(parse(text));
            FAIL("no exception");
        } catch (const Error& e) {
            CHECK(e.type() == "JsonDecodingError");
        }
    }
}

namespace {

// {"definitions": {"d0": {<key>: [{"$ref": "#/definitions/d1"}, ...]}, ..., "d<n>": {}}, "$ref":
// "#/definitions/d0"}: a chain of n applicators through $ref, each naming the next one `width`
// times. The text grows linearly; without a bound, validation would take width^n steps.
Json applicator_chain(std::size_t n, const char* key, std::size_t width) {
    // Written as text: inserting 100,000 members one by one into an ordered object would scan it
    // each time, and the test would spend its minutes building its input.
    std::string text = R"({"definitions":{)";
    for (std::size_t i = 0; i < n; ++i) {
        text += "\"d" + std::to_string(i) + "\":{\"" + key + "\":[";
        for (std::size_t w = 0; w < width; ++w) {
            if (w > 0) text += ',';
            text += R"({"$ref":"#/definitions/d)" + std::to_string(i + 1) + "\"}";
        }
        text += "]},";
    }
    text += "\"d" + std::to_string(n) + R"(":{"type":"integer"}},"$ref":"#/definitions/d0"})";
    return cosmos::core::parse_json(text);
}

std::string decoding_message(const Error& e) {
    return e.data()["decodingErrorMessage"].get<std::string>();
}

}  // namespace

TEST_CASE("applicator nesting is bounded when compiling", "[core][json_schema][depth]") {
    // 64 levels through $ref, and 64 written inline, are fine.
    CHECK(JsonSchema(applicator_chain(64, "allOf", 1)).is_valid(Json(1)));
    Json inline_chain = Json{{"type", "integer"}};
    for (int i = 0; i < 64; ++i)
        inline_chain = Json{{"not", inline_chain}};
    CHECK(JsonSchema(inline_chain).is_valid(Json(1)));
    // One more, or 100,000 (which would exhaust the stack), is refused with where it happens.
    for (std::size_t n : {65u, 100000u}) {
        try {
            JsonSchema schema(applicator_chain(n, "anyOf", 1));
            FAIL("no exception");
        } catch (const Error& e) {
            CHECK(e.type() == "JsonDecodingError");
            CHECK_THAT(
                decoding_message(e),
                Catch::StartsWith("schema applies allOf, anyOf, oneOf, not or schema "
                                  "dependencies more than 64 levels deep at #/definitions/d"));
        }
    }
}

TEST_CASE("validation is bounded: deep recursion and exponential work are errors",
          "[core][json_schema][depth]") {
    // A recursive schema applies anyOf once per level of the instance: 64 levels validate, a
    // 200-level instance is refused instead of recursing 200 applicators deep.
    const JsonSchema tree(parse(R"({"anyOf": [{"type": "integer"}, {"items": {"$ref": "#"}}]})"));
    auto nested = [](int levels) {
        Json v = 1;
        for (int i = 0; i < levels; ++i)
            v = Json::array({v});
        return v;
    };
    CHECK(tree.is_valid(nested(63)));
    CHECK(tree.validate(nested(63)).empty());
    CHECK_THROWS_WITH(tree.is_valid(nested(200)), Catch::Contains("Unable to decode"));
    try {
        tree.validate(Json::array({nested(200), "x"}));
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK_THAT(decoding_message(e), Catch::Contains("more than 64 levels deep at #"));
    }
    // Each of 40 levels names the next one twice: 2^40 steps without the bound, and as many
    // nested reports when the instance fails.
    const JsonSchema doubling(applicator_chain(40, "allOf", 2));
    try {
        (void)doubling.validate(Json(1));
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK_THAT(
            decoding_message(e),
            Catch::StartsWith("validation takes more than 4000000 steps at #/definitions/d"));
    }
    try {
        (void)doubling.validate(Json("x"));
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK_THAT(decoding_message(e),
                   Catch::StartsWith("validation reports more than 10000 violations at #"));
    }
    // Many violations side by side are reported, up to the bound.
    const JsonSchema strings(parse(R"({"items": {"type": "string"}})"));
    CHECK(strings.validate(Json(std::vector<int>(10000, 1))).size() == 10000);
    CHECK_THROWS_WITH(strings.validate(Json(std::vector<int>(10001, 1))),
                      Catch::Contains("Unable to decode"));
    // Twenty levels are 2^20 steps: within the bound.
    CHECK(JsonSchema(applicator_chain(20, "allOf", 2)).is_valid(Json(1)));
}

TEST_CASE("unknown keywords and formats are ignored, whole numbers are integers",
          "[core][json_schema]") {
    const JsonSchema schema(parse(R"({
        "type": "object",
        "properties": {
            "zones": {"type": "string", "media": {"type": "application/x-zone-constraints+json"}},
            "secret": {"type": "string", "format": "password"},
            "count": {"type": "integer", "type:": "string", "extraProperties": false}
        }
    })"));
    CHECK(schema.is_valid(parse(R"({"zones":"[]","secret":"*","count":3.0})")));
    CHECK_FALSE(schema.is_valid(parse(R"({"count":3.5})")));
}

TEST_CASE("numbers compare exactly and decimals divide sensibly", "[core][json_schema]") {
    struct Case {
        const char* schema;
        const char* instance;
        bool valid;
    };
    const Case cases[] = {
        {R"({"maximum":9007199254740993})", "9007199254740992", true},
        {R"({"maximum":9007199254740992})", "9007199254740993", false},
        {R"({"minimum":-1})", "18446744073709551615", true},
        {R"({"maximum":-1})", "18446744073709551615", false},
        {R"({"multipleOf":0.01})", "19.99", true},
        {R"({"multipleOf":0.01})", "19.995", false},
        {R"({"multipleOf":2})", "4.0", true},
        {R"({"enum":[1]})", "1.0", true},
        {R"({"enum":[{"a":1,"b":2}]})", R"({"b":2,"a":1})", true},
        {R"({"uniqueItems":true})", R"([{"a":1,"b":2},{"b":2,"a":1}])", false},
        {R"({"uniqueItems":true})", "[1, true]", true},
        {R"({"maxLength":2})", "\"\xC3\xA9\xC3\xA9\"", true},
        {R"({"minLength":3})", "\"\xC3\xA9\xC3\xA9\"", false},
    };
    for (const auto& c : cases) {
        INFO(c.schema << " " << c.instance);
        const JsonSchema schema(parse(c.schema));
        CHECK(schema.is_valid(parse(c.instance)) == c.valid);
        CHECK(schema.validate(parse(c.instance)).empty() == c.valid);
    }
}

TEST_CASE("a moved schema keeps working", "[core][json_schema]") {
    JsonSchema first(parse(R"({"definitions":{"a":{"minimum":3}},"$ref":"#/definitions/a"})"));
    JsonSchema second = std::move(first);
    CHECK(second.is_valid(3));
    CHECK_FALSE(second.is_valid(2));
    SchemaRegistry registry;
    registry.add("urn:x#", parse("{}"));
    CHECK(registry.find("urn:x") != nullptr);
    CHECK(registry.uris() == std::vector<std::string>{"urn:x"});
}
