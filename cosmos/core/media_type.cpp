#include "cosmos/core/media_type.h"

#include <cctype>

#include "cosmos/core/error.h"

namespace cosmos::core {

namespace {

bool is_ascii(char c) {
    return static_cast<unsigned char>(c) < 0x80;
}

// Guava's TOKEN_MATCHER: printable ASCII without space and the RFC 2045 tspecials.
bool is_token_char(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
    return std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
}

bool is_linear_white_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_quoted_text_char(char c) {
    return is_ascii(c) && c != '"' && c != '\\' && c != '\r';
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

// Java's String.trim(): strips every char <= U+0020 at both ends.
std::string_view trim_impl(std::string_view s) {
    while (!s.empty() && static_cast<unsigned char>(s.front()) <= 0x20)
        s.remove_prefix(1);
    while (!s.empty() && static_cast<unsigned char>(s.back()) <= 0x20)
        s.remove_suffix(1);
    return s;
}

// Java's String.split(sep): trailing empty pieces are dropped, a leading one is kept.
std::vector<std::string> java_split(std::string_view s, char sep) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        std::size_t at = s.find(sep, start);
        if (at == std::string_view::npos) {
            parts.emplace_back(s.substr(start));
            break;
        }
        parts.emplace_back(s.substr(start, at - start));
        start = at + 1;
    }
    if (parts.size() == 1) return parts;
    while (!parts.empty() && parts.back().empty())
        parts.pop_back();
    return parts;
}

class Tokenizer {
public:
    explicit Tokenizer(std::string_view text) : text_(text) {}

    bool has_more() const { return pos_ < text_.size(); }
    std::optional<char> peek() const {
        if (!has_more()) return std::nullopt;
        return text_[pos_];
    }

    template <typename Pred>
    std::string_view consume_while(Pred pred) {
        std::size_t start = pos_;
        while (pos_ < text_.size() && pred(text_[pos_]))
            ++pos_;
        return text_.substr(start, pos_ - start);
    }

    // A token must be non-empty, as in Guava.
    template <typename Pred>
    std::optional<std::string_view> token(Pred pred) {
        auto t = consume_while(pred);
        if (t.empty()) return std::nullopt;
        return t;
    }

    bool consume(char c) {
        if (peek() != c) return false;
        ++pos_;
        return true;
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

std::optional<MediaType> parse_trimmed(std::string_view text) {
    Tokenizer in(text);
    auto type = in.token(is_token_char);
    if (!type || !in.consume('/')) return std::nullopt;
    auto subtype = in.token(is_token_char);
    if (!subtype) return std::nullopt;

    MediaType out;
    out.type = to_lower(*type);
    std::string lower_subtype = to_lower(*subtype);
    // Guava: "*/x" is rejected ("A wildcard type cannot be used with a non-wildcard subtype").
    if (out.type == "*" && lower_subtype != "*") return std::nullopt;

    while (in.has_more()) {
        in.consume_while(is_linear_white_space);
        if (!in.consume(';')) return std::nullopt;
        in.consume_while(is_linear_white_space);
        auto name = in.token(is_token_char);
        if (!name || !in.consume('=')) return std::nullopt;
        std::string value;
        if (in.consume('"')) {
            while (in.peek() != '"') {
                if (!in.peek()) return std::nullopt;
                if (in.consume('\\')) {
                    auto escaped = in.peek();
                    if (!escaped || !is_ascii(*escaped)) return std::nullopt;
                    value.push_back(*escaped);
                    in.consume(*escaped);
                } else {
                    auto text_part = in.token(is_quoted_text_char);
                    if (!text_part) return std::nullopt;
                    value.append(*text_part);
                }
            }
            in.consume('"');
        } else {
            auto token = in.token(is_token_char);
            if (!token) return std::nullopt;
            value = std::string(*token);
        }
        std::string key = to_lower(*name);
        if (key == "charset") value = to_lower(value);
        // Cosmos keeps the first value of a repeated parameter.
        if (!out.parameter(key)) out.parameters.emplace_back(std::move(key), std::move(value));
    }

    // Cosmos: the subtype is split with Java's String.split('+'); more than two parts fail.
    auto parts = java_split(lower_subtype, '+');
    if (parts.empty() || parts.size() > 2) return std::nullopt;
    out.subtype = parts[0];
    if (parts.size() == 2) out.suffix = parts[1];
    return out;
}

}  // namespace

std::string_view java_trim(std::string_view s) {
    return trim_impl(s);
}

std::optional<std::string_view> MediaType::parameter(std::string_view name) const {
    for (const auto& [key, value] : parameters) {
        if (key == name) return std::string_view(value);
    }
    return std::nullopt;
}

std::string MediaType::to_string() const {
    std::string out = type + "/" + subtype;
    if (suffix) out += "+" + *suffix;
    for (const auto& [key, value] : parameters)
        out += ";" + key + "=" + value;
    return out;
}

bool operator==(const MediaType& a, const MediaType& b) {
    if (a.type != b.type || a.subtype != b.subtype || a.suffix != b.suffix) return false;
    if (a.parameters.size() != b.parameters.size()) return false;
    return std::all_of(a.parameters.begin(), a.parameters.end(),
                       [&](const auto& p) { return b.parameter(p.first) == p.second; });
}

std::optional<MediaType> parse_media_type(std::string_view input) {
    return parse_trimmed(trim_impl(input));
}

std::string media_type_parse_message(std::string_view input) {
    return "Unable to parse MediaType for input: '" + std::string(input) + "'";
}

MediaType media_type(std::string_view text) {
    auto parsed = parse_media_type(text);
    if (!parsed) throw core::unhandled_exception(media_type_parse_message(text));
    return *parsed;
}

bool compatible(const MediaType& expected, const MediaType& actual) {
    if (expected.type != actual.type || expected.subtype != actual.subtype ||
        expected.suffix != actual.suffix) {
        return false;
    }
    return std::all_of(expected.parameters.begin(), expected.parameters.end(), [&](const auto& p) {
        return p.first == "q" || actual.parameter(p.first) == p.second;
    });
}

}  // namespace cosmos::core
