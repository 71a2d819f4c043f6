#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cosmos::core {

/// A parsed media type (cosmos-api.md §3). Type, subtype, parameter names and the charset value
/// are lower-case; other values keep their case. Parameter names are unique and keep the order of
/// their first appearance.
struct MediaType {
    std::string type;
    std::string subtype;
    std::optional<std::string> suffix;  ///< "json" for "vnd.x+json"
    std::vector<std::pair<std::string, std::string>> parameters;

    /// The value of a parameter (name as stored, i.e. lower-case), or nullopt.
    std::optional<std::string_view> parameter(std::string_view name) const;
    /// `type/subtype[+suffix]` then `;name=value` per parameter in order, no spaces (§3.1).
    std::string to_string() const;
    /// Equal type, subtype, suffix and parameter map; parameter order does not matter.
    friend bool operator==(const MediaType& a, const MediaType& b);
};

/// Parses one media type with the Guava grammar (§3.2): trimmed, RFC tokens, optional whitespace
/// around ";", quoted values unquoted, first value of a repeated parameter wins, at most one "+"
/// in the subtype. Returns nullopt when the input is not a media type.
std::optional<MediaType> parse_media_type(std::string_view input);

/// The cause text for an input that parse_media_type() rejects:
/// `Unable to parse MediaType for input: '<input>'`.
std::string media_type_parse_message(std::string_view input);

/// Parses a media type written in this code base (the constants below). Throws core::Error
/// (unhandled_exception) when the text is malformed, which is a programming error.
MediaType media_type(std::string_view text);

/// §3.3: type, subtype and suffix equal, and every parameter of `expected` other than "q" is in
/// `actual` with the same value. Wildcards are compared literally.
bool compatible(const MediaType& expected, const MediaType& actual);

/// Java's String.trim(): drops every character <= U+0020 at both ends.
std::string_view java_trim(std::string_view s);

}  // namespace cosmos::core
