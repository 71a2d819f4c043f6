#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "cosmos/core/error.h"
#include "cosmos/core/media_type.h"

namespace cosmos::http {

/// A value, or the request error that stands in its place.
template <typename T>
using Checked = std::variant<T, core::Error>;

// The media type itself (parsing, rendering, compatibility) is pure and lives in core, where
// the repository client uses it too.
using core::compatible;
using core::media_type;
using core::media_type_parse_message;
using core::MediaType;
using core::parse_media_type;

/// The quality of an Accept item (§3.5 step 4): its "q" parameter when that is a valid qvalue
/// (0 to 1, at most three decimals), otherwise 1.
double quality(const MediaType& item);

/// Accept steps 1-3 (§3.5): split on ",", drop blank items, parse each, back-fill parameters from
/// the nearest item to the right that has any, collapse duplicates (first occurrence kept). Returns
/// the items in header order with "q" kept, or not_parsed for header 'Accept' naming the first
/// item that does not parse.
Checked<std::vector<MediaType>> parse_accept(std::string_view header);

/// Accept steps 4-6: drops q=0 items, sorts (q descending; type, subtype, suffix ascending with no
/// suffix first; more non-q parameters first; ties keep header order), removes "q", and keeps the
/// items compatible with at least one server type.
std::vector<MediaType> rank_accept(const std::vector<MediaType>& items,
                                   const std::vector<MediaType>& server_types);

/// The whole negotiation (§3.5). Returns the index in `server_types` of the type to answer with:
/// the first ranked item must equal that type exactly. Errors: not_present when the header is
/// missing, not_parsed for an unparsable item, not_valid
/// (`Media type was [<client items>] but should be one of [<server types>]`) otherwise.
Checked<std::size_t> negotiate_accept(std::optional<std::string_view> header,
                                      const std::vector<MediaType>& server_types);

/// The request Content-Type check (§3.4): the header must parse and `expected` must be compatible
/// with it (extra client parameters allowed). Returns the client's parsed type, or not_present /
/// not_parsed / not_valid (`should match one of <expected>`) for header 'Content-Type'.
Checked<MediaType> check_content_type(std::optional<std::string_view> header,
                                      const MediaType& expected);

// --- every media type the service speaks (cosmos-api.md §2, §15.4, §18.2), rendered form ---

/// GET /capabilities response.
inline constexpr std::string_view kCapabilitiesType =
    "application/vnd.dcos.capabilities+json;charset=utf-8;version=v1";
/// POST /package/search request.
inline constexpr std::string_view kSearchRequestType =
    "application/vnd.dcos.package.search-request+json;charset=utf-8;version=v1";
/// POST /package/search response.
inline constexpr std::string_view kSearchResponseType =
    "application/vnd.dcos.package.search-response+json;charset=utf-8;version=v1";
/// POST /package/describe request.
inline constexpr std::string_view kDescribeRequestType =
    "application/vnd.dcos.package.describe-request+json;charset=utf-8;version=v1";
/// POST /package/describe response, preferred version ({"package": ...}).
inline constexpr std::string_view kDescribeResponseV3Type =
    "application/vnd.dcos.package.describe-response+json;charset=utf-8;version=v3";
/// POST /package/describe response, flat version (Python CLI fallback).
inline constexpr std::string_view kDescribeResponseV2Type =
    "application/vnd.dcos.package.describe-response+json;charset=utf-8;version=v2";
/// POST /package/list-versions request.
inline constexpr std::string_view kListVersionsRequestType =
    "application/vnd.dcos.package.list-versions-request+json;charset=utf-8;version=v1";
/// POST /package/list-versions response.
inline constexpr std::string_view kListVersionsResponseType =
    "application/vnd.dcos.package.list-versions-response+json;charset=utf-8;version=v1";
/// POST /package/render request.
inline constexpr std::string_view kRenderRequestType =
    "application/vnd.dcos.package.render-request+json;charset=utf-8;version=v1";
/// POST /package/render response.
inline constexpr std::string_view kRenderResponseType =
    "application/vnd.dcos.package.render-response+json;charset=utf-8;version=v1";
/// POST /package/install request.
inline constexpr std::string_view kInstallRequestType =
    "application/vnd.dcos.package.install-request+json;charset=utf-8;version=v1";
/// POST /package/install response, preferred version (Python CLI).
inline constexpr std::string_view kInstallResponseV2Type =
    "application/vnd.dcos.package.install-response+json;charset=utf-8;version=v2";
/// POST /package/install response, appId required (Go CLI).
inline constexpr std::string_view kInstallResponseV1Type =
    "application/vnd.dcos.package.install-response+json;charset=utf-8;version=v1";
/// POST /package/uninstall request.
inline constexpr std::string_view kUninstallRequestType =
    "application/vnd.dcos.package.uninstall-request+json;charset=utf-8;version=v1";
/// POST /package/uninstall response.
inline constexpr std::string_view kUninstallResponseType =
    "application/vnd.dcos.package.uninstall-response+json;charset=utf-8;version=v1";
/// POST /package/list request.
inline constexpr std::string_view kListRequestType =
    "application/vnd.dcos.package.list-request+json;charset=utf-8;version=v1";
/// POST /package/list response.
inline constexpr std::string_view kListResponseType =
    "application/vnd.dcos.package.list-response+json;charset=utf-8;version=v1";
/// POST /package/repository/list request.
inline constexpr std::string_view kRepositoryListRequestType =
    "application/vnd.dcos.package.repository.list-request+json;charset=utf-8;version=v1";
/// POST /package/repository/list response.
inline constexpr std::string_view kRepositoryListResponseType =
    "application/vnd.dcos.package.repository.list-response+json;charset=utf-8;version=v1";
/// POST /package/repository/add request.
inline constexpr std::string_view kRepositoryAddRequestType =
    "application/vnd.dcos.package.repository.add-request+json;charset=utf-8;version=v1";
/// POST /package/repository/add response.
inline constexpr std::string_view kRepositoryAddResponseType =
    "application/vnd.dcos.package.repository.add-response+json;charset=utf-8;version=v1";
/// POST /package/repository/delete request.
inline constexpr std::string_view kRepositoryDeleteRequestType =
    "application/vnd.dcos.package.repository.delete-request+json;charset=utf-8;version=v1";
/// POST /package/repository/delete response.
inline constexpr std::string_view kRepositoryDeleteResponseType =
    "application/vnd.dcos.package.repository.delete-response+json;charset=utf-8;version=v1";
/// POST /service/describe request.
inline constexpr std::string_view kServiceDescribeRequestType =
    "application/vnd.dcos.service.describe-request+json;charset=utf-8;version=v1";
/// POST /service/describe response.
inline constexpr std::string_view kServiceDescribeResponseType =
    "application/vnd.dcos.service.describe-response+json;charset=utf-8;version=v1";
/// POST /service/update request.
inline constexpr std::string_view kServiceUpdateRequestType =
    "application/vnd.dcos.service.update-request+json;charset=utf-8;version=v1";
/// POST /service/update response.
inline constexpr std::string_view kServiceUpdateResponseType =
    "application/vnd.dcos.service.update-response+json;charset=utf-8;version=v1";
/// Every error response carries this type, whatever the Accept header said (§17.1).
inline constexpr std::string_view kErrorType =
    "application/vnd.dcos.package.error+json;charset=utf-8;version=v1";

/// Repository document, packaging up to 5.0 (§15.4; the repository Accept header lists v5, v4, v3).
inline constexpr std::string_view kUniverseRepoV5Type =
    "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v5";
/// Repository document, packaging up to 4.0.
inline constexpr std::string_view kUniverseRepoV4Type =
    "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v4";
/// Repository document, packaging up to 3.0.
inline constexpr std::string_view kUniverseRepoV3Type =
    "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v3";
/// A zip of a Universe source tree (repositories before Cosmos 0.6.2).
inline constexpr std::string_view kZipType = "application/zip";

/// POST /package/add JSON body: copy a package from the repositories (§18.2).
inline constexpr std::string_view kPackageAddRequestType =
    "application/vnd.dcos.package.add-request+json;charset=utf-8;version=v1";
/// POST /package/add response (the added package).
inline constexpr std::string_view kPackageAddResponseType =
    "application/vnd.dcos.package.add-response+json;charset=utf-8;version=v1";
/// POST /package/add body: a .dcos bundle (zip).
inline constexpr std::string_view kPackageBundleType =
    "application/vnd.dcos.universe.package+zip;version=v1";

/// Our package history request (not in Cosmos).
inline constexpr std::string_view kHistoryRequestType =
    "application/vnd.dcos.package.history-request+json;charset=utf-8;version=v1";
/// Our package history response.
inline constexpr std::string_view kHistoryResponseType =
    "application/vnd.dcos.package.history-response+json;charset=utf-8;version=v1";

/// Our rollback request (not in Cosmos): {"appId", "recordId"}.
inline constexpr std::string_view kRollbackRequestType =
    "application/vnd.dcos.package.rollback-request+json;charset=utf-8;version=v1";
/// Our rollback response.
inline constexpr std::string_view kRollbackResponseType =
    "application/vnd.dcos.package.rollback-response+json;charset=utf-8;version=v1";

/// Every constant above, in declaration order.
const std::vector<std::string_view>& all_media_types();

}  // namespace cosmos::http
