#include "cosmos/core/repo_index.h"

#include <algorithm>
#include <map>

#include "cosmos/core/json_schema.h"
#include "cosmos/core/version.h"

namespace cosmos::core {

namespace {

// Python: re.sub(r'([^\\])"', r'\1\"', s). Matches do not overlap and a quote at position 0 is
// left alone.
std::string escape_quotes(const std::string& s) {
    std::string out;
    out.reserve(s.size() + 8);
    std::size_t i = 0;
    while (i + 1 < s.size()) {
        if (s[i] != '\\' && s[i + 1] == '"') {
            out.push_back(s[i]);
            out += "\\\"";
            i += 2;
        } else {
            out.push_back(s[i]);
            ++i;
        }
    }
    if (i < s.size()) out.push_back(s[i]);
    return out;
}

void escape_properties(Json& schema) {
    auto properties = schema.find("properties");
    if (properties == schema.end() || !properties->is_object()) return;
    for (auto& [key, property] : properties->items()) {
        if (!property.is_object()) continue;
        if (auto d = property.find("description"); d != property.end() && d->is_string()) {
            *d = escape_quotes(d->get<std::string>());
        }
        auto type = property.find("type");
        bool is_string = type != property.end() && type->is_string() && *type == "string";
        bool is_object = type != property.end() && type->is_string() && *type == "object";
        if (is_string) {
            if (auto d = property.find("default"); d != property.end() && d->is_string()) {
                *d = escape_quotes(d->get<std::string>());
            }
        }
        if (is_object && property.contains("properties")) escape_properties(property);
    }
}

std::string min_dcos_of(const Json& entry) {
    if (auto it = entry.find("minDcosReleaseVersion"); it != entry.end() && it->is_string()) {
        return it->get<std::string>();
    }
    return "0.0";
}

// Validates value with the schema that `pick` selects; see RepoSchemas::without_formats.
void validate_into(const Json& value, const RepoSchemas& schemas,
                   const JsonSchema* RepoSchemas::*pick, bool strict, std::string_view path,
                   std::string_view what, std::vector<Problem>& problems) {
    const JsonSchema* schema = schemas.*pick;
    if (!schema) return;
    auto violations = schema->validate(value);
    if (violations.empty()) return;
    Severity severity = Severity::kError;
    std::string note;
    if (const JsonSchema* lenient =
            schemas.without_formats ? schemas.without_formats->*pick : nullptr) {
        auto hard = lenient->validate(value);
        if (hard.empty()) {
            if (!strict) severity = Severity::kWarning;
            note = " (a format the Universe generator does not check)";
        } else {
            violations = std::move(hard);
        }
    }
    for (const auto& v : violations) {
        std::string where = v.instance_pointer.empty() ? "/" : v.instance_pointer;
        problems.push_back(
            {std::string(path), severity,
             std::string(what) + ": " + where + ": " + v.message + " [" + v.keyword + "]" + note});
    }
}

// The 2.0 form the legacy zip repository holds: no 3.0+ fields, no CLI.
void add_legacy_files(const Json& old_entry, PreparedEntry& out) {
    if (!old_entry.contains("marathon")) return;  // 2.0 packages need a template
    const std::string name = out.name;
    const std::string dir =
        "universe/repo/packages/" +
        std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])))) + "/" +
        name + "/" + std::to_string(out.release_version) + "/";
    Json package = old_entry;
    for (const char* dropped :
         {"releaseVersion", "minDcosReleaseVersion", "resource", "marathon", "config", "command",
          "lastUpdated", "hasKnownIssues", "manager", "upgradesFrom", "downgradesTo"}) {
        package.erase(dropped);
    }
    package["packagingVersion"] = "2.0";
    out.legacy_files.emplace_back(dir + "package.json", package.dump(2) + "\n");
    try {
        out.legacy_files.emplace_back(
            dir + "marathon.json.mustache",
            base64_decode(old_entry["marathon"]["v2AppMustacheTemplate"].get<std::string>()));
    } catch (const std::exception&) {
        out.legacy_files.clear();
        return;
    }
    if (old_entry.contains("config")) {
        out.legacy_files.emplace_back(dir + "config.json", old_entry["config"].dump(2) + "\n");
    }
    if (old_entry.contains("resource")) {
        Json resource = old_entry["resource"];
        if (resource.is_object()) resource.erase("cli");
        out.legacy_files.emplace_back(dir + "resource.json", resource.dump(2) + "\n");
    }
    if (old_entry.contains("command")) {
        out.legacy_files.emplace_back(dir + "command.json", old_entry["command"].dump(2) + "\n");
    }
    out.legacy_index = Json{{"name", name},
                            {"version", old_entry.value("version", "")},
                            {"description", old_entry.value("description", "")},
                            {"framework", old_entry.value("framework", false)},
                            {"tags", old_entry.value("tags", Json::array())},
                            {"selected", old_entry.value("selected", false)}};
}

}  // namespace

std::string repo_media_type(int repo_version) {
    return "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v" +
           std::to_string(repo_version);
}

int repo_version_for(std::string_view dcos_release) {
    if (loose_version_compare(dcos_release, "1.9") <= 0) return 3;
    if (loose_version_compare(dcos_release, "1.11") <= 0) return 4;
    return 5;
}

bool served_to(const Json& entry, std::string_view dcos_release) {
    return loose_version_compare(min_dcos_of(entry), dcos_release) <= 0;
}

Json escape_config_for_old_dcos(const Json& config) {
    Json out = config;
    if (out.is_object()) escape_properties(out);
    return out;
}

Json downgrade_for_old_dcos(const Json& entry) {
    Json out = entry;
    if (auto config = out.find("config"); config != out.end() && config->is_object()) {
        escape_properties(*config);
    }
    auto pv = out.find("packagingVersion");
    bool old_format = pv != out.end() && pv->is_string() && (*pv == "2.0" || *pv == "3.0");
    if (!old_format) {
        out.erase("upgradesFrom");
        out.erase("downgradesTo");
        out["packagingVersion"] = "3.0";
    }
    return out;
}

PreparedEntry prepare_entry(const Json& entry, std::string_view path, const RepoSchemas& schemas,
                            bool with_texts, bool strict) {
    PreparedEntry out;
    out.name = entry.value("name", "");
    if (auto it = entry.find("releaseVersion"); it != entry.end() && it->is_number_unsigned()) {
        out.release_version = it->get<ReleaseVersion>();
    }
    if (with_texts) append_python_text(out.text, entry);
    bool old_served = false;
    bool v4_served = false;
    bool v5_served = false;
    for (std::size_t i = 0; i < kDcosTargets.size(); ++i) {
        out.served[i] = served_to(entry, kDcosTargets[i].release);
        if (!out.served[i]) continue;
        switch (kDcosTargets[i].repo_version) {
            case 3:
                old_served = true;
                break;
            case 4:
                v4_served = true;
                break;
            default:
                v5_served = true;
                break;
        }
    }
    if (v5_served)
        validate_into(entry, schemas, &RepoSchemas::entry_v5, strict, path, "repository format v5",
                      out.problems);
    if (v4_served)
        validate_into(entry, schemas, &RepoSchemas::entry_v4, strict, path, "repository format v4",
                      out.problems);
    bool legacy = with_texts && served_to(entry, kLegacyZipRelease);
    if (old_served || legacy) {
        Json old_entry = downgrade_for_old_dcos(entry);
        if (old_served) {
            validate_into(old_entry, schemas, &RepoSchemas::entry_v3, strict, path,
                          "repository format v3 (DC/OS 1.8-1.9)", out.problems);
            if (with_texts) {
                std::string text;
                append_python_text(text, old_entry);
                out.old_text = std::move(text);
            }
        }
        if (legacy) add_legacy_files(old_entry, out);
    }
    return out;
}

void sort_entries(std::vector<PreparedEntry>& entries) {
    std::sort(entries.begin(), entries.end(), [](const PreparedEntry& a, const PreparedEntry& b) {
        if (a.name != b.name) return a.name < b.name;
        return a.release_version < b.release_version;
    });
}

namespace {

const std::string kDigestPrefix = ", \"" + std::string(kEntryDigestField) + "\": \"";
constexpr std::size_t kDigestHexSize = 64;

}  // namespace

std::string with_entry_digest(std::string_view text, const Hasher& sha256) {
    std::string out;
    if (text.empty() || text.back() != '}') return std::string(text);
    out.reserve(text.size() + kDigestPrefix.size() + kDigestHexSize + 2);
    out.append(text.substr(0, text.size() - 1));
    out += kDigestPrefix;
    out += sha256(text);
    out += "\"}";
    return out;
}

void add_entry_digest(PreparedEntry& entry, const Hasher& sha256) {
    entry.text = with_entry_digest(entry.text, sha256);
    if (entry.old_text) entry.old_text = with_entry_digest(*entry.old_text, sha256);
}

void add_entry_digests(std::vector<PreparedEntry>& entries, const Hasher& sha256) {
    for (auto& e : entries)
        add_entry_digest(e, sha256);
}

std::optional<EntryDigest> read_entry_digest(std::string_view served_text, const Hasher& sha256) {
    const std::size_t tail = kDigestPrefix.size() + kDigestHexSize + 2;
    if (served_text.size() < tail + 2 || !served_text.ends_with("\"}")) return std::nullopt;
    std::size_t at = served_text.size() - tail;
    if (served_text.substr(at, kDigestPrefix.size()) != kDigestPrefix) return std::nullopt;
    std::string_view hex = served_text.substr(at + kDigestPrefix.size(), kDigestHexSize);
    for (char c : hex) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
    }
    std::string covered(served_text.substr(0, at));
    covered.push_back('}');
    return EntryDigest{std::string(hex), sha256(covered)};
}

namespace detail {

std::vector<std::string_view> packages_file_parts(const std::vector<PreparedEntry>& entries,
                                                  int target_index) {
    const bool old =
        target_index >= 0 && kDcosTargets[static_cast<std::size_t>(target_index)].repo_version == 3;
    std::vector<std::string_view> out;
    out.reserve(2 * entries.size() + 2);
    out.emplace_back("{\"packages\": [");
    bool first = true;
    for (const auto& e : entries) {
        if (target_index >= 0 && !e.served[static_cast<std::size_t>(target_index)]) continue;
        if (!first) out.emplace_back(", ");
        first = false;
        out.emplace_back(old ? *e.old_text : e.text);
    }
    out.emplace_back("]}");
    return out;
}

std::string join(const std::vector<std::string_view>& parts) {
    std::size_t size = 0;
    for (auto part : parts)
        size += part.size();
    std::string out;
    out.reserve(size);
    for (auto part : parts)
        out += part;
    return out;
}

}  // namespace detail

std::vector<std::pair<std::string, std::string>> legacy_zip_files(
    const std::vector<PreparedEntry>& entries) {
    // One index entry per name, with the values of its highest revision; a later revision with
    // the same version overwrites the earlier mapping.
    Json index_packages = Json::array();
    std::vector<std::pair<std::string, std::string>> package_files;
    for (std::size_t i = 0; i < entries.size();) {
        std::size_t j = i;
        Json versions = Json::object();
        const PreparedEntry* last = nullptr;
        for (; j < entries.size() && entries[j].name == entries[i].name; ++j) {
            const auto& e = entries[j];
            if (e.legacy_files.empty()) continue;
            versions[e.legacy_index["version"].get<std::string>()] =
                std::to_string(e.release_version);
            for (const auto& f : e.legacy_files)
                package_files.push_back(f);
            last = &e;
        }
        if (last) {
            const Json& info = last->legacy_index;
            index_packages.push_back(Json{{"currentVersion", info["version"]},
                                          {"description", info["description"]},
                                          {"framework", info["framework"]},
                                          {"name", info["name"]},
                                          {"selected", info["selected"]},
                                          {"tags", info["tags"]},
                                          {"versions", std::move(versions)}});
        }
        i = j;
    }
    std::vector<std::pair<std::string, std::string>> files;
    files.emplace_back("universe/repo/meta/index.json",
                       Json{{"version", "2.0.0"}, {"packages", index_packages}}.dump(2) + "\n");
    files.emplace_back("universe/repo/meta/version.json",
                       Json{{"version", "2.0.0"}}.dump(2) + "\n");
    for (auto& f : package_files)
        files.push_back(std::move(f));
    return files;
}

}  // namespace cosmos::core
