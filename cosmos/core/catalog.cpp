#include "cosmos/core/catalog.h"

#include <algorithm>
#include <map>

#include "cosmos/core/error.h"

namespace cosmos::core {

namespace {

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool contains_ci(std::string_view haystack, const std::string& lowered_needle) {
    return ascii_lower(haystack).find(lowered_needle) != std::string::npos;
}

// Java's Pattern "." stops at \n, \r, U+0085, U+2028 and U+2029.
std::size_t line_terminator_length(std::string_view text, std::size_t i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n' || c == '\r') return 1;
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x85) {
        return 2;
    }
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) == 0xA8 ||
         static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
        return 3;
    }
    return 0;
}

bool entry_order(const CatalogEntry& a, const CatalogEntry& b) {
    if (a.package->name != b.package->name) return a.package->name < b.package->name;
    if (a.repository_index != b.repository_index) return a.repository_index < b.repository_index;
    return a.package->release_version > b.package->release_version;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
    // Iterative wildcard matching with one backtrack point; "*" may not consume a line end.
    std::size_t p = 0;
    std::size_t t = 0;
    std::size_t star = std::string_view::npos;
    std::size_t star_t = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            star_t = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            if (line_terminator_length(text, star_t) > 0) return false;
            p = star + 1;
            t = ++star_t;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

Catalog::Catalog(std::vector<std::shared_ptr<const RepositoryContent>> repositories)
    : repositories_(std::move(repositories)) {
    std::vector<CatalogEntry> all;
    for (std::size_t i = 0; i < repositories_.size(); ++i) {
        for (const auto& p : repositories_[i]->packages) {
            all.push_back({&p, i, &repositories_[i]->uri, &repositories_[i]->name});
            if (p.resource) {
                for (auto& url : resource_urls(*p.resource))
                    allowed_urls_.insert(std::move(url));
            }
        }
    }
    std::stable_sort(all.begin(), all.end(), entry_order);
    // After sorting, the first entry of each (name, version) is the winner.
    std::map<std::pair<std::string_view, std::string_view>, bool> seen;
    entries_.reserve(all.size());
    for (const auto& e : all) {
        auto key = std::make_pair(std::string_view(e.package->name),
                                  std::string_view(e.package->version.str()));
        if (seen.emplace(key, true).second) entries_.push_back(e);
    }
}

std::span<const CatalogEntry> Catalog::named(std::string_view name) const {
    auto lo = std::lower_bound(entries_.begin(), entries_.end(), name,
                               [](const CatalogEntry& e, std::string_view n) {
                                   return std::string_view(e.package->name) < n;
                               });
    auto hi = lo;
    while (hi != entries_.end() && hi->package->name == name)
        ++hi;
    return {lo, hi};
}

const CatalogEntry& Catalog::select(std::string_view name,
                                    const std::optional<std::string>& version) const {
    auto matches = named(name);
    if (matches.empty()) throw package_not_found(name);
    if (!version) return matches.front();
    for (const auto& e : matches) {
        if (e.package->version.str() == *version) return e;
    }
    throw version_not_found(name, *version);
}

std::vector<SearchResult> Catalog::search(const std::optional<std::string>& query) const {
    std::vector<SearchResult> results;
    for (std::size_t i = 0; i < entries_.size();) {
        const Package& first = *entries_[i].package;
        SearchResult r;
        r.name = first.name;
        r.current_version = first.version.str();
        r.description = first.search_description();
        r.framework = first.is_framework();
        r.tags = first.tags;
        r.selected = first.selected;
        if (first.resource && first.resource->images) r.images = first.resource->images;
        r.licenses = first.licenses;
        // Cosmos: the first repository that has the name supplies the result.
        r.repository = {*entries_[i].repository_name, *entries_[i].repository_uri};
        std::size_t j = i;
        for (; j < entries_.size() && entries_[j].package->name == first.name; ++j) {
            r.versions.emplace_back(entries_[j].package->version.str(),
                                    entries_[j].package->release_version);
        }
        i = j;
        results.push_back(std::move(r));
    }

    if (query && !query->empty()) {
        const std::string& q = *query;
        std::vector<SearchResult> kept;
        if (q.find('*') != std::string::npos) {
            for (auto& r : results) {
                bool hit = glob_match(q, r.name) || glob_match(q, r.description) ||
                           std::any_of(r.tags.begin(), r.tags.end(),
                                       [&](const std::string& t) { return glob_match(q, t); });
                if (hit) kept.push_back(std::move(r));
            }
        } else {
            std::string lowered = ascii_lower(q);
            for (auto& r : results) {
                bool hit = contains_ci(r.name, lowered) || contains_ci(r.description, lowered) ||
                           std::any_of(r.tags.begin(), r.tags.end(), [&](const std::string& t) {
                               return contains_ci(t, lowered);
                           });
                if (hit) kept.push_back(std::move(r));
            }
        }
        results = std::move(kept);
    }
    std::stable_sort(results.begin(), results.end(),
                     [](const SearchResult& a, const SearchResult& b) {
                         bool a_sel = a.selected.value_or(false);
                         bool b_sel = b.selected.value_or(false);
                         if (a_sel != b_sel) return a_sel;
                         return a.name < b.name;
                     });
    return results;
}

std::vector<std::pair<std::string, ReleaseVersion>> Catalog::list_versions(
    std::string_view name) const {
    auto matches = named(name);
    if (matches.empty()) throw package_not_found(name);
    std::vector<std::pair<std::string, ReleaseVersion>> out;
    for (const auto& e : matches)
        out.emplace_back(e.package->version.str(), e.package->release_version);
    return out;
}

std::vector<std::string> Catalog::upgrades_to(std::string_view name,
                                              std::string_view current_version) const {
    std::vector<std::string> out;
    for (const auto& e : named(name)) {
        const auto& from = e.package->upgrades_from;
        if (!from) continue;
        bool hit = std::any_of(from->begin(), from->end(), [&](const std::string& v) {
            return v == "*" || v == current_version;
        });
        if (hit) out.push_back(e.package->version.str());
    }
    return out;
}

std::vector<std::string> Catalog::downgrades_to(const Package& current) const {
    std::vector<std::string> out;
    if (!current.downgrades_to) return out;
    const auto& allowed = *current.downgrades_to;
    for (const auto& e : named(current.name)) {
        const std::string& v = e.package->version.str();
        bool hit = std::any_of(allowed.begin(), allowed.end(),
                               [&](const std::string& a) { return a == "*" || a == v; });
        if (hit) out.push_back(v);
    }
    return out;
}

bool Catalog::allows_url(std::string_view url) const {
    return allowed_urls_.count(std::string(url)) > 0;
}

Json encode_search_result(const SearchResult& r, const UrlRewriter& rewrite) {
    Json out = Json::object();
    out["name"] = r.name;
    out["currentVersion"] = r.current_version;
    Json versions = Json::object();
    for (const auto& [v, release] : r.versions) {
        // Cosmos keeps the maximum releaseVersion when a version repeats.
        if (!versions.contains(v) || versions[v].get<ReleaseVersion>() < release)
            versions[v] = release;
    }
    out["versions"] = std::move(versions);
    out["description"] = r.description;
    out["framework"] = r.framework;
    out["tags"] = r.tags;
    if (r.selected) out["selected"] = *r.selected;
    if (r.images) {
        Resource holder;
        holder.images = r.images;
        Json images = encode_resource(rewrite_resource_urls(holder, rewrite), false)["images"];
        out["images"] = std::move(images);
    }
    if (r.licenses) {
        Json licenses = Json::array();
        for (const auto& l : *r.licenses)
            licenses.push_back(Json{{"name", l.name}, {"url", l.url}});
        out["licenses"] = std::move(licenses);
    }
    out["repository"] = encode_package_source(r.repository);
    return out;
}

Json encode_package_source(const PackageSource& source) {
    return Json{{"name", source.name}, {"uri", source.uri}};
}

}  // namespace cosmos::core
