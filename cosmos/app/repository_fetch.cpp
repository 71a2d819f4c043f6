#include "cosmos/app/repository_fetch.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <string_view>
#include <thread>

#include "cosmos/core/error.h"
#include "cosmos/core/json.h"
#include "cosmos/core/json_scan.h"
#include "cosmos/core/media_type.h"
#include "cosmos/core/package.h"
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

// "the server answered 404 (Not Found)", for an error's cause.
std::string answered(int status) {
    static const std::map<int, const char*> reasons = {
        {301, "Moved Permanently"},  {302, "Found"},
        {303, "See Other"},          {307, "Temporary Redirect"},
        {308, "Permanent Redirect"}, {400, "Bad Request"},
        {401, "Unauthorized"},       {403, "Forbidden"},
        {404, "Not Found"},          {410, "Gone"},
        {429, "Too Many Requests"},  {500, "Internal Server Error"},
        {502, "Bad Gateway"},        {503, "Service Unavailable"},
        {504, "Gateway Timeout"}};
    std::string text = "the server answered " + std::to_string(status);
    if (auto it = reasons.find(status); it != reasons.end()) {
        text += std::string(" (") + it->second + ")";
    }
    return text;
}

// Why a Content-Type is refused, in words: a captive portal or a web page is the usual reason.
std::string not_a_repository(const std::string& content_type) {
    auto parsed = core::parse_media_type(content_type);
    if (parsed && parsed->type == "text" && parsed->subtype == "html") {
        return "the server sent HTML instead of a repository (Content-Type " + content_type + ")";
    }
    return "the server sent " + content_type + " instead of a repository media type";
}

bool retryable(const core::Error& e) {
    return e.type() == "EndpointUriConnection" || e.type() == "TimeoutError";
}

// A repository document is decoded one package at a time: parsing the whole document first
// builds a DOM several times the file's size, and tearing it down again costs as much as
// building it. core::JsonScanner only finds the byte ranges of the top-level values; every byte
// is still checked by core::parse_json or core::is_json. Anything not plainly understood (a byte
// order mark, an escaped top-level key, a repeated "packages") ends this path, and so does any
// failure while decoding: core::decode_repository_json then decides, with its exact errors.

constexpr std::string_view kRepositoryShape = R"({"packages": [...]})";

bool escaped(std::string_view key) {
    return key.find('\\') != std::string_view::npos;
}

// The elements of "packages", not yet checked; nullopt when the document is not plainly a
// repository. Throws core::Error when it is not JSON.
std::optional<std::vector<std::string_view>> package_elements(std::string_view text) {
    core::JsonScanner scan(text, kRepositoryShape);
    std::optional<std::vector<std::string_view>> found;
    scan.expect('{');
    if (!scan.accept('}')) {
        do {
            auto key = scan.string_token();
            scan.expect(':');
            if (escaped(key)) return std::nullopt;
            core::parse_json(key);  // a top-level key must be valid JSON text too
            if (key == "\"packages\"") {
                if (found) return std::nullopt;
                found.emplace();
                scan.expect('[');
                if (!scan.accept(']')) {
                    do {
                        found->push_back(scan.value_token());
                    } while (scan.accept(','));
                    scan.expect(']');
                }
            } else {
                core::parse_json(scan.value_token());
            }
        } while (scan.accept(','));
        scan.expect('}');
    }
    if (!scan.done()) return std::nullopt;
    return found;
}

// The bytes of the values of the wanted keys in the object that is the whole text: empty for a
// key that is absent; nullopt when a wanted key appears twice or any key is escaped. Throws
// core::Error when the text is not plainly an object.
template <std::size_t N>
std::optional<std::array<std::string_view, N>> object_members(
    std::string_view text, const std::array<std::string_view, N>& wanted) {
    core::JsonScanner scan(text, "a package object {...}");
    std::array<std::string_view, N> found{};
    std::array<bool, N> seen{};
    scan.expect('{');
    if (!scan.accept('}')) {
        do {
            auto key = scan.string_token();
            scan.expect(':');
            auto value = scan.value_token();
            if (escaped(key)) return std::nullopt;
            for (std::size_t i = 0; i < N; ++i) {
                if (key.size() == wanted[i].size() + 2 &&
                    key.substr(1, wanted[i].size()) == wanted[i]) {
                    if (seen[i]) return std::nullopt;
                    seen[i] = true;
                    found[i] = value;
                }
            }
        } while (scan.accept(','));
        scan.expect('}');
    }
    if (!scan.done()) return std::nullopt;
    return found;
}

// The package decoded from one element of the document in body. The config schema and the
// template are most of a package: they are cut out of the element before it is parsed and kept
// as slices of the body, so they become neither trees nor copies. nullopt when the element is
// not plainly understood.
std::optional<core::Package> decode_element(const core::SharedText& body,
                                            std::string_view element) {
    auto members = object_members<2>(element, {"config", "marathon"});
    if (!members) return std::nullopt;
    auto [config, marathon] = *members;
    // (offset in element, length, replacement), in element order
    struct Cut {
        std::string_view range;
        std::string_view replacement;
    };
    std::vector<Cut> cuts;
    const bool shared_config = !config.empty() && config.front() == '{';
    if (shared_config) cuts.push_back({config, "{}"});
    std::string_view template_base64;
    if (!marathon.empty() && marathon.front() == '{') {
        auto inner = object_members<1>(marathon, {"v2AppMustacheTemplate"});
        if (!inner) return std::nullopt;
        std::string_view token = (*inner)[0];
        if (token.size() >= 2 && token.front() == '"' &&
            token.find('\\') == std::string_view::npos) {
            template_base64 = token.substr(1, token.size() - 2);
            // A base64 text the decoder would refuse is left to it, for its message.
            if (!core::decodable_base64(template_base64)) return std::nullopt;
            cuts.push_back({token, "\"\""});
        }
    }
    std::sort(cuts.begin(), cuts.end(),
              [](const Cut& a, const Cut& b) { return a.range.data() < b.range.data(); });
    std::string rest;
    std::size_t kept = element.size();
    for (const auto& cut : cuts)
        kept -= cut.range.size();
    rest.reserve(kept + 4);
    const char* at = element.data();
    for (const auto& cut : cuts) {
        rest.append(at, cut.range.data());
        rest += cut.replacement;
        at = cut.range.data() + cut.range.size();
    }
    rest.append(at, element.data() + element.size());

    core::Package package = core::decode_package(core::parse_json(rest));
    if (!template_base64.empty() && package.marathon_template_base64) {
        package.marathon_template_base64 = core::SharedText(body.buffer(), template_base64);
    }
    if (shared_config)
        package.config = core::JsonText::shared(core::SharedText(body.buffer(), config));
    return package;
}

std::optional<std::vector<core::Package>> decode_by_package(const core::SharedText& body) {
    try {
        auto elements = package_elements(body);
        if (!elements) return std::nullopt;
        std::vector<core::Package> out;
        out.reserve(elements->size());
        for (auto element : *elements) {
            auto package = decode_element(body, element);
            if (!package) return std::nullopt;
            out.push_back(std::move(*package));
        }
        return out;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

Fetched fetch_repository(HttpClient& client, const RepositoryRef& repository,
                         const std::optional<std::string>& etag, const FetchSettings& settings,
                         const core::Codec& codec) {
    const std::string scheme = scheme_of(repository.uri);
    if (scheme.empty() || repository.uri.size() <= scheme.size() + 3) {
        throw core::repository_uri_syntax(repository.name, repository.uri, "not an absolute URI");
    }
    const std::string timed_out = "timed out after " + duration_text(settings.timeout);
    std::string url = repository.uri;
    int redirects = 0;
    int attempt = 0;
    // An attempt (its request and the redirects it leads to) is bounded by the timeout as a whole.
    auto deadline = std::chrono::steady_clock::now() + settings.timeout;
    auto next_attempt = [&] {
        if (attempt >= settings.max_retries) return false;
        ++attempt;
        if (settings.sleep) settings.sleep(settings.retry_pause);
        deadline = std::chrono::steady_clock::now() + settings.timeout;
        return true;
    };
    auto http_error = [&](int status) {
        return core::with_cause(
            core::universe_client_http_error(repository.name, repository.uri, status,
                                             settings.during_add ? 400 : 500),
            answered(status));
    };
    while (true) {
        auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (remaining.count() <= 0) {
            if (next_attempt()) continue;
            throw core::repository_uri_connection(repository.name, repository.uri, timed_out);
        }
        HttpCall call;
        call.url = url;
        call.timeout = remaining;
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
                throw core::repository_uri_syntax(repository.name, repository.uri,
                                                  call_failure_cause(e, settings.timeout));
            }
            if (e.type() == "PayloadTooLarge") throw;
            if (retryable(e) && next_attempt()) continue;
            throw core::repository_uri_connection(
                repository.name, repository.uri,
                e.type() == "TimeoutError" ? timed_out : call_failure_cause(e, settings.timeout));
        }
        const int status = reply.status;
        if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
            auto location = reply.header("Location");
            if (!location) {
                throw core::with_cause(http_error(status),
                                       "the server redirected without a Location header");
            }
            if (++redirects > settings.max_redirects) {
                throw core::with_cause(
                    http_error(status),
                    "more than " + std::to_string(settings.max_redirects) + " redirects");
            }
            std::string next = resolve_location(url, *location);
            std::string next_scheme = scheme_of(next);
            if (next_scheme != scheme_of(url)) {
                throw core::with_cause(core::unsupported_redirect({scheme_of(url)}, next_scheme),
                                       "the server redirected to " + next);
            }
            url = next;
            continue;
        }
        if (status == 304 && etag) {
            Fetched f;
            f.not_modified = true;
            return f;
        }
        if (status >= 500 && next_attempt()) continue;
        if (status != 200) throw http_error(status);
        std::string body = std::move(reply.body);
        if (auto encoding = reply.header("Content-Encoding")) {
            std::string e(*encoding);
            for (auto& c : e)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (e == "gzip") {
                body = codec.gunzip(body);
            } else if (!e.empty() && e != "identity") {
                throw core::with_cause(
                    core::unsupported_content_encoding({"gzip"}, std::string(*encoding)),
                    "the server compressed the repository with " + std::string(*encoding) +
                        "; only gzip is read");
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
        if (!content_type) {
            throw core::with_cause(core::unsupported_content_type(supported_types(), std::nullopt),
                                   "the server sent no Content-Type");
        }
        if (repository_format(std::string(*content_type)) < 0) {
            throw core::with_cause(
                core::unsupported_content_type(supported_types(), std::string(*content_type)),
                not_a_repository(*content_type));
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
    if (auto packages = decode_by_package(content.body)) return std::move(*packages);
    return core::decode_repository_json(content.body);
}

}  // namespace cosmos::app
