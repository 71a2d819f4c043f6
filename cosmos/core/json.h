#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cosmos/core/shared_text.h"

namespace cosmos::core {

/// The JSON value used everywhere: objects keep their source key order, because Universe files,
/// config schemas and rendered Marathon apps are order-sensitive.
using Json = nlohmann::ordered_json;

/// One object key that appeared more than once in a document.
struct DuplicateKey {
    std::string pointer;  ///< JSON pointer of the duplicated member, e.g. "/properties/port".
    bool same_value;      ///< True when every occurrence carried an equal value.
};

/// A parsed document and what the parser noticed about it.
struct ParsedDocument {
    Json value;
    std::vector<DuplicateKey> duplicates;
};

/// How deep arrays and objects may nest in a parsed document. Code that walks values (printing,
/// comparing, schema validation, rendering) recurses per level, so deeper input would exhaust the
/// stack; real documents nest fewer than 20 levels.
inline constexpr std::size_t kMaxJsonDepth = 256;

/// Parses one JSON text. Duplicate keys keep the first key's position and the last value (as
/// Python's json module and Cosmos do) and are reported. Throws Error json_parsing_error on bad
/// JSON, with a message naming line and column, and on arrays and objects nested deeper than
/// kMaxJsonDepth.
ParsedDocument parse_document(std::string_view text);

/// parse_document() without the duplicate report.
Json parse_json(std::string_view text);

/// Compact text (no spaces), nulls kept, non-ASCII written raw.
std::string to_compact(const Json& value);

/// A JSON value kept as its text and parsed on each use. A config schema held as a tree costs
/// about three times its text, and a catalog only reads it to describe or render one package, so
/// the catalog keeps packages' configs this way. Copies share the text.
class JsonText {
public:
    /// Keeps to_compact(value).
    explicit JsonText(const Json& value);

    /// Adopts one JSON text, dropping the whitespace between tokens. Throws Error
    /// json_parsing_error when text is not exactly one well-formed JSON value or nests deeper
    /// than kMaxJsonDepth.
    static JsonText from_text(std::string_view text);

    /// Adopts text as it is, without a copy (it may point into a larger shared buffer, such as a
    /// whole repository document). Throws Error json_parsing_error when it is not exactly one
    /// well-formed JSON value.
    static JsonText shared(SharedText text);

    /// The value (parse_json of the text: duplicate keys resolve as there).
    Json value() const { return parse_json(text_); }
    /// The text: compact, unless it was adopted with shared().
    std::string_view text() const noexcept { return text_; }

    /// Equal values, whatever their text.
    bool operator==(const JsonText& other) const {
        return text_ == other.text_ || value() == other.value();
    }

private:
    JsonText() = default;
    SharedText text_;
};

/// Appends key: value to an object that has no member named key. Json objects keep their members
/// in a vector and operator[] searches it, so building an object of n members from another
/// object's (unique) keys through operator[] costs n^2; this costs n.
void append_member(Json& object, std::string key, Json value);
/// True when text is exactly one well-formed JSON value (what parse_json accepts).
bool is_json(std::string_view text);

/// Returns a copy with every null-valued object member removed, recursively (array elements are
/// kept). This is the Cosmos response printer's rule.
Json drop_nulls(const Json& value);

/// Text in the layout of Python's json.dumps defaults: ", " and ": " separators, no indent,
/// non-ASCII escaped as \uXXXX. This is how the Universe generator writes repository files.
std::string to_python_text(const Json& value);

/// Appends the JSON-escaped content of s without the surrounding quotes: \" \\ \b \f \n \r \t,
/// other control characters as \u00xx, and with ensure_ascii every non-ASCII character as
/// \uXXXX (UTF-16), otherwise raw. Python's ensure_ascii output and Cosmos's mustache strings.
void append_json_escaped(std::string& out, std::string_view s, bool ensure_ascii);

/// Appends to_python_text(value) to out (no intermediate string).
void append_python_text(std::string& out, const Json& value);

/// Human-readable name of a JSON value's type ("string", "integer", "number", "boolean",
/// "array", "object", "null"). Whole-valued floats count as "integer" (as JSON Schema does).
std::string_view json_type_name(const Json& value);

/// True for a number with no fractional part (1, 1.0, 1e3).
bool is_integral(const Json& value);

/// Escapes one JSON pointer reference token ("~" -> "~0", "/" -> "~1").
std::string escape_pointer_token(std::string_view token);

/// Percent-encoding (RFC 3986): letters and digits stay, and so do the characters in `keep`;
/// every other byte becomes %XX (upper-case hex).
std::string percent_encode(std::string_view text, std::string_view keep);

/// Standard base64 (A-Z a-z 0-9 + /, "=" padding, no line breaks).
std::string base64_encode(std::string_view bytes);

/// Decodes standard base64; throws Error json_decoding_error-style invalid_argument on bad input.
/// Accepts missing padding; rejects characters outside the alphabet.
std::string base64_decode(std::string_view text);

/// True when base64_decode would accept text, checked without building the decoded string.
bool decodable_base64(std::string_view text);

/// True when text is well-formed standard base64 with padding (the repository schemas' rule).
bool is_base64(std::string_view text);

}  // namespace cosmos::core
