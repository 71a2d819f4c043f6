#include "tests/support/label_selector.h"

#include <catch2/catch.hpp>

using universe_test::LabelRequirement;
using universe_test::parse_label_selector;
using Op = LabelRequirement::Op;

TEST_CASE("label selector parses every operator of Marathon's syntax", "[support]") {
    auto selector = parse_label_selector(
        "my_label, environment==production, tier!=frontend\\ tier, deployed in (us, eu), "
        "deployed notin (aa, bb)");
    REQUIRE(selector.requirements.size() == 5);
    CHECK(selector.requirements[0].key == "my_label");
    CHECK(selector.requirements[0].op == Op::kExists);
    CHECK(selector.requirements[1].op == Op::kEquals);
    CHECK(selector.requirements[1].values == std::vector<std::string>{"production"});
    CHECK(selector.requirements[2].op == Op::kNotEquals);
    CHECK(selector.requirements[2].values == std::vector<std::string>{"frontend tier"});
    CHECK(selector.requirements[3].op == Op::kIn);
    CHECK(selector.requirements[3].values == std::vector<std::string>{"us", "eu"});
    CHECK(selector.requirements[4].op == Op::kNotIn);
    CHECK(selector.requirements[4].values == std::vector<std::string>{"aa", "bb"});
}

TEST_CASE("label selector escapes and edge cases", "[support]") {
    struct Case {
        const char* text;
        std::string key;
        Op op;
        std::vector<std::string> values;
    };
    Case c = GENERATE(values<Case>({
        {"DCOS_PACKAGE_NAME", "DCOS_PACKAGE_NAME", Op::kExists, {}},
        {"a\\=b==c\\,d", "a=b", Op::kEquals, {"c,d"}},
        {"  k  ==  v  ", "k", Op::kEquals, {"v"}},
        {"k in(a)", "k", Op::kIn, {"a"}},
        {"inner", "inner", Op::kExists, {}},
        {"x-y.z_1!=\\(v\\)", "x-y.z_1", Op::kNotEquals, {"(v)"}},
        {"k notin (a\\ b,c)", "k", Op::kNotIn, {"a b", "c"}},
    }));
    INFO(c.text);
    auto selector = parse_label_selector(c.text);
    REQUIRE(selector.requirements.size() == 1);
    CHECK(selector.requirements[0].key == c.key);
    CHECK(selector.requirements[0].op == c.op);
    CHECK(selector.requirements[0].values == c.values);
}

TEST_CASE("label selector rejects malformed text", "[support]") {
    auto text =
        GENERATE("a==", "a b", "k in (a", "k in ()", "k in a", "a,", "==b", "a\\", "a=b", "a, ,b");
    INFO(text);
    CHECK_THROWS_AS(parse_label_selector(text), std::invalid_argument);
}

TEST_CASE("label selector matching: all requirements, label must be present", "[support]") {
    std::map<std::string, std::string> labels = {
        {"DCOS_PACKAGE_NAME", "kafka"}, {"tier", "frontend tier"}, {"region", "eu"}};
    auto matches = [&](const char* text) { return parse_label_selector(text).matches(labels); };
    CHECK(matches(""));
    CHECK(matches("DCOS_PACKAGE_NAME"));
    CHECK_FALSE(matches("missing"));
    CHECK(matches("DCOS_PACKAGE_NAME==kafka"));
    CHECK_FALSE(matches("DCOS_PACKAGE_NAME==hdfs"));
    CHECK(matches("tier==frontend\\ tier"));
    CHECK_FALSE(matches("tier!=frontend\\ tier"));
    CHECK(matches("region!=us"));
    CHECK_FALSE(matches("missing!=us"));
    CHECK(matches("region in (us, eu)"));
    CHECK_FALSE(matches("region in (us, asia)"));
    CHECK(matches("region notin (us, asia)"));
    CHECK_FALSE(matches("region notin (eu)"));
    CHECK_FALSE(matches("missing notin (eu)"));
    CHECK(matches("DCOS_PACKAGE_NAME, region in (eu)"));
    CHECK_FALSE(matches("DCOS_PACKAGE_NAME, region in (us)"));
}
