#include "cosmos/app/repository_fetch.h"

#include <thread>

#include "cosmos/core/error.h"
#include "cosmos/core/media_type.h"
#include "cosmos/core/repo_index.h"
#include "cosmos/core/repository.h"
#include "schemas/schema_catalog.h"

namespace cosmos::app {

const char* const kRepositoryAccept =
    "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v5,"
    "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v4,"
    "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v3";

namespace {

std::string scheme_of(const std::string& uri) {
    auto colon = uri.find("://");
    if (colon == std::string::npos) return "";
    std::string scheme = uri.substr(0, colon);
    for (auto& c : scheme)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return scheme;
}

// Resolves a Location header against the URL it answered.
std::string resolve_location(const std::string& base, const std::string& location) {
    if (location.find("://") != std::string::npos) return location;
    auto scheme_end = base.find("://");
    auto path_start = base.find('/', scheme_end + 3);
    std::string origin = path_start == std::string::npos ? base : base.substr(0, path_start);
    if (!location.empty() && location[0] == '/') {
        if (location.size() > 1 && location[1] == '/') return scheme_of(base) + ":" + location;
        return origin + location;
    }
    std::string dir =
        path_start == std::string::npos ? origin + "/" : base.substr(0, base.rfind('/') + 1);
    return dir + location;
}

std::vector<std::string> supported_types() {
    return {core::repo_media_type(5), core::repo_media_type(4), core::repo_media_type(3),
            "application/zip"};
}

// Which repository format a Content-Type names: 3, 4, 5, 0 for zip, -1 for none. Cosmos tests
// compatible(response type, vN) from v5 down, so a bare repository type counts as v5.
int repository_format(const std::string& content_type) {
    auto parsed = core::parse_media_type(content_type);
    if (!parsed) return -1;
    for (int v : {5, 4, 3}) {
        if (core::compatible(*parsed, core::media_type(core::repo_media_type(v)))) return v;
    }
    if (parsed->type == "application" && parsed->subtype == "zip") return 0;
    return -1;
}

bool retryable(const core::Error& e) {
    return e.type() == "EndpointUriConnection" || e.type() == "TimeoutError";
}

}  // namespace

Fetched fetch_repository(HttpClient& client, const RepositoryRef& repository,
                         const std::optional<std::string>& etag, const FetchSettings& settings,
                         const core::Codec& codec) {
    const std::string scheme = scheme_of(repository.uri);
    if (scheme.empty() || repository.uri.size() <= scheme.size() + 3) {
        throw core::repository_uri_syntax(repository.name, repository.uri, "not an absolute URI");
    }
    std::string url = repository.uri;
    int redirects = 0;
    int attempt = 0;
    while (true) {
        HttpCall call;
        call.url = url;
        call.timeout = settings.timeout;
        call.max_response_bytes = settings.max_bytes;
        call.headers = {{"Accept", kRepositoryAccept},
                        {"Accept-Encoding", "gzip"},
                        {"User-Agent", settings.user_agent}};
        if (etag) call.headers.emplace_back("If-None-Match", *etag);
        HttpReply reply;
        try {
            reply = client.send(call);
        } catch (const core::Error& e) {
            if (e.type() == "EndpointUriSyntax") {
                throw core::repository_uri_syntax(repository.name, repository.uri, e.what());
            }
            if (e.type() == "PayloadTooLarge") throw;
            if (retryable(e) && attempt < settings.max_retries) {
                ++attempt;
                if (settings.sleep) settings.sleep(settings.retry_pause);
                continue;
            }
            throw core::repository_uri_connection(repository.name, repository.uri, e.what());
        }
        const int status = reply.status;
        if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
            auto location = reply.header("Location");
            if (!location || ++redirects > settings.max_redirects) {
                throw core::universe_client_http_error(repository.name, repository.uri, status,
                                                       settings.during_add ? 400 : 500);
            }
            std::string next = resolve_location(url, *location);
            std::string next_scheme = scheme_of(next);
            if (next_scheme != scheme_of(url)) {
                throw core::unsupported_redirect({scheme_of(url)}, next_scheme);
            }
            url = next;
            continue;
        }
        if (status == 304 && etag) {
            Fetched f;
            f.not_modified = true;
            return f;
        }
        if (status >= 500 && attempt < settings.max_retries) {
            ++attempt;
            if (settings.sleep) settings.sleep(settings.retry_pause);
            continue;
        }
        if (status != 200) {
            throw core::universe_client_http_error(repository.name, repository.uri, status,
                                                   settings.during_add ? 400 : 500);
        }
        std::string body = std::move(reply.body);
        if (auto encoding = reply.header("Content-Encoding")) {
            std::string e(*encoding);
            for (auto& c : e)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (e == "gzip") {
                body = codec.gunzip(body);
            } else if (!e.empty() && e != "identity") {
                throw core::unsupported_content_encoding({"gzip"}, std::string(*encoding));
            }
        }
        auto content_type = reply.header("Content-Type");
        std::string file_type;
        if (!content_type && scheme == "file") {
            // A local file has no media type: a zip is a legacy repository, anything else JSON.
            bool zip = url.size() >= 4 && url.compare(url.size() - 4, 4, ".zip") == 0;
            file_type = zip ? std::string("application/zip") : core::repo_media_type(5);
            content_type = file_type;
        }
        if (!content_type) throw core::unsupported_content_type(supported_types(), std::nullopt);
        if (repository_format(std::string(*content_type)) < 0) {
            throw core::unsupported_content_type(supported_types(), std::string(*content_type));
        }
        Fetched f;
        f.content.uri = repository.uri;
        f.content.body = std::move(body);
        f.content.media_type = std::string(*content_type);
        if (auto tag = reply.header("ETag")) f.content.etag = std::string(*tag);
        return f;
    }
}

std::vector<core::Package> decode_content(const StoredContent& content, const Unzipper& unzip) {
    int format = repository_format(content.media_type);
    if (format < 0) throw core::unsupported_content_type(supported_types(), content.media_type);
    if (format == 0) {
        auto files = unzip(content.body);
        return core::decode_zip_repository(files, content.uri,
                                           schemas::compiled(schemas::kPackage20).get());
    }
    return core::decode_repository_json(content.body);
}

}  // namespace cosmos::app
