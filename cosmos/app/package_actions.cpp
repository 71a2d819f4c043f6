#include "cosmos/app/package_actions.h"

#include "cosmos/app/render_cache.h"
#include "cosmos/core/app_id.h"
#include "cosmos/core/error.h"

namespace cosmos::app {

SelectedPackage select_package(std::shared_ptr<const core::Catalog> catalog,
                               const std::string& name, const std::optional<std::string>& version) {
    const auto& entry = catalog->select(name, version);
    return {entry.package, *entry.repository_uri, std::move(catalog), *entry.repository_name};
}

core::RenderedApp render_package(const SelectedPackage& selected, const core::Json& options,
                                 const std::optional<std::string>& app_id,
                                 const core::Codec& codec) {
    // An id that Marathon would refuse, or resolve elsewhere ("/../x"), is refused up front.
    if (app_id) core::check_app_id(core::normalize_app_id(*app_id));
    // One cache for the process: preparations are kept per catalog, and a process serves one
    // catalog at a time.
    static RenderCache cache;
    std::shared_ptr<const core::PreparedRender> prepared;
    if (selected.catalog) prepared = cache.get(selected.catalog, *selected.package, codec);
    core::RenderRequest request;
    request.prepared = prepared.get();
    request.package = selected.package;
    request.source_uri = selected.source_uri;
    request.user_options = options.is_object() ? options : core::Json::object();
    request.app_id = app_id;
    return core::render_marathon_app(request, codec);
}

ProxiedResource proxy_resource(const core::Catalog& catalog, HttpClient& client,
                               const std::string& url, const std::string& user_agent,
                               std::uint64_t max_bytes, std::chrono::milliseconds timeout,
                               const core::Codec& codec) {
    if (!catalog.allows_url(url)) throw core::forbidden("ResourceProxyHandler$", url);
    auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos)
        throw core::endpoint_uri_syntax(url, "not an absolute URI");
    std::string scheme = url.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https") {
        throw core::endpoint_uri_syntax(url, "only http and https resources are proxied");
    }
    HttpCall call;
    call.url = url;
    call.max_response_bytes = max_bytes;
    call.timeout = timeout;
    call.headers = {{"User-Agent", user_agent}, {"Accept-Encoding", "gzip"}};
    HttpReply reply;
    int redirects = 0;
    int attempts = 0;
    while (true) {
        try {
            reply = client.send(call);
        } catch (const core::Error& e) {
            if (e.type() == "EndpointUriConnection" && attempts++ < 3) continue;
            if (e.type() == "EndpointUriSyntax" || e.type() == "PayloadTooLarge") throw;
            throw core::endpoint_uri_connection(url, e.what());
        }
        if (reply.status >= 300 && reply.status < 400 && reply.header("Location") &&
            redirects++ < 5) {
            std::string next(*reply.header("Location"));
            if (next.rfind(scheme + "://", 0) != 0) {
                auto colon = next.find("://");
                if (colon != std::string::npos) {
                    throw core::unsupported_redirect({scheme}, next.substr(0, colon));
                }
                // A relative location stays on the same origin.
                auto path_start = call.url.find('/', scheme_end + 3);
                std::string origin = call.url.substr(0, path_start);
                next = origin + (next.rfind('/', 0) == 0 ? next : "/" + next);
            }
            call.url = next;
            continue;
        }
        if (reply.status >= 500 && attempts++ < 3) continue;
        break;
    }
    if (reply.status != 200) {
        throw core::generic_http_error({"GET", url}, reply.status);
    }
    std::string body = std::move(reply.body);
    if (auto encoding = reply.header("Content-Encoding"); encoding && *encoding == "gzip") {
        body = codec.gunzip(body);
    }
    if (body.empty()) throw core::generic_http_error({"GET", url}, 502);
    ProxiedResource out;
    out.content_type =
        std::string(reply.header("Content-Type").value_or("application/octet-stream"));
    out.body = std::move(body);
    std::string path = url.substr(scheme_end + 3);
    path = path.substr(0, path.find_first_of("?#"));
    auto slash = path.find('/');
    if (slash != std::string::npos) {
        path = path.substr(slash);
        while (!path.empty() && path.back() == '/')
            path.pop_back();
        auto last = path.rfind('/');
        std::string segment = last == std::string::npos ? path : path.substr(last + 1);
        if (!segment.empty()) out.file_name = segment;
    }
    return out;
}

}  // namespace cosmos::app
