// Fuzz target "regex": the ECMA-262 subset that JSON Schema "pattern" and "patternProperties"
// use (pattern, NUL, subject). Beyond crashes it checks that check_syntax() agrees with compile(),
// that a non-capturing group or anchoring changes answers only as it should, and, for short
// printable ASCII, that std::regex (ECMAScript) gives the same answer whenever it accepts the
// pattern too.

#include <algorithm>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>

#include "cosmos/core/regex.h"
#include "tests/fuzz/fuzz_support.h"

using cosmos::core::Regex;
using universe_fuzz::expect;

namespace {
constexpr const char* kTarget = "regex";

std::optional<Regex> compile(const std::string& pattern) {
    try {
        return Regex::compile(pattern);
    } catch (const std::invalid_argument&) {
        return std::nullopt;
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto parts = universe_fuzz::split_parts(universe_fuzz::as_text(data, size), 2);
    const std::string pattern(parts[0]);
    const std::string_view subject = parts[1];

    bool syntax_ok = true;
    try {
        Regex::check_syntax(pattern);
    } catch (const std::invalid_argument&) {
        syntax_ok = false;
    }
    auto regex = compile(pattern);
    expect(syntax_ok == regex.has_value(), kTarget,
           syntax_ok ? "compile refuses what check_syntax accepts"
                     : "compile accepts what check_syntax refuses");
    if (!regex) return 0;
    const bool found = regex->search(subject);

    // A group around the whole pattern changes nothing (unless it nests one level too deep).
    if (auto grouped = compile("(?:" + pattern + ")")) {
        expect(grouped->search(subject) == found, kTarget, "(?:p) and p disagree");
    }
    // A whole-subject match is also a match somewhere.
    if (auto anchored = compile("^(?:" + pattern + ")$")) {
        expect(!anchored->search(subject) || found, kTarget, "^(?:p)$ matches but p does not");
    }

    // std::regex recurses per character and reads bytes, so only short ASCII is compared.
    auto printable = [](unsigned char c) { return c >= 0x20 && c < 0x7F; };
    if (pattern.size() <= 24 && subject.size() <= 16 &&
        std::all_of(pattern.begin(), pattern.end(), printable) &&
        std::all_of(subject.begin(), subject.end(), printable)) {
        std::optional<std::regex> reference;
        try {
            reference.emplace(pattern, std::regex::ECMAScript);
        } catch (const std::regex_error&) {
        }
        if (reference) {
            const bool expected = std::regex_search(subject.begin(), subject.end(), *reference);
            expect(found == expected, kTarget,
                   "disagrees with std::regex on /" + pattern + "/ and \"" + std::string(subject) +
                       "\": " + (found ? "match" : "no match"));
        }
    }
    return 0;
}
