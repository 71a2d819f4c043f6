#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cosmos/app/ports.h"
#include "cosmos/core/catalog.h"
#include "cosmos/core/render.h"

namespace cosmos::app {

/// The Accept header Cosmos sends to repositories: v5, v4, then v3.
extern const char* const kRepositoryAccept;

/// How repositories are downloaded.
struct FetchSettings {
    std::string user_agent;  ///< "cosmos/<version> dcos/<DC/OS version>"
    int max_retries = 3;     ///< extra attempts after I/O errors and 5xx answers
    std::chrono::milliseconds retry_pause{5000};
    std::chrono::milliseconds timeout{60000};
    std::uint64_t max_bytes = 256ull << 20;  ///< compressed and decompressed size limit
    int max_redirects = 5;
    bool during_add = false;  ///< UniverseClientHttpError carries status 400 instead of 500
    /// Waits between retries (tests pass a no-op).
    std::function<void(std::chrono::milliseconds)> sleep;
};

/// The result of one download.
struct Fetched {
    bool not_modified = false;  ///< 304 to our If-None-Match: keep what is stored
    StoredContent content;      ///< body decompressed; media type as served
};

/// Downloads a repository the way Cosmos does (cosmos-api.md §15.4): exactly the Accept,
/// Accept-Encoding and User-Agent headers and never an Authorization; gzip decoded; redirects
/// followed within the same scheme only (UnsupportedRedirect otherwise); I/O errors and 5xx
/// retried; other statuses UniverseClientHttpError; a Content-Type that is not a repository
/// type (v3-v5, or application/zip) UnsupportedContentType. etag is sent as If-None-Match.
/// Throws core::Error.
Fetched fetch_repository(HttpClient& client, const RepositoryRef& repository,
                         const std::optional<std::string>& etag, const FetchSettings& settings,
                         const core::Codec& codec);

/// Reads an archive (the zip adapter) into (path, bytes) pairs; throws core::Error.
using Unzipper =
    std::function<std::vector<std::pair<std::string, std::string>>(std::string_view bytes)>;

/// Decodes downloaded content into packages, by its media type: repository JSON (v3, v4, v5
/// alike) or a legacy zip repository. Throws core::Error (UnsupportedContentType,
/// JsonDecodingError, IndexNotFound, ...).
std::vector<core::Package> decode_content(const StoredContent& content, const Unzipper& unzip);

}  // namespace cosmos::app
