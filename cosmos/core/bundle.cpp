#include "cosmos/core/bundle.h"

#include "cosmos/core/error.h"
#include "cosmos/core/json_schema.h"

namespace cosmos::core {

Json bundle_metadata(const Json& entry) {
    if (!entry.is_object()) throw invalid_bundle("a package definition must be a JSON object");
    auto pv = entry.value("packagingVersion", std::string("2.0"));
    if (pv == "2.0") {
        throw invalid_bundle("packagingVersion 2.0 packages cannot be bundled; use 3.0 or later");
    }
    Json out = entry;
    for (const char* dropped : {"releaseVersion", "selected", "command"})
        out.erase(dropped);
    return out;
}

Package package_from_bundle_metadata(std::string_view metadata_text,
                                     const JsonSchema* metadata_schema,
                                     ReleaseVersion release_version) {
    Json metadata;
    try {
        metadata = parse_json(metadata_text);
    } catch (const Error& e) {
        std::string why = e.data().is_object() && e.data().contains("parsingErrorMessage")
                              ? e.data()["parsingErrorMessage"].get<std::string>()
                              : e.what();
        throw invalid_bundle("metadata.json is not JSON: " + why);
    }
    if (!metadata.is_object()) throw invalid_bundle("metadata.json must hold a JSON object");
    if (metadata_schema) {
        auto violations = metadata_schema->validate(metadata);
        if (!violations.empty()) {
            std::string message = "metadata.json does not match the bundle schema:";
            for (const auto& v : violations) {
                message += " " +
                           (v.instance_pointer.empty() ? std::string("/") : v.instance_pointer) +
                           ": " + v.message + ";";
            }
            message.pop_back();
            throw invalid_bundle(message);
        }
    }
    Json definition = metadata;
    definition["releaseVersion"] = release_version;
    try {
        return decode_package(definition);
    } catch (const Error& e) {
        std::string why = e.data().is_object() && e.data().contains("decodingErrorMessage")
                              ? e.data()["decodingErrorMessage"].get<std::string>()
                              : e.what();
        throw invalid_bundle("metadata.json does not decode as a package: " + why);
    }
}

}  // namespace cosmos::core
