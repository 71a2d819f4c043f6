// The mustache specification (../shared/spec/mustache), run table-driven in both dialects.
//
// kSpec must pass every case of the required files. The optional "~" files are not run:
// ~lambdas needs host-language functions in the data (its JSON carries Ruby/Perl/JS/... source
// code that a JSON context cannot hold; the one lambda Cosmos has, asJson, is tested in
// mustache_cosmos_test.cpp), and ~inheritance / ~dynamic-names describe tags Cosmos 0.6.3 does
// not have.
//
// kCosmos runs the same cases; it must give the spec's answer except for the cases listed in
// kCosmosDifferences, where it must give the Cosmos answer instead (and that answer must differ
// from the spec's, so the list stays honest).

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cosmos/core/mustache.h"
#include "tests/support/test_paths.h"

namespace {

using cosmos::core::Json;
using cosmos::core::MustacheDialect;
using cosmos::core::MustacheTemplate;

const std::vector<std::string> kRequiredFiles = {"comments", "delimiters", "interpolation",
                                                 "inverted", "partials",   "sections"};

struct SpecCase {
    std::string file;
    std::string name;
    Json data;
    std::string template_text;
    Json partials;
    std::string expected;
};

std::vector<SpecCase> load_spec_file(const std::filesystem::path& dir, const std::string& file) {
    std::ifstream in(dir / (file + ".json"), std::ios::binary);
    REQUIRE(in.good());
    std::stringstream buffer;
    buffer << in.rdbuf();
    const Json doc = Json::parse(buffer.str());
    std::vector<SpecCase> cases;
    for (const Json& test : doc.at("tests")) {
        cases.push_back(SpecCase{file, test.at("name").get<std::string>(), test.at("data"),
                                 test.at("template").get<std::string>(),
                                 test.value("partials", Json::object()),
                                 test.at("expected").get<std::string>()});
    }
    return cases;
}

std::string render(const SpecCase& c, MustacheDialect dialect) {
    return MustacheTemplate::parse(c.template_text, dialect).render(c.data, c.partials);
}

// Spec behaviours that Cosmos 0.6.3 deliberately does otherwise, with the Cosmos output.
struct CosmosDifference {
    std::string expected;
    const char* why;
};

const std::map<std::string, CosmosDifference> kCosmosDifferences = {
    // No HTML escaping (Cosmos 0.4.0+); strings are JSON-escaped, so '"' becomes '\"' in every
    // tag form.
    {"interpolation/HTML Escaping",
     {"These characters should be HTML escaped: & \\\" < >\n",
      "no HTML escaping; JSON escaping of '\"'"}},
    {"interpolation/Triple Mustache",
     {"These characters should not be HTML escaped: & \\\" < >\n", "JSON escaping of '\"'"}},
    {"interpolation/Ampersand",
     {"These characters should not be HTML escaped: & \\\" < >\n", "JSON escaping of '\"'"}},
    {"interpolation/Implicit Iterators - HTML Escaping",
     {"These characters should be HTML escaped: & \\\" < >\n",
      "no HTML escaping; JSON escaping of '\"'"}},
    {"interpolation/Implicit Iterators - Triple Mustache",
     {"These characters should not be HTML escaped: & \\\" < >\n", "JSON escaping of '\"'"}},
    {"interpolation/Implicit Iterators - Ampersand",
     {"These characters should not be HTML escaped: & \\\" < >\n", "JSON escaping of '\"'"}},
    // Strings that are direct array elements carry their JSON quotes.
    {"sections/Implicit Iterator - String",
     {"\"(\"a\")(\"b\")(\"c\")(\"d\")(\"e\")\"", "array string elements are quoted"}},
    {"sections/Implicit Iterator - Array",
     {"\"(123)(\"a\"\"b\"\"c\")\"", "array string elements are quoted"}},
    {"sections/Implicit Iterator - HTML Escaping",
     {"\"(\"&\")(\"\\\"\")(\"<\")(\">\")\"",
      "array string elements are quoted and JSON-escaped, not HTML-escaped"}},
    {"sections/Implicit Iterator - Triple mustache",
     {"\"(\"&\")(\"\\\"\")(\"<\")(\">\")\"", "array string elements are quoted and JSON-escaped"}},
    {"sections/Implicit Iterator - Ampersand",
     {"\"(\"&\")(\"\\\"\")(\"<\")(\">\")\"", "array string elements are quoted and JSON-escaped"}},
    // Partials are files to mustache.java; packages have none, so they render nothing.
    {"partials/Basic Behavior", {"\"\"", "partials render empty"}},
    {"partials/Context", {"\"\"", "partials render empty"}},
    {"partials/Recursion", {"", "partials render empty"}},
    {"partials/Nested", {"", "partials render empty"}},
    {"partials/Surrounding Whitespace", {"|  |", "partials render empty"}},
    {"partials/Inline Indentation", {"  |  \n", "partials render empty"}},
    {"partials/Standalone Line Endings", {"|\r\n|", "partials render empty"}},
    {"partials/Standalone Without Previous Line", {">", "partials render empty"}},
    {"partials/Standalone Without Newline", {">\n", "partials render empty"}},
    {"partials/Standalone Indentation", {"\\\n/\n", "partials render empty"}},
    {"partials/Padding Whitespace", {"||", "partials render empty"}},
    {"delimiters/Partial Inheritence", {"[  ]\n[  ]\n", "partials render empty"}},
    {"delimiters/Post-Partial Behavior", {"[  ]\n[ .yes.  .|value|. ]\n", "partials render empty"}},
};

}  // namespace

TEST_CASE("mustache spec: required files pass in the spec dialect", "[core][mustache][spec]") {
    REQUIRE_SHARED(spec_dir, "spec/mustache");
    std::size_t passed = 0;
    std::size_t total = 0;
    for (const std::string& file : kRequiredFiles) {
        const std::vector<SpecCase> cases = load_spec_file(spec_dir, file);
        CHECK_FALSE(cases.empty());
        for (const SpecCase& c : cases) {
            INFO(c.file << "/" << c.name << "\ntemplate: " << Json(c.template_text).dump());
            std::string actual;
            CHECK_NOTHROW(actual = render(c, MustacheDialect::kSpec));
            CHECK(actual == c.expected);
            ++total;
            if (actual == c.expected) ++passed;
        }
    }
    WARN("spec dialect: " << passed << " of " << total << " required spec cases pass");
    CHECK(passed == total);
}

TEST_CASE("mustache spec: Cosmos dialect differs only where documented",
          "[core][mustache][spec][cosmos]") {
    REQUIRE_SHARED(spec_dir, "spec/mustache");
    std::size_t same = 0;
    std::size_t differing = 0;
    std::size_t listed_seen = 0;
    for (const std::string& file : kRequiredFiles) {
        for (const SpecCase& c : load_spec_file(spec_dir, file)) {
            const std::string key = c.file + "/" + c.name;
            INFO(key << "\ntemplate: " << Json(c.template_text).dump());
            const std::string actual = render(c, MustacheDialect::kCosmos);
            const auto difference = kCosmosDifferences.find(key);
            if (difference == kCosmosDifferences.end()) {
                CHECK(actual == c.expected);
                ++same;
            } else {
                INFO("Cosmos differs: " << difference->second.why);
                CHECK(actual == difference->second.expected);
                CHECK(actual != c.expected);
                ++differing;
                ++listed_seen;
            }
        }
    }
    // Every documented difference names a case that exists in the suite.
    CHECK(listed_seen == kCosmosDifferences.size());
    WARN("Cosmos dialect: " << same << " spec cases identical, " << differing
                            << " documented differences");
}

TEST_CASE("mustache spec: truthiness differs between the dialects", "[core][mustache][spec]") {
    // The spec's `!!data` makes 0 and "" falsey; mustache.java (Cosmos) treats 0 as truthy and
    // "" as falsey, and pushes every truthy non-list value as the context.
    struct Row {
        Json value;
        bool spec_truthy;
        bool cosmos_truthy;
    };
    const std::vector<Row> rows = {
        {0, false, true},
        {0.0, false, true},
        {1, true, true},
        {"", false, false},
        {"x", true, true},
        {false, false, false},
        {true, true, true},
        {nullptr, false, false},
        {Json::array(), false, false},
        {Json::object(), true, true},
        {Json::array({0}), true, true},
    };
    for (const Row& row : rows) {
        INFO("value: " << row.value.dump());
        const Json data = {{"v", row.value}};
        const auto render_in = [&](MustacheDialect d) {
            return MustacheTemplate::parse("{{#v}}T{{/v}}{{^v}}F{{/v}}", d).render(data);
        };
        const auto verdict = [](bool truthy) { return std::string(truthy ? "T" : "F"); };
        CHECK(render_in(MustacheDialect::kSpec) == verdict(row.spec_truthy));
        CHECK(render_in(MustacheDialect::kCosmos) == verdict(row.cosmos_truthy));
    }
}
