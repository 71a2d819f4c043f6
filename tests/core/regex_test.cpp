#include "cosmos/core/regex.h"

#include <catch2/catch.hpp>

#include <random>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

using cosmos::core::Regex;

namespace {

// Patterns from the real data (package config.json files, the Universe's meta schemas and the
// Marathon app definition), then patterns that exercise each supported construct.
const std::vector<std::string> kPatterns = {
    // real data
    R"(^[^\s]+$)", R"(^[a-z][a-z0-9-]*$)",
    R"(^(\/?((\.\.)|(([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])\.)*([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9]))?($|\/))+$)",
    R"(^[-a-zA-Z0-9.]+$)", R"(^[a-z][a-z0-9-]*[a-z0-9]$)",
    R"(^(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))*$)", R"(.*)",
    R"(^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$)",
    R"(^(\/?((\.{2})|([a-z0-9][a-z0-9\-.]*[a-z0-9]+)|([a-z0-9]*))($|\/))+$)",
    R"(^/?(([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])\.)*([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])$)",
    R"(.)", R"(^https?://)", R"(^[a-z0-9]([-a-z0-9]*[a-z0-9])?$)",
    R"(^(|\/\/cmd|\/?[^\/]+(\/[^\/]+)*)$)", R"(^(?:\.[a-z][a-z0-9]*?(?:-[a-z0-9]+)*)+$)", R"(^@)",
    R"(^[\s]+)",
    R"(^(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])(\/([0-9]|[1-2][0-9]|3[0-2]))$)",
    // constructs
    R"(abc)", R"(a|b|c)", R"(^a*$)", R"(a+b?)", R"((ab){2,3})", R"(^x{2}$)", R"(^x{2,}$)",
    R"(^x{1,3}$)", R"(^x{0}y$)", R"(^(?:a|bc)*d$)", R"([a-c-])", R"([^a-z0-9])", R"(\d{3}-\d{4})",
    R"(\w+@\w+\.com)", R"(\S\s\S)", R"(^\D\W$)", R"([\d.]+$)", R"(^.$)", R"(a.c)", R"(\.)", R"(\/)",
    R"(\-)", R"(\\)", R"([\]])", R"([\-a]b)", R"(^$)", R"((a|)+b)", R"((a*)*b)", R"(^(a+)+$)",
    R"([\t\n]x)", R"(\x41\u0062)", R"(a*?b)", R"(^a+?$)", R"(^(?:x|y){1,3}?z$)",
    R"(^-?[0-9]+(\.[0-9]+)?$)", R"([.][*+?])", R"(^[^]]$)", R"(^(a|ab)(c|bcd)(d*)$)", R"(a$|^b)",
    R"(^(?:(?:a|b)c)+$)", R"(^[A-Z]{2,4}[0-9]?$)", R"(\t|\n|\r|\f|\v)", R"(^\0?a$)",
    R"(((((a))))b)", R"(^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$)",
    R"(^(a|b)*a(a|b){3}$)",
    R"((a|b)*a(a|b){12})",  // more subset states than the table holds: the NFA path
};

// Every pattern's literal characters plus a few common ones, as the alphabet of random inputs.
std::string alphabet_for(const std::string& pattern) {
    std::string out = "aAbz09-./ _\n\t=+";
    for (char c : pattern) {
        if (static_cast<unsigned char>(c) < 0x80 && out.find(c) == std::string::npos) out += c;
    }
    return out;
}

std::vector<std::string> inputs_for(const std::string& pattern, std::mt19937& rng) {
    std::vector<std::string> out = {"",
                                    "a",
                                    "b",
                                    "abc",
                                    "ab",
                                    "aab",
                                    "xx",
                                    "xxx",
                                    "xyz",
                                    "d",
                                    "abcd",
                                    "bcd",
                                    "my-app",
                                    "/group/app",
                                    "../app",
                                    "1.10.2",
                                    "01.2",
                                    "QUJD",
                                    "QUI=",
                                    "QQ==",
                                    "QQ=",
                                    "http://x",
                                    "https://y",
                                    "@foo",
                                    "  lead",
                                    "10.0.0.0/8",
                                    "256.1.1.1/33",
                                    "123-4567",
                                    "joe@site.com",
                                    "a b",
                                    "\t\n",
                                    "Ab",
                                    "\nx",
                                    ".*+?",
                                    "]",
                                    "aaaaaaaaaaaaaaaaaaaab",
                                    "deadbeef-0000-1111-2222-333344445555",
                                    ".a-b.c1"};
    const std::string alphabet = alphabet_for(pattern);
    std::uniform_int_distribution<std::size_t> length(0, 12);
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    for (int k = 0; k < 300; ++k) {
        std::string s;
        const std::size_t n = length(rng);
        for (std::size_t i = 0; i < n; ++i)
            s += alphabet[pick(rng)];
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace

TEST_CASE("regex agrees with std::regex (ECMAScript) on short inputs", "[core][regex]") {
    std::mt19937 rng(20240611);
    std::size_t compared = 0;
    for (const auto& pattern : kPatterns) {
        INFO("pattern: " << pattern);
        const std::regex reference(pattern, std::regex::ECMAScript);
        const Regex ours = Regex::compile(pattern);
        CHECK(ours.pattern() == pattern);
        for (const auto& input : inputs_for(pattern, rng)) {
            INFO("input: \"" << input << "\"");
            REQUIRE(ours.search(input) == std::regex_search(input, reference));
            ++compared;
        }
    }
    CHECK(compared > kPatterns.size() * 300);
}

TEST_CASE("regex searches rather than anchoring implicitly", "[core][regex]") {
    struct Case {
        const char* pattern;
        const char* text;
        bool expected;
    };
    const Case cases[] = {
        {"b", "abc", true},
        {"^b", "abc", false},
        {"c$", "abc", true},
        {"a$", "abc", false},
        {"^abc$", "abc", true},
        {"^abc$", "abcd", false},
        {"", "anything", true},
        {"x*", "", true},
        {"$^", "", true},
        {"$^", "a", false},
        {"a^", "a", false},
        {"a{,2}", "a{,2}", true},
        {"}", "}", true},
        {"]", "]", true},
        {"a{2", "a{2", true},
        // ECMA-262 \cJ is U+000A (libstdc++ reads it as "J", so it is not in the table above).
        {"^\\cJ$", "\n", true},
        {"^\\cJ$", "J", false},
    };
    for (const auto& c : cases) {
        INFO(c.pattern << " on \"" << c.text << "\"");
        CHECK(Regex::compile(c.pattern).search(c.text) == c.expected);
    }
}

TEST_CASE("regex reads UTF-8 by code point", "[core][regex]") {
    struct Case {
        const char* pattern;
        const char* text;
        bool expected;
    };
    const Case cases[] = {
        {"^.$", "\xC3\xA9", true},                             // é is one character
        {"^..$", "\xC3\xA9", false},                           //
        {"^[^a]$", "\xC3\xA9", true},                          //
        {"^\\u00e9$", "\xC3\xA9", true},                       //
        {"^[\xCE\xB1-\xCF\x89]+$", "\xCE\xBB\xCE\xBC", true},  // [α-ω]+ on λμ
        {"^[\xCE\xB1-\xCF\x89]+$", "\xCE\xBBx", false},        //
        {"^\\uD83D\\uDE00$", "\xF0\x9F\x98\x80", true},        // a surrogate pair is one code point
        {"^.$", "\xF0\x9F\x98\x80", true},                     //
        {"^\\S+$", "\xE4\xB8\xAD\xE6\x96\x87", true},          // 中文
        {"\\s",
         "a\xE3\x80\x80"
         "b",
         true},                                  // U+3000 is white space
        {"^.$", "\xE2\x80\xA8", false},          // U+2028 is a line terminator
        {"^\\w+$", "\xC3\xA9t\xC3\xA9", false},  // \w is ASCII only
    };
    for (const auto& c : cases) {
        INFO(c.pattern << " on \"" << c.text << "\"");
        CHECK(Regex::compile(c.pattern).search(c.text) == c.expected);
    }
}

TEST_CASE("regex rejects what it does not support, at compile time", "[core][regex]") {
    const char* unsupported[] = {"(?=a)",   "(?!a)", "(?<=a)", "(?<!a)", "(a)\\1", "\\1",
                                 "\\bword", "a\\B",  "\\k<x>", "\\p{L}", "\\Z",    "\\a",
                                 "a{1001}", "[\\B]", "\\c1",   "\\xZZ",  "\\u12"};
    for (const char* p : unsupported) {
        INFO(p);
        REQUIRE_THROWS_AS(Regex::compile(p), std::invalid_argument);
        REQUIRE_THROWS_WITH(Regex::compile(p), Catch::Contains("unsupported regex syntax"));
        REQUIRE_THROWS_AS(Regex::check_syntax(p), std::invalid_argument);
    }
    const char* malformed[] = {"(",      "a)", "[a",   "*a", "a**",   "[z-a]",
                               "x{3,2}", "\\", "(?x)", "^*", "(?<>a)"};
    for (const char* p : malformed) {
        INFO(p);
        REQUIRE_THROWS_AS(Regex::compile(p), std::invalid_argument);
        REQUIRE_THROWS_WITH(Regex::compile(p), Catch::Contains("invalid regex"));
    }
    REQUIRE_NOTHROW(Regex::check_syntax("^(?<name>a|b)+$"));
    CHECK(Regex::compile("^(?<name>a|b)+$").search("abba"));
}

TEST_CASE("regex group nesting is bounded", "[core][regex][depth]") {
    auto nested = [](std::size_t levels) {
        return std::string(levels, '(') + "a" + std::string(levels, ')');
    };
    CHECK(Regex::compile(nested(200)).search("xa"));
    // One more is refused, and so is far more (which would exhaust the stack).
    for (std::size_t levels : {201u, 1000000u}) {
        REQUIRE_THROWS_WITH(Regex::compile(nested(levels)),
                            Catch::Contains("groups nested too deeply at offset 200"));
        REQUIRE_THROWS_AS(Regex::check_syntax(nested(levels)), std::invalid_argument);
    }
}

TEST_CASE("regex handles 1 MB inputs without deep recursion", "[core][regex]") {
    const Regex base64 = Regex::compile(
        "^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$");
    std::string text;
    text.reserve(1 << 20);
    while (text.size() < (1 << 20))
        text += "QUJDRA+/";
    CHECK(base64.search(text));
    CHECK_FALSE(base64.search(text + "Q"));
    CHECK(base64.search(text + "QQ=="));
    CHECK_FALSE(base64.search("!" + text));

    // The pattern whose automaton is too large to tabulate runs through the NFA simulation.
    const Regex wide = Regex::compile("(a|b)*a(a|b){12}");
    std::string ab(1 << 20, 'b');
    CHECK_FALSE(wide.search(ab));
    ab[ab.size() - 13] = 'a';
    CHECK(wide.search(ab));

    // Non-ASCII text takes the slower decoding path.
    std::string wide_chars;
    while (wide_chars.size() < (1 << 20))
        wide_chars += "\xC3\xA9\xE4\xB8\xAD";
    CHECK(Regex::compile("^[^\\s]+$").search(wide_chars));
    CHECK_FALSE(Regex::compile("^[^\\s]+$").search(wide_chars + " "));
}

TEST_CASE("regex copies share one compiled automaton", "[core][regex]") {
    const Regex original = Regex::compile("^[a-z]+$");
    const Regex copy = original;  // NOLINT(performance-unnecessary-copy-initialization)
    CHECK(copy.search("abc"));
    CHECK_FALSE(copy.search("ABC"));
    CHECK(copy.pattern() == original.pattern());
}
