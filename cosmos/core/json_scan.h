#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cosmos::core {

/// Finds where the tokens and values of a JSON text start and end without building them, so a
/// large repository file can be cut into its package entries cheaply. It checks only what it
/// needs to find those ends (strings end, brackets balance); callers parse what they keep.
/// Every failure throws Error json_parsing_error (underlying type "RepositoryFile") naming the
/// offset and the expected shape.
class JsonScanner {
public:
    /// shape is what the text should look like, for error messages (e.g. {"packages": [...]}).
    JsonScanner(std::string_view text, std::string_view shape) : text_(text), shape_(shape) {}

    /// Offset of the next byte to read.
    std::size_t pos() const noexcept { return pos_; }
    /// True when only whitespace is left.
    bool done();
    /// Skips whitespace and consumes c, or throws.
    void expect(char c);
    /// Skips whitespace and consumes c when it comes next.
    bool accept(char c);
    /// Skips whitespace and returns the next byte without consuming it; throws at the end.
    char peek();
    /// The raw text of a string token, quotes and escapes included.
    std::string_view string_token();
    /// The raw text of one value of any kind. Nesting is tracked with a counter, so depth costs
    /// nothing; a scalar runs to the next delimiter and is not checked.
    std::string_view value_token();
    /// Throws the scanner's error: why, at the current offset.
    [[noreturn]] void fail(const std::string& why) const;

private:
    void skip_space();

    std::string_view text_;
    std::string_view shape_;
    std::size_t pos_ = 0;
};

}  // namespace cosmos::core
