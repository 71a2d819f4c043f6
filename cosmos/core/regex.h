#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace cosmos::core {

/// An ECMA-262 regular expression as JSON Schema "pattern" uses it, matched in time linear in the
/// input (an automaton, no backtracking) and with stack use independent of the input length.
///
/// Supported: literals; escapes \d \D \w \W \s \S \f \n \r \t \v \0 \cX \xHH \uHHHH (a surrogate
/// pair \uD83D\uDE00 is one code point) and identity escapes of punctuation (\. \/ \- \\ ...);
/// character classes with ranges, negation and escapes inside ([\b] is backspace); "." (anything
/// but a line terminator); groups ( ), (?: ) and (?<name> ); alternation; the quantifiers * + ?
/// {n} {n,} {n,m} and their lazy forms (equivalent for a yes/no answer); the anchors ^ and $ (not
/// multiline). A "{" or "}" or "]" that cannot be read otherwise is a literal (ECMA-262 Annex B).
/// Rejected: backreferences, lookahead and lookbehind, word boundaries \b \B, unicode property
/// escapes, unknown letter escapes such as \Z, repetition counts above 1000.
///
/// Text is read as UTF-8, one code point per character (ECMA-262 counts UTF-16 units instead;
/// the two differ only for characters outside the Basic Multilingual Plane). A Regex is immutable
/// after compile(): copies share the automaton and search() may run on many threads at once.
class Regex {
public:
    /// Compiles pattern. Throws std::invalid_argument ("unsupported regex syntax ..." or "invalid
    /// regex ...", naming the offset) for syntax errors and for unsupported constructs.
    static Regex compile(std::string_view pattern);

    /// Checks that compile(pattern) would succeed without building the automaton. Throws exactly
    /// what compile() throws.
    static void check_syntax(std::string_view pattern);

    /// True when some part of text matches (search semantics: the pattern is not implicitly
    /// anchored; use ^ and $ for that). Never throws.
    bool search(std::string_view text) const;

    /// The source pattern, as given to compile().
    const std::string& pattern() const;

    /// The compiled automaton; opaque outside regex.cpp.
    struct Program;

private:
    explicit Regex(std::shared_ptr<const Program> program);
    std::shared_ptr<const Program> program_;
};

}  // namespace cosmos::core
