#include "cosmos/http/ui_assets.h"

#include <memory>
#include <utility>

namespace cosmos::http {

namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";
// The UI loads nothing from elsewhere: icons and screenshots come through /package/resource,
// failed icons become generated images (data: or blob: URLs).
constexpr std::string_view kShellPolicy =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";
// Compressing a few hundred bytes saves nothing.
constexpr std::size_t kMinimumGzipBytes = 512;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// Calls fn for each comma-separated item of a header value, trimmed; stops when fn returns true.
template <typename Fn>
bool any_item(std::string_view value, Fn&& fn) {
    while (true) {
        auto comma = value.find(',');
        if (fn(trim(value.substr(0, comma)))) return true;
        if (comma == std::string_view::npos) return false;
        value.remove_prefix(comma + 1);
    }
}

bool zero_quality(std::string_view parameters) {
    // parameters: everything after the first ';' of an item, e.g. " q=0.000".
    while (!parameters.empty()) {
        auto semi = parameters.find(';');
        auto parameter = trim(parameters.substr(0, semi));
        if (parameter.size() > 2 && (parameter[0] == 'q' || parameter[0] == 'Q') &&
            parameter[1] == '=') {
            auto number = parameter.substr(2);
            return number.find_first_not_of("0.") == std::string_view::npos;
        }
        if (semi == std::string_view::npos) break;
        parameters.remove_prefix(semi + 1);
    }
    return false;
}

std::string_view opaque_tag(std::string_view tag) {
    if (tag.size() >= 2 && (tag[0] == 'W' || tag[0] == 'w') && tag[1] == '/') tag.remove_prefix(2);
    return tag;
}

HttpResponse redirect(int status, std::string location) {
    HttpResponse response;
    response.status = status;
    response.headers.push_back({"Location", std::move(location)});
    response.headers.push_back({"Cache-Control", "no-cache"});
    return response;
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
    return any_item(accept_encoding, [](std::string_view item) {
        auto semi = item.find(';');
        auto coding = trim(item.substr(0, semi));
        bool named = equals_ignore_case(coding, "gzip") || equals_ignore_case(coding, "x-gzip") ||
                     coding == "*";
        if (!named) return false;
        return semi == std::string_view::npos || !zero_quality(item.substr(semi + 1));
    });
}

bool none_match(std::string_view if_none_match, std::string_view etag) {
    if (trim(if_none_match) == "*") return true;
    return any_item(if_none_match,
                    [&](std::string_view tag) { return opaque_tag(tag) == opaque_tag(etag); });
}

UiAssets::UiAssets(UiFile shell, std::vector<UiFile> assets, std::string version,
                   const Compress& gzip)
    : base_(std::string(kUiPrefix) + "assets/" + version + "/") {
    shell_ = make_entry(std::move(shell), std::string(kRevalidate), gzip);
    for (auto& file : assets) {
        std::string path = file.path;
        assets_.emplace(std::move(path),
                        make_entry(std::move(file), std::string(kImmutable), gzip));
    }
}

UiAssets::Entry UiAssets::make_entry(UiFile file, std::string cache_control,
                                     const Compress& gzip) const {
    Entry entry;
    entry.etag = "\"" + file.digest + "\"";
    entry.cache_control = std::move(cache_control);
    if (gzip && file.body.size() >= kMinimumGzipBytes) {
        std::string compressed = gzip(file.body);
        if (compressed.size() < file.body.size()) {
            entry.gzip = std::move(compressed);
            entry.gzip_etag = "\"" + file.digest + "-gzip\"";
        }
    }
    entry.file = std::move(file);
    return entry;
}

HttpResponse UiAssets::serve(const HttpRequest& request) const {
    const Entry* entry = &shell_;
    if (request.path.rfind(std::string(kUiPrefix) + "assets/", 0) == 0) {
        // Assets live under the current version only; anything else there is not a page.
        if (request.path.rfind(base_, 0) != 0) return HttpResponse{404, {}, {}};
        auto it = assets_.find(request.path.substr(base_.size()));
        if (it == assets_.end()) return HttpResponse{404, {}, {}};
        entry = &it->second;
    }
    return answer(*entry, request);
}

HttpResponse UiAssets::answer(const Entry& entry, const HttpRequest& request) const {
    bool gzip = false;
    if (!entry.gzip.empty()) {
        if (auto accept = request.header("Accept-Encoding")) gzip = accepts_gzip(*accept);
    }
    const std::string& etag = gzip ? entry.gzip_etag : entry.etag;
    HttpResponse response;
    response.headers.push_back({"ETag", etag});
    response.headers.push_back({"Cache-Control", entry.cache_control});
    if (!entry.gzip.empty()) response.headers.push_back({"Vary", "Accept-Encoding"});
    if (auto tags = request.header("If-None-Match"); tags && none_match(*tags, etag)) {
        response.status = 304;
        return response;
    }
    response.status = 200;
    response.headers.push_back({"Content-Type", entry.file.content_type});
    response.headers.push_back({"X-Content-Type-Options", "nosniff"});
    if (&entry == &shell_) {
        response.headers.push_back({"Content-Security-Policy", std::string(kShellPolicy)});
        response.headers.push_back({"Referrer-Policy", "same-origin"});
    }
    if (gzip) {
        response.headers.push_back({"Content-Encoding", "gzip"});
        response.body = entry.gzip;
    } else {
        response.body = entry.file.body;
    }
    return response;
}

void register_ui_routes(Router& router, const UiAssets& ui) {
    router.add("GET", "/", "ui",
               [](const HttpRequest&) { return redirect(302, std::string(kUiPrefix)); });
    router.add("GET", "/ui", "ui",
               [](const HttpRequest&) { return redirect(301, std::string(kUiPrefix)); });
    for (const char* method : {"GET", "HEAD"}) {
        router.add_prefix(method, std::string(kUiPrefix), "ui",
                          [&ui](const HttpRequest& request) { return ui.serve(request); });
    }
}

}  // namespace cosmos::http
