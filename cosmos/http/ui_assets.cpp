#include "cosmos/http/ui_assets.h"

#include <utility>

#include "cosmos/core/mustache.h"
#include "cosmos/core/repo_serving.h"
#include "cosmos/http/rpc.h"

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

// Assets the sign-in page needs, open to anyone (they hold nothing about the catalog).
bool public_asset(std::string_view path) {
    return path == "js/signin.js" || path == "js/session.js" || path == "css/app.css" ||
           path == "favicon.svg";
}

std::string html_escaped(std::string_view text) {
    std::string out;
    core::append_html_escaped(out, text);
    return out;
}

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
        std::string path = request.path.substr(base_.size());
        auto it = assets_.find(path);
        if (it == assets_.end()) return HttpResponse{404, {}, {}};
        // An asset a browser may not read is refused as the API refuses (a Cosmos error body).
        if (authorize_ && !public_asset(path)) authorize_(request);
        entry = &it->second;
    } else if (authorize_) {
        try {
            authorize_(request);
        } catch (const core::Error& refusal) {
            return sign_in_page(refusal);
        }
    }
    return answer(*entry, request);
}

HttpResponse UiAssets::sign_in_page(const core::Error& refusal) const {
    // The status and challenge of the API's answer, with a page a person can use.
    HttpResponse response = error_response(refusal);
    for (auto& header : response.headers) {
        if (header.name == "Content-Type") header.value = "text/html; charset=utf-8";
    }
    response.headers.push_back({"Cache-Control", "no-store"});
    response.headers.push_back({"X-Content-Type-Options", "nosniff"});
    response.headers.push_back({"Content-Security-Policy", std::string(kShellPolicy)});
    response.headers.push_back({"Referrer-Policy", "same-origin"});
    response.body =
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>Sign in \xc2\xb7 Package catalog</title>\n"
        "<link rel=\"icon\" href=\"" +
        base_ +
        "favicon.svg\">\n"
        "<link rel=\"stylesheet\" href=\"" +
        base_ +
        "css/app.css\">\n"
        "<script type=\"module\" src=\"" +
        base_ +
        "js/signin.js\"></script>\n"
        "</head>\n<body>\n<main class=\"signin\">\n<h1>Sign in to the package catalog</h1>\n"
        "<p>This server checks who is asking. Enter a token with at least the <strong>read"
        "</strong> role; it is kept for this browser session only.</p>\n"
        "<p class=\"signin-reason\" id=\"signin-reason\">" +
        html_escaped(refusal.what()) +
        "</p>\n<form id=\"signin-form\" class=\"signin-form\">\n"
        "<label for=\"signin-token\">Token</label>\n"
        "<input id=\"signin-token\" name=\"token\" type=\"password\" autocomplete=\"off\" "
        "required>\n<button type=\"submit\" class=\"button primary\">Sign in</button>\n"
        "<p class=\"signin-error\" id=\"signin-error\" role=\"alert\"></p>\n</form>\n</main>\n"
        "</body>\n</html>\n";
    return response;
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
