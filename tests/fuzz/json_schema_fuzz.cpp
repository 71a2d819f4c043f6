// Fuzz target "json_schema": a draft-04 schema and an instance, both from the input (schema, NUL,
// instance). Package authors write config schemas, and users' options are validated against them.

#include <optional>

#include "cosmos/core/error.h"
#include "cosmos/core/json.h"
#include "cosmos/core/json_schema.h"
#include "schemas/schema_catalog.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cosmos::core;
using universe_fuzz::expect;

namespace {
constexpr const char* kTarget = "json_schema";

void check_message(const Error& e) {
    expect(!universe_fuzz::leaks_library_text(e.what()), kTarget,
           std::string("error leaks library text: ") + e.what());
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto parts = universe_fuzz::split_parts(universe_fuzz::as_text(data, size), 2);
    Json schema_json;
    Json instance;
    try {
        schema_json = parse_json(parts[0]);
        instance = parse_json(parts[1]);
    } catch (const Error& e) {
        check_message(e);
        return 0;
    }
    // $ref may also point into our own schemas, as the package schemas' refs do.
    std::optional<JsonSchema> schema;
    try {
        schema.emplace(schema_json, "https://schemas.universe.invalid/fuzz.json",
                       &cosmos::schemas::registry());
    } catch (const Error& e) {
        check_message(e);
        return 0;
    }
    std::vector<SchemaViolation> violations;
    bool valid = false;
    try {
        violations = schema->validate(instance);
        valid = schema->is_valid(instance);
    } catch (const Error& e) {
        // Only the nesting bound may stop a validation.
        check_message(e);
        return 0;
    }
    expect(valid == violations.empty(), kTarget,
           valid ? "is_valid accepts what validate reports"
                 : "is_valid refuses what validate accepts");
    for (const auto& v : violations) {
        Json error = to_cosmos_error(v);
        expect(error.is_object() && error.contains("message"), kTarget,
               "a violation has no message");
    }
    return 0;
}
