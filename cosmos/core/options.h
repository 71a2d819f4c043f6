#pragma once

#include <optional>

#include "cosmos/core/json.h"

namespace cosmos::core {

class JsonSchema;

/// The defaults of a package config schema (Cosmos): for each member of `properties` that is an
/// object, its `default` if it has one (any JSON, null included), else the defaults of its own
/// `properties`, kept only when non-empty. $ref, items, definitions, the *Of keywords and
/// additionalProperties are not followed. A missing or non-object config gives {}.
Json extract_defaults(const Json& config);

/// Deep merge: for each key of overlay, two objects merge recursively, anything else replaces
/// the base value (arrays too). Keys only in base are kept. Key order of the result: overlay's
/// keys (overlay order), then base-only keys (base order).
Json merge(const Json& base, const Json& overlay);

/// merge(defaults of config, user_options), validated against config (draft-04).
/// - An empty merged object is returned without validation (even if the schema has "required").
/// - A non-empty merged object with no config throws OptionsNotAllowed.
/// - A failed validation throws JsonSchemaMismatch with every violation in data.errors.
/// compiled, when given, must be the compiled form of *config (avoids compiling it again).
Json resolve_options(const Json* config, const Json& user_options,
                     const JsonSchema* compiled = nullptr);

/// resolve_options for a package's config (kept as text).
Json resolve_options(const std::optional<JsonText>& config, const Json& user_options,
                     const JsonSchema* compiled = nullptr);

}  // namespace cosmos::core
