#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cosmos/core/json.h"

namespace cosmos::core {

/// A JSON value that does not have the expected shape. what() is a circe-style message, e.g.
/// "Attempt to decode value on failed cursor: DownField(packageName)" or
/// "String: DownField(packageName)"; Cosmos clients show these texts.
class DecodeFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
    /// A failure for a required member that is absent (or null): missing_member names it.
    DecodeFailure(const std::string& message, std::string missing_member)
        : std::runtime_error(message), missing_member_(std::move(missing_member)) {}

    /// The name of the absent required member, "" for other failures.
    const std::string& missing_member() const noexcept { return missing_member_; }

private:
    std::string missing_member_;
};

/// Where a decoder is inside a document, for failure messages (most recent step first, as circe
/// prints cursor history).
class DecodePath {
public:
    DecodePath() = default;
    DecodePath field(std::string_view name) const;
    DecodePath index(std::size_t i) const;
    std::string history() const;

private:
    std::vector<std::string> ops_;
};

/// Typed readers of object members. "Optional" readers treat a missing member and a JSON null
/// alike. Integers accept numeric strings when allow_string is set (Cosmos accepts "index":"0").
/// All throw DecodeFailure.
std::string required_string(const Json& object, std::string_view key, const DecodePath& at);
std::optional<std::string> optional_string(const Json& object, std::string_view key,
                                           const DecodePath& at);
bool required_bool(const Json& object, std::string_view key, const DecodePath& at);
std::optional<bool> optional_bool(const Json& object, std::string_view key, const DecodePath& at);
std::optional<std::int64_t> optional_int(const Json& object, std::string_view key,
                                         const DecodePath& at, bool allow_string = false);
std::int64_t required_int(const Json& object, std::string_view key, const DecodePath& at,
                          bool allow_string = false);
std::vector<std::string> required_string_array(const Json& object, std::string_view key,
                                               const DecodePath& at);
std::optional<std::vector<std::string>> optional_string_array(const Json& object,
                                                              std::string_view key,
                                                              const DecodePath& at);
/// An optional member that must be an object when present.
const Json* optional_object(const Json& object, std::string_view key, const DecodePath& at);
/// Requires `value` itself to be an object ("JsonObject: <history>").
void expect_object(const Json& value, const DecodePath& at);

}  // namespace cosmos::core
