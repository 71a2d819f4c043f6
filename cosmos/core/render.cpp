#include "cosmos/core/render.h"

#include "cosmos/core/error.h"
#include "cosmos/core/json_schema.h"
#include "cosmos/core/mustache.h"
#include "cosmos/core/options.h"

namespace cosmos::core {

namespace {

constexpr std::string_view kUniversePackageType = "application/vnd.dcos.universe.package+json";

std::string trim(std::string_view s) {
    std::size_t b = 0;
    std::size_t e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t'))
        ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
        --e;
    return std::string(s.substr(b, e - b));
}

std::string lower(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Accepts the universe package media type with version v2..v5, in any parameter order and
// spacing; a missing charset is tolerated as Cosmos's compatibility check is one-sided here.
bool is_universe_package_type(std::string_view content_type) {
    std::size_t semi = content_type.find(';');
    if (lower(trim(content_type.substr(0, semi))) != kUniversePackageType) return false;
    std::string version;
    while (semi != std::string_view::npos) {
        std::size_t next = content_type.find(';', semi + 1);
        std::string param = trim(content_type.substr(
            semi + 1, next == std::string_view::npos ? std::string_view::npos : next - semi - 1));
        auto eq = param.find('=');
        if (eq != std::string::npos && lower(trim(param.substr(0, eq))) == "version") {
            version = trim(param.substr(eq + 1));
        }
        semi = next;
    }
    return version == "v2" || version == "v3" || version == "v4" || version == "v5";
}

}  // namespace

std::string universe_package_media_type(PackagingVersion version) {
    std::string n;
    switch (version) {
        case PackagingVersion::k2_0:
            n = "v2";
            break;
        case PackagingVersion::k3_0:
            n = "v3";
            break;
        case PackagingVersion::k4_0:
            n = "v4";
            break;
        case PackagingVersion::k5_0:
            n = "v5";
            break;
    }
    return std::string(kUniversePackageType) + ";charset=utf-8;version=" + n;
}

namespace {

std::optional<Json> context_resource(const Package& package) {
    if (!package.resource) return std::nullopt;
    bool with_cli = package.packaging_version != PackagingVersion::k2_0;
    return encode_resource(*package.resource, with_cli);
}

// merge(object, {key: value}) made in place: key moves to the front, its value merged with the
// one it had when both are objects.
void merge_to_front(Json& object, const std::string& key, Json value) {
    using ObjectMembers = Json::object_t::Container;
    auto& members = static_cast<ObjectMembers&>(object.get_ref<Json::object_t&>());
    for (auto& member : members) {
        if (member.first != key) continue;
        if (member.second.is_object() && value.is_object()) value = merge(member.second, value);
        break;
    }
    // Members cannot be moved within the object (their keys are const): the values move into a
    // new list instead.
    ObjectMembers reordered;
    reordered.reserve(members.size() + 1);
    reordered.emplace_back(key, std::move(value));
    for (auto& member : members) {
        if (member.first != key) reordered.emplace_back(member.first, std::move(member.second));
    }
    members = std::move(reordered);
}

Json context_with(const Json& resolved_options, const std::optional<Json>& resource) {
    Json context = resolved_options.is_object() ? resolved_options : Json::object();
    if (resource) merge_to_front(context, "resource", *resource);
    return context;
}

// Steps 3 and 4 of render_marathon_app() with the context made.
Json render_with_context(const MustacheTemplate& compiled, const Json& context) {
    std::string text;
    try {
        text = compiled.render(context);
    } catch (const MustacheError& e) {
        throw unhandled_exception(e.what());
    }

    Json rendered;
    try {
        rendered = parse_json(text);
    } catch (const Error& e) {
        std::string message = e.data().is_object() && e.data().contains("parsingErrorMessage")
                                  ? e.data()["parsingErrorMessage"].get<std::string>()
                                  : e.what();
        throw json_parsing_error("ParsingFailure", message, text);
    }
    if (!rendered.is_object()) throw marathon_template_must_be_json_object();

    if (auto it = rendered.find("labels"); it != rendered.end() && !it->is_null()) {
        bool ok = it->is_object();
        if (ok) {
            for (const auto& v : *it)
                ok = ok && v.is_string();
        }
        if (!ok) {
            throw json_decoding_error("scala.collection.immutable.Map",
                                      "labels must be an object of strings", to_compact(*it));
        }
    }
    return rendered;
}

}  // namespace

Json render_context(const Package& package, const Json& resolved_options) {
    return context_with(resolved_options, context_resource(package));
}

std::shared_ptr<const PreparedRender> prepare_render(const Package& package, const Codec& codec) {
    auto out = std::make_shared<PreparedRender>();
    std::optional<std::string> template_text;
    try {
        template_text = package.marathon_template();
    } catch (...) {
        out->has_template = true;
        out->template_text_error = std::current_exception();
    }
    if (template_text) {
        out->has_template = true;
        try {
            out->compiled_template =
                std::make_shared<const MustacheTemplate>(MustacheTemplate::parse(*template_text));
        } catch (const MustacheError& e) {
            out->template_error = std::make_exception_ptr(unhandled_exception(e.what()));
        }
    }
    if (package.config) {
        try {
            out->config = package.config->value();
            out->defaults = extract_defaults(*out->config);
        } catch (...) {
            out->config.reset();
            out->config_error = std::current_exception();
        }
        if (out->config) {
            try {
                out->compiled_config = std::make_shared<const JsonSchema>(*out->config);
            } catch (...) {
                out->schema_error = std::current_exception();
            }
        }
    }
    out->resource = context_resource(package);
    try {
        out->definition_label = encode_definition_label(package, codec);
    } catch (...) {
        out->definition_error = std::current_exception();
    }
    return out;
}

std::string encode_options_label(const Json& options) {
    return base64_encode(to_compact(drop_nulls(options)));
}

std::string encode_definition_label(const Package& package, const Codec& codec) {
    std::string inner = to_compact(encode_package(package, Nulls::kWrite));
    Json envelope{{"metadata",
                   {{"Content-Type", universe_package_media_type(package.packaging_version)},
                    {"Content-Encoding", "gzip"}}},
                  {"data", base64_encode(codec.gzip(inner))}};
    return base64_encode(to_compact(envelope));
}

Package decode_definition_label(std::string_view label, const Codec& codec) {
    Json envelope;
    try {
        envelope = parse_json(base64_decode(label));
    } catch (const Error&) {
        throw json_decoding_error("StorageEnvelope", "not JSON", label.substr(0, 256));
    } catch (const std::exception& e) {
        throw json_decoding_error("StorageEnvelope", e.what(), label.substr(0, 256));
    }
    if (!envelope.is_object() || !envelope.contains("data") || !envelope["data"].is_string()) {
        throw json_decoding_error("StorageEnvelope",
                                  "Attempt to decode value on failed cursor: DownField(data)",
                                  to_compact(envelope).substr(0, 256));
    }
    const Json& metadata = envelope.contains("metadata") ? envelope["metadata"] : Json::object();
    std::string content_type;
    if (metadata.is_object() && metadata.contains("Content-Type") &&
        metadata["Content-Type"].is_string()) {
        content_type = metadata["Content-Type"].get<std::string>();
    }
    static const std::vector<std::string> kSupported = {
        universe_package_media_type(PackagingVersion::k2_0),
        universe_package_media_type(PackagingVersion::k3_0),
        universe_package_media_type(PackagingVersion::k4_0),
        universe_package_media_type(PackagingVersion::k5_0)};
    if (content_type.empty()) throw unsupported_content_type(kSupported, std::nullopt);
    if (!is_universe_package_type(content_type)) {
        throw unsupported_content_type(kSupported, content_type);
    }
    std::string data;
    try {
        data = base64_decode(envelope["data"].get<std::string>());
    } catch (const std::exception& e) {
        throw json_decoding_error("StorageEnvelope", e.what(), "data");
    }
    if (metadata.is_object() && metadata.contains("Content-Encoding") &&
        !metadata["Content-Encoding"].is_null()) {
        const Json& encoding = metadata["Content-Encoding"];
        std::string name =
            encoding.is_string() ? encoding.get<std::string>() : to_compact(encoding);
        if (name != "gzip") throw unsupported_content_encoding_label(name);
        data = codec.gunzip(data);
    }
    return decode_package(parse_json(data));
}

std::optional<Json> decode_options_label(std::string_view label) {
    try {
        Json options = parse_json(base64_decode(label));
        if (options.is_object()) return options;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

Json render_template(const Package& package, const std::string& template_text,
                     const Json& resolved_options) {
    try {
        return render_template(package, MustacheTemplate::parse(template_text), resolved_options);
    } catch (const MustacheError& e) {
        throw unhandled_exception(e.what());
    }
}

Json render_template(const Package& package, const MustacheTemplate& compiled,
                     const Json& resolved_options) {
    return render_with_context(compiled, render_context(package, resolved_options));
}

RenderedApp render_marathon_app(const RenderRequest& request, const Codec& codec) {
    const Package& package = *request.package;
    std::shared_ptr<const PreparedRender> own;
    const PreparedRender* prepared = request.prepared;
    if (!prepared) {
        own = prepare_render(package, codec);
        prepared = own.get();
    }
    // 1. the template
    if (prepared->template_text_error) std::rethrow_exception(prepared->template_text_error);
    if (!prepared->has_template) {
        throw service_marathon_template_not_found(package.name, package.version.str());
    }
    // 2. options, as resolve_options() resolves them
    Json user_options = request.user_options.is_object() ? request.user_options : Json::object();
    if (prepared->config_error) std::rethrow_exception(prepared->config_error);
    Json resolved = merge(prepared->defaults, user_options);
    // Cosmos: an empty option set is never validated.
    if (!resolved.empty()) {
        if (!prepared->config) throw options_not_allowed();
        const JsonSchema* schema = request.compiled_config;
        if (!schema) {
            if (prepared->schema_error) std::rethrow_exception(prepared->schema_error);
            schema = prepared->compiled_config.get();
        }
        auto violations = schema->validate(resolved);
        if (!violations.empty()) {
            Json errors = Json::array();
            for (const auto& v : violations)
                errors.push_back(to_cosmos_error(v));
            throw json_schema_mismatch(std::move(errors));
        }
    }
    // 3. and 4. the template rendered to a JSON object
    if (prepared->template_error) std::rethrow_exception(prepared->template_error);
    Json app = render_with_context(*prepared->compiled_template,
                                   context_with(resolved, prepared->resource));

    // 5. decoration: labels first (the template's, then the package's over them), then the
    // overridden id, then the template's keys.
    // As merge(app, {"id": ...}), merge(app, {"labels": template labels}) and
    // merge(app, {"labels": package labels}) would, without copying the app each time.
    Json template_labels =
        app.contains("labels") && app["labels"].is_object() ? app["labels"] : Json::object();
    if (request.app_id) merge_to_front(app, "id", normalize_app_id(*request.app_id));
    merge_to_front(app, "labels", std::move(template_labels));
    Json package_labels = Json::object();
    package_labels[std::string(kLabelName)] = package.name;
    package_labels[std::string(kLabelVersion)] = package.version.str();
    package_labels[std::string(kLabelSource)] = request.source_uri;
    package_labels[std::string(kLabelOptions)] = encode_options_label(user_options);
    if (prepared->definition_error) std::rethrow_exception(prepared->definition_error);
    package_labels[std::string(kLabelDefinition)] = prepared->definition_label;
    merge_to_front(app, "labels", std::move(package_labels));
    return {std::move(app), std::move(resolved)};
}

}  // namespace cosmos::core
