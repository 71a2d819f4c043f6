#include "cosmos/core/options.h"

#include <string_view>
#include <unordered_map>

#include "cosmos/core/error.h"
#include "cosmos/core/json_schema.h"

namespace cosmos::core {

Json extract_defaults(const Json& config) {
    Json out = Json::object();
    if (!config.is_object()) return out;
    auto properties = config.find("properties");
    if (properties == config.end() || !properties->is_object()) return out;
    for (auto it = properties->begin(); it != properties->end(); ++it) {
        const Json& property = it.value();
        if (!property.is_object()) continue;
        // The keys of "properties" are unique, so members are appended without a search.
        if (auto d = property.find("default"); d != property.end()) {
            append_member(out, it.key(), *d);
        } else if (property.contains("properties")) {
            Json nested = extract_defaults(property);
            if (!nested.empty()) append_member(out, it.key(), std::move(nested));
        }
    }
    return out;
}

Json merge(const Json& base, const Json& overlay) {
    if (!base.is_object() || !overlay.is_object()) return overlay;
    // The user's options may have very many members: keys are looked up through a hash index
    // and appended without a search (Json::find and operator[] scan the members).
    std::unordered_map<std::string_view, const Json*> base_members;
    base_members.reserve(base.size());
    for (auto it = base.begin(); it != base.end(); ++it)
        base_members.emplace(it.key(), &it.value());
    Json out = Json::object();
    for (auto it = overlay.begin(); it != overlay.end(); ++it) {
        auto b = base_members.find(it.key());
        if (b != base_members.end() && b->second->is_object() && it.value().is_object()) {
            append_member(out, it.key(), merge(*b->second, it.value()));
        } else {
            append_member(out, it.key(), it.value());
        }
        if (b != base_members.end()) b->second = nullptr;  // taken from the overlay
    }
    for (auto it = base.begin(); it != base.end(); ++it) {
        if (base_members.at(it.key()) != nullptr) append_member(out, it.key(), it.value());
    }
    return out;
}

Json resolve_options(const std::optional<JsonText>& config, const Json& user_options,
                     const JsonSchema* compiled) {
    if (!config) return resolve_options(nullptr, user_options, compiled);
    Json tree = config->value();
    return resolve_options(&tree, user_options, compiled);
}

Json resolve_options(const Json* config, const Json& user_options, const JsonSchema* compiled) {
    Json defaults = config ? extract_defaults(*config) : Json::object();
    Json merged = merge(defaults, user_options.is_object() ? user_options : Json::object());
    // Cosmos: an empty option set is never validated.
    if (merged.empty()) return merged;
    if (!config) throw options_not_allowed();
    std::vector<SchemaViolation> violations;
    if (compiled) {
        violations = compiled->validate(merged);
    } else {
        violations = JsonSchema(*config).validate(merged);
    }
    if (!violations.empty()) {
        Json errors = Json::array();
        for (const auto& v : violations)
            errors.push_back(to_cosmos_error(v));
        throw json_schema_mismatch(std::move(errors));
    }
    return merged;
}

}  // namespace cosmos::core
