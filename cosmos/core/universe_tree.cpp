#include "cosmos/core/universe_tree.h"

#include <cctype>

#include "cosmos/core/error.h"
#include "cosmos/core/json_schema.h"
#include "cosmos/core/mustache.h"
#include "cosmos/core/options.h"
#include "cosmos/core/render.h"
#include "cosmos/core/version.h"

namespace cosmos::core {

namespace {

constexpr std::string_view kPackageFile = "package.json";
constexpr std::string_view kConfigFile = "config.json";
constexpr std::string_view kResourceFile = "resource.json";
constexpr std::string_view kCommandFile = "command.json";
constexpr std::string_view kTemplateFile = "marathon.json.mustache";

bool is_name(std::string_view s) {
    // ^[a-z][a-z0-9-]*[a-z0-9]$
    if (s.size() < 2) return false;
    if (!(s.front() >= 'a' && s.front() <= 'z')) return false;
    char last = s.back();
    if (!((last >= 'a' && last <= 'z') || (last >= '0' && last <= '9'))) return false;
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    return true;
}

// Python truthiness of a JSON value, which decides whether the generator keeps an optional file.
bool truthy(const Json& v) {
    switch (v.type()) {
        case Json::value_t::null:
            return false;
        case Json::value_t::boolean:
            return v.get<bool>();
        case Json::value_t::object:
        case Json::value_t::array:
            return !v.empty();
        case Json::value_t::string:
            return !v.get_ref<const std::string&>().empty();
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
        case Json::value_t::number_float:
            return v.get<double>() != 0.0;
        default:
            return true;
    }
}

// The validator re-serialises package.json with Python's ensure_ascii and rejects any \uXXXX in
// the result: that catches non-ASCII characters and control characters other than \b\f\n\r\t.
std::optional<std::string> find_escaped_character(const Json& v, const std::string& pointer) {
    auto bad = [](const std::string& s) {
        for (unsigned char c : s) {
            if (c >= 0x80) return true;
            if (c < 0x20 && c != '\b' && c != '\f' && c != '\n' && c != '\r' && c != '\t') {
                return true;
            }
        }
        return false;
    };
    if (v.is_string()) {
        if (bad(v.get_ref<const std::string&>())) return pointer.empty() ? "/" : pointer;
    } else if (v.is_object()) {
        for (auto it = v.begin(); it != v.end(); ++it) {
            std::string here = pointer + "/" + escape_pointer_token(it.key());
            if (bad(it.key())) return here;
            if (auto r = find_escaped_character(it.value(), here)) return r;
        }
    } else if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (auto r = find_escaped_character(v[i], pointer + "/" + std::to_string(i))) return r;
        }
    }
    return std::nullopt;
}

class RevisionChecker {
public:
    RevisionChecker(const RevisionSource& source, const TreeSchemas& schemas,
                    const CheckOptions& options, CheckedRevision& out)
        : source_(source), schemas_(schemas), options_(options), out_(out) {}

    void run() {
        for (const auto& [file, bytes] : source_.files)
            out_.bytes += bytes.size();
        out_.name = source_.name;
        if (source_.layout_checks) check_folders();
        auto package = load_package();
        auto resource = load_json(kResourceFile);
        auto config = load_json(kConfigFile);
        auto command = load_json(kCommandFile);
        auto template_text = find(kTemplateFile);
        for (const auto& [file, bytes] : source_.files) {
            if (file != kPackageFile && file != kResourceFile && file != kConfigFile &&
                file != kCommandFile && file != kTemplateFile) {
                warn(file, "unknown file; it is not part of the package and is ignored");
            }
        }
        if (!package) return;

        const std::string pv_text = package->value("packagingVersion", std::string("2.0"));
        auto pv = parse_packaging_version(pv_text).value_or(PackagingVersion::k2_0);
        const bool v4_plus = pv == PackagingVersion::k4_0 || pv == PackagingVersion::k5_0;

        if (command) {
            if (v4_plus) {
                error(kCommandFile,
                      "command.json is not supported for packagingVersion 4.0 and "
                      "above; describe the CLI in resource.json instead");
            } else {
                validate(kCommandFile, *command, &TreeSchemas::command);
            }
        }
        std::optional<JsonSchema> compiled_config;
        if (config) {
            if (validate(kConfigFile, *config, &TreeSchemas::config)) {
                try {
                    compiled_config.emplace(*config);
                } catch (const Error& e) {
                    // Valid against the draft-04 meta-schema, which is all the validator asks.
                    beyond_generator(kConfigFile, std::string("the package service cannot use it "
                                                              "as a schema: ") +
                                                      e.what());
                }
            }
        }
        std::optional<MustacheTemplate> compiled_template;
        if (template_text) {
            try {
                compiled_template.emplace(MustacheTemplate::parse(*template_text));
            } catch (const MustacheError& e) {
                error(kTemplateFile, std::string("template does not parse: ") + e.what());
                template_text = nullptr;
            }
        } else if (pv == PackagingVersion::k2_0) {
            error(kTemplateFile, "marathon.json.mustache is required for packagingVersion 2.0");
        }
        if (resource) {
            validate(kResourceFile, *resource,
                     pv == PackagingVersion::k2_0 ? &TreeSchemas::resource_v2
                                                  : &TreeSchemas::resource_v3);
            check_cli_needs_command(*package, *resource, command.has_value());
        }
        if (has_errors(out_.problems)) return;

        // The parsed files are not needed any more: they move into the entry.
        Json entry = std::move(*package);
        entry["releaseVersion"] = out_.release_version;
        if (resource && truthy(*resource)) entry["resource"] = std::move(*resource);
        if (template_text && !template_text->empty()) {
            entry["marathon"] = Json{{"v2AppMustacheTemplate", base64_encode(*template_text)}};
        }
        if (config && truthy(*config)) entry["config"] = std::move(*config);
        if (command && truthy(*command)) entry["command"] = std::move(*command);
        if (compiled_template) {
            check_renders(entry, *compiled_template, compiled_config ? &*compiled_config : nullptr);
        }
        if (!has_errors(out_.problems)) out_.entry = std::move(entry);
    }

private:
    std::string file_path(std::string_view file) const {
        return source_.path + "/" + std::string(file);
    }
    void error(std::string_view file, std::string message) {
        out_.problems.push_back({file_path(file), Severity::kError, std::move(message)});
    }
    void warn(std::string_view file, std::string message) {
        out_.problems.push_back({file_path(file), Severity::kWarning, std::move(message)});
    }
    // A finding the Universe's own validator and generator let through: a warning, or an error
    // with --strict, so that every tree the generator builds also builds here.
    void beyond_generator(std::string_view file, std::string message) {
        if (options_.strict) {
            error(file, std::move(message));
        } else {
            warn(file, std::move(message));
        }
    }
    void folder_error(std::string message) {
        out_.problems.push_back({source_.path, Severity::kError, std::move(message)});
    }

    const std::string* find(std::string_view file) const {
        auto it = source_.files.find(std::string(file));
        return it == source_.files.end() ? nullptr : &it->second;
    }

    void check_folders() {
        const auto& letter = source_.letter;
        if (letter.size() != 1 || letter[0] < 'A' || letter[0] > 'Z') {
            folder_error("letter folder '" + letter + "' must be one upper-case letter A-Z");
        } else if (!source_.name.empty() &&
                   std::toupper(static_cast<unsigned char>(source_.name[0])) != letter[0]) {
            folder_error("package '" + source_.name + "' belongs in letter folder '" +
                         std::string(1, static_cast<char>(std::toupper(
                                            static_cast<unsigned char>(source_.name[0])))) +
                         "', not '" + letter + "'");
        }
        if (!is_name(source_.name)) {
            folder_error("package folder '" + source_.name +
                         "' is not a valid package name (^[a-z][a-z0-9-]*[a-z0-9]$)");
        }
        if (auto rev = parse_release_version(source_.revision)) {
            out_.release_version = *rev;
        } else {
            folder_error("revision folder '" + source_.revision +
                         "' must be a non-negative integer (it becomes releaseVersion)");
        }
    }

    std::optional<Json> parse(std::string_view file, const std::string& text) {
        try {
            auto doc = parse_document(text);
            for (const auto& d : doc.duplicates) {
                if (d.same_value) {
                    warn(file, "duplicate key " + d.pointer + " (both values are equal)");
                } else {
                    // The generator reads JSON with Python's json module, where the last value
                    // wins; real trees have such files (hdfs, redis, mysql-admin).
                    beyond_generator(file, "duplicate key " + d.pointer +
                                               " with different values (the last one wins)");
                }
            }
            return std::move(doc.value);
        } catch (const Error& e) {
            std::string why = e.data().is_object() && e.data().contains("parsingErrorMessage")
                                  ? e.data()["parsingErrorMessage"].get<std::string>()
                                  : e.what();
            error(file, "invalid JSON: " + why);
            return std::nullopt;
        }
    }

    std::optional<Json> load_json(std::string_view file) {
        const std::string* text = find(file);
        if (!text) return std::nullopt;
        return parse(file, *text);
    }

    std::optional<Json> load_package() {
        const std::string* text = find(kPackageFile);
        if (!text) {
            error(kPackageFile, "package.json is missing");
            return std::nullopt;
        }
        for (std::size_t i = 0; i < text->size(); ++i) {
            if (static_cast<unsigned char>((*text)[i]) >= 0x80) {
                error(kPackageFile,
                      "package.json must be ASCII; found a non-ASCII byte at offset " +
                          std::to_string(i));
                return std::nullopt;
            }
        }
        auto package = parse(kPackageFile, *text);
        if (!package) return std::nullopt;
        if (!package->is_object()) {
            error(kPackageFile, "package.json must hold a JSON object");
            return std::nullopt;
        }
        if (auto where = find_escaped_character(*package, "")) {
            error(kPackageFile, *where +
                                    ": escaped non-ASCII or control characters are not "
                                    "allowed in package.json");
        }
        std::string pv_text = "2.0";
        if (auto it = package->find("packagingVersion"); it != package->end() && it->is_string()) {
            pv_text = it->get<std::string>();
        }
        auto pv = parse_packaging_version(pv_text);
        if (!pv) {
            error(kPackageFile,
                  "/packagingVersion: must be one of \"2.0\", \"3.0\", \"4.0\", "
                  "\"5.0\" (found " +
                      to_compact((*package)["packagingVersion"]) + ")");
            return std::nullopt;
        }
        validate(kPackageFile, *package,
                 [index = static_cast<std::size_t>(*pv)](const TreeSchemas& s) {
                     return s.package[index];
                 });
        if (auto it = package->find("name"); source_.layout_checks && it != package->end() &&
                                             it->is_string() &&
                                             it->get<std::string>() != source_.name) {
            error(kPackageFile, "/name: \"" + it->get<std::string>() +
                                    "\" does not match the package folder '" + source_.name + "'");
        }
        return package;
    }

    // Validates against the schema `pick` selects. What only the "format" keyword objects to is
    // beyond the generator: the Universe's tools run jsonschema without a format checker.
    template <typename Pick>
    bool validate(std::string_view file, const Json& value, Pick pick) {
        const JsonSchema* schema = select(schemas_, pick);
        if (!schema) return true;
        auto violations = schema->validate(value);
        if (violations.empty()) return true;
        const JsonSchema* lenient =
            schemas_.without_formats ? select(*schemas_.without_formats, pick) : nullptr;
        if (lenient) {
            auto hard = lenient->validate(value);
            if (hard.empty()) {
                for (const auto& v : violations)
                    beyond_generator(file, describe(v) +
                                               " (a format the Universe's own tools do "
                                               "not check)");
                return true;
            }
            violations = std::move(hard);
        }
        for (const auto& v : violations)
            error(file, describe(v));
        return false;
    }
    static const JsonSchema* select(const TreeSchemas& schemas,
                                    const JsonSchema* TreeSchemas::*member) {
        return schemas.*member;
    }
    template <typename Pick>
    static const JsonSchema* select(const TreeSchemas& schemas, Pick pick) {
        return pick(schemas);
    }
    static std::string describe(const SchemaViolation& v) {
        std::string where = v.instance_pointer.empty() ? "/" : v.instance_pointer;
        return where + ": " + v.message + " [" + v.keyword + "]";
    }

    void check_cli_needs_command(const Json& package, const Json& resource, bool has_command) {
        if (!resource.is_object() || !resource.contains("cli")) return;
        std::string min_dcos = "1.0";
        if (auto it = package.find("minDcosReleaseVersion");
            it != package.end() && it->is_string()) {
            min_dcos = it->get<std::string>();
        }
        if (loose_version_compare(min_dcos, "1.8") < 0 && !has_command) {
            error(kResourceFile,
                  "/cli: a CLI in resource.json needs minDcosReleaseVersion 1.8 or "
                  "later (or a command.json for older DC/OS)");
        }
    }

    void check_renders(Json& entry, const MustacheTemplate& compiled_template,
                       const JsonSchema* compiled_config) {
        // The config schema is lent out while the package decodes: the package would keep its own
        // text copy, and the render below needs it as the tree it already is.
        std::optional<Json> config;
        if (auto it = entry.find("config"); it != entry.end() && it->is_object()) {
            config = std::move(*it);
            *it = Json::object();
        }
        Package package;
        std::optional<Error> undecodable;
        try {
            package = decode_package(entry);
        } catch (const Error& e) {
            undecodable = e;
        }
        if (config) entry["config"] = std::move(*config);
        const Json* schema = config ? &entry["config"] : nullptr;
        if (undecodable) {
            const Error& e = *undecodable;
            std::string why = e.data().is_object() && e.data().contains("decodingErrorMessage")
                                  ? e.data()["decodingErrorMessage"].get<std::string>()
                                  : e.what();
            beyond_generator(kPackageFile,
                             "the package service cannot decode this package, so it cannot read "
                             "a repository that holds it: " +
                                 why);
            return;
        }
        auto report = [&](std::string message) { beyond_generator(kTemplateFile, message); };
        try {
            Json resolved = resolve_options(schema, Json::object(), compiled_config);
            (void)render_template(package, compiled_template, resolved);
        } catch (const Error& e) {
            std::string detail = e.what();
            if (e.type() == "JsonParsingError" && e.data().contains("parsingErrorMessage")) {
                detail += ": " + e.data()["parsingErrorMessage"].get<std::string>();
            } else if (e.type() == "JsonSchemaMismatch" && e.data().contains("errors")) {
                for (const auto& v : e.data()["errors"]) {
                    detail += "; " + v["instance"]["pointer"].get<std::string>() + ": " +
                              v["message"].get<std::string>();
                }
            }
            report("does not render with its defaults to a JSON object (" + e.type() +
                   "): " + detail);
        }
    }

    const RevisionSource& source_;
    const TreeSchemas& schemas_;
    const CheckOptions& options_;
    CheckedRevision& out_;
};

}  // namespace

std::string format_problem(const Problem& problem) {
    if (problem.severity == Severity::kWarning) {
        return problem.path + ": warning: " + problem.message;
    }
    return problem.path + ": " + problem.message;
}

bool has_errors(const std::vector<Problem>& problems) {
    for (const auto& p : problems) {
        if (p.severity == Severity::kError) return true;
    }
    return false;
}

CheckedRevision check_revision(const RevisionSource& source, const TreeSchemas& schemas,
                               const CheckOptions& options) {
    CheckedRevision out;
    RevisionChecker(source, schemas, options, out).run();
    return out;
}

}  // namespace cosmos::core
