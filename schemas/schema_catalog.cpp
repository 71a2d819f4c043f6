#include "schemas/schema_catalog.h"

#include <map>
#include <mutex>
#include <utility>

#include "cosmos/core/error.h"
#include "cosmos/core/json.h"
#include "schemas/embedded_schemas.h"

namespace cosmos::schemas {
namespace {

using cosmos::core::Json;
using cosmos::core::JsonSchema;
using cosmos::core::SchemaRegistry;

// Drops "format" keywords. Our schema files have no property named "format" whose schema is a
// string, so every string-valued "format" member is the keyword.
void strip_formats(Json& value) {
    if (value.is_object()) {
        if (auto it = value.find("format"); it != value.end() && it->is_string()) value.erase(it);
    }
    if (value.is_object() || value.is_array()) {
        for (auto& member : value)
            strip_formats(member);
    }
}

SchemaRegistry load_registry(bool formats) {
    SchemaRegistry out;
    for (auto name : names()) {
        Json document = cosmos::core::parse_json(*find(name));
        if (!formats) strip_formats(document);
        out.add(uri_of(name), std::move(document));
    }
    return out;
}

using Cache = std::map<std::string, std::shared_ptr<const JsonSchema>, std::less<>>;

std::shared_ptr<const JsonSchema> compiled_from(const SchemaRegistry& schemas, Cache& cache,
                                                std::mutex& mutex, std::string_view ref) {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = cache.find(ref); it != cache.end()) return it->second;
    const auto file = ref.substr(0, ref.find('#'));
    if (!find(file)) {
        throw cosmos::core::json_decoding_error(
            "JsonSchema", "no embedded schema named " + std::string(file), std::string(ref));
    }
    // A one-line schema that refers to the target keeps every $ref inside the registry's
    // documents, so reports name the real file and pointer.
    auto schema =
        std::make_shared<const JsonSchema>(Json{{"$ref", uri_of(ref)}}, std::string(), &schemas);
    cache.emplace(std::string(ref), schema);
    return schema;
}

}  // namespace

std::string uri_of(std::string_view file_name) {
    return std::string(kSchemaBaseUri) + std::string(file_name);
}

const SchemaRegistry& registry() {
    static const SchemaRegistry kRegistry = load_registry(true);
    return kRegistry;
}

std::shared_ptr<const JsonSchema> compiled(std::string_view ref) {
    static std::mutex mutex;
    static Cache cache;
    return compiled_from(registry(), cache, mutex, ref);
}

std::shared_ptr<const JsonSchema> compiled_without_formats(std::string_view ref) {
    static const SchemaRegistry kRegistry = load_registry(false);
    static std::mutex mutex;
    static Cache cache;
    return compiled_from(kRegistry, cache, mutex, ref);
}

}  // namespace cosmos::schemas
