#include "cosmos/core/version.h"

#include <cctype>
#include <variant>

namespace cosmos::core {

namespace {

bool parse_number(std::string_view part, std::uint64_t& out) {
    if (part.empty() || part.size() > 19) return false;
    if (part.size() > 1 && part[0] == '0') return false;
    std::uint64_t v = 0;
    for (char c : part) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    out = v;
    return true;
}

bool valid_suffix(std::string_view suffix) {
    // Dot-separated parts, each "0", a number without leading zero, or an identifier containing
    // at least one letter or hyphen.
    if (suffix.empty()) return false;
    std::size_t start = 0;
    while (start <= suffix.size()) {
        std::size_t dot = suffix.find('.', start);
        std::string_view part = suffix.substr(
            start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (part.empty()) return false;
        bool has_alpha = false;
        for (char c : part) {
            if (std::isalpha(static_cast<unsigned char>(c)) || c == '-') {
                has_alpha = true;
            } else if (!std::isdigit(static_cast<unsigned char>(c))) {
                return false;
            }
        }
        if (!has_alpha && part.size() > 1 && part[0] == '0') return false;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return true;
}

using LoosePart = std::variant<std::uint64_t, std::string>;

std::vector<LoosePart> loose_parts(std::string_view s) {
    std::vector<LoosePart> parts;
    std::size_t i = 0;
    while (i < s.size()) {
        if (std::isdigit(static_cast<unsigned char>(s[i]))) {
            std::uint64_t v = 0;
            while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
                v = v * 10 + static_cast<std::uint64_t>(s[i] - '0');
                ++i;
            }
            parts.emplace_back(v);
        } else if (s[i] == '.') {
            ++i;
        } else {
            std::string run;
            while (i < s.size() && s[i] != '.' && !std::isdigit(static_cast<unsigned char>(s[i]))) {
                run.push_back(s[i]);
                ++i;
            }
            parts.emplace_back(run);
        }
    }
    return parts;
}

}  // namespace

std::optional<ReleaseVersion> parse_release_version(std::string_view text) {
    if (text.empty() || text.size() > 18) return std::nullopt;
    ReleaseVersion v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<ReleaseVersion>(c - '0');
    }
    return v;
}

std::optional<DcosReleaseVersion> DcosReleaseVersion::parse(std::string_view text) {
    DcosReleaseVersion v;
    std::string_view numbers = text;
    if (auto dash = text.find('-'); dash != std::string_view::npos) {
        std::string_view suffix = text.substr(dash + 1);
        if (!valid_suffix(suffix)) return std::nullopt;
        v.suffix_ = std::string(suffix);
        numbers = text.substr(0, dash);
    }
    std::size_t start = 0;
    while (true) {
        std::size_t dot = numbers.find('.', start);
        std::string_view part = numbers.substr(
            start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        std::uint64_t n = 0;
        if (!parse_number(part, n)) return std::nullopt;
        v.components_.push_back(n);
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return v;
}

std::string DcosReleaseVersion::str() const {
    std::string out;
    for (std::size_t i = 0; i < components_.size(); ++i) {
        if (i > 0) out.push_back('.');
        out += std::to_string(components_[i]);
    }
    if (suffix_) out += "-" + *suffix_;
    return out;
}

std::strong_ordering DcosReleaseVersion::operator<=>(const DcosReleaseVersion& other) const {
    // std::vector's lexicographic order makes a proper prefix the lower one ("1.9" < "1.9.0").
    if (auto c = components_ <=> other.components_; c != 0) return c;
    if (suffix_.has_value() != other.suffix_.has_value()) {
        return suffix_.has_value() ? std::strong_ordering::less : std::strong_ordering::greater;
    }
    if (!suffix_) return std::strong_ordering::equal;
    return *suffix_ <=> *other.suffix_;
}

int loose_version_compare(std::string_view a, std::string_view b) {
    auto pa = loose_parts(a);
    auto pb = loose_parts(b);
    std::size_t n = std::min(pa.size(), pb.size());
    for (std::size_t i = 0; i < n; ++i) {
        const auto& x = pa[i];
        const auto& y = pb[i];
        if (x.index() == y.index()) {
            if (x < y) return -1;
            if (y < x) return 1;
            continue;
        }
        // Python 2 ordered int before str; Python 3 raises. Numbers first keeps it total.
        return x.index() == 0 ? -1 : 1;
    }
    if (pa.size() == pb.size()) return 0;
    return pa.size() < pb.size() ? -1 : 1;
}

}  // namespace cosmos::core
