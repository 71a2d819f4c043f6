#include "cosmos/core/repo_serving.h"

#include <array>

#include "cosmos/core/error.h"
#include "cosmos/core/json_scan.h"
#include "cosmos/core/repo_index.h"

namespace cosmos::core {

namespace {

// --- small text helpers ---

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Optional whitespace around HTTP list items and parameters: spaces and tabs.
std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

template <typename Fn>
void for_each_item(std::string_view list, Fn&& fn) {
    while (!list.empty()) {
        std::size_t comma = list.find(',');
        fn(trim_ows(list.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
}

// A q-value of zero ("q=0", "q=0.0", "q=0.000"): the coding is refused.
bool zero_quality(std::string_view params) {
    while (!params.empty()) {
        std::size_t semi = params.find(';');
        std::string_view p = trim_ows(params.substr(0, semi));
        if (p.size() >= 2 && lower(p[0]) == 'q' && trim_ows(p.substr(1)).starts_with("=")) {
            std::string_view value = trim_ows(trim_ows(p.substr(1)).substr(1));
            if (value.empty() || value[0] != '0') return false;
            for (char c : value.substr(1)) {
                if (c != '.' && c != '0') return false;
            }
            return true;
        }
        if (semi == std::string_view::npos) break;
        params.remove_prefix(semi + 1);
    }
    return false;
}

constexpr std::array<std::string_view, 7> kUserAgentReleases = {"1.8",  "1.9",  "1.10", "1.11",
                                                                "1.12", "1.13", "2.0"};

}  // namespace

std::string serving_release(std::optional<std::string_view> user_agent) {
    // Upstream nginx: default 2.0, then one `if ($http_user_agent ~ ".*dcos\/X\.Y.*")` per
    // release in this order; each match overrides the previous one.
    std::string release = "2.0";
    if (!user_agent) return release;
    for (auto candidate : kUserAgentReleases) {
        if (user_agent->find("dcos/" + std::string(candidate)) != std::string_view::npos) {
            release = std::string(candidate);
        }
    }
    return release;
}

std::optional<int> requested_repo_version(std::optional<std::string_view> accept) {
    // Upstream nginx tests v3, then v4, then v5 against the whole header; the last match wins.
    std::optional<int> version;
    if (!accept) return version;
    for (int v : {3, 4, 5}) {
        if (accept->find(repo_media_type(v)) != std::string_view::npos) version = v;
    }
    return version;
}

ServeTarget route_repository_request(std::string_view path, std::optional<std::string_view> accept,
                                     std::optional<std::string_view> user_agent) {
    const std::string release = serving_release(user_agent);
    const std::optional<int> version = requested_repo_version(accept);
    ServeTarget out;
    if (path == "/repo") {
        out.negotiated = true;
        if (version) {
            out.kind = ServeTarget::Kind::kFile;
            out.file = "repo-up-to-" + release + ".json";
            out.content_type = repo_media_type(*version);
        } else {
            out.kind = ServeTarget::Kind::kFile;
            out.file = "repo-up-to-" + release + ".zip";
            out.content_type = "application/zip";
        }
        return out;
    }
    if (path == "/repo-1.7") {
        out.negotiated = true;
        out.kind = ServeTarget::Kind::kFile;
        if (version && release != kLegacyZipRelease) {
            out.file = "repo-empty-v3.json";
            out.content_type = repo_media_type(3);
        } else {
            out.file = "repo-up-to-1.7.zip";
            out.content_type = "application/zip";
        }
        return out;
    }
    constexpr std::string_view kPackagePrefix = "/package/";
    if (path.starts_with(kPackagePrefix)) {
        std::string_view name = path.substr(kPackagePrefix.size());
        // Upstream rewrites to /<vN>/<release>/package/<name>.json: one file per name.
        if (name.empty() || name.find('/') != std::string_view::npos) return out;
        out.negotiated = true;
        out.kind = ServeTarget::Kind::kPackage;
        out.file = "repo-up-to-" + release + ".json";
        out.package_name = std::string(name);
        out.content_type = version ? repo_media_type(*version) : std::string("application/json");
        return out;
    }
    std::string_view file = path.substr(path.starts_with('/') ? 1 : 0);
    if (path.starts_with('/') && file.starts_with("repo-") &&
        file.find('/') == std::string_view::npos && file.find("..") == std::string_view::npos) {
        if (file.ends_with(".json")) {
            out.kind = ServeTarget::Kind::kFile;
            out.file = std::string(file);
            out.content_type = "application/json";
        } else if (file.ends_with(".zip")) {
            out.kind = ServeTarget::Kind::kFile;
            out.file = std::string(file);
            out.content_type = "application/zip";
        }
    }
    return out;
}

std::vector<std::string_view> split_repository_entries(std::string_view text) {
    JsonScanner scan(text, R"({"packages": [...]})");
    std::vector<std::string_view> entries;
    bool found = false;
    scan.expect('{');
    if (!scan.accept('}')) {
        do {
            std::string_view key = scan.string_token();
            scan.expect(':');
            if (key != "\"packages\"") {
                scan.value_token();
                continue;
            }
            found = true;
            entries.clear();
            scan.expect('[');
            if (scan.accept(']')) continue;
            do {
                if (scan.peek() != '{') scan.fail("a package entry is not an object");
                entries.push_back(scan.value_token());
            } while (scan.accept(','));
            scan.expect(']');
        } while (scan.accept(','));
        scan.expect('}');
    }
    if (!scan.done()) scan.fail("trailing text");
    if (!found) scan.fail("no \"packages\" member");
    return entries;
}

std::string entity_tag(std::string_view bytes, const Hasher& sha256, std::string_view suffix) {
    return "\"" + sha256(bytes).substr(0, 32) + std::string(suffix) + "\"";
}

bool if_none_match_hits(std::string_view if_none_match, const std::vector<std::string>& tags) {
    bool hit = false;
    for_each_item(if_none_match, [&](std::string_view item) {
        if (item == "*") hit = true;
        if (item.starts_with("W/")) item.remove_prefix(2);
        for (std::string_view tag : tags) {
            if (tag.starts_with("W/")) tag.remove_prefix(2);
            if (!item.empty() && item == tag) hit = true;
        }
    });
    return hit;
}

bool accepts_gzip(std::optional<std::string_view> accept_encoding) {
    if (!accept_encoding) return false;
    std::optional<bool> gzip;
    std::optional<bool> any;
    for_each_item(*accept_encoding, [&](std::string_view item) {
        std::size_t semi = item.find(';');
        std::string_view coding = trim_ows(item.substr(0, semi));
        bool allowed = semi == std::string_view::npos || !zero_quality(item.substr(semi + 1));
        if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
            gzip = gzip.value_or(false) || allowed;
        } else if (coding == "*") {
            any = any.value_or(false) || allowed;
        }
    });
    if (gzip) return *gzip;
    return any.value_or(false);
}

}  // namespace cosmos::core
