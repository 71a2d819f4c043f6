#include "cosmos/core/repository.h"

#include <map>
#include <tuple>

#include "cosmos/core/error.h"
#include "cosmos/core/json_schema.h"
#include "cosmos/core/repo_index.h"
#include "cosmos/core/version.h"

namespace cosmos::core {

namespace {

std::vector<std::string> split(std::string_view path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string_view::npos) {
            if (start < path.size()) out.emplace_back(path.substr(start));
            break;
        }
        out.emplace_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return out;
}

Json parse_package_file(const std::string& name, const std::string& text) {
    try {
        return parse_json(text);
    } catch (const Error& e) {
        std::string why = e.data().is_object() && e.data().contains("parsingErrorMessage")
                              ? e.data()["parsingErrorMessage"].get<std::string>()
                              : e.what();
        throw package_file_not_json(name, why);
    }
}

}  // namespace

std::vector<Package> decode_repository(const Json& document) {
    if (!document.is_object() || !document.contains("packages") ||
        !document["packages"].is_array()) {
        throw json_decoding_error("com.mesosphere.universe.v4.model.Repository",
                                  "Attempt to decode value on failed cursor: DownField(packages)",
                                  to_compact(document).substr(0, 2048));
    }
    std::vector<Package> out;
    out.reserve(document["packages"].size());
    for (const auto& entry : document["packages"])
        out.push_back(decode_package(entry));
    return out;
}

std::vector<Package> decode_repository_json(std::string_view body) {
    return decode_repository(parse_json(body));
}

std::vector<Package> decode_zip_repository(
    const std::vector<std::pair<std::string, std::string>>& files, std::string_view repo_uri,
    const JsonSchema* package_schema) {
    const std::string* index = nullptr;
    // (letter, name, revision) -> file name -> bytes
    std::map<std::tuple<std::string, std::string, std::string>,
             std::map<std::string, const std::string*>>
        revisions;
    for (const auto& [path, bytes] : files) {
        auto parts = split(path);
        // <top>/<repo>/meta/index.json
        if (parts.size() == 4 && parts[2] == "meta" && parts[3] == "index.json") index = &bytes;
        // <top>/<repo>/packages/<L>/<name>/<rev>/<file>
        if (parts.size() == 7 && parts[2] == "packages") {
            revisions[{parts[3], parts[4], parts[5]}][parts[6]] = &bytes;
        }
    }
    if (!index) throw index_not_found(repo_uri);
    Json index_json = parse_package_file("index.json", *index);
    // A version that is not a string is named as its JSON text: [] or 2.0, not a library error.
    std::string version;
    if (index_json.is_object() && index_json.contains("version")) {
        const Json& given = index_json["version"];
        version = given.is_string() ? given.get<std::string>() : given.dump();
    }
    if (version.rfind("2.", 0) != 0) throw unsupported_repository_version(version);

    std::vector<Package> out;
    for (const auto& revision : revisions) {
        // Not a structured binding: the lambda below captures it (clang 14 cannot).
        const auto& revision_files = revision.second;
        const auto& [letter, name, rev] = revision.first;
        auto release = parse_release_version(rev);
        if (!release) continue;
        auto find = [&](const char* file) -> const std::string* {
            auto it = revision_files.find(file);
            return it == revision_files.end() ? nullptr : it->second;
        };
        const std::string* package_text = find("package.json");
        if (!package_text) throw package_file_missing("package.json");
        const std::string* template_text = find("marathon.json.mustache");
        if (!template_text) throw package_file_missing("marathon.json.mustache");
        Json definition = parse_package_file("package.json", *package_text);
        if (package_schema && !package_schema->is_valid(definition)) {
            throw package_file_schema_mismatch("package.json");
        }
        // Licenses that do not convert are dropped silently, as Cosmos did.
        if (definition.contains("licenses")) {
            Json kept = Json::array();
            for (const auto& l : definition["licenses"]) {
                if (l.is_object() && l.contains("name") && l["name"].is_string() &&
                    l.contains("url") && l["url"].is_string()) {
                    kept.push_back(Json{{"name", l["name"]}, {"url", l["url"]}});
                }
            }
            definition["licenses"] = kept;
        }
        definition["packagingVersion"] = "2.0";
        definition["releaseVersion"] = *release;
        definition["marathon"] = Json{{"v2AppMustacheTemplate", base64_encode(*template_text)}};
        for (const char* file : {"config.json", "resource.json", "command.json"}) {
            if (const std::string* text = find(file)) {
                std::string key_name(file);
                key_name = key_name.substr(0, key_name.find('.'));
                definition[key_name] = parse_package_file(file, *text);
            }
        }
        out.push_back(decode_package(definition));
    }
    return out;
}

std::vector<Package> packages_for_dcos(const Json& universe_document,
                                       std::string_view dcos_release) {
    std::vector<Package> out;
    if (!universe_document.contains("packages")) return out;
    const bool old = repo_version_for(dcos_release) == 3;
    for (const auto& entry : universe_document["packages"]) {
        if (!served_to(entry, dcos_release)) continue;
        out.push_back(decode_package(old ? downgrade_for_old_dcos(entry) : entry));
    }
    return out;
}

}  // namespace cosmos::core
