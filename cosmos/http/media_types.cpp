#include "cosmos/http/media_types.h"

#include <algorithm>
#include <string_view>

namespace cosmos::http {

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
std::string_view trim(std::string_view s) {
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

// RFC 7231 qvalue: "0" ["." 0*3DIGIT] or "1" ["." 0*3"0"].
std::optional<double> parse_qvalue(std::string_view s) {
    if (s.empty() || (s[0] != '0' && s[0] != '1')) return std::nullopt;
    if (s.size() == 1) return s[0] == '0' ? 0.0 : 1.0;
    if (s[1] != '.' || s.size() > 5) return std::nullopt;
    auto decimals = s.substr(2);
    int thousandths = 0;
    int scale = 100;
    for (char c : decimals) {
        if (c < '0' || c > '9') return std::nullopt;
        thousandths += (c - '0') * scale;
        scale /= 10;
    }
    if (s[0] == '1') return thousandths == 0 ? std::optional<double>(1.0) : std::nullopt;
    return thousandths / 1000.0;
}

std::size_t count_without_q(const MediaType& m) {
    return static_cast<std::size_t>(std::count_if(m.parameters.begin(), m.parameters.end(),
                                                  [](const auto& p) { return p.first != "q"; }));
}

MediaType without_q(MediaType m) {
    std::erase_if(m.parameters, [](const auto& p) { return p.first == "q"; });
    return m;
}

std::string join_rendered(const std::vector<MediaType>& types) {
    std::string out;
    for (std::size_t i = 0; i < types.size(); ++i) {
        if (i > 0) out += ", ";
        out += types[i].to_string();
    }
    return out;
}

}  // namespace

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
    return parse_trimmed(trim(input));
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

double quality(const MediaType& item) {
    auto q = item.parameter("q");
    if (!q) return 1.0;
    // Cosmos: an invalid q is not an error, it counts as the default 1. (Cosmos also rejects a
    // bare "0" through a string-range check; the contract, like RFC 7231, reads it as zero.)
    return parse_qvalue(*q).value_or(1.0);
}

Checked<std::vector<MediaType>> parse_accept(std::string_view header) {
    std::vector<MediaType> items;
    std::size_t start = 0;
    while (start <= header.size()) {
        std::size_t at = header.find(',', start);
        if (at == std::string_view::npos) at = header.size();
        std::string_view piece = header.substr(start, at - start);
        start = at + 1;
        if (trim(piece).empty()) continue;
        auto parsed = parse_media_type(piece);
        if (!parsed) return core::not_parsed("header 'Accept'", media_type_parse_message(piece));
        items.push_back(std::move(*parsed));
    }

    // Cosmos: parameters propagate right-to-left into items that have none (not in RFC 7231).
    const std::vector<std::pair<std::string, std::string>>* right = nullptr;
    for (auto it = items.rbegin(); it != items.rend(); ++it) {
        if (it->parameters.empty()) {
            if (right) it->parameters = *right;
        } else {
            right = &it->parameters;
        }
    }

    std::vector<MediaType> unique;
    for (auto& item : items) {
        if (std::find(unique.begin(), unique.end(), item) == unique.end()) {
            unique.push_back(std::move(item));
        }
    }
    return unique;
}

std::vector<MediaType> rank_accept(const std::vector<MediaType>& items,
                                   const std::vector<MediaType>& server_types) {
    struct Ranked {
        double q;
        const MediaType* item;
    };
    std::vector<Ranked> ranked;
    for (const auto& item : items) {
        double q = quality(item);
        if (q == 0.0) continue;
        ranked.push_back({q, &item});
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
        if (a.q != b.q) return a.q > b.q;
        const MediaType& x = *a.item;
        const MediaType& y = *b.item;
        if (x.type != y.type) return x.type < y.type;
        if (x.subtype != y.subtype) return x.subtype < y.subtype;
        if (x.suffix != y.suffix) return x.suffix < y.suffix;  // no suffix sorts first
        return count_without_q(x) > count_without_q(y);
    });

    std::vector<MediaType> out;
    for (const auto& r : ranked) {
        MediaType item = without_q(*r.item);
        bool produced = std::any_of(server_types.begin(), server_types.end(),
                                    [&](const MediaType& s) { return compatible(item, s); });
        if (produced) out.push_back(std::move(item));
    }
    return out;
}

Checked<std::size_t> negotiate_accept(std::optional<std::string_view> header,
                                      const std::vector<MediaType>& server_types) {
    if (!header) return core::not_present("header 'Accept'");
    auto items = parse_accept(*header);
    if (auto* error = std::get_if<core::Error>(&items)) return *error;
    const auto& client = std::get<std::vector<MediaType>>(items);

    // Cosmos: only the best-ranked item is tried, and it must equal a server type exactly.
    auto ranked = rank_accept(client, server_types);
    if (!ranked.empty()) {
        auto found = std::find(server_types.begin(), server_types.end(), ranked.front());
        if (found != server_types.end()) {
            return static_cast<std::size_t>(found - server_types.begin());
        }
    }
    return core::not_valid("header 'Accept'", "Media type was [" + join_rendered(client) +
                                                  "] but should be one of [" +
                                                  join_rendered(server_types) + "]");
}

Checked<MediaType> check_content_type(std::optional<std::string_view> header,
                                      const MediaType& expected) {
    if (!header) return core::not_present("header 'Content-Type'");
    auto parsed = parse_media_type(*header);
    if (!parsed) {
        return core::not_parsed("header 'Content-Type'", media_type_parse_message(*header));
    }
    if (!compatible(expected, *parsed)) {
        return core::not_valid("header 'Content-Type'",
                               "should match one of " + expected.to_string());
    }
    return *parsed;
}

const std::vector<std::string_view>& all_media_types() {
    static const std::vector<std::string_view> kAll = {
        kCapabilitiesType,
        kSearchRequestType,
        kSearchResponseType,
        kDescribeRequestType,
        kDescribeResponseV3Type,
        kDescribeResponseV2Type,
        kListVersionsRequestType,
        kListVersionsResponseType,
        kRenderRequestType,
        kRenderResponseType,
        kInstallRequestType,
        kInstallResponseV2Type,
        kInstallResponseV1Type,
        kUninstallRequestType,
        kUninstallResponseType,
        kListRequestType,
        kListResponseType,
        kRepositoryListRequestType,
        kRepositoryListResponseType,
        kRepositoryAddRequestType,
        kRepositoryAddResponseType,
        kRepositoryDeleteRequestType,
        kRepositoryDeleteResponseType,
        kServiceDescribeRequestType,
        kServiceDescribeResponseType,
        kServiceUpdateRequestType,
        kServiceUpdateResponseType,
        kErrorType,
        kUniverseRepoV5Type,
        kUniverseRepoV4Type,
        kUniverseRepoV3Type,
        kZipType,
        kPackageAddRequestType,
        kPackageAddResponseType,
        kPackageBundleType,
        kHistoryRequestType,
        kHistoryResponseType,
    };
    return kAll;
}

}  // namespace cosmos::http
