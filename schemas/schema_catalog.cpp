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

SchemaRegistry load_registry() {
    SchemaRegistry out;
    for (auto name : names())
        out.add(uri_of(name), cosmos::core::parse_json(*find(name)));
    return out;
}

}  // namespace

std::string uri_of(std::string_view file_name) {
    return std::string(kSchemaBaseUri) + std::string(file_name);
}

const SchemaRegistry& registry() {
    static const SchemaRegistry kRegistry = load_registry();
    return kRegistry;
}

std::shared_ptr<const JsonSchema> compiled(std::string_view ref) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const JsonSchema>, std::less<>> cache;

    const SchemaRegistry& schemas = registry();
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

}  // namespace cosmos::schemas
