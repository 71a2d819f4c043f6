// Cosmos 0.6.3 behaviour of the mustache engine (cosmos-api.md sections 10.2 to 10.5).

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cosmos/core/mustache.h"

namespace {

using cosmos::core::Json;
using cosmos::core::MustacheDialect;
using cosmos::core::MustacheError;
using cosmos::core::MustacheTemplate;

struct Row {
    const char* template_text;
    const char* context;  // JSON text, so number spellings such as 1e3 reach the engine as written
    std::string expected;
};

std::string render_cosmos(std::string_view text, const Json& context) {
    return MustacheTemplate::parse(text).render(context);
}

void check_rows(const std::vector<Row>& rows, MustacheDialect dialect = MustacheDialect::kCosmos) {
    for (const Row& row : rows) {
        INFO("template: " << row.template_text << "\ncontext: " << row.context);
        const Json context = Json::parse(row.context);
        CHECK(MustacheTemplate::parse(row.template_text, dialect).render(context) == row.expected);
    }
}

}  // namespace

TEST_CASE("mustache cosmos: strings are JSON-escaped, never HTML-escaped",
          "[core][mustache][cosmos]") {
    check_rows({
        {R"({{x}})", R"({"x": "a\"b\n"})", R"(a\"b\n)"},
        {R"({{{x}}})", R"({"x": "a\"b\n"})", R"(a\"b\n)"},
        {R"({{& x}})", R"({"x": "a\"b\n"})", R"(a\"b\n)"},
        {R"({{x}})", R"({"x": "<a href='u'>&amp;</a>"})", R"(<a href='u'>&amp;</a>)"},
        {R"({{x}})", R"({"x": "back\\slash/slash"})", R"(back\\slash/slash)"},
        {R"({{x}})", R"({"x": "\t\r\b\f\u0001\u001f\u007f"})",
         std::string(R"(\t\r\b\f\u0001\u001f)") + "\x7f"},
        {R"({{x}})", R"({"x": "caf\u00e9 \u65e5"})", "caf\xc3\xa9 \xe6\x97\xa5"},
        {R"({{x}})", R"({"x": ""})", ""},
        {R"("{{x}}")", R"({"x": "say \"hi\"\n"})", R"("say \"hi\"\n")"},
    });
}

TEST_CASE("mustache cosmos: numbers print as Java would after Cosmos' conversion",
          "[core][mustache][cosmos]") {
    check_rows({
        // Integral values, however spelled, print as exact integer digits (0.6.2+, #761).
        {"{{v}}", R"({"v": 1})", "1"},
        {"{{v}}", R"({"v": -17})", "-17"},
        {"{{v}}", R"({"v": 0})", "0"},
        {"{{v}}", R"({"v": 1.0})", "1"},
        {"{{v}}", R"({"v": 1024.0})", "1024"},
        {"{{v}}", R"({"v": 1e3})", "1000"},
        {"{{v}}", R"({"v": -2.0E2})", "-200"},
        {"{{v}}", R"({"v": 4294967296})", "4294967296"},
        {"{{v}}", R"({"v": 2147483648})", "2147483648"},
        {"{{v}}", R"({"v": 18446744073709551615})", "18446744073709551615"},
        {"{{v}}", R"({"v": -9223372036854775808})", "-9223372036854775808"},
        {"{{v}}", R"({"v": 1e20})", "100000000000000000000"},
        {"{{v}}", R"({"v": -2.5e19})", "-25000000000000000000"},
        {"{{v}}", R"({"v": 123456789012.0})", "123456789012"},
        // Non-integral values: Java Double.toString.
        {"{{v}}", R"({"v": 0.5})", "0.5"},
        {"{{v}}", R"({"v": -2.5})", "-2.5"},
        {"{{v}}", R"({"v": 0.1})", "0.1"},
        {"{{v}}", R"({"v": 1.21})", "1.21"},
        {"{{v}}", R"({"v": 123.456})", "123.456"},
        {"{{v}}", R"({"v": 0.001})", "0.001"},
        {"{{v}}", R"({"v": 0.0015})", "0.0015"},
        {"{{v}}", R"({"v": 0.0001})", "1.0E-4"},
        {"{{v}}", R"({"v": 0.000999})", "9.99E-4"},
        {"{{v}}", R"({"v": -1.23e-5})", "-1.23E-5"},
        {"{{v}}", R"({"v": 1e-10})", "1.0E-10"},
        {"{{v}}", R"({"v": 9999999.5})", "9999999.5"},
        {"{{v}}", R"({"v": 12345678.9})", "1.23456789E7"},
        {"{{v}}", R"({"v": 10000000.5})", "1.00000005E7"},
        {"{{v}}", R"({"v": 4503599627370495.5})", "4.5035996273704955E15"},
        {"{{v}}", R"({"v": 0.30000000000000004})", "0.30000000000000004"},
        {"{{v}}", R"({"v": 1.7976931348623157e-300})", "1.7976931348623157E-300"},
    });
    // 1e300 is whole: 1 followed by 300 zeros.
    CHECK(render_cosmos("{{v}}", Json::parse(R"({"v": 1e300})")) == "1" + std::string(300, '0'));
}

TEST_CASE("mustache cosmos: booleans, null, arrays and objects", "[core][mustache][cosmos]") {
    check_rows({
        {"{{v}}", R"({"v": true})", "true"},
        {"{{v}}", R"({"v": false})", "false"},
        {"[{{v}}]", R"({"v": null})", "[]"},
        {"[{{v}}]", R"({})", "[]"},
        // Arrays: Java list text; direct string elements keep JSON quotes.
        {"{{v}}", R"({"v": ["a", "b"]})", R"(["a", "b"])"},
        {"{{v}}", R"({"v": ["a\"b", "c\nd"]})", R"(["a\"b", "c\nd"])"},
        {"{{v}}", R"({"v": [1, 2, 3]})", "[1, 2, 3]"},
        {"{{v}}", R"({"v": [[1, 2], [3]]})", "[[1, 2], [3]]"},
        {"{{v}}", R"({"v": []})", "[]"},
        {"{{v}}", R"({"v": [null, true, 1.5, 2.0, 1e-5]})", "[null, true, 1.5, 2, 1.0E-5]"},
        {"{{v}}", R"({"v": [["x"]]})", R"([["x"]])"},
        // Objects: Java map text, strings unquoted, also inside arrays.
        {"{{v}}", R"({"v": {"k1": "v1", "k2": 2}})", "{k1=v1, k2=2}"},
        {"{{v}}", R"({"v": {"b": 1, "a": 2}})", "{b=1, a=2}"},
        {"{{v}}", R"({"v": {"s": "a\"b", "n": null}})", R"({s=a\"b, n=null})"},
        {"{{v}}", R"({"v": {"a": {"b": ["x", 1]}}})", R"({a={b=["x", 1]}})"},
        {"{{v}}", R"({"v": [{"k": "v"}, "s"]})", R"([{k=v}, "s"])"},
        {"{{v}}", R"({"v": {}})", "{}"},
    });
}

TEST_CASE("mustache cosmos: truthiness and section contexts", "[core][mustache][cosmos]") {
    check_rows({
        {"{{#v}}T{{/v}}{{^v}}F{{/v}}", R"({"v": 0})", "T"},
        {"{{#v}}T{{/v}}{{^v}}F{{/v}}", R"({"v": 0.0})", "T"},
        {"{{#v}}T{{/v}}{{^v}}F{{/v}}", R"({"v": {}})", "T"},
        {"{{#v}}T{{/v}}{{^v}}F{{/v}}", R"({"v": "x"})", "T"},
        {"{{#v}}T{{/v}}{{^v}}F{{/v}}", R"({"v": ""})", "F"},
        {"{{#v}}T{{/v}}{{^v}}F{{/v}}", R"({"v": null})", "F"},
        {"{{#v}}T{{/v}}{{^v}}F{{/v}}", R"({"v": false})", "F"},
        {"{{#v}}T{{/v}}{{^v}}F{{/v}}", R"({"v": []})", "F"},
        {"{{#v}}T{{/v}}{{^v}}F{{/v}}", R"({})", "F"},
        // A truthy non-list value is pushed once.
        {"{{#v}}({{.}}){{/v}}", R"({"v": "str"})", "(str)"},
        {"{{#v}}({{.}}){{/v}}", R"({"v": 0})", "(0)"},
        {"{{#v}}({{.}}){{/v}}", R"({"v": true})", "(true)"},
        {"{{#v}}({{k}}){{/v}}", R"({"v": {"k": "in"}, "k": "out"})", "(in)"},
        {"{{#v}}({{k}}){{/v}}", R"({"v": {}, "k": "out"})", "(out)"},
        // Lists iterate; string elements are quoted, even the empty one (it is not falsey).
        {"{{#v}}{{.}},{{/v}}", R"({"v": ["a", ""]})", R"("a","",)"},
        {"{{#v}}{{#.}}T{{/.}}{{/v}}", R"({"v": ["", 0, false, null]})", "TT"},
        {"{{#v}}{{.}},{{/v}}", R"({"v": [8080, 9090]})", "8080,9090,"},
        {"{{#v}}{{key}}={{value}};{{/v}}", R"({"v": [{"key": "a", "value": 1}, {"key": "b"}]})",
         "a=1;b=;"},
        {"{{#v}}{{name}}-{{sep}};{{/v}}", R"({"v": [{"name": "a"}, {"name": "b"}], "sep": "|"})",
         "a-|;b-|;"},
    });
}

TEST_CASE("mustache cosmos: names, dotted lookup and the isEmpty quirk",
          "[core][mustache][cosmos]") {
    check_rows({
        // Dotted names: first segment up the stack, the rest inside the found value only.
        {"{{#a}}{{b.c}}{{/a}}", R"({"a": {"x": 1}, "b": {"c": "root"}})", "root"},
        {"{{#a}}{{b.c}}{{/a}}", R"({"a": {"b": {}}, "b": {"c": "root"}})", ""},
        {"{{a.b.c}}", R"({"a": {"b": 1}})", ""},
        {"{{a.b.c}}", R"({"a": {"b": {"c": [1]}}})", "[1]"},
        // A key holding null is found, so the search stops there.
        {"{{#a}}[{{x}}]{{/a}}", R"({"a": {"x": null}, "x": "outer"})", "[]"},
        // Names are trimmed and may hold hyphens and interior spaces (calico, rabbitmq).
        {"{{Framework Settings.cpu-limit}}", R"({"Framework Settings": {"cpu-limit": 0.5}})",
         "0.5"},
        {"{{#Run Calico-Node.enable}}on{{/Run Calico-Node.enable}}",
         R"({"Run Calico-Node": {"enable": true}})", "on"},
        {"{{ rabbitmq-resources.docker_image }}",
         R"({"rabbitmq-resources": {"docker_image": "r"}})", "r"},
        {"{{resource.assets.uris.jre-7u80-linux-tar-gz}}",
         R"({"resource": {"assets": {"uris": {"jre-7u80-linux-tar-gz": "http://x/jre.tgz"}}}})",
         "http://x/jre.tgz"},
        {"{{package-name}}", R"({"package": {"name": "p"}})", ""},
        // koding: a variable whose name holds spaces and braces renders empty.
        {R"(if {{ ssl_fc_sni -m end .{hostname} }}\n)", R"({"hostname": "h", "ssl_fc_sni": "s"})",
         R"(if \n)"},
        // .isEmpty: arrays and strings answer, objects do not (they are Java maps).
        {"{{^l.isEmpty}}X{{/l.isEmpty}}", R"({"l": []})", ""},
        {"{{^l.isEmpty}}X{{/l.isEmpty}}", R"({"l": [1]})", "X"},
        {"{{#l.isEmpty}}E{{/l.isEmpty}}", R"({"l": []})", "E"},
        {"{{l.isEmpty}}/{{l.empty}}", R"({"l": []})", "true/true"},
        {"{{l.isEmpty}}", R"({"l": ["a"]})", "false"},
        {"{{s.isEmpty}}", R"({"s": ""})", "true"},
        {"{{s.isEmpty}}", R"({"s": "x"})", "false"},
        {"{{^o.isEmpty}}X{{/o.isEmpty}}", R"({"o": {}})", "X"},
        {"{{^o.isEmpty}}X{{/o.isEmpty}}", R"({"o": {"a": 1}})", "X"},
        {"[{{o.isEmpty}}]", R"({"o": {}})", "[]"},
        {"{{o.isEmpty}}", R"({"o": {"isEmpty": "key"}})", "key"},
        {"[{{n.isEmpty}}]", R"({"n": 0})", "[]"},
        {"{{^m.isEmpty}}X{{/m.isEmpty}}", R"({})", "X"},
        // Inside a list of strings each element is quoted, so never empty.
        {"{{#l}}{{isEmpty}},{{/l}}", R"({"l": ["", "a"]})", "false,false,"},
    });
}

TEST_CASE("mustache cosmos: the spec dialect has no isEmpty method", "[core][mustache][cosmos]") {
    check_rows({{"[{{l.isEmpty}}]", R"({"l": []})", "[]"},
                {"{{^l.isEmpty}}X{{/l.isEmpty}}", R"({"l": [1]})", "X"}},
               MustacheDialect::kSpec);
}

TEST_CASE("mustache cosmos: the asJson lambda", "[core][mustache][cosmos][asJson]") {
    check_rows({
        // cosmos-api.md 10.5 example.
        {R"("x": {{#asJson}}existingKey{{/asJson}})",
         R"({"existingKey": "{\"foo\": [\"bar\", \"baz\"]}"})", R"("x": {"foo": ["bar", "baz"]})"},
        {R"("x": {{#asJson}}missing{{/asJson}})", R"({})", R"("x": null)"},
        {R"("x": {{#asJson}}k{{/asJson}})", R"({"k": 1234})", R"("x": null)"},
        {R"("x": {{#asJson}}k{{/asJson}})", R"({"k": {"a": "b"}})", R"("x": null)"},
        {R"("x": {{#asJson}}k{{/asJson}})", R"({"k": ""})", R"("x": )"},
        // Bound at the top: it shadows an option named asJson.
        {R"({{#asJson}}k{{/asJson}})", R"({"asJson": false, "k": "\"v\""})", R"("v")"},
        {R"({{^asJson}}never{{/asJson}})", R"({"asJson": false})", ""},
        // The key is the raw text: not trimmed, not rendered.
        {R"({{#asJson}} k {{/asJson}})", R"({"k": "1", " k ": "2"})", "2"},
        {R"({{#asJson}}{{name}}{{/asJson}})", R"({"name": "k", "k": "1"})", "null"},
        // The key is looked up in the top-level context, even inside a section.
        {R"({{#svc}}{{#asJson}}k{{/asJson}}{{/svc}})", R"({"svc": {"k": "inner"}, "k": "top"})",
         "top"},
        // The inserted text is rendered as a template in the current context.
        {R"({{#svc}}{{#asJson}}t{{/asJson}}{{/svc}})",
         R"({"svc": {"id": "inner"}, "id": "outer", "t": "{\"id\": \"{{id}}\"}"})",
         R"({"id": "inner"})"},
        // A section frame that has its own "asJson" comes first on the stack.
        {R"({{#o}}{{#asJson}}k{{/asJson}}{{/o}})", R"({"o": {"asJson": true}, "k": "\"v\""})", "k"},
    });
    // In the spec dialect asJson is an ordinary name.
    check_rows({{R"([{{#asJson}}k{{/asJson}}])", R"({"k": "\"v\""})", "[]"}},
               MustacheDialect::kSpec);
}

TEST_CASE("mustache cosmos: asJson text that does not compile fails at render",
          "[core][mustache][cosmos][asJson]") {
    const auto tpl = MustacheTemplate::parse("{{#asJson}}k{{/asJson}}");
    CHECK_THROWS_AS(tpl.render(Json{{"k", "{{#open}}"}}), MustacheError);
    // A value that expands to itself stops at the nesting limit instead of overflowing.
    CHECK_THROWS_WITH(tpl.render(Json{{"k", "{{#asJson}}k{{/asJson}}"}}),
                      Catch::Contains("nested deeper than"));
}

namespace {
std::string nested_sections(std::size_t levels, std::string_view name, std::string_view body) {
    std::string text;
    for (std::size_t i = 0; i < levels; ++i)
        text += "{{#" + std::string(name) + "}}";
    text += body;
    for (std::size_t i = 0; i < levels; ++i)
        text += "{{/" + std::string(name) + "}}";
    return text;
}
}  // namespace

TEST_CASE("mustache: section nesting is bounded when compiling", "[core][mustache][depth]") {
    // 100 levels compile and render; one more is refused with the line of the deepest tag.
    CHECK(MustacheTemplate::parse(nested_sections(100, "a", "x")).render(Json{{"a", true}}) == "x");
    const std::string deep = "{\n" + nested_sections(101, "a", "x");
    CHECK_THROWS_WITH(MustacheTemplate::parse(deep),
                      "Sections nested deeper than 100 levels at line 2");
    CHECK_THROWS_WITH(
        MustacheTemplate::parse(nested_sections(200000, "a", ""), MustacheDialect::kSpec),
        Catch::StartsWith("Sections nested deeper than 100 levels"));
}

TEST_CASE("mustache: expansions and sections together stay within the nesting bound",
          "[core][mustache][depth]") {
    // Each expansion of "t" opens 60 sections and expands "t" again.
    const std::string t = nested_sections(60, "a", "{{#asJson}}t{{/asJson}}");
    const auto tpl = MustacheTemplate::parse("{{#asJson}}t{{/asJson}}");
    CHECK_THROWS_WITH(tpl.render(Json{{"a", true}, {"t", t}}),
                      Catch::Contains("nested deeper than 100 levels"));
}

TEST_CASE("mustache: work and output are bounded", "[core][mustache][depth]") {
    // Ten elements, twenty nested sections: 10^20 steps, whether or not anything is printed.
    const Json ten = Json{{"a", Json::array({0, 1, 2, 3, 4, 5, 6, 7, 8, 9})}};
    for (const auto* body : {"", "x"}) {
        CHECK_THROWS_WITH(MustacheTemplate::parse(nested_sections(20, "a", body)).render(ten),
                          Catch::StartsWith("Rendering takes more than 10000000 steps"));
    }
    // Few steps, much text: a 1 MiB value printed 4 times per element of a 10-element list,
    // nested twice (400 MiB).
    const Json big = Json{{"a", ten["a"]}, {"v", std::string(1u << 20, 'v')}};
    CHECK_THROWS_WITH(
        MustacheTemplate::parse(nested_sections(2, "a", "{{v}}{{v}}{{v}}{{v}}")).render(big),
        Catch::StartsWith("Rendered text exceeds 16 MiB"));
    // Below the bounds nothing changes: 10 MiB of text.
    CHECK(MustacheTemplate::parse(nested_sections(1, "a", "{{v}}")).render(big).size() ==
          10u << 20);
}

TEST_CASE("mustache cosmos: other tags", "[core][mustache][cosmos]") {
    check_rows({
        {"a{{! a comment }}b", R"({})", "ab"},
        {"{{=<% %>=}}<% x %>{{x}}<%={{ }}=%>{{x}}", R"({"x": 1})", "1{{x}}1"},
        // Partials are not available to packages: they render nothing.
        {"[{{>p}}]", R"({"p": "x"})", "[]"},
        // Standalone lines vanish, also with CRLF, so templates keep their JSON layout.
        {"{\n  {{#a}}\n  \"x\": 1,\n  {{/a}}\n  \"y\": 2\n}", R"({"a": true})",
         "{\n  \"x\": 1,\n  \"y\": 2\n}"},
        {"{\r\n  {{^a}}\r\n  \"x\": 1,\r\n  {{/a}}\r\n  \"y\": 2\r\n}", R"({"a": true})",
         "{\r\n  \"y\": 2\r\n}"},
        {"  {{! standalone }}  \nz", R"({})", "z"},
        {"\"v\": \"{{v}}\"\n", R"({"v": "x"})", "\"v\": \"x\"\n"},
        // A tag may span lines; its name is then simply missing.
        {"a{{b\nc}}d", R"({})", "ad"},
    });
}

TEST_CASE("mustache cosmos: parse errors name the problem and the line",
          "[core][mustache][cosmos][errors]") {
    struct ErrorRow {
        const char* template_text;
        std::string message;
        std::size_t line;
    };
    const std::vector<ErrorRow> rows = {
        {"{\n  {{#a}}\n{{/b}}\n}", "Mismatched start/end tags: a != b at line 3", 3},
        {"{{#a}}{{#b}}{{/a}}{{/b}}", "Mismatched start/end tags: b != a at line 1", 1},
        {"x\n{{#x}}\nabc", "Unclosed section {{#x}} opened at line 2", 2},
        {"{{^a}}\n{{/a}}\n{{#b}}\n", "Unclosed section {{#b}} opened at line 3", 3},
        {"{{#a}}\n{{^b}}\n", "Unclosed section {{^b}} opened at line 2", 2},
        {"a\nb\nc\n{{name", "Improperly closed variable at line 4", 4},
        {"\n{{{x}}", "Improperly closed variable at line 2", 2},
        {"{{#a}}\n{{/a}}\n{{/x}}", "Closing tag {{/x}} without an open section at line 3", 3},
        {"{{}}", "Empty variable name at line 1", 1},
        {"{{# }}{{/ }}", "Empty section name at line 1", 1},
        {"{{>}}", "Empty partial name at line 1", 1},
        {"{{=<% =}}", "Invalid set delimiters tag at line 1", 1},
        {"{{=<% %>=}}\n<%#a%>\n<%/b%>", "Mismatched start/end tags: a != b at line 3", 3},
    };
    for (const ErrorRow& row : rows) {
        INFO("template: " << row.template_text);
        for (MustacheDialect dialect : {MustacheDialect::kCosmos, MustacheDialect::kSpec}) {
            try {
                (void)MustacheTemplate::parse(row.template_text, dialect);
                FAIL("no error");
            } catch (const MustacheError& e) {
                CHECK(std::string(e.what()) == row.message);
                CHECK(e.line() == row.line);
            }
        }
    }
}

TEST_CASE("mustache cosmos: a compiled template renders many contexts",
          "[core][mustache][cosmos]") {
    MustacheTemplate tpl = MustacheTemplate::parse(R"({"id": "{{service.name}}"})");
    MustacheTemplate moved = std::move(tpl);
    const Json a = Json::parse(R"({"service": {"name": "a"}})");
    const Json b = Json::parse(R"({"service": {"name": "b"}})");
    CHECK(moved.render(a) == R"({"id": "a"})");
    CHECK(moved.render(b) == R"({"id": "b"})");
    CHECK(moved.dialect() == MustacheDialect::kCosmos);
    std::string out = "prefix:";
    moved.render_to(out, a, Json::object());
    CHECK(out == R"(prefix:{"id": "a"})");
}
