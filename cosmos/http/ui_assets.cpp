#include "cosmos/http/ui_assets.h"

#include <utility>

#include "cosmos/core/repo_serving.h"

namespace cosmos::http {

namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";
// The UI loads nothing from elsewhere: icons and screenshots come through /package/resource and
// are shown from blob: URLs once they have loaded.
constexpr std::string_view kShellPolicy =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";
// Compressing a few hundred bytes saves nothing.
constexpr std::size_t kMinimumGzipBytes = 512;

HttpResponse redirect(int status, std::string location) {
    HttpResponse response;
    response.status = status;
    response.headers.push_back({"Location", std::move(location)});
    response.headers.push_back({"Cache-Control", "no-cache"});
    return response;
}

}  // namespace

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
        gzip = core::accepts_gzip(request.header("Accept-Encoding"));
    }
    const std::string& etag = gzip ? entry.gzip_etag : entry.etag;
    HttpResponse response;
    response.headers.push_back({"ETag", etag});
    response.headers.push_back({"Cache-Control", entry.cache_control});
    if (!entry.gzip.empty()) response.headers.push_back({"Vary", "Accept-Encoding"});
    if (auto tags = request.header("If-None-Match");
        tags && core::if_none_match_hits(*tags, {etag})) {
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
