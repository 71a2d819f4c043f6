#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cosmos/core/error.h"
#include "cosmos/http/message.h"
#include "cosmos/http/router.h"

namespace cosmos::http {

/// Every path of the web UI starts with this prefix.
inline constexpr std::string_view kUiPrefix = "/ui/";

/// One file of the web UI as built into the server.
struct UiFile {
    std::string path;          ///< relative to the assets folder ("js/app.js"); "" for the shell
    std::string content_type;  ///< the Content-Type to answer with
    std::string body;
    std::string digest;  ///< hex digest of body (SHA-256 at build time): the strong ETag's basis
};

/// Serves the web UI under kUiPrefix:
/// - /ui/assets/<version>/<path>: the assets, cached for a year as immutable (a new build has a
///   new version, so the shell points at new URLs); an unknown asset is 404 with an empty body;
/// - any other path under /ui/: the app shell (index.html), revalidated on every load
///   (Cache-Control: no-cache), so deep links such as /ui/package/kafka/2.4.0 work.
/// Every answer has a strong ETag (If-None-Match gives 304) and is gzip-encoded when the client
/// accepts gzip and the compressed form is smaller; compression happens once, here.
class UiAssets {
public:
    using Compress = std::function<std::string(std::string_view)>;

    /// shell: index.html with its asset URLs already under assets_base(version); assets: the
    /// files below /ui/assets/<version>/; gzip compresses each text file once.
    UiAssets(UiFile shell, std::vector<UiFile> assets, std::string version, const Compress& gzip);

    /// "/ui/assets/<version>/"
    const std::string& assets_base() const noexcept { return base_; }

    /// Checks a request for the UI the way the router guard checks API calls, throwing
    /// core::Error (401 or 403) when it may not read; see set_authorize().
    using Authorize = std::function<void(const HttpRequest&)>;

    /// With authentication on, every page and asset needs the read role (the Authorization
    /// header, or the cookie the sign-in page sets: http::browser_token()). A page request
    /// without it gets a sign-in page (401, or 403 for a token without the role) instead of the
    /// shell; the sign-in page's own script, the stylesheet and the icon stay open.
    void set_authorize(Authorize authorize) { authorize_ = std::move(authorize); }

    /// The answer to a GET or HEAD of a path under kUiPrefix.
    HttpResponse serve(const HttpRequest& request) const;

private:
    struct Entry {
        UiFile file;
        std::string etag;       ///< quoted
        std::string gzip;       ///< empty when gzip would not be smaller
        std::string gzip_etag;  ///< quoted; a different representation, a different tag
        std::string cache_control;
    };
    Entry make_entry(UiFile file, std::string cache_control, const Compress& gzip) const;
    HttpResponse answer(const Entry& entry, const HttpRequest& request) const;
    HttpResponse sign_in_page(const core::Error& refusal) const;

    std::string base_;
    Entry shell_;
    std::unordered_map<std::string, Entry> assets_;
    Authorize authorize_;
};

/// GET / redirects to the catalog (/ui/); GET /ui redirects to /ui/; GET and HEAD of every path
/// under /ui/ are served by ui. Exact API routes keep precedence over the prefix.
void register_ui_routes(Router& router, const UiAssets& ui);

}  // namespace cosmos::http
