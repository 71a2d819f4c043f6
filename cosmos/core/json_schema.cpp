#include "cosmos/core/json_schema.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "cosmos/core/error.h"
#include "cosmos/core/regex.h"

namespace cosmos::core {
namespace {

// Bounds of one validation. Applicators (allOf, anyOf, oneOf, not, schema dependencies) apply a
// subschema to the same instance, and validation recurses once per level, so their nesting is
// bounded (real schemas nest two or three); each level also nests the error report three levels
// deeper. A schema can reach one subschema through many paths ($ref to a shared definition), which
// costs time exponential in the nesting, so the work is bounded too.
constexpr std::size_t kMaxApplicatorNesting = 64;
constexpr std::size_t kMaxValidationSteps = 4'000'000;
// A failed branch's report holds its own violations, so copying reports costs the number of
// violations times the nesting: reports are bounded by their number.
constexpr std::size_t kMaxViolations = 10'000;

// ---------------------------------------------------------------------------------------------
// URIs (RFC 3986 reference resolution, enough for $ref and id)

struct UriParts {
    std::optional<std::string> scheme;
    std::optional<std::string> authority;
    std::string path;
    std::optional<std::string> query;
    std::optional<std::string> fragment;
};

UriParts parse_uri(std::string_view text) {
    UriParts out;
    const auto hash = text.find('#');
    if (hash != std::string_view::npos) {
        out.fragment = std::string(text.substr(hash + 1));
        text = text.substr(0, hash);
    }
    const auto colon = text.find(':');
    const auto first_delim = text.find_first_of("/?");
    if (colon != std::string_view::npos && colon > 0 &&
        (first_delim == std::string_view::npos || colon < first_delim)) {
        out.scheme = std::string(text.substr(0, colon));
        text = text.substr(colon + 1);
    }
    if (text.substr(0, 2) == "//") {
        text = text.substr(2);
        const auto end = text.find_first_of("/?");
        out.authority = std::string(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end);
    }
    const auto q = text.find('?');
    if (q != std::string_view::npos) {
        out.query = std::string(text.substr(q + 1));
        text = text.substr(0, q);
    }
    out.path = std::string(text);
    return out;
}

std::string remove_dot_segments(std::string_view in) {
    std::vector<std::string_view> segments;
    const bool absolute = !in.empty() && in.front() == '/';
    std::size_t i = absolute ? 1 : 0;
    bool trailing_slash = false;
    while (i <= in.size()) {
        const auto slash = in.find('/', i);
        const auto seg = in.substr(i, slash == std::string_view::npos ? in.size() - i : slash - i);
        const bool last = slash == std::string_view::npos;
        if (seg == ".") {
            trailing_slash = last;
        } else if (seg == "..") {
            if (!segments.empty()) segments.pop_back();
            trailing_slash = last;
        } else {
            segments.push_back(seg);
            trailing_slash = false;
        }
        if (last) break;
        i = slash + 1;
    }
    std::string out = absolute ? "/" : "";
    for (std::size_t k = 0; k < segments.size(); ++k) {
        if (k > 0) out += '/';
        out += segments[k];
    }
    if (trailing_slash && !segments.empty()) out += '/';
    return out;
}

std::string compose_uri(const UriParts& u) {
    std::string out;
    if (u.scheme) out += *u.scheme + ":";
    if (u.authority) out += "//" + *u.authority;
    out += u.path;
    if (u.query) out += "?" + *u.query;
    if (u.fragment) out += "#" + *u.fragment;
    return out;
}

std::string resolve_uri(std::string_view base, std::string_view ref) {
    if (base.empty()) return std::string(ref);
    const UriParts b = parse_uri(base);
    const UriParts r = parse_uri(ref);
    UriParts t;
    if (r.scheme) {
        t = r;
        t.path = remove_dot_segments(r.path);
    } else {
        if (r.authority) {
            t.authority = r.authority;
            t.path = remove_dot_segments(r.path);
            t.query = r.query;
        } else {
            if (r.path.empty()) {
                t.path = b.path;
                t.query = r.query ? r.query : b.query;
            } else {
                if (r.path.front() == '/') {
                    t.path = remove_dot_segments(r.path);
                } else {
                    std::string merged;
                    if (b.authority && b.path.empty()) {
                        merged = "/" + r.path;
                    } else {
                        const auto slash = b.path.rfind('/');
                        merged = (slash == std::string::npos ? "" : b.path.substr(0, slash + 1)) +
                                 r.path;
                    }
                    t.path = remove_dot_segments(merged);
                }
                t.query = r.query;
            }
            t.authority = b.authority;
        }
        t.scheme = b.scheme;
    }
    t.fragment = r.fragment;
    return compose_uri(t);
}

std::pair<std::string, std::string> split_fragment(std::string_view uri) {
    const auto hash = uri.find('#');
    if (hash == std::string_view::npos) return {std::string(uri), ""};
    return {std::string(uri.substr(0, hash)), std::string(uri.substr(hash + 1))};
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// A $ref fragment is URI-encoded: "#/percent%25field" names the member "percent%field".
std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 &&
            hex_digit(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// Reference tokens of a JSON pointer ("/a~1b/0" -> {"a/b", "0"}); nullopt when malformed.
std::optional<std::vector<std::string>> pointer_tokens(std::string_view pointer) {
    std::vector<std::string> tokens;
    if (pointer.empty()) return tokens;
    if (pointer.front() != '/') return std::nullopt;
    std::size_t i = 1;
    while (true) {
        const auto slash = pointer.find('/', i);
        const auto raw =
            pointer.substr(i, slash == std::string_view::npos ? std::string_view::npos : slash - i);
        std::string token;
        for (std::size_t k = 0; k < raw.size(); ++k) {
            if (raw[k] == '~') {
                if (k + 1 >= raw.size() || (raw[k + 1] != '0' && raw[k + 1] != '1')) {
                    return std::nullopt;
                }
                token += raw[k + 1] == '0' ? '~' : '/';
                ++k;
            } else {
                token += raw[k];
            }
        }
        tokens.push_back(std::move(token));
        if (slash == std::string_view::npos) break;
        i = slash + 1;
    }
    return tokens;
}

bool is_index_token(const std::string& token) {
    if (token.empty() || token.size() > 9) return false;
    if (token.size() > 1 && token.front() == '0') return false;
    return std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// ---------------------------------------------------------------------------------------------
// Values

enum TypeBit : std::uint8_t {
    kNullBit = 1,
    kBooleanBit = 2,
    kIntegerBit = 4,
    kNumberBit = 8,
    kStringBit = 16,
    kArrayBit = 32,
    kObjectBit = 64,
};

// In java-json-tools' order (its NodeType enum), which is also alphabetical.
constexpr std::pair<std::string_view, std::uint8_t> kTypeNames[] = {
    {"array", kArrayBit},   {"boolean", kBooleanBit}, {"integer", kIntegerBit}, {"null", kNullBit},
    {"number", kNumberBit}, {"object", kObjectBit},   {"string", kStringBit},
};

std::uint8_t type_bits(const Json& v) {
    switch (v.type()) {
        case Json::value_t::null:
            return kNullBit;
        case Json::value_t::boolean:
            return kBooleanBit;
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
            return kIntegerBit | kNumberBit;
        case Json::value_t::number_float:
            return is_integral(v) ? kIntegerBit | kNumberBit : kNumberBit;
        case Json::value_t::string:
            return kStringBit;
        case Json::value_t::array:
            return kArrayBit;
        case Json::value_t::object:
            return kObjectBit;
        default:
            return 0;
    }
}

long double as_long_double(const Json& v) {
    switch (v.type()) {
        case Json::value_t::number_integer:
            return static_cast<long double>(v.get<std::int64_t>());
        case Json::value_t::number_unsigned:
            return static_cast<long double>(v.get<std::uint64_t>());
        default:
            return static_cast<long double>(v.get<double>());
    }
}

// -1, 0 or 1; exact for two integers, through long double otherwise.
int compare_numbers(const Json& a, const Json& b) {
    const bool a_int = a.is_number_integer();
    const bool b_int = b.is_number_integer();
    if (a_int && b_int) {
        const bool a_neg = a.is_number_unsigned() ? false : a.get<std::int64_t>() < 0;
        const bool b_neg = b.is_number_unsigned() ? false : b.get<std::int64_t>() < 0;
        if (a_neg != b_neg) return a_neg ? -1 : 1;
        if (a_neg) {
            const auto x = a.get<std::int64_t>();
            const auto y = b.get<std::int64_t>();
            return x < y ? -1 : x > y ? 1 : 0;
        }
        const auto x = a.get<std::uint64_t>();
        const auto y = b.get<std::uint64_t>();
        return x < y ? -1 : x > y ? 1 : 0;
    }
    const long double x = as_long_double(a);
    const long double y = as_long_double(b);
    return x < y ? -1 : x > y ? 1 : 0;
}

bool json_equal(const Json& a, const Json& b) {
    if (a.is_number() && b.is_number()) return compare_numbers(a, b) == 0;
    if (a.type() != b.type()) return false;
    switch (a.type()) {
        case Json::value_t::array: {
            if (a.size() != b.size()) return false;
            for (std::size_t i = 0; i < a.size(); ++i) {
                if (!json_equal(a[i], b[i])) return false;
            }
            return true;
        }
        case Json::value_t::object: {
            if (a.size() != b.size()) return false;
            for (auto it = a.begin(); it != a.end(); ++it) {
                auto other = b.find(it.key());
                if (other == b.end() || !json_equal(it.value(), *other)) return false;
            }
            return true;
        }
        default:
            return a == b;
    }
}

bool is_multiple_of(const Json& value, const Json& divisor) {
    if (value.is_number_integer() && divisor.is_number_integer() && !value.is_number_unsigned() &&
        !divisor.is_number_unsigned()) {
        const auto d = divisor.get<std::int64_t>();
        // Every integer is a multiple of -1; INT64_MIN % -1 would overflow.
        if (d == 0 || d == -1) return true;
        return value.get<std::int64_t>() % d == 0;
    }
    const long double d = as_long_double(divisor);
    if (d == 0) return true;
    const long double q = as_long_double(value) / d;
    if (!std::isfinite(static_cast<double>(q))) return false;
    // Decimal fractions have no exact binary form (0.0075 / 0.0001 = 75.00000000000001); a
    // quotient within a few ulps of an integer counts as one.
    const long double tolerance =
        8 * static_cast<long double>(DBL_EPSILON) * std::max(1.0L, std::fabs(q));
    return std::fabs(q - std::nearbyint(q)) <= tolerance;
}

std::size_t code_points(const std::string& s) {
    std::size_t n = 0;
    for (char c : s) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    }
    return n;
}

std::string number_text(const Json& v) {
    return v.dump();
}

// ---------------------------------------------------------------------------------------------
// Formats

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view s) {
    int v = 0;
    for (char c : s)
        v = v * 10 + (c - '0');
    return v;
}

bool valid_date_time(std::string_view s) {
    // RFC 3339: 1963-06-19T08:30:06.283185Z, offsets +hh:mm, T and Z in either case.
    if (s.size() < 20) return false;
    auto digits_at = [&](std::size_t pos, std::size_t len) {
        return pos + len <= s.size() && all_digits(s.substr(pos, len));
    };
    if (!digits_at(0, 4) || s[4] != '-' || !digits_at(5, 2) || s[7] != '-' || !digits_at(8, 2) ||
        (s[10] != 'T' && s[10] != 't') || !digits_at(11, 2) || s[13] != ':' || !digits_at(14, 2) ||
        s[16] != ':' || !digits_at(17, 2)) {
        return false;
    }
    const int year = to_int(s.substr(0, 4));
    const int month = to_int(s.substr(5, 2));
    const int day = to_int(s.substr(8, 2));
    const int hour = to_int(s.substr(11, 2));
    const int minute = to_int(s.substr(14, 2));
    const int second = to_int(s.substr(17, 2));
    if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60) return false;
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const int max_day = month == 2 && leap ? 29 : kDays[month - 1];
    if (day < 1 || day > max_day) return false;
    std::size_t i = 19;
    if (i < s.size() && s[i] == '.') {
        ++i;
        const std::size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9')
            ++i;
        if (i == start) return false;
    }
    if (i >= s.size()) return false;
    if (s[i] == 'Z' || s[i] == 'z') return i + 1 == s.size();
    if (s[i] != '+' && s[i] != '-') return false;
    if (i + 6 != s.size() || !digits_at(i + 1, 2) || s[i + 3] != ':' || !digits_at(i + 4, 2)) {
        return false;
    }
    return to_int(s.substr(i + 1, 2)) <= 23 && to_int(s.substr(i + 4, 2)) <= 59;
}

bool valid_hostname(std::string_view s) {
    if (s.empty() || s.size() > 255) return false;
    std::size_t start = 0;
    while (true) {
        const auto dot = s.find('.', start);
        const auto label =
            s.substr(start, dot == std::string_view::npos ? s.size() - start : dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
            return false;
        }
        for (char c : label) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-';
            if (!ok) return false;
        }
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

bool valid_ipv4(std::string_view s) {
    int parts = 0;
    std::size_t start = 0;
    while (true) {
        const auto dot = s.find('.', start);
        const auto part =
            s.substr(start, dot == std::string_view::npos ? s.size() - start : dot - start);
        if (!all_digits(part) || part.size() > 3 || (part.size() > 1 && part.front() == '0') ||
            to_int(part) > 255) {
            return false;
        }
        ++parts;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return parts == 4;
}

bool valid_ipv6(std::string_view s) {
    int groups_needed = 8;
    const auto last_colon = s.rfind(':');
    if (last_colon == std::string_view::npos) return false;
    if (s.find('.', last_colon) != std::string_view::npos) {
        // An IPv4 tail stands for the last two groups.
        if (!valid_ipv4(s.substr(last_colon + 1))) return false;
        groups_needed = 6;
        const bool compressed = last_colon > 0 && s[last_colon - 1] == ':';
        s = s.substr(0, compressed ? last_colon + 1 : last_colon);
    }
    const auto gap = s.find("::");
    if (gap != std::string_view::npos && s.find("::", gap + 1) != std::string_view::npos) {
        return false;
    }
    auto count_groups = [](std::string_view part, int& count) {
        if (part.empty()) return true;
        std::size_t start = 0;
        while (true) {
            const auto colon = part.find(':', start);
            const auto g = part.substr(
                start, colon == std::string_view::npos ? part.size() - start : colon - start);
            if (g.empty() || g.size() > 4) return false;
            for (char c : g) {
                const bool hex =
                    (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
                if (!hex) return false;
            }
            ++count;
            if (colon == std::string_view::npos) return true;
            start = colon + 1;
        }
    };
    int count = 0;
    if (gap == std::string_view::npos) {
        return count_groups(s, count) && count == groups_needed;
    }
    if (!count_groups(s.substr(0, gap), count) || !count_groups(s.substr(gap + 2), count)) {
        return false;
    }
    return count < groups_needed;
}

bool is_unreserved_or_sub_delim(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    switch (c) {
        case '-':
        case '.':
        case '_':
        case '~':
        case '!':
        case '$':
        case '&':
        case '\'':
        case '(':
        case ')':
        case '*':
        case '+':
        case ',':
        case ';':
        case '=':
            return true;
        default:
            return c >= 0x80;  // Non-ASCII, as java.net.URI's "other" category.
    }
}

bool is_hex(char c) {
    return hex_digit(c) >= 0;
}

// Every character is unreserved, a sub-delimiter, one of `extra`, or a %HH escape.
bool valid_uri_chars(std::string_view s, std::string_view extra) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '%') {
            if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) return false;
            i += 2;
        } else if (!is_unreserved_or_sub_delim(c) &&
                   extra.find(static_cast<char>(c)) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}

// An absolute URI as RFC 3986 defines it (a scheme is required; a fragment may follow).
bool valid_uri(std::string_view s) {
    const auto colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    const auto scheme = s.substr(0, colon);
    if (!((scheme[0] >= 'a' && scheme[0] <= 'z') || (scheme[0] >= 'A' && scheme[0] <= 'Z'))) {
        return false;
    }
    for (char c : scheme) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
        if (!ok) return false;
    }
    std::string_view rest = s.substr(colon + 1);
    std::string_view fragment;
    const auto hash = rest.find('#');
    if (hash != std::string_view::npos) {
        fragment = rest.substr(hash + 1);
        rest = rest.substr(0, hash);
        if (!valid_uri_chars(fragment, ":@/?")) return false;
    }
    std::string_view query;
    const auto q = rest.find('?');
    if (q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
        if (!valid_uri_chars(query, ":@/?")) return false;
    }
    if (rest.substr(0, 2) == "//") {
        rest = rest.substr(2);
        const auto slash = rest.find('/');
        std::string_view authority = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
        const auto at = authority.rfind('@');
        if (at != std::string_view::npos) {
            if (!valid_uri_chars(authority.substr(0, at), ":")) return false;
            authority = authority.substr(at + 1);
        }
        std::string_view host = authority;
        if (!authority.empty() && authority.front() == '[') {
            const auto close = authority.find(']');
            if (close == std::string_view::npos) return false;
            const auto literal = authority.substr(1, close - 1);
            if (!literal.empty() && (literal.front() == 'v' || literal.front() == 'V')) {
                if (!valid_uri_chars(literal, ":")) return false;
            } else if (!valid_ipv6(literal)) {
                return false;
            }
            host = {};
            authority = authority.substr(close + 1);
            if (!authority.empty() && authority.front() != ':') return false;
        } else {
            const auto port_colon = authority.rfind(':');
            host = authority.substr(0, port_colon);
            authority = port_colon == std::string_view::npos ? std::string_view{}
                                                             : authority.substr(port_colon);
        }
        if (!valid_uri_chars(host, "")) return false;
        if (!authority.empty()) {
            const auto port = authority.substr(1);
            if (!port.empty() && !all_digits(port)) return false;
        }
    }
    return valid_uri_chars(rest, ":@/");
}

bool valid_email(std::string_view s) {
    const auto at = s.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= s.size()) return false;
    const auto local = s.substr(0, at);
    const auto domain = s.substr(at + 1);
    if (local.size() > 64 || local.front() == '.' || local.back() == '.' ||
        local.find("..") != std::string_view::npos) {
        return false;
    }
    for (char c : local) {
        const auto u = static_cast<unsigned char>(c);
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) != std::string_view::npos || u >= 0x80;
        if (!ok) return false;
    }
    if (domain.front() == '[' && domain.back() == ']') {
        const auto literal = domain.substr(1, domain.size() - 2);
        if (literal.substr(0, 5) == "IPv6:") return valid_ipv6(literal.substr(5));
        return valid_ipv4(literal);
    }
    return valid_hostname(domain);
}

enum class Format { kNone, kDateTime, kEmail, kHostname, kIpv4, kIpv6, kUri, kRegex };

Format parse_format(std::string_view name) {
    if (name == "date-time") return Format::kDateTime;
    if (name == "email") return Format::kEmail;
    if (name == "hostname") return Format::kHostname;
    if (name == "ipv4") return Format::kIpv4;
    if (name == "ipv6") return Format::kIpv6;
    if (name == "uri") return Format::kUri;
    if (name == "regex") return Format::kRegex;
    return Format::kNone;
}

bool format_ok(Format f, const std::string& s) {
    switch (f) {
        case Format::kNone:
            return true;
        case Format::kDateTime:
            return valid_date_time(s);
        case Format::kEmail:
            return valid_email(s);
        case Format::kHostname:
            return valid_hostname(s);
        case Format::kIpv4:
            return valid_ipv4(s);
        case Format::kIpv6:
            return valid_ipv6(s);
        case Format::kUri:
            return valid_uri(s);
        case Format::kRegex:
            try {
                Regex::check_syntax(s);
                return true;
            } catch (const std::invalid_argument&) {
                return false;
            }
    }
    return true;
}

// The patterns java-json-tools names in its date-time message and details.
constexpr const char* kDateTimeFormats =
    R"(["yyyy-MM-dd'T'HH:mm:ssZ","yyyy-MM-dd'T'HH:mm:ss.[0-9]{1,12}Z"])";

// java-json-tools' message for each format.
std::string format_message(Format f, const std::string& s) {
    switch (f) {
        case Format::kDateTime:
            return "string \"" + s +
                   "\" is invalid against requested date format(s) [yyyy-MM-dd'T'HH:mm:ssZ, "
                   "yyyy-MM-dd'T'HH:mm:ss.[0-9]{1,12}Z]";
        case Format::kEmail:
            return "string \"" + s + "\" is not a valid email address";
        case Format::kHostname:
            return "string \"" + s + "\" is not a valid hostname";
        case Format::kIpv4:
            return "string \"" + s + "\" is not a valid IPv4 address";
        case Format::kIpv6:
            return "string \"" + s + "\" is not a valid IPv6 address";
        case Format::kUri:
            return "string \"" + s + "\" is not a valid URI";
        case Format::kRegex:
            return "string \"" + s + "\" is not a valid ECMA 262 regular expression";
        case Format::kNone:
            break;
    }
    return {};
}

// ---------------------------------------------------------------------------------------------
// The compiled form

struct Document {
    std::string uri;          // absolute, without fragment; "" for an unnamed root
    std::string loading_uri;  // as reported: "#" for an unnamed root, else uri + "#"
    const Json* root = nullptr;
};

struct Node;

struct Property {
    std::string_view name;
    Node* schema;
};

struct PatternProperty {
    Regex regex;
    Node* schema;
};

struct Dependency {
    std::string_view name;
    const Json* required = nullptr;  // property form: the array of names
    Node* schema = nullptr;          // schema form
};

struct Node {
    const Document* doc = nullptr;
    std::string pointer;
    std::string ref_uri;  // absolute $ref, resolved after the first pass
    Node* ref = nullptr;  // when set, the only thing that applies (draft-04)
    bool has_ref = false;

    bool has_type = false;
    std::uint8_t types = 0;
    const Json* enum_values = nullptr;

    std::vector<Property> properties;  // sorted by name
    std::vector<PatternProperty> pattern_properties;
    bool additional_properties_forbidden = false;
    Node* additional_properties = nullptr;
    std::vector<std::string_view> required;  // as written
    std::vector<Dependency> dependencies;
    std::optional<std::uint64_t> min_properties;
    std::optional<std::uint64_t> max_properties;

    Node* items = nullptr;
    bool has_tuple = false;
    std::vector<Node*> tuple_items;
    bool additional_items_forbidden = false;
    Node* additional_items = nullptr;
    std::optional<std::uint64_t> min_items;
    std::optional<std::uint64_t> max_items;
    bool unique_items = false;

    const Json* minimum = nullptr;
    bool exclusive_minimum = false;
    const Json* maximum = nullptr;
    bool exclusive_maximum = false;
    const Json* multiple_of = nullptr;

    std::optional<std::uint64_t> min_length;
    std::optional<std::uint64_t> max_length;
    std::optional<Regex> pattern;
    Format format = Format::kNone;
    std::string_view format_name;

    std::vector<Node*> all_of;
    std::vector<Node*> any_of;
    std::vector<Node*> one_of;
    Node* not_schema = nullptr;

    // Whether anything applies to the members / elements of an instance.
    bool walks_members = false;
    bool walks_elements = false;

    const Node* find_property(std::string_view name) const {
        auto it =
            std::lower_bound(properties.begin(), properties.end(), name,
                             [](const Property& p, std::string_view n) { return p.name < n; });
        return it != properties.end() && it->name == name ? it->schema : nullptr;
    }
};

std::optional<std::uint64_t> non_negative(const Json& v) {
    if (!v.is_number() || !is_integral(v)) return std::nullopt;
    const long double d = as_long_double(v);
    if (d < 0) return std::nullopt;
    if (d > static_cast<long double>(std::numeric_limits<std::uint64_t>::max() / 2)) {
        return std::numeric_limits<std::uint64_t>::max() / 2;
    }
    return static_cast<std::uint64_t>(d);
}

std::string nesting_message(const Node& n) {
    return "schema applies allOf, anyOf, oneOf, not or schema dependencies more than " +
           std::to_string(kMaxApplicatorNesting) + " levels deep at " + n.doc->loading_uri +
           n.pointer;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// SchemaRegistry

void SchemaRegistry::add(std::string uri, Json document) {
    documents_[split_fragment(uri).first] = std::move(document);
}

const Json* SchemaRegistry::find(std::string_view uri) const {
    auto it = documents_.find(split_fragment(uri).first);
    return it == documents_.end() ? nullptr : &it->second;
}

std::vector<std::string> SchemaRegistry::uris() const {
    std::vector<std::string> out;
    for (const auto& entry : documents_)
        out.push_back(entry.first);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Compilation

struct JsonSchema::Impl {
    Json root_json;
    const SchemaRegistry* registry = nullptr;
    std::deque<Document> documents;
    std::map<std::string, const Document*, std::less<>> documents_by_uri;
    // Absolute URIs declared by "id" (location-independent names) -> (document, pointer).
    std::map<std::string, std::pair<const Document*, std::string>, std::less<>> ids;
    std::deque<Node> nodes;
    std::map<std::pair<const Document*, std::string>, Node*> by_location;
    std::vector<Node*> unresolved;
    Node* root = nullptr;
    // Without any $ref no node is reached twice, so nodes need not be found by location (most
    // package configs have none, and compiling them is on repo-tool's hot path).
    bool track_locations = true;
    // The members of large objects of the documents, by name (see step()).
    mutable std::map<const Json*, std::unordered_map<std::string_view, const Json*>> member_index;

    // True when a member named key appears anywhere in j.
    static bool mentions(const Json& j, std::string_view key) {
        if (j.is_object()) {
            for (auto it = j.begin(); it != j.end(); ++it) {
                if (it.key() == key || mentions(it.value(), key)) return true;
            }
        } else if (j.is_array()) {
            for (const auto& item : j) {
                if (mentions(item, key)) return true;
            }
        }
        return false;
    }

    [[noreturn]] static void fail(const std::string& message, const std::string& where) {
        throw json_decoding_error("JsonSchema", message, where);
    }

    const Document* add_document(std::string uri, const Json* json) {
        auto existing = documents_by_uri.find(uri);
        if (existing != documents_by_uri.end()) return existing->second;
        Document& doc = documents.emplace_back();
        doc.uri = std::move(uri);
        doc.loading_uri = doc.uri.empty() ? "#" : doc.uri + "#";
        doc.root = json;
        documents_by_uri.emplace(doc.uri, &doc);
        if (mentions(*json, "id")) index_ids(doc, *json, "", doc.uri);
        return &doc;
    }

    // Records the "id" of every subschema, walking the keywords that hold schemas.
    void index_ids(const Document& doc, const Json& schema, const std::string& pointer,
                   std::string base) {
        if (!schema.is_object()) return;
        auto id = schema.find("id");
        if (id != schema.end() && id->is_string()) {
            const std::string absolute = resolve_uri(base, id->get_ref<const std::string&>());
            auto [without_fragment, fragment] = split_fragment(absolute);
            if (fragment.empty()) {
                base = without_fragment;
                ids.emplace(without_fragment, std::make_pair(&doc, pointer));
            } else {
                ids.emplace(absolute, std::make_pair(&doc, pointer));
            }
        }
        for (auto it = schema.begin(); it != schema.end(); ++it) {
            const std::string& key = it.key();
            const Json& value = it.value();
            const std::string child = pointer + "/" + escape_pointer_token(key);
            if (key == "properties" || key == "patternProperties" || key == "definitions" ||
                key == "dependencies") {
                if (!value.is_object()) continue;
                for (auto m = value.begin(); m != value.end(); ++m) {
                    index_ids(doc, m.value(), child + "/" + escape_pointer_token(m.key()), base);
                }
            } else if (key == "items" || key == "allOf" || key == "anyOf" || key == "oneOf") {
                if (value.is_array()) {
                    for (std::size_t i = 0; i < value.size(); ++i) {
                        index_ids(doc, value[i], child + "/" + std::to_string(i), base);
                    }
                } else {
                    index_ids(doc, value, child, base);
                }
            } else if (key == "additionalItems" || key == "additionalProperties" || key == "not") {
                index_ids(doc, value, child, base);
            }
        }
    }

    // The base URI in force at pointer inside doc (the ids met on the way down apply).
    std::string base_at(const Document& doc, const std::vector<std::string>& tokens) const {
        std::string base = doc.uri;
        const Json* cur = doc.root;
        auto apply_id = [&](const Json& j) {
            if (!j.is_object()) return;
            // step() looks members up through the index of a large object: a "definitions" of
            // 100,000 members is an ancestor of each of them.
            const Json* id = step(j, "id");
            if (id != nullptr && id->is_string()) {
                auto [without_fragment, fragment] =
                    split_fragment(resolve_uri(base, id->get_ref<const std::string&>()));
                if (fragment.empty() || !without_fragment.empty()) base = without_fragment;
            }
        };
        // The ancestors' ids only: compile() applies the target's own.
        for (const auto& token : tokens) {
            apply_id(*cur);
            cur = step(*cur, token);
            if (cur == nullptr) break;
        }
        return base;
    }

    const Json* step(const Json& j, const std::string& token) const {
        if (j.is_object()) {
            // Objects keep their members in a vector: a $ref into a large "definitions" would
            // scan it once per reference, so large objects are indexed on first use.
            if (j.size() <= 32) {
                auto it = j.find(token);
                return it == j.end() ? nullptr : &*it;
            }
            auto& index = member_index[&j];
            if (index.empty()) {
                for (auto it = j.begin(); it != j.end(); ++it)
                    index.emplace(it.key(), &it.value());
            }
            auto found = index.find(token);
            return found == index.end() ? nullptr : found->second;
        }
        if (j.is_array() && is_index_token(token)) {
            const auto index = std::stoul(token);
            return index < j.size() ? &j[index] : nullptr;
        }
        return nullptr;
    }

    Node* node_at(const Document& doc, const std::vector<std::string>& tokens,
                  const std::string& where) {
        std::string pointer;
        const Json* cur = doc.root;
        for (const auto& token : tokens) {
            cur = step(*cur, token);
            if (cur == nullptr) fail("$ref target does not exist: " + where, where);
            pointer += "/" + escape_pointer_token(token);
        }
        auto known = by_location.find({&doc, pointer});
        if (known != by_location.end()) return known->second;
        return compile(doc, pointer, *cur, base_at(doc, tokens));
    }

    Node* resolve(const std::string& uri) {
        auto [document_uri, fragment] = split_fragment(uri);
        fragment = percent_decode(fragment);
        const Document* doc = nullptr;
        std::vector<std::string> prefix;
        if (!fragment.empty() && fragment.front() != '/') {
            // A plain-name fragment declared by an "id": "#name".
            auto named = ids.find(uri);
            if (named == ids.end()) fail("unresolvable $ref: " + uri, uri);
            auto tokens = pointer_tokens(named->second.second);
            return node_at(*named->second.first, *tokens, uri);
        }
        if (auto by_id = ids.find(document_uri); by_id != ids.end()) {
            doc = by_id->second.first;
            prefix = *pointer_tokens(by_id->second.second);
        } else if (auto loaded = documents_by_uri.find(document_uri);
                   loaded != documents_by_uri.end()) {
            doc = loaded->second;
        } else if (const Json* remote = registry ? registry->find(document_uri) : nullptr) {
            doc = add_document(document_uri, remote);
        } else {
            fail("unresolvable $ref: " + uri, uri);
        }
        auto tokens = pointer_tokens(fragment);
        if (!tokens) fail("malformed JSON pointer in $ref: " + uri, uri);
        prefix.insert(prefix.end(), tokens->begin(), tokens->end());
        return node_at(*doc, prefix, uri);
    }

    Node* child(const Document& doc, const std::string& pointer, const Json& schema,
                const std::string& base) {
        if (track_locations) {
            auto known = by_location.find({&doc, pointer});
            if (known != by_location.end()) return known->second;
        }
        return compile(doc, pointer, schema, base);
    }

    std::vector<Node*> schema_array(const Document& doc, const std::string& pointer,
                                    const Json& array, const std::string& base) {
        std::vector<Node*> out;
        for (std::size_t i = 0; i < array.size(); ++i) {
            out.push_back(child(doc, pointer + "/" + std::to_string(i), array[i], base));
        }
        return out;
    }

    Node* compile(const Document& doc, const std::string& pointer, const Json& s,
                  std::string base) {
        if (!s.is_object()) {
            const std::string where = doc.loading_uri + pointer;
            fail("schema is not an object at " + where, where);
        }
        Node& n = nodes.emplace_back();
        n.doc = &doc;
        n.pointer = pointer;
        if (track_locations) by_location.emplace(std::make_pair(&doc, pointer), &n);

        if (auto id = s.find("id"); id != s.end() && id->is_string()) {
            auto [without_fragment, fragment] =
                split_fragment(resolve_uri(base, id->get_ref<const std::string&>()));
            if (fragment.empty() || !without_fragment.empty()) base = without_fragment;
        }
        if (auto ref = s.find("$ref"); ref != s.end() && ref->is_string()) {
            n.has_ref = true;
            n.ref_uri = resolve_uri(base, ref->get_ref<const std::string&>());
            unresolved.push_back(&n);
            return &n;
        }

        auto at = [&](std::string_view key) { return pointer + "/" + std::string(key); };
        // The keywords handled below. Annotations (description, default, title, ...) are most
        // members of a config schema; they are skipped at once instead of being compared with
        // every keyword.
        static const std::unordered_set<std::string_view> kKeywords = {"type",
                                                                       "enum",
                                                                       "properties",
                                                                       "patternProperties",
                                                                       "additionalProperties",
                                                                       "required",
                                                                       "dependencies",
                                                                       "minProperties",
                                                                       "maxProperties",
                                                                       "items",
                                                                       "additionalItems",
                                                                       "minItems",
                                                                       "maxItems",
                                                                       "uniqueItems",
                                                                       "minimum",
                                                                       "maximum",
                                                                       "exclusiveMinimum",
                                                                       "exclusiveMaximum",
                                                                       "multipleOf",
                                                                       "minLength",
                                                                       "maxLength",
                                                                       "pattern",
                                                                       "format",
                                                                       "allOf",
                                                                       "anyOf",
                                                                       "oneOf",
                                                                       "not"};
        for (auto it = s.begin(); it != s.end(); ++it) {
            const std::string& key = it.key();
            if (kKeywords.count(key) == 0) continue;
            const Json& v = it.value();
            if (key == "type") {
                auto add_type = [&n](const Json& name) {
                    if (!name.is_string()) return;
                    for (const auto& [type_name, bit] : kTypeNames) {
                        if (name.get_ref<const std::string&>() == type_name) n.types |= bit;
                    }
                };
                if (v.is_string()) {
                    n.has_type = true;
                    add_type(v);
                } else if (v.is_array()) {
                    n.has_type = true;
                    for (const auto& t : v)
                        add_type(t);
                }
            } else if (key == "enum") {
                if (v.is_array()) n.enum_values = &v;
            } else if (key == "properties") {
                if (!v.is_object()) continue;
                for (auto m = v.begin(); m != v.end(); ++m) {
                    n.properties.push_back(
                        {m.key(), child(doc, at(key) + "/" + escape_pointer_token(m.key()),
                                        m.value(), base)});
                }
                std::sort(n.properties.begin(), n.properties.end(),
                          [](const Property& a, const Property& b) { return a.name < b.name; });
            } else if (key == "patternProperties") {
                if (!v.is_object()) continue;
                for (auto m = v.begin(); m != v.end(); ++m) {
                    n.pattern_properties.push_back(
                        {compile_regex(m.key(), doc.loading_uri + pointer),
                         child(doc, at(key) + "/" + escape_pointer_token(m.key()), m.value(),
                               base)});
                }
            } else if (key == "additionalProperties") {
                if (v.is_boolean()) {
                    n.additional_properties_forbidden = !v.get<bool>();
                } else {
                    n.additional_properties = child(doc, at(key), v, base);
                }
            } else if (key == "required") {
                if (!v.is_array()) continue;
                for (const auto& name : v) {
                    if (name.is_string()) n.required.push_back(name.get_ref<const std::string&>());
                }
            } else if (key == "dependencies") {
                if (!v.is_object()) continue;
                for (auto m = v.begin(); m != v.end(); ++m) {
                    Dependency dep;
                    dep.name = m.key();
                    if (m.value().is_array()) {
                        dep.required = &m.value();
                    } else {
                        dep.schema = child(doc, at(key) + "/" + escape_pointer_token(m.key()),
                                           m.value(), base);
                    }
                    n.dependencies.push_back(dep);
                }
            } else if (key == "minProperties") {
                n.min_properties = non_negative(v);
            } else if (key == "maxProperties") {
                n.max_properties = non_negative(v);
            } else if (key == "items") {
                if (v.is_array()) {
                    n.has_tuple = true;
                    n.tuple_items = schema_array(doc, at(key), v, base);
                } else {
                    n.items = child(doc, at(key), v, base);
                }
            } else if (key == "additionalItems") {
                if (v.is_boolean()) {
                    n.additional_items_forbidden = !v.get<bool>();
                } else {
                    n.additional_items = child(doc, at(key), v, base);
                }
            } else if (key == "minItems") {
                n.min_items = non_negative(v);
            } else if (key == "maxItems") {
                n.max_items = non_negative(v);
            } else if (key == "uniqueItems") {
                n.unique_items = v.is_boolean() && v.get<bool>();
            } else if (key == "minimum") {
                if (v.is_number()) n.minimum = &v;
            } else if (key == "maximum") {
                if (v.is_number()) n.maximum = &v;
            } else if (key == "exclusiveMinimum") {
                n.exclusive_minimum = v.is_boolean() && v.get<bool>();
            } else if (key == "exclusiveMaximum") {
                n.exclusive_maximum = v.is_boolean() && v.get<bool>();
            } else if (key == "multipleOf") {
                if (v.is_number() && as_long_double(v) > 0) n.multiple_of = &v;
            } else if (key == "minLength") {
                n.min_length = non_negative(v);
            } else if (key == "maxLength") {
                n.max_length = non_negative(v);
            } else if (key == "pattern") {
                if (v.is_string())
                    n.pattern =
                        compile_regex(v.get_ref<const std::string&>(), doc.loading_uri + pointer);
            } else if (key == "format") {
                if (v.is_string()) {
                    n.format = parse_format(v.get_ref<const std::string&>());
                    n.format_name = v.get_ref<const std::string&>();
                }
            } else if (key == "allOf" || key == "anyOf" || key == "oneOf") {
                if (!v.is_array()) continue;
                auto branches = schema_array(doc, at(key), v, base);
                (key == "allOf"   ? n.all_of
                 : key == "anyOf" ? n.any_of
                                  : n.one_of) = std::move(branches);
            } else if (key == "not") {
                n.not_schema = child(doc, at(key), v, base);
            }
        }
        n.walks_members = !n.properties.empty() || !n.pattern_properties.empty() ||
                          n.additional_properties != nullptr;
        n.walks_elements = n.items != nullptr || !n.tuple_items.empty() ||
                           (n.has_tuple && n.additional_items != nullptr);
        return &n;
    }

    static Regex compile_regex(const std::string& pattern, const std::string& where) {
        try {
            return Regex::compile(pattern);
        } catch (const std::invalid_argument& e) {
            fail(std::string(e.what()) + " (in " + where + ")", where);
        }
    }

    void resolve_all() {
        while (!unresolved.empty()) {
            Node* n = unresolved.back();
            unresolved.pop_back();
            n->ref = resolve(n->ref_uri);
        }
        // Collapse chains of $ref so that validation takes one hop.
        for (Node& n : nodes) {
            if (!n.has_ref) continue;
            Node* target = n.ref;
            std::size_t hops = 0;
            while (target->has_ref) {
                target = target->ref;
                if (++hops > nodes.size()) {
                    fail("circular $ref at " + n.doc->loading_uri + n.pointer, n.ref_uri);
                }
            }
            n.ref = target;
        }
        check_loops();
    }

    // A schema that reaches itself without moving into the instance (through $ref, allOf, anyOf,
    // oneOf, not or a schema dependency) would never finish validating. One that applies
    // subschemas more than kMaxApplicatorNesting deep is refused here rather than while
    // validating: the height of each node (its longest chain of applicators) is computed once,
    // and the walk stops as soon as a chain is too long, so it never recurses deeper than that.
    void check_loops() {
        constexpr std::size_t kOnPath = std::numeric_limits<std::size_t>::max();
        std::map<const Node*, std::size_t> height;  // kOnPath while being visited
        auto visit = [&](auto&& self, const Node* n, std::size_t depth) -> std::size_t {
            if (auto known = height.find(n); known != height.end()) {
                if (known->second == kOnPath)
                    fail("schema refers to itself without consuming the instance at " +
                             n->doc->loading_uri + n->pointer,
                         n->pointer);
                return known->second;
            }
            if (depth > kMaxApplicatorNesting) fail(nesting_message(*n), n->pointer);
            height[n] = kOnPath;
            std::size_t h = 0;
            auto next = [&](const Node* m) {
                if (m) h = std::max(h, 1 + self(self, m, depth + 1));
            };
            if (n->has_ref) {
                h = self(self, n->ref, depth);
            } else {
                for (auto* m : n->all_of)
                    next(m);
                for (auto* m : n->any_of)
                    next(m);
                for (auto* m : n->one_of)
                    next(m);
                next(n->not_schema);
                for (const auto& d : n->dependencies)
                    next(d.schema);
            }
            if (h > kMaxApplicatorNesting) fail(nesting_message(*n), n->pointer);
            height[n] = h;
            return h;
        };
        for (const Node& n : nodes)
            visit(visit, &n, 0);
    }
};

// ---------------------------------------------------------------------------------------------
// Validation

namespace {

const Node& target(const Node& n) {
    return n.ref ? *n.ref : n;
}

bool type_ok(const Node& n, const Json& v) {
    return !n.has_type || (n.types & type_bits(v)) != 0;
}

bool enum_ok(const Node& n, const Json& v) {
    if (n.enum_values == nullptr) return true;
    return std::any_of(n.enum_values->begin(), n.enum_values->end(),
                       [&v](const Json& e) { return json_equal(e, v); });
}

// Objects keep their members in a vector; a scan avoids building a key string per lookup.
bool has_member(const Json& object, std::string_view name) {
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key() == name) return true;
    }
    return false;
}

bool member_known(const Node& n, const std::string& name) {
    if (n.find_property(name) != nullptr) return true;
    return std::any_of(n.pattern_properties.begin(), n.pattern_properties.end(),
                       [&name](const PatternProperty& p) { return p.regex.search(name); });
}

bool unique(const Json& array) {
    for (std::size_t i = 0; i < array.size(); ++i) {
        for (std::size_t j = i + 1; j < array.size(); ++j) {
            if (json_equal(array[i], array[j])) return false;
        }
    }
    return true;
}

// The bounds of one validation (kMaxApplicatorNesting, kMaxValidationSteps).
struct Walk {
    std::size_t steps = 0;

    // Counts a visit of n reached through `nesting` applicators; throws past either bound.
    void visit(const Node& n, std::size_t nesting) {
        if (nesting > kMaxApplicatorNesting) {
            throw json_decoding_error("JsonSchema", nesting_message(n), n.pointer);
        }
        if (++steps > kMaxValidationSteps) {
            throw json_decoding_error(
                "JsonSchema",
                "validation takes more than " + std::to_string(kMaxValidationSteps) + " steps at " +
                    n.doc->loading_uri + n.pointer +
                    " (the schema reaches the same subschemas through too many paths)",
                n.pointer);
        }
    }
};

bool is_valid_node(const Node& node, const Json& v, Walk& walk, std::size_t nesting);

bool object_ok(const Node& n, const Json& v, Walk& walk, std::size_t nesting) {
    const std::size_t size = v.size();
    if (n.min_properties && size < *n.min_properties) return false;
    if (n.max_properties && size > *n.max_properties) return false;
    for (auto name : n.required) {
        if (!has_member(v, name)) return false;
    }
    for (const auto& dep : n.dependencies) {
        if (!has_member(v, dep.name)) continue;
        if (dep.required) {
            for (const auto& other : *dep.required) {
                if (other.is_string() && !has_member(v, other.get_ref<const std::string&>())) {
                    return false;
                }
            }
        } else if (!is_valid_node(*dep.schema, v, walk, nesting + 1)) {
            return false;
        }
    }
    if (!n.walks_members && !n.additional_properties_forbidden) return true;
    for (auto it = v.begin(); it != v.end(); ++it) {
        const std::string& key = it.key();
        bool matched = false;
        if (const Node* p = n.find_property(key)) {
            matched = true;
            if (!is_valid_node(*p, it.value(), walk, nesting)) return false;
        }
        for (const auto& pp : n.pattern_properties) {
            if (pp.regex.search(key)) {
                matched = true;
                if (!is_valid_node(*pp.schema, it.value(), walk, nesting)) return false;
            }
        }
        if (!matched) {
            if (n.additional_properties_forbidden) return false;
            if (n.additional_properties &&
                !is_valid_node(*n.additional_properties, it.value(), walk, nesting)) {
                return false;
            }
        }
    }
    return true;
}

bool array_ok(const Node& n, const Json& v, Walk& walk, std::size_t nesting) {
    const std::size_t size = v.size();
    if (n.min_items && size < *n.min_items) return false;
    if (n.max_items && size > *n.max_items) return false;
    if (n.has_tuple && n.additional_items_forbidden && size > n.tuple_items.size()) return false;
    if (n.unique_items && !unique(v)) return false;
    if (!n.walks_elements) return true;
    for (std::size_t i = 0; i < size; ++i) {
        const Node* s = nullptr;
        if (!n.has_tuple) {
            s = n.items;
        } else if (i < n.tuple_items.size()) {
            s = n.tuple_items[i];
        } else {
            s = n.additional_items;
        }
        if (s && !is_valid_node(*s, v[i], walk, nesting)) return false;
    }
    return true;
}

bool number_ok(const Node& n, const Json& v) {
    if (n.minimum) {
        const int c = compare_numbers(v, *n.minimum);
        if (c < 0 || (c == 0 && n.exclusive_minimum)) return false;
    }
    if (n.maximum) {
        const int c = compare_numbers(v, *n.maximum);
        if (c > 0 || (c == 0 && n.exclusive_maximum)) return false;
    }
    return !n.multiple_of || is_multiple_of(v, *n.multiple_of);
}

bool string_ok(const Node& n, const Json& v) {
    const auto& s = v.get_ref<const std::string&>();
    if (n.min_length || n.max_length) {
        const std::size_t len = code_points(s);
        if (n.min_length && len < *n.min_length) return false;
        if (n.max_length && len > *n.max_length) return false;
    }
    if (n.pattern && !n.pattern->search(s)) return false;
    return format_ok(n.format, s);
}

bool is_valid_node(const Node& node, const Json& v, Walk& walk, std::size_t nesting) {
    const Node& n = target(node);
    walk.visit(n, nesting);
    if (!type_ok(n, v) || !enum_ok(n, v)) return false;
    switch (v.type()) {
        case Json::value_t::object:
            if (!object_ok(n, v, walk, nesting)) return false;
            break;
        case Json::value_t::array:
            if (!array_ok(n, v, walk, nesting)) return false;
            break;
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
        case Json::value_t::number_float:
            if (!number_ok(n, v)) return false;
            break;
        case Json::value_t::string:
            if (!string_ok(n, v)) return false;
            break;
        default:
            break;
    }
    auto applies = [&](const Node* s) { return is_valid_node(*s, v, walk, nesting + 1); };
    if (!std::all_of(n.all_of.begin(), n.all_of.end(), applies)) return false;
    if (!n.any_of.empty() && std::none_of(n.any_of.begin(), n.any_of.end(), applies)) {
        return false;
    }
    if (!n.one_of.empty()) {
        int matched = 0;
        for (const Node* s : n.one_of) {
            if (applies(s) && ++matched > 1) return false;
        }
        if (matched != 1) return false;
    }
    return !(n.not_schema && applies(n.not_schema));
}

Json string_array(const std::vector<std::string_view>& names) {
    Json out = Json::array();
    for (auto n : names)
        out.push_back(std::string(n));
    return out;
}

// Collects every violation, in the report format of java-json-tools 2.2 (keywords of a schema
// in alphabetical order, then the members or elements of the instance).
class Collector {
public:
    explicit Collector(std::vector<SchemaViolation>& out) : out_(&out) {}

    void run(const Node& node, const Json& v) {
        const Node& n = target(node);
        walk_.visit(n, nesting_);
        keywords(n, v);
        if (v.is_object() && n.walks_members) {
            for (auto it = v.begin(); it != v.end(); ++it) {
                path_.push_back({&it.key(), 0});
                bool matched = false;
                if (const Node* p = n.find_property(it.key())) {
                    matched = true;
                    run(*p, it.value());
                }
                for (const auto& pp : n.pattern_properties) {
                    if (pp.regex.search(it.key())) {
                        matched = true;
                        run(*pp.schema, it.value());
                    }
                }
                if (!matched && n.additional_properties) run(*n.additional_properties, it.value());
                path_.pop_back();
            }
        } else if (v.is_array() && n.walks_elements) {
            for (std::size_t i = 0; i < v.size(); ++i) {
                const Node* s = !n.has_tuple               ? n.items
                                : i < n.tuple_items.size() ? n.tuple_items[i]
                                                           : n.additional_items;
                if (s == nullptr) continue;
                path_.push_back({nullptr, i});
                run(*s, v[i]);
                path_.pop_back();
            }
        }
    }

private:
    struct Step {
        const std::string* key;  // null for an array index
        std::size_t index;
    };

    std::string instance_pointer() const {
        std::string out;
        for (const auto& s : path_) {
            out += '/';
            out += s.key ? escape_pointer_token(*s.key) : std::to_string(s.index);
        }
        return out;
    }

    void report(const Node& n, std::string_view keyword, std::string message,
                Json details = Json::object()) {
        if (++violations_ > kMaxViolations) {
            throw json_decoding_error("JsonSchema",
                                      "validation reports more than " +
                                          std::to_string(kMaxViolations) + " violations at " +
                                          n.doc->loading_uri + n.pointer,
                                      n.pointer);
        }
        out_->push_back(SchemaViolation{instance_pointer(), n.pointer, n.doc->loading_uri,
                                        std::string(keyword), std::move(message),
                                        std::move(details)});
    }

    // {"<branch pointer>": [violations...], ...} for allOf / anyOf / oneOf.
    Json branch_reports(const std::vector<Node*>& branches, const Json& v) {
        Json reports = Json::object();
        for (const Node* b : branches) {
            std::vector<SchemaViolation> nested;
            std::vector<SchemaViolation>* saved = out_;
            out_ = &nested;
            apply(*b, v);
            out_ = saved;
            Json list = Json::array();
            for (const auto& violation : nested)
                list.push_back(to_cosmos_error(violation));
            reports[b->pointer] = std::move(list);
        }
        return reports;
    }

    void keywords(const Node& n, const Json& v) {
        const bool is_object = v.is_object();
        const bool is_array = v.is_array();
        const bool is_number = v.is_number();
        const bool is_string = v.is_string();

        if (is_array && n.has_tuple && n.additional_items_forbidden &&
            v.size() > n.tuple_items.size()) {
            report(n, "additionalItems",
                   "schema only allows " + std::to_string(n.tuple_items.size()) +
                       " elements in array but instance has " + std::to_string(v.size()) +
                       " elements",
                   Json{{"allowed", n.tuple_items.size()}, {"found", v.size()}});
        }
        if (is_object && n.additional_properties_forbidden) {
            std::vector<std::string> unwanted;
            for (auto it = v.begin(); it != v.end(); ++it) {
                if (!member_known(n, it.key())) unwanted.push_back(it.key());
            }
            if (!unwanted.empty()) {
                std::sort(unwanted.begin(), unwanted.end());
                Json list = Json::array();
                for (auto& u : unwanted)
                    list.push_back(std::move(u));
                report(n, "additionalProperties",
                       "object instance has properties which are not allowed by the schema: " +
                           to_compact(list),
                       Json{{"unwanted", list}});
            }
        }
        if (!n.all_of.empty()) {
            std::size_t matched = 0;
            for (const Node* s : n.all_of)
                matched += applies(*s, v) ? 1 : 0;
            if (matched != n.all_of.size()) {
                report(n, "allOf",
                       "instance failed to match all required schemas (matched only " +
                           std::to_string(matched) + " out of " + std::to_string(n.all_of.size()) +
                           ")",
                       Json{{"matched", matched},
                            {"nrSchemas", n.all_of.size()},
                            {"reports", branch_reports(n.all_of, v)}});
            }
        }
        if (!n.any_of.empty() && std::none_of(n.any_of.begin(), n.any_of.end(),
                                              [&](const Node* s) { return applies(*s, v); })) {
            report(n, "anyOf",
                   "instance failed to match at least one required schema among " +
                       std::to_string(n.any_of.size()),
                   Json{{"nrSchemas", n.any_of.size()}, {"reports", branch_reports(n.any_of, v)}});
        }
        if (is_object) {
            for (const auto& dep : n.dependencies) {
                if (!has_member(v, dep.name)) continue;
                if (dep.schema) {
                    apply(*dep.schema, v);
                    continue;
                }
                Json missing = Json::array();
                for (const auto& other : *dep.required) {
                    if (other.is_string() && !has_member(v, other.get_ref<const std::string&>())) {
                        missing.push_back(other);
                    }
                }
                if (!missing.empty()) {
                    report(n, "dependencies",
                           "property \"" + std::string(dep.name) +
                               "\" of object has missing property dependencies (schema requires " +
                               to_compact(*dep.required) + "; missing: " + to_compact(missing) +
                               ")",
                           Json{{"property", dep.name},
                                {"required", *dep.required},
                                {"missing", missing}});
                }
            }
        }
        if (!enum_ok(n, v)) {
            report(n, "enum",
                   "instance value (" + to_compact(v) +
                       ") not found in enum (possible values: " + to_compact(*n.enum_values) + ")",
                   Json{{"value", v}, {"enum", *n.enum_values}});
        }
        if (is_string && !format_ok(n.format, v.get_ref<const std::string&>())) {
            Json details{{"attribute", n.format_name}, {"value", v}};
            if (n.format == Format::kDateTime) details["expected"] = Json::parse(kDateTimeFormats);
            report(n, "format", format_message(n.format, v.get_ref<const std::string&>()),
                   std::move(details));
        }
        if (is_array && n.max_items && v.size() > *n.max_items) {
            report(n, "maxItems",
                   "array is too long: must have at most " + std::to_string(*n.max_items) +
                       " elements but instance has " + std::to_string(v.size()) + " elements",
                   Json{{"found", v.size()}, {"maxItems", *n.max_items}});
        }
        std::size_t length = 0;
        if (is_string && (n.min_length || n.max_length)) {
            length = code_points(v.get_ref<const std::string&>());
        }
        if (is_string && n.max_length && length > *n.max_length) {
            report(n, "maxLength",
                   "string \"" + v.get<std::string>() +
                       "\" is too long (length: " + std::to_string(length) +
                       ", maximum allowed: " + std::to_string(*n.max_length) + ")",
                   Json{{"value", v}, {"found", length}, {"maxLength", *n.max_length}});
        }
        if (is_object && n.max_properties && v.size() > *n.max_properties) {
            report(n, "maxProperties",
                   "object has too many properties (found " + std::to_string(v.size()) +
                       " but schema requires at most " + std::to_string(*n.max_properties) + ")",
                   Json{{"found", v.size()}, {"required", *n.max_properties}});
        }
        if (is_number && n.maximum) {
            const int c = compare_numbers(v, *n.maximum);
            if (c > 0) {
                report(n, "maximum",
                       "numeric instance is greater than the required maximum (maximum: " +
                           number_text(*n.maximum) + ", found: " + number_text(v) + ")",
                       Json{{"maximum", *n.maximum}, {"found", v}});
            } else if (c == 0 && n.exclusive_maximum) {
                report(n, "maximum",
                       "numeric instance is not strictly lower than the required maximum " +
                           number_text(*n.maximum),
                       Json{{"maximum", *n.maximum}, {"exclusiveMaximum", true}});
            }
        }
        if (is_array && n.min_items && v.size() < *n.min_items) {
            report(n, "minItems",
                   "array is too short: must have at least " + std::to_string(*n.min_items) +
                       " elements but instance has " + std::to_string(v.size()) + " elements",
                   Json{{"found", v.size()}, {"minItems", *n.min_items}});
        }
        if (is_string && n.min_length && length < *n.min_length) {
            report(n, "minLength",
                   "string \"" + v.get<std::string>() +
                       "\" is too short (length: " + std::to_string(length) +
                       ", required minimum: " + std::to_string(*n.min_length) + ")",
                   Json{{"value", v}, {"found", length}, {"minLength", *n.min_length}});
        }
        if (is_object && n.min_properties && v.size() < *n.min_properties) {
            report(n, "minProperties",
                   "object has too few properties (found " + std::to_string(v.size()) +
                       " but schema requires at least " + std::to_string(*n.min_properties) + ")",
                   Json{{"found", v.size()}, {"required", *n.min_properties}});
        }
        if (is_number && n.minimum) {
            const int c = compare_numbers(v, *n.minimum);
            if (c < 0) {
                report(n, "minimum",
                       "numeric instance is lower than the required minimum (minimum: " +
                           number_text(*n.minimum) + ", found: " + number_text(v) + ")",
                       Json{{"minimum", *n.minimum}, {"found", v}});
            } else if (c == 0 && n.exclusive_minimum) {
                report(n, "minimum",
                       "numeric instance is not strictly greater than the required minimum " +
                           number_text(*n.minimum),
                       Json{{"minimum", *n.minimum}, {"exclusiveMinimum", true}});
            }
        }
        if (is_number && n.multiple_of && !is_multiple_of(v, *n.multiple_of)) {
            report(n, "multipleOf",
                   "remainder of division is not zero (" + number_text(v) + " / " +
                       number_text(*n.multiple_of) + ")",
                   Json{{"value", v}, {"divisor", *n.multiple_of}});
        }
        if (n.not_schema && applies(*n.not_schema, v)) {
            report(n, "not", "instance matched a schema which it should not have");
        }
        if (!n.one_of.empty()) {
            std::size_t matched = 0;
            for (const Node* s : n.one_of)
                matched += applies(*s, v) ? 1 : 0;
            if (matched != 1) {
                report(n, "oneOf",
                       "instance failed to match exactly one schema (matched " +
                           std::to_string(matched) + " out of " + std::to_string(n.one_of.size()) +
                           ")",
                       Json{{"matched", matched},
                            {"nrSchemas", n.one_of.size()},
                            {"reports", branch_reports(n.one_of, v)}});
            }
        }
        if (is_string && n.pattern && !n.pattern->search(v.get_ref<const std::string&>())) {
            report(n, "pattern",
                   "ECMA 262 regex \"" + n.pattern->pattern() +
                       "\" does not match input string \"" + v.get<std::string>() + "\"",
                   Json{{"regex", n.pattern->pattern()}, {"string", v}});
        }
        if (is_object && !n.required.empty()) {
            std::vector<std::string_view> sorted = n.required;
            std::sort(sorted.begin(), sorted.end());
            sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
            std::vector<std::string_view> missing;
            for (auto name : sorted) {
                if (!has_member(v, name)) missing.push_back(name);
            }
            if (!missing.empty()) {
                Json missing_json = string_array(missing);
                report(n, "required",
                       "object has missing required properties (" + to_compact(missing_json) + ")",
                       Json{{"required", string_array(sorted)}, {"missing", missing_json}});
            }
        }
        if (!type_ok(n, v)) {
            Json expected = Json::array();
            std::uint8_t allowed = n.types;
            // java-json-tools lists "integer" whenever "number" is allowed.
            if (allowed & kNumberBit) allowed |= kIntegerBit;
            for (const auto& [name, bit] : kTypeNames) {
                if (allowed & bit) expected.push_back(name);
            }
            const std::string found(json_type_name(v));
            report(n, "type",
                   "instance type (" + found +
                       ") does not match any allowed primitive type (allowed: " +
                       to_compact(expected) + ")",
                   Json{{"found", found}, {"expected", expected}});
        }
        if (is_array && n.unique_items && !unique(v)) {
            report(n, "uniqueItems", "array must not contain duplicate elements");
        }
    }

    // An applicator's subschema, on the same instance one nesting level deeper.
    bool applies(const Node& s, const Json& v) { return is_valid_node(s, v, walk_, nesting_ + 1); }
    void apply(const Node& s, const Json& v) {
        ++nesting_;
        run(s, v);
        --nesting_;
    }

    std::vector<SchemaViolation>* out_;
    std::vector<Step> path_;
    Walk walk_;
    std::size_t nesting_ = 0;
    std::size_t violations_ = 0;  // including those inside branch reports
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// JsonSchema

JsonSchema::JsonSchema(Json schema, std::string base_uri, const SchemaRegistry* registry)
    : impl_(std::make_unique<Impl>()) {
    impl_->root_json = std::move(schema);
    impl_->registry = registry;
    impl_->track_locations = registry != nullptr || Impl::mentions(impl_->root_json, "$ref");
    const Document* doc = impl_->add_document(split_fragment(base_uri).first, &impl_->root_json);
    impl_->root = impl_->compile(*doc, "", impl_->root_json, doc->uri);
    impl_->resolve_all();
}

JsonSchema::~JsonSchema() = default;
JsonSchema::JsonSchema(JsonSchema&&) noexcept = default;
JsonSchema& JsonSchema::operator=(JsonSchema&&) noexcept = default;

std::vector<SchemaViolation> JsonSchema::validate(const Json& instance) const {
    std::vector<SchemaViolation> out;
    // The fast check first: valid documents (the common case) never pay for reporting.
    Walk walk;
    if (is_valid_node(*impl_->root, instance, walk, 0)) return out;
    Collector(out).run(*impl_->root, instance);
    return out;
}

bool JsonSchema::is_valid(const Json& instance) const {
    Walk walk;
    return is_valid_node(*impl_->root, instance, walk, 0);
}

Json to_cosmos_error(const SchemaViolation& violation) {
    Json out = Json::object();
    out["level"] = "error";
    out["schema"] =
        Json{{"loadingURI", violation.schema_uri}, {"pointer", violation.schema_pointer}};
    out["instance"] = Json{{"pointer", violation.instance_pointer}};
    out["domain"] = "validation";
    out["keyword"] = violation.keyword;
    out["message"] = violation.message;
    if (violation.details.is_object()) {
        for (auto it = violation.details.begin(); it != violation.details.end(); ++it) {
            out[it.key()] = it.value();
        }
    }
    return out;
}

}  // namespace cosmos::core
