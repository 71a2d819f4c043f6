#include "cosmos/http/media_types.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace {

using cosmos::core::Error;
using namespace cosmos::http;

const std::string kInstallV2(kInstallResponseV2Type);
const std::string kInstallV1(kInstallResponseV1Type);

std::vector<MediaType> install_types() {
    return {media_type(kInstallResponseV2Type), media_type(kInstallResponseV1Type)};
}

std::vector<MediaType> describe_types() {
    return {media_type(kDescribeResponseV3Type), media_type(kDescribeResponseV2Type)};
}

// The error text of a failed check, or "" when it succeeded.
template <typename T>
std::string error_text(const Checked<T>& checked) {
    if (auto* e = std::get_if<Error>(&checked)) return e->type() + ": " + e->what();
    return "";
}

std::vector<std::string> rendered(const std::vector<MediaType>& types) {
    std::vector<std::string> out;
    for (const auto& t : types)
        out.push_back(t.to_string());
    return out;
}

}  // namespace

TEST_CASE("parse_media_type normalises case, whitespace, quotes and repeats",
          "[http][media_types]") {
    struct Row {
        const char* input;
        const char* rendered;
    };
    const Row rows[] = {
        {"application/json", "application/json"},
        {"  Application/VND.DCOS.Package.Search-Request+JSON ; Charset=UTF-8 ;version=V1  ",
         "application/vnd.dcos.package.search-request+json;charset=utf-8;version=V1"},
        {"text/plain;\tcharset=\"UTF-8\"", "text/plain;charset=utf-8"},
        {"a/b;x=\"q\\\"t;y\"", "a/b;x=q\"t;y"},
        {"a/b;x=1;y=2;x=3", "a/b;x=1;y=2"},
        {"a/b+zip;version=v1", "a/b+zip;version=v1"},
        {"*/*", "*/*"},
        {"application/*;q=0.5", "application/*;q=0.5"},
        {"a/b+", "a/b"},  // Java's split drops the trailing empty suffix
    };
    for (const auto& row : rows) {
        CAPTURE(row.input);
        auto parsed = parse_media_type(row.input);
        REQUIRE(parsed);
        CHECK(parsed->to_string() == row.rendered);
    }

    auto vnd = parse_media_type("application/vnd.dcos.package.error+json;charset=utf-8;version=v1");
    REQUIRE(vnd);
    CHECK(vnd->type == "application");
    CHECK(vnd->subtype == "vnd.dcos.package.error");
    CHECK(vnd->suffix == std::optional<std::string>("json"));
    CHECK(vnd->parameter("version") == std::optional<std::string_view>("v1"));
    CHECK_FALSE(vnd->parameter("q"));
}

TEST_CASE("parse_media_type rejects what Guava and Cosmos reject", "[http][media_types]") {
    const char* rejected[] = {
        "",
        "   ",
        "application",
        "application/",
        "/json",
        "a/b+c+d",
        "a/b;",
        "a/b;x",
        "a/b;x=",
        "a/b; x = 1",
        "a b/c",
        "a/b c",
        "a/b;x=\"unterminated",
        "*/json",
        "a/b,c/d",
        "a/\xc3\xa9",
    };
    for (const char* input : rejected) {
        CAPTURE(input);
        CHECK_FALSE(parse_media_type(input));
    }
    CHECK(media_type_parse_message("a/b+c+d") == "Unable to parse MediaType for input: 'a/b+c+d'");
    CHECK_THROWS_AS(media_type("nope"), Error);
}

TEST_CASE("every media type constant parses and renders back to itself", "[http][media_types]") {
    const auto& all = all_media_types();
    CHECK(all.size() == 39);
    for (auto text : all) {
        CAPTURE(text);
        auto parsed = parse_media_type(text);
        REQUIRE(parsed);
        CHECK(parsed->to_string() == text);
    }
    CHECK(media_type(kPackageBundleType).suffix == std::optional<std::string>("zip"));
    CHECK(media_type(kZipType).parameters.empty());
}

TEST_CASE("MediaType equality ignores parameter order", "[http][media_types]") {
    CHECK(media_type("a/b;x=1;y=2") == media_type("a/b;y=2;x=1"));
    CHECK_FALSE(media_type("a/b;x=1") == media_type("a/b;x=1;y=2"));
    CHECK_FALSE(media_type("a/b+json") == media_type("a/b"));
    CHECK_FALSE(media_type("a/b;x=1") == media_type("a/b;x=2"));
}

TEST_CASE("compatible(expected, actual) is a parameter subset test", "[http][media_types]") {
    struct Row {
        const char* expected;
        const char* actual;
        bool result;
    };
    const Row rows[] = {
        {"a/b+json;charset=utf-8;version=v1", "a/b+json;version=v1;charset=utf-8;x=y", true},
        {"a/b+json;charset=utf-8;version=v1", "a/b+json;charset=utf-8", false},
        {"a/b+json", "a/b+json;charset=utf-8", true},
        {"a/b+json;q=0.5", "a/b+json", true},
        {"a/b+json", "a/b", false},
        {"a/b", "a/c", false},
        {"*/*", "a/b", false},
        {"a/b;version=v1", "a/b;version=V1", false},
    };
    for (const auto& row : rows) {
        CAPTURE(row.expected, row.actual);
        CHECK(compatible(media_type(row.expected), media_type(row.actual)) == row.result);
    }
}

TEST_CASE("quality reads RFC qvalues and treats anything else as 1", "[http][media_types]") {
    struct Row {
        const char* q;
        double value;
    };
    const Row rows[] = {
        {"1", 1.0},   {"1.000", 1.0}, {"0", 0.0},       {"0.0", 0.0},    {"0.000", 0.0},
        {"0.5", 0.5}, {"0.25", 0.25}, {"0.123", 0.123}, {"0.1234", 1.0}, {"1.1", 1.0},
        {"7", 1.0},   {"asd", 1.0},   {"-0.5", 1.0},
    };
    for (const auto& row : rows) {
        CAPTURE(row.q);
        CHECK(quality(media_type(std::string("a/b;q=") + row.q)) == Approx(row.value));
    }
    CHECK(quality(media_type("a/b")) == 1.0);
}

TEST_CASE("parse_accept back-fills parameters from the right and collapses duplicates",
          "[http][media_types][accept]") {
    struct Row {
        const char* header;
        std::vector<std::string> items;
    };
    const Row rows[] = {
        {"a/b, c/d;x=1", {"a/b;x=1", "c/d;x=1"}},
        {"a/b, c/d, e/f;x=1, g/h;y=2", {"a/b;x=1", "c/d;x=1", "e/f;x=1", "g/h;y=2"}},
        {"a/b;z=0, c/d", {"a/b;z=0", "c/d"}},
        {"application/xml;q=0.8,application/json,application/x-protobuf;q=0.9",
         {"application/xml;q=0.8", "application/json;q=0.9", "application/x-protobuf;q=0.9"}},
        {"a/b;x=1, a/b;x=1", {"a/b;x=1"}},
        {"a/b;x=1;y=2, a/b;y=2;x=1", {"a/b;x=1;y=2"}},
        {" , a/b ,, ", {"a/b"}},
        {"", {}},
    };
    for (const auto& row : rows) {
        CAPTURE(row.header);
        auto parsed = parse_accept(row.header);
        REQUIRE(std::holds_alternative<std::vector<MediaType>>(parsed));
        CHECK(rendered(std::get<std::vector<MediaType>>(parsed)) == row.items);
    }
}

TEST_CASE("rank_accept sorts by q, then names, then parameter count",
          "[http][media_types][accept]") {
    std::vector<MediaType> items = {
        media_type("b/x;q=0.5"), media_type("a/y"),     media_type("a/x+json"), media_type("a/x"),
        media_type("a/x;p=1"),   media_type("c/z;q=0"), media_type("d/d")};
    std::vector<MediaType> server = {media_type("a/x;p=1"), media_type("a/x+json"),
                                     media_type("a/y"), media_type("b/x"), media_type("c/z")};
    CHECK(rendered(rank_accept(items, server)) ==
          std::vector<std::string>{"a/x;p=1", "a/x", "a/x+json", "a/y", "b/x"});
}

TEST_CASE("Accept negotiation follows cosmos-api.md 3.5", "[http][media_types][accept]") {
    const std::string error_type(kErrorType);
    const std::string both_install = "[" + kInstallV2 + ", " + kInstallV1 + "]";
    struct Row {
        const char* name;
        std::string header;
        std::string expected;  // "#<index>" on success, else "<type>: <message>"
    };
    const Row rows[] = {
        {"exact v2", kInstallV2, "#0"},
        {"exact v1", kInstallV1, "#1"},
        {"reordered parameters",
         "application/vnd.dcos.package.install-response+json;version=v1;"
         "charset=utf-8",
         "#1"},
        {"Go CLI type plus error type", kInstallV1 + "," + error_type, "#1"},
        {"higher q wins", kInstallV1 + ";q=0.5," + kInstallV2 + ";q=0.9", "#0"},
        {"higher q wins (other order)", kInstallV2 + ";q=0.5," + kInstallV1 + ";q=0.9", "#1"},
        {"equal q keeps header order", kInstallV1 + "," + kInstallV2, "#1"},
        {"q=0 is never selected", kInstallV2 + ";q=0," + kInstallV1, "#1"},
        {"unparsable q counts as 1", kInstallV1 + ";q=abc," + kInstallV2 + ";q=0.9", "#1"},
        {"back-fill from the error type",
         "application/vnd.dcos.package.install-response+json," + error_type, "#1"},
        {"RequestErrorsSpec: describe types sent to install",
         "application/vnd.dcos.package.describe-response+json;charset=utf-8;version=v2;q=0.1,"
         "application/vnd.dcos.package.describe-response+json;charset=utf-8;version=v3;q=0.9",
         "not_valid: Item header 'Accept' deemed invalid by rule: Media type was "
         "[application/vnd.dcos.package.describe-response+json;charset=utf-8;version=v2;q=0.1, "
         "application/vnd.dcos.package.describe-response+json;charset=utf-8;version=v3;q=0.9] "
         "but should be one of " +
             both_install},
        {"no charset", "application/vnd.dcos.package.install-response+json;version=v2",
         "not_valid: Item header 'Accept' deemed invalid by rule: Media type was "
         "[application/vnd.dcos.package.install-response+json;version=v2] but should be one of " +
             both_install},
        {"no parameters", "application/vnd.dcos.package.install-response+json",
         "not_valid: Item header 'Accept' deemed invalid by rule: Media type was "
         "[application/vnd.dcos.package.install-response+json] but should be one of " +
             both_install},
        {"only the first ranked item is tried",
         kInstallV1 + ";q=0.5,application/vnd.dcos.package.install-response+json;version=v2",
         "not_valid: Item header 'Accept' deemed invalid by rule: Media type was [" + kInstallV1 +
             ";q=0.5, application/vnd.dcos.package.install-response+json;version=v2] but should "
             "be one of " +
             both_install},
        {"wildcards are literal", "*/*",
         "not_valid: Item header 'Accept' deemed invalid by rule: Media type was [*/*] but should "
         "be one of " +
             both_install},
        {"everything q=0", kInstallV2 + ";q=0.0",
         "not_valid: Item header 'Accept' deemed invalid by rule: Media type was [" + kInstallV2 +
             ";q=0.0] but should be one of " + both_install},
        {"empty header", "",
         "not_valid: Item header 'Accept' deemed invalid by rule: Media type was [] but should "
         "be one of " +
             both_install},
        {"unparsable item", kInstallV2 + ",a/b+c+d",
         "not_parsed: Item 'header 'Accept'' unable to be parsed: Unable to parse MediaType for "
         "input: 'a/b+c+d'"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.name, row.header);
        auto result = negotiate_accept(row.header, install_types());
        if (auto* index = std::get_if<std::size_t>(&result)) {
            CHECK("#" + std::to_string(*index) == row.expected);
        } else {
            CHECK(error_text(result) == row.expected);
        }
    }

    auto missing = negotiate_accept(std::nullopt, install_types());
    CHECK(error_text(missing) == "not_present: Item header 'Accept' not present but required");
}

TEST_CASE("describe negotiates v3 and v2 and lists both in errors", "[http][media_types][accept]") {
    auto v3 = negotiate_accept(kDescribeResponseV3Type, describe_types());
    REQUIRE(std::holds_alternative<std::size_t>(v3));
    CHECK(std::get<std::size_t>(v3) == 0);
    auto v2 = negotiate_accept(kDescribeResponseV2Type, describe_types());
    REQUIRE(std::holds_alternative<std::size_t>(v2));
    CHECK(std::get<std::size_t>(v2) == 1);
    auto v1 = negotiate_accept(
        "application/vnd.dcos.package.describe-response+json;charset=utf-8;version=v1",
        describe_types());
    CHECK(error_text(v1) ==
          "not_valid: Item header 'Accept' deemed invalid by rule: Media type was "
          "[application/vnd.dcos.package.describe-response+json;charset=utf-8;version=v1] but "
          "should be one of [" +
              std::string(kDescribeResponseV3Type) + ", " + std::string(kDescribeResponseV2Type) +
              "]");
}

TEST_CASE("Content-Type must contain the endpoint's request type", "[http][media_types]") {
    const MediaType expected = media_type(kInstallRequestType);
    const std::string rule =
        "not_valid: Item header 'Content-Type' deemed invalid by rule: should match one of "
        "application/vnd.dcos.package.install-request+json;charset=utf-8;version=v1";
    struct Row {
        const char* header;
        std::string expected;  // "" on success
    };
    const Row rows[] = {
        {"application/vnd.dcos.package.install-request+json;charset=utf-8;version=v1", ""},
        {"application/vnd.dcos.package.install-request+json; version=v1; charset=UTF-8; foo=bar",
         ""},
        {"application/vnd.dcos.package.install-request+json;version=v1", rule},
        {"application/vnd.dcos.package.install-request+json;charset=utf-8;version=v2", rule},
        {"application/json", rule},
        {"application/vnd.dcos.package.install-request+json;;",
         "not_parsed: Item 'header 'Content-Type'' unable to be parsed: Unable to parse "
         "MediaType for input: 'application/vnd.dcos.package.install-request+json;;'"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.header);
        CHECK(error_text(check_content_type(row.header, expected)) == row.expected);
    }
    CHECK(error_text(check_content_type(std::nullopt, expected)) ==
          "not_present: Item header 'Content-Type' not present but required");
    auto ok = check_content_type(
        "application/vnd.dcos.package.install-request+json; "
        "version=v1; charset=UTF-8; foo=bar",
        expected);
    REQUIRE(std::holds_alternative<MediaType>(ok));
    CHECK(std::get<MediaType>(ok).parameter("foo") == std::optional<std::string_view>("bar"));
}
