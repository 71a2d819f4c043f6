#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cosmos/core/app_id.h"
#include "cosmos/core/json.h"
#include "cosmos/core/package.h"

namespace cosmos::core {

class JsonSchema;
class MustacheTemplate;

/// Byte transforms the renderer needs but cannot do itself (core has no zlib): gzip and gunzip.
struct Codec {
    std::function<std::string(std::string_view)> gzip;
    std::function<std::string(std::string_view)> gunzip;
};

struct PreparedRender;

/// What install, render and service update need to turn a package into a Marathon app.
struct RenderRequest {
    const Package* package = nullptr;
    std::string source_uri;                       ///< becomes DCOS_PACKAGE_SOURCE
    Json user_options = Json::object();           ///< as the caller sent them (may be empty)
    std::optional<std::string> app_id;            ///< overrides the template's "id" (normalised)
    const JsonSchema* compiled_config = nullptr;  ///< optional cache of the compiled config
    /// Optional: prepare_render() of package, kept by the caller for later renders of it.
    const PreparedRender* prepared = nullptr;
};

/// The part of rendering a package that no request changes: its config schema parsed and
/// compiled with its defaults, its template compiled, the resource as the mustache context holds
/// it, and the DCOS_PACKAGE_DEFINITION label. Immutable once made; renders may share it from any
/// thread. A step that failed keeps its error, which a render meets where it would have met it
/// without preparation.
struct PreparedRender {
    bool has_template = false;
    std::exception_ptr template_text_error;  ///< the template's base64 did not decode
    std::shared_ptr<const MustacheTemplate> compiled_template;
    std::exception_ptr template_error;  ///< the template did not compile
    std::optional<Json> config;         ///< the parsed config schema, when the package has one
    std::exception_ptr config_error;    ///< the config text did not parse
    Json defaults = Json::object();     ///< extract_defaults() of the config
    std::shared_ptr<const JsonSchema> compiled_config;
    std::exception_ptr schema_error;  ///< the config did not compile as a schema
    std::optional<Json> resource;     ///< encode_resource() of the package's resource
    std::string definition_label;
    std::exception_ptr definition_error;
};

/// Prepares a package for rendering (see PreparedRender). Does not throw for the package's own
/// faults: they are kept.
std::shared_ptr<const PreparedRender> prepare_render(const Package& package, const Codec& codec);

/// A rendered, decorated Marathon app and the options it was rendered with.
struct RenderedApp {
    Json app;               ///< the JSON object to POST to Marathon
    Json resolved_options;  ///< defaults merged with the user's options
};

/// The label names Cosmos writes and reads.
inline constexpr std::string_view kLabelName = "DCOS_PACKAGE_NAME";
inline constexpr std::string_view kLabelVersion = "DCOS_PACKAGE_VERSION";
inline constexpr std::string_view kLabelSource = "DCOS_PACKAGE_SOURCE";
inline constexpr std::string_view kLabelOptions = "DCOS_PACKAGE_OPTIONS";
inline constexpr std::string_view kLabelDefinition = "DCOS_PACKAGE_DEFINITION";
inline constexpr std::string_view kLabelFrameworkName = "DCOS_PACKAGE_FRAMEWORK_NAME";
inline constexpr std::string_view kLabelCommonsUninstall = "DCOS_COMMONS_UNINSTALL";
inline constexpr std::string_view kLabelCommonsApiVersion = "DCOS_COMMONS_API_VERSION";

/// The mustache context: resolved options, then "resource" (the package's resource as Cosmos
/// encodes it, URLs not rewritten) set last, so it wins over an option named "resource".
Json render_context(const Package& package, const Json& resolved_options);

/// Steps 3 and 4 of render_marathon_app() alone: renders the template (which must exist) with the
/// context of render_context() and returns the parsed JSON object, before decoration.
Json render_template(const Package& package, const std::string& template_text,
                     const Json& resolved_options);

/// render_template() with a template compiled already.
Json render_template(const Package& package, const MustacheTemplate& compiled,
                     const Json& resolved_options);

/// Renders the package's Marathon template exactly as Cosmos 0.6.3 does:
/// 1. no template -> ServiceMarathonTemplateNotFound;
/// 2. options resolved (resolve_options: OptionsNotAllowed, JsonSchemaMismatch);
/// 3. a template that does not compile -> unhandled_exception with the engine's message;
/// 4. output that is not JSON -> JsonParsingError; not an object ->
///    MarathonTemplateMustBeJsonObject$; labels not a string map -> JsonDecodingError;
/// 5. decoration: the request appId overrides "id"; the five package labels are added and win
///    over template labels. Key order: labels, id (when overridden), the template's keys.
RenderedApp render_marathon_app(const RenderRequest& request, const Codec& codec);

/// base64 of compact, null-dropped JSON: the encoding of DCOS_PACKAGE_OPTIONS.
std::string encode_options_label(const Json& options);

/// The DCOS_PACKAGE_DEFINITION value: base64 of the compact storage envelope
/// {"metadata":{"Content-Type": <universe package vN type>,"Content-Encoding":"gzip"},
///  "data": base64(gzip(package JSON with nulls written))}.
std::string encode_definition_label(const Package& package, const Codec& codec);

/// Decodes a DCOS_PACKAGE_DEFINITION value. Throws UnsupportedContentEncoding (an encoding other
/// than gzip), UnsupportedContentType (not a universe package type v2-v5), JsonDecodingError.
Package decode_definition_label(std::string_view label, const Codec& codec);

/// Decodes DCOS_PACKAGE_OPTIONS; nullopt when it is not base64 JSON of an object.
std::optional<Json> decode_options_label(std::string_view label);

/// "application/vnd.dcos.universe.package+json;charset=utf-8;version=v<N>" for a package.
std::string universe_package_media_type(PackagingVersion version);

}  // namespace cosmos::core
