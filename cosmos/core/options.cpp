#include "cosmos/core/options.h"

#include <string_view>
#include <unordered_map>

#include "cosmos/core/error.h"
#include "cosmos/core/json_schema.h"

namespace cosmos::core {

namespace {

using Members = Json::object_t::Container;

Members& members(Json& object) {
    return static_cast<Members&>(object.get_ref<Json::object_t&>());
}

const Members& members(const Json& object) {
    return static_cast<const Members&>(object.get_ref<const Json::object_t&>());
}

// The position of key among an object's members, or members.size(). A large object is searched
// through its index (made once by the caller), a small one linearly.
class KeyIndex {
public:
    explicit KeyIndex(const Members& m) : members_(m) {
        if (m.size() > kIndexed) {
            for (std::size_t i = 0; i < m.size(); ++i)
                index_.emplace(m[i].first, i);
        }
    }
    std::size_t find(std::string_view key) const {
        if (members_.size() > kIndexed) {
            auto it = index_.find(key);
            return it == index_.end() ? members_.size() : it->second;
        }
        for (std::size_t i = 0; i < members_.size(); ++i) {
            if (members_[i].first == key) return i;
        }
        return members_.size();
    }

private:
    static constexpr std::size_t kIndexed = 8;
    const Members& members_;
    std::unordered_map<std::string_view, std::size_t> index_;
};

}  // namespace

Json extract_defaults(const Json& config) {
    Json out = Json::object();
    if (!config.is_object()) return out;
    auto properties = config.find("properties");
    if (properties == config.end() || !properties->is_object()) return out;
    // The keys of "properties" are unique, so each default is appended without a lookup.
    for (const auto& [key, property] : members(*properties)) {
        if (!property.is_object()) continue;
        if (auto d = property.find("default"); d != property.end()) {
            members(out).emplace_back(key, *d);
        } else if (property.contains("properties")) {
            Json nested = extract_defaults(property);
            if (!nested.empty()) members(out).emplace_back(key, std::move(nested));
        }
    }
    return out;
}

Json merge(const Json& base, const Json& overlay) {
    if (!base.is_object() || !overlay.is_object()) return overlay;
    const Members& b = members(base);
    const Members& o = members(overlay);
    Json out = Json::object();
    Members& result = members(out);
    result.reserve(b.size() + o.size());
    // Keys are unique in each object, so members are appended without lookups in the result.
    KeyIndex in_base(b);
    for (const auto& [key, value] : o) {
        std::size_t at = in_base.find(key);
        if (at < b.size() && b[at].second.is_object() && value.is_object()) {
            result.emplace_back(key, merge(b[at].second, value));
        } else {
            result.emplace_back(key, value);
        }
    }
    KeyIndex in_overlay(o);
    for (const auto& [key, value] : b) {
        if (in_overlay.find(key) == o.size()) result.emplace_back(key, value);
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
