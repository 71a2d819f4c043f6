#include "cosmos/http/media_types.h"

#include <algorithm>
#include <string_view>

namespace cosmos::http {

namespace {

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
        if (core::java_trim(piece).empty()) continue;
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
        kRollbackRequestType,
        kRollbackResponseType,
    };
    return kAll;
}

}  // namespace cosmos::http
