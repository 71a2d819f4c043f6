#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cosmos/core/json.h"

namespace cosmos::core {

/// One failed constraint, in the terms of the java-json-tools validator that Cosmos used.
struct SchemaViolation {
    std::string instance_pointer;  ///< JSON pointer into the instance ("" = root), e.g. "/port"
    std::string schema_pointer;    ///< JSON pointer into the schema, e.g. "/properties/port"
    std::string schema_uri;        ///< the document the schema pointer is in ("#" = the root one)
    std::string keyword;           ///< "type", "required", "additionalProperties", ...
    /// java-json-tools wording, e.g. "instance type (string) does not match any allowed primitive
    /// type (allowed: [\"integer\"])"
    std::string message;
    Json details = Json::object();  ///< keyword fields: found, expected, missing, unwanted, ...
};

/// Documents that $ref may point into, by absolute URI (without fragment).
class SchemaRegistry {
public:
    /// Registers (or replaces) the document named uri; a fragment in uri ("...#") is ignored.
    void add(std::string uri, Json document);
    /// The document named uri (its fragment ignored), or null. The pointer stays valid until the
    /// same uri is added again.
    const Json* find(std::string_view uri) const;
    /// Every registered URI, sorted.
    std::vector<std::string> uris() const;

private:
    std::map<std::string, Json, std::less<>> documents_;
};

/// A draft-04 JSON Schema, compiled once and applied many times.
///
/// Supports every draft-04 validation keyword, $ref (inside the document, to other documents of a
/// registry, and by "id"-based base URIs), and format "uri", "date-time", "email", "hostname",
/// "ipv4", "ipv6", "regex" (unknown formats are ignored). Numbers with no fractional part count as
/// integers. Unknown keywords are ignored. Patterns are ECMA-262 and matched in linear time.
class JsonSchema {
public:
    /// base_uri names the schema document for $ref resolution; registry (may be null, must
    /// outlive the schema) supplies other documents. Throws Error (JsonDecodingError) when the
    /// schema itself is unusable (a pattern that does not compile, an unresolvable $ref, a
    /// subschema that is not an object, a schema that reaches itself through $ref, allOf, anyOf,
    /// oneOf, not or dependencies without descending into the instance, or applies subschemas
    /// through those keywords more than 64 levels deep).
    explicit JsonSchema(Json schema, std::string base_uri = "",
                        const SchemaRegistry* registry = nullptr);
    ~JsonSchema();
    JsonSchema(JsonSchema&&) noexcept;
    JsonSchema& operator=(JsonSchema&&) noexcept;

    /// Every violation (all of them, not only the first): at each schema, its keywords in
    /// alphabetical order, then the instance's members in document order or its elements. The
    /// violations inside a failed allOf/anyOf/oneOf are in that violation's details "reports".
    /// Throws Error (JsonDecodingError) when validation would apply subschemas more than 64
    /// levels deep (a recursive schema on a deep instance), take more than 4 million steps (a
    /// schema that reaches the same subschemas through very many paths) or report more than
    /// 10,000 violations, nested reports included.
    std::vector<SchemaViolation> validate(const Json& instance) const;

    /// validate(instance).empty(), but stops at the first failure. Throws as validate() does.
    bool is_valid(const Json& instance) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// One entry of JsonSchemaMismatch data.errors, in the shape the DC/OS CLI reads:
/// {"level":"error","schema":{"loadingURI":"#","pointer":...},"instance":{"pointer":...},
///  "domain":"validation","keyword":...,"message":..., <details...>}
Json to_cosmos_error(const SchemaViolation& violation);

}  // namespace cosmos::core
