#include "cosmos/core/bundle.h"

#include <string>
#include <vector>

#include "cosmos/core/error.h"
#include "cosmos/core/json_schema.h"

namespace cosmos::core {

namespace {

std::string pointer_text(const std::string& pointer) {
    return pointer.empty() ? std::string("/") : pointer;
}

// The schema picks its definition with oneOf over the packaging versions, which on its own only
// says "matched 0 out of 3". Reported instead: the violations of the definition whose
// packagingVersion the metadata names (the branch that does not complain about it), each as
// "<field>: <what was expected>".
std::vector<std::string> for_packaging_version(const std::vector<SchemaViolation>& violations) {
    std::vector<std::string> out;
    for (const auto& v : violations) {
        bool choice = v.keyword == "oneOf" && v.instance_pointer.empty() &&
                      v.details.contains("reports") && v.details["reports"].is_object();
        if (!choice) {
            out.push_back(pointer_text(v.instance_pointer) + ": " + v.message);
            continue;
        }
        const Json* chosen = nullptr;
        for (const auto& [branch, reports] : v.details["reports"].items()) {
            bool other_version = false;
            for (const auto& r : reports) {
                if (r["instance"]["pointer"] == "/packagingVersion") other_version = true;
            }
            if (!other_version && reports.is_array() && !reports.empty()) chosen = &reports;
        }
        if (!chosen) {
            out.push_back(pointer_text(v.instance_pointer) + ": " + v.message);
            continue;
        }
        for (const auto& r : *chosen) {
            out.push_back(pointer_text(r["instance"]["pointer"].get<std::string>()) + ": " +
                          r["message"].get<std::string>());
        }
    }
    return out;
}

}  // namespace

Json bundle_metadata(const Json& entry) {
    if (!entry.is_object()) throw invalid_bundle("a package definition must be a JSON object");
    if (!entry.contains("packagingVersion")) {
        // Without the field a package is packaging 2.0, which bundles cannot carry.
        throw invalid_bundle(
            "package.json has no packagingVersion (which means 2.0); bundles need packaging 3.0 "
            "or later: add \"packagingVersion\": \"3.0\" (or \"4.0\", \"5.0\")");
    }
    const Json& packaging = entry["packagingVersion"];
    if (!packaging.is_string()) {
        throw invalid_bundle("packagingVersion must be a string such as \"4.0\", not " +
                             packaging.dump());
    }
    const auto& pv = packaging.get_ref<const std::string&>();
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
    auto pv = metadata.find("packagingVersion");
    if (pv == metadata.end()) {
        throw invalid_bundle(
            "metadata.json has no packagingVersion: set it to \"3.0\", \"4.0\" or \"5.0\"");
    }
    if (!pv->is_string() || (*pv != "3.0" && *pv != "4.0" && *pv != "5.0")) {
        throw invalid_bundle("metadata.json: packagingVersion " + to_compact(*pv) +
                             " cannot be bundled; expected \"3.0\", \"4.0\" or \"5.0\"");
    }
    if (metadata_schema) {
        auto violations = metadata_schema->validate(metadata);
        if (!violations.empty()) {
            std::string message = "metadata.json does not match the bundle schema:";
            for (const auto& v : for_packaging_version(violations)) {
                message += " " + v + ";";
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
