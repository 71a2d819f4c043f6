#include "tests/support/marathon_emulator.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

#include "cosmos/core/error.h"
#include "cosmos/core/json_schema.h"
#include "tests/support/label_selector.h"
#include "tests/support/test_paths.h"

namespace universe_test {

namespace {

using cosmos::core::Json;
using cosmos::core::JsonSchema;
using Clock = std::chrono::steady_clock;

// 2021-01-01T00:00:00.000Z: where the seeded clock starts.
constexpr std::int64_t kSeededEpochMs = 1609459200000;

const char* const kLockedMessage =
    "App is locked by one or more deployments. Override with the option '?force=true'. View "
    "details at '/v2/deployments/<DEPLOYMENT_ID>'.";

// Fields Marathon adds to what it returns; real Marathon accepts them back on PUT, and the
// package service's SDK uninstall sends them (marathon.md 5.2.3). versionInfo is recomputed.
const std::vector<std::string> kReadOnlyFields = {
    "tasksStaged", "tasksRunning",    "tasksHealthy", "tasksUnhealthy",        "deployments",
    "tasks",       "lastTaskFailure", "taskStats",    "readinessCheckResults", "versionInfo"};

// Accepted at top level in "newer Marathon" mode although the 1.8 schema rejects them.
const std::vector<std::string> kNewerMarathonFields = {"role", "tty", "check", "resourceLimits"};

enum class Expect { kString, kNumber, kBoolean, kObject, kArray };

// Top-level field types as Marathon's JSON readers enforce them (400 before any validation).
const std::vector<std::pair<std::string, Expect>> kFieldTypes = {
    {"id", Expect::kString},
    {"cmd", Expect::kString},
    {"user", Expect::kString},
    {"executor", Expect::kString},
    {"version", Expect::kString},
    {"killSelection", Expect::kString},
    {"cpus", Expect::kNumber},
    {"mem", Expect::kNumber},
    {"disk", Expect::kNumber},
    {"gpus", Expect::kNumber},
    {"instances", Expect::kNumber},
    {"backoffSeconds", Expect::kNumber},
    {"backoffFactor", Expect::kNumber},
    {"maxLaunchDelaySeconds", Expect::kNumber},
    {"taskKillGracePeriodSeconds", Expect::kNumber},
    {"requirePorts", Expect::kBoolean},
    {"env", Expect::kObject},
    {"labels", Expect::kObject},
    {"container", Expect::kObject},
    {"upgradeStrategy", Expect::kObject},
    {"residency", Expect::kObject},
    {"ipAddress", Expect::kObject},
    {"secrets", Expect::kObject},
    {"versionInfo", Expect::kObject},
    {"args", Expect::kArray},
    {"constraints", Expect::kArray},
    {"uris", Expect::kArray},
    {"fetch", Expect::kArray},
    {"healthChecks", Expect::kArray},
    {"readinessChecks", Expect::kArray},
    {"dependencies", Expect::kArray},
    {"acceptedResourceRoles", Expect::kArray},
    {"ports", Expect::kArray},
    {"portDefinitions", Expect::kArray},
    {"networks", Expect::kArray},
};

// Defaults Marathon applies that the schema does not express (RAML app.raml, marathon.md 4).
Json app_defaults() {
    Json d = Json::object();
    d["cpus"] = 1;
    d["mem"] = 128;
    d["disk"] = 0;
    d["gpus"] = 0;
    d["instances"] = 1;
    d["backoffSeconds"] = 1;
    d["backoffFactor"] = 1.15;
    d["maxLaunchDelaySeconds"] = 300;
    d["executor"] = "";
    d["requirePorts"] = false;
    d["killSelection"] = "YOUNGEST_FIRST";
    return d;
}

bool has_type(const Json& value, Expect expect) {
    switch (expect) {
        case Expect::kString:
            return value.is_string();
        case Expect::kNumber:
            return value.is_number();
        case Expect::kBoolean:
            return value.is_boolean();
        case Expect::kObject:
            return value.is_object();
        case Expect::kArray:
            return value.is_array();
    }
    return false;
}

const char* expected_error(Expect expect) {
    switch (expect) {
        case Expect::kString:
            return "error.expected.jsstring";
        case Expect::kNumber:
            return "error.expected.jsnumber";
        case Expect::kBoolean:
            return "error.expected.jsboolean";
        case Expect::kObject:
            return "error.expected.jsobject";
        case Expect::kArray:
            return "error.expected.jsarray";
    }
    return "error.expected.jsvalue";
}

Json detail(const std::string& path, std::vector<std::string> errors) {
    Json d = Json::object();
    d["path"] = path;
    d["errors"] = errors;
    return d;
}

Reply json_reply(int status, const Json& body) {
    return Reply::json(status, body.dump());
}

Reply message_reply(int status, const std::string& message) {
    Json body = Json::object();
    body["message"] = message;
    return json_reply(status, body);
}

Reply details_reply(int status, const std::string& message, const Json& details) {
    Json body = Json::object();
    body["message"] = message;
    body["details"] = details;
    return json_reply(status, body);
}

// Marathon parses query booleans case-insensitively; anything but "true" is false.
bool query_flag(const Request& request, std::string_view name, bool fallback) {
    auto value = request.param(name);
    if (!value) return fallback;
    return iequals(*value, "true");
}

// Resolves a relative or dotted id against "/" the way Marathon's PathId does.
std::string normalise_id(std::string_view raw) {
    std::vector<std::string> segments;
    std::size_t pos = 0;
    while (pos <= raw.size()) {
        std::size_t slash = raw.find('/', pos);
        if (slash == std::string_view::npos) slash = raw.size();
        std::string segment(raw.substr(pos, slash - pos));
        pos = slash + 1;
        if (segment.empty() || segment == ".") continue;
        if (segment == "..") {
            if (!segments.empty()) segments.pop_back();
            continue;
        }
        segments.push_back(segment);
    }
    std::string id;
    for (const auto& segment : segments)
        id += "/" + segment;
    return id.empty() ? "/" : id;
}

// "Invalid JSON" details for wrong field types; empty when the shapes are fine.
Json type_errors(const Json& app) {
    Json details = Json::array();
    for (const auto& [field, expect] : kFieldTypes) {
        auto it = app.find(field);
        if (it == app.end()) continue;
        // Optional fields accept null in Marathon's readers; the id does not.
        if (it->is_null() && field != "id") continue;
        if (!has_type(*it, expect))
            details.push_back(detail("/" + field, {expected_error(expect)}));
    }
    for (const char* map_field : {"labels", "env"}) {
        auto it = app.find(map_field);
        if (it == app.end() || !it->is_object()) continue;
        for (const auto& [key, value] : it->items()) {
            bool ok =
                value.is_string() || (std::string_view(map_field) == "env" && value.is_object());
            if (!ok) {
                details.push_back(detail(
                    std::string("/") + map_field + "/" + cosmos::core::escape_pointer_token(key),
                    {"error.expected.jsstring"}));
            }
        }
    }
    return details;
}

// One detail per failing instance path, in order of first failure.
Json schema_details(const std::vector<cosmos::core::SchemaViolation>& violations) {
    std::vector<std::pair<std::string, std::vector<std::string>>> grouped;
    auto add = [&](const std::string& path, const std::string& message) {
        auto it = std::find_if(grouped.begin(), grouped.end(),
                               [&](const auto& entry) { return entry.first == path; });
        if (it == grouped.end()) {
            grouped.push_back({path, {message}});
        } else if (std::find(it->second.begin(), it->second.end(), message) == it->second.end()) {
            it->second.push_back(message);
        }
    };
    for (const auto& violation : violations) {
        auto missing = violation.details.find("missing");
        if (violation.keyword == "required" && missing != violation.details.end() &&
            missing->is_array()) {
            // Marathon reports a missing member at the member's own path.
            for (const auto& name : *missing) {
                add(violation.instance_pointer + "/" +
                        cosmos::core::escape_pointer_token(name.get<std::string>()),
                    "error.path.missing");
            }
            continue;
        }
        add(violation.instance_pointer.empty() ? "/" : violation.instance_pointer,
            violation.message);
    }
    Json details = Json::array();
    for (auto& [path, errors] : grouped)
        details.push_back(detail(path, errors));
    return details;
}

std::string format_timestamp(std::int64_t epoch_ms) {
    std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
    std::tm tm{};
    ::gmtime_r(&seconds, &tm);
    char text[96];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(epoch_ms % 1000));
    return text;
}

std::shared_ptr<const JsonSchema> load_schema(const std::filesystem::path& file) {
    // Compiling the schema is not free and many tests build emulators: share one per file.
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const JsonSchema>> cache;
    std::lock_guard lock(mutex);
    auto it = cache.find(file.string());
    if (it != cache.end()) return it->second;
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + file.string());
    std::stringstream text;
    text << in.rdbuf();
    auto schema = std::make_shared<const JsonSchema>(cosmos::core::parse_json(text.str()),
                                                     "file://" + file.string());
    cache.emplace(file.string(), schema);
    return schema;
}

struct AppRecord {
    Json app;
    std::vector<Json> versions;  // oldest first, each as stored then
};

struct Action {
    std::string name;
    std::string app;
};

struct Deployment {
    std::string id;
    std::string version;
    std::vector<std::vector<Action>> steps;
    std::map<std::string, std::optional<AppRecord>> before;  // for a rollback
    std::vector<std::string> remove_on_finish;
    DeploymentMode::Kind kind = DeploymentMode::Kind::kNever;
    int polls_left = 0;
    Clock::time_point due;

    std::vector<std::string> affected_apps() const {
        std::vector<std::string> ids;
        for (const auto& step : steps) {
            for (const auto& action : step) {
                if (std::find(ids.begin(), ids.end(), action.app) == ids.end()) {
                    ids.push_back(action.app);
                }
            }
        }
        return ids;
    }

    Json to_json() const {
        Json d = Json::object();
        d["id"] = id;
        d["version"] = version;
        d["affectedApps"] = affected_apps();
        d["affectedPods"] = Json::array();
        Json steps_json = Json::array();
        for (const auto& step : steps) {
            Json actions = Json::array();
            for (const auto& action : step) {
                actions.push_back(Json{{"action", action.name}, {"app", action.app}});
            }
            steps_json.push_back(Json{{"actions", actions}});
        }
        d["steps"] = steps_json;
        Json current = Json::array();
        if (!steps.empty()) {
            for (const auto& action : steps.front()) {
                current.push_back(Json{{"action", action.name},
                                       {"app", action.app},
                                       {"readinessCheckResults", Json::array()}});
            }
        }
        d["currentActions"] = current;
        d["currentStep"] = 1;
        d["totalSteps"] = steps.size();
        return d;
    }
};

struct Embeds {
    bool counts = false;
    bool deployments = false;
    bool tasks = false;
    bool readiness = false;
    bool task_stats = false;
    bool any = false;
};

// Both "apps.x" and "app.x" are accepted on both endpoints (some clients mix them up).
Embeds parse_embeds(const Request& request) {
    Embeds embeds;
    for (const auto& value : request.param_all("embed")) {
        std::string_view name = value;
        if (name.starts_with("apps.")) {
            name.remove_prefix(5);
        } else if (name.starts_with("app.")) {
            name.remove_prefix(4);
        } else {
            continue;
        }
        embeds.any = true;
        if (name == "counts" || name == "count") embeds.counts = true;
        if (name == "deployments") embeds.deployments = true;
        if (name == "tasks") embeds.tasks = true;
        if (name == "readiness") embeds.readiness = true;
        if (name == "taskStats") embeds.task_stats = true;
    }
    return embeds;
}

}  // namespace

struct MarathonEmulator::Impl {
    MarathonOptions options;
    std::shared_ptr<const JsonSchema> schema;
    std::optional<std::filesystem::path> schema_path;
    FaultPlan faults;
    LoopbackServer* server = nullptr;

    mutable std::mutex mutex;
    std::map<std::string, AppRecord> apps;
    std::vector<Deployment> running;
    DeploymentMode mode;
    DeleteVisibility visibility = DeleteVisibility::kImmediate;
    std::optional<std::string> token;
    bool newer_fields = false;
    std::mt19937_64 rng;
    std::int64_t last_ms = 0;
    std::string framework_id;

    explicit Impl(MarathonOptions opts) : options(std::move(opts)) {
        token = options.required_token;
        newer_fields = options.newer_marathon_fields;
        if (options.seed) {
            rng.seed(*options.seed);
            last_ms = kSeededEpochMs;
        } else {
            rng.seed(std::random_device{}());
        }
        framework_id = uuid() + "-0000";
        auto file = options.schema_file;
        if (!file) {
            file = shared_path(options.strict_schema ? "spec/marathon/AppDefinition.json"
                                                     : "spec/marathon/AppDefinition.relaxed.json");
        }
        if (file && std::filesystem::exists(*file)) {
            schema = load_schema(*file);
            schema_path = file;
        }
    }

    // --- ids and clocks ---

    std::string uuid() {
        std::uint64_t a = rng();
        std::uint64_t b = rng();
        a = (a & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;
        b = (b & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
        char text[40];
        std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx",
                      static_cast<unsigned>(a >> 32), static_cast<unsigned>((a >> 16) & 0xFFFF),
                      static_cast<unsigned>(a & 0xFFFF), static_cast<unsigned>(b >> 48),
                      static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFull));
        return text;
    }

    // Versions name app revisions, so two changes must never share one.
    std::string timestamp() {
        std::int64_t ms = last_ms + 1;
        if (!options.seed) {
            auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
            ms = std::max<std::int64_t>(now, ms);
        }
        last_ms = ms;
        return format_timestamp(ms);
    }

    // --- deployments ---

    void finish(const Deployment& deployment) {
        for (const auto& id : deployment.remove_on_finish)
            apps.erase(id);
    }

    void advance_clock() {
        auto now = Clock::now();
        std::erase_if(running, [&](const Deployment& d) {
            if (d.kind != DeploymentMode::Kind::kAfterDelay || d.due > now) return false;
            finish(d);
            return true;
        });
    }

    std::vector<std::string> deployments_of(const std::string& app_id) const {
        std::vector<std::string> ids;
        for (const auto& d : running) {
            auto affected = d.affected_apps();
            if (std::find(affected.begin(), affected.end(), app_id) != affected.end()) {
                ids.push_back(d.id);
            }
        }
        return ids;
    }

    Json deployment_refs(const std::vector<std::string>& ids) const {
        Json refs = Json::array();
        for (const auto& id : ids)
            refs.push_back(Json{{"id", id}});
        return refs;
    }

    // Forced calls cancel what locks the app; the locked change itself stands.
    void cancel_deployments_of(const std::string& app_id) {
        auto ids = deployments_of(app_id);
        std::erase_if(running, [&](const Deployment& d) {
            if (std::find(ids.begin(), ids.end(), d.id) == ids.end()) return false;
            finish(d);
            return true;
        });
    }

    std::string start_deployment(std::vector<std::vector<Action>> steps,
                                 std::map<std::string, std::optional<AppRecord>> before,
                                 std::vector<std::string> remove_on_finish, std::string version) {
        Deployment d;
        d.id = uuid();
        d.version = std::move(version);
        d.steps = std::move(steps);
        d.before = std::move(before);
        d.remove_on_finish = std::move(remove_on_finish);
        d.kind = mode.kind;
        d.polls_left = mode.polls;
        d.due = Clock::now() + mode.delay;
        bool immediate =
            mode.kind == DeploymentMode::Kind::kImmediate ||
            (mode.kind == DeploymentMode::Kind::kAfterPolls && mode.polls <= 0) ||
            (mode.kind == DeploymentMode::Kind::kAfterDelay && mode.delay.count() <= 0);
        std::string id = d.id;
        if (immediate) {
            finish(d);
        } else {
            running.push_back(std::move(d));
        }
        return id;
    }

    // --- apps ---

    bool group_conflict(const std::string& id) const {
        for (const auto& [other, record] : apps) {
            if (other == id) continue;
            if (other.starts_with(id + "/") || id.starts_with(other + "/")) return true;
        }
        return false;
    }

    // Posted fields keep their order and bytes; missing defaults follow, then the version.
    Json stored_form(Json app, const std::string& id, const Json* previous) {
        for (const auto& field : kReadOnlyFields)
            app.erase(field);
        app.erase("version");
        app["id"] = id;
        static const Json kDefaults = app_defaults();
        for (const auto& [key, value] : kDefaults.items()) {
            if (!app.contains(key)) app[key] = value;
        }
        std::string version = timestamp();
        std::string last_config_change = version;
        if (previous) {
            Json a = app;
            Json b = *previous;
            for (auto* j : {&a, &b}) {
                j->erase("version");
                j->erase("versionInfo");
                j->erase("instances");
            }
            if (a == b && previous->contains("versionInfo")) {
                last_config_change =
                    (*previous)["versionInfo"].value("lastConfigChangeAt", version);
            }
        }
        app["version"] = version;
        app["versionInfo"] =
            Json{{"lastScalingAt", version}, {"lastConfigChangeAt", last_config_change}};
        return app;
    }

    Json with_status(const Json& app, const Embeds& embeds, bool single) const {
        Json out = app;
        bool defaults = single && !embeds.any;
        // Marathon always embeds counts and deployments in the app list (compatibility).
        if (!single || defaults || embeds.counts) {
            out["tasksStaged"] = 0;
            out["tasksRunning"] = 0;
            out["tasksHealthy"] = 0;
            out["tasksUnhealthy"] = 0;
        }
        if (!single || defaults || embeds.deployments) {
            out["deployments"] = deployment_refs(deployments_of(app["id"].get<std::string>()));
        }
        if (defaults || embeds.tasks) out["tasks"] = Json::array();
        if (embeds.readiness) out["readinessCheckResults"] = Json::array();
        if (embeds.task_stats) out["taskStats"] = Json::object();
        return out;
    }

    // Returns the 422 details of app (empty when valid).
    Json validation_details(const Json& app) const {
        if (!schema) return Json::array();
        Json candidate = app;
        if (newer_fields) {
            for (const auto& field : kNewerMarathonFields)
                candidate.erase(field);
        }
        return schema_details(schema->validate(candidate));
    }

    std::optional<Reply> parse_app_body(const Request& request, Json& app) const {
        try {
            app = cosmos::core::parse_json(request.body);
        } catch (const std::exception& e) {
            return details_reply(400, "Invalid JSON", Json::array({detail("/", {e.what()})}));
        }
        if (!app.is_object()) {
            return details_reply(400, "Invalid JSON",
                                 Json::array({detail("/", {"error.expected.jsobject"})}));
        }
        Json errors = type_errors(app);
        if (!errors.empty()) return details_reply(400, "Invalid JSON", errors);
        return std::nullopt;
    }

    Reply locked_reply(const std::vector<std::string>& ids) const {
        Json body = Json::object();
        body["message"] = kLockedMessage;
        body["deployments"] = deployment_refs(ids);
        return json_reply(409, body);
    }

    Reply not_found(const std::string& id) const {
        return message_reply(404, "App '" + id + "' does not exist");
    }

    Reply deployment_result(int status, const std::string& deployment_id,
                            const std::string& version) const {
        Json body = Json::object();
        body["deploymentId"] = deployment_id;
        body["version"] = version;
        Reply reply = json_reply(status, body);
        reply.headers.add("Marathon-Deployment-Id", deployment_id);
        return reply;
    }

    // --- endpoints ---

    Reply create_app(const Request& request) {
        Json body;
        if (auto bad = parse_app_body(request, body)) return *bad;
        Json details = validation_details(body);
        if (!body.contains("id") && details.empty()) {
            details.push_back(detail("/id", {"error.path.missing"}));
        }
        if (!details.empty()) return details_reply(422, "Object is not valid", details);

        std::string id = normalise_id(body["id"].get<std::string>());
        if (id == "/") {
            return details_reply(422, "Object is not valid",
                                 Json::array({detail("/id", {"The root group is not an app"})}));
        }
        if (group_conflict(id)) return group_conflict_reply();
        if (apps.count(id)) {
            return message_reply(409, "An app with id [" + id + "] already exists.");
        }
        bool force = query_flag(request, "force", false);
        auto locks = deployments_of(id);
        if (!locks.empty() && !force) return locked_reply(locks);
        if (force) cancel_deployments_of(id);

        Json app = stored_form(std::move(body), id, nullptr);
        apps[id] = AppRecord{app, {app}};
        std::string deployment_id =
            start_deployment({{{"StartApplication", id}}, {{"ScaleApplication", id}}},
                             {{id, std::nullopt}}, {}, app["version"].get<std::string>());

        Embeds none;
        Json out = with_status(app, none, true);
        out.erase("tasks");
        out["deployments"] = deployment_refs({deployment_id});
        Reply reply = json_reply(201, out);
        reply.headers.add("Location", server->base_url() + id);
        reply.headers.add("Marathon-Deployment-Id", deployment_id);
        return reply;
    }

    Reply group_conflict_reply() const {
        return details_reply(
            422, "Object is not valid",
            Json::array(
                {detail("/", {"Groups and Applications may not have the same identifier."})}));
    }

    Reply list_apps(const Request& request) const {
        std::optional<LabelSelector> selector;
        auto labels = request.param_all("label");
        if (!labels.empty()) {
            selector.emplace();
            try {
                for (const auto& text : labels) {
                    auto parsed = parse_label_selector(text);
                    selector->requirements.insert(selector->requirements.end(),
                                                  parsed.requirements.begin(),
                                                  parsed.requirements.end());
                }
            } catch (const std::invalid_argument& e) {
                return message_reply(400, std::string("Invalid label selector: ") + e.what());
            }
        }
        auto id_filter = request.param("id");
        auto cmd_filter = request.param("cmd");
        Embeds embeds = parse_embeds(request);
        Json list = Json::array();
        for (const auto& [id, record] : apps) {
            const Json& app = record.app;
            if (id_filter && id.find(*id_filter) == std::string::npos) continue;
            if (cmd_filter) {
                auto cmd = app.find("cmd");
                if (cmd == app.end() || !cmd->is_string() ||
                    cmd->get<std::string>().find(*cmd_filter) == std::string::npos) {
                    continue;
                }
            }
            if (selector) {
                std::map<std::string, std::string> app_labels;
                auto it = app.find("labels");
                if (it != app.end() && it->is_object()) {
                    for (const auto& [key, value] : it->items()) {
                        if (value.is_string()) app_labels[key] = value.get<std::string>();
                    }
                }
                if (!selector->matches(app_labels)) continue;
            }
            list.push_back(with_status(app, embeds, false));
        }
        return json_reply(200, Json{{"apps", list}});
    }

    Reply get_app(const Request& request, const std::string& id) const {
        auto it = apps.find(id);
        if (it == apps.end()) return not_found(id);
        return json_reply(200,
                          Json{{"app", with_status(it->second.app, parse_embeds(request), true)}});
    }

    Reply list_group(const Request& request, std::string_view raw_group) const {
        std::string group = normalise_id(raw_group);
        std::string prefix = group == "/" ? "/" : group + "/";
        Embeds embeds = parse_embeds(request);
        Json list = Json::array();
        for (const auto& [id, record] : apps) {
            if (id.starts_with(prefix)) list.push_back(with_status(record.app, embeds, false));
        }
        return json_reply(200, Json{{"*", list}});
    }

    Reply put_app(const Request& request, const std::string& id) {
        Json body;
        if (auto bad = parse_app_body(request, body)) return *bad;
        for (const auto& field : kReadOnlyFields)
            body.erase(field);
        bool force = query_flag(request, "force", false);
        bool partial = query_flag(request, "partialUpdate", true);

        auto locks = deployments_of(id);
        if (!locks.empty() && !force) return locked_reply(locks);
        if (force) cancel_deployments_of(id);

        auto existing = apps.find(id);
        std::optional<AppRecord> before;
        if (existing != apps.end()) before = existing->second;

        Json candidate;
        auto requested_version = body.find("version");
        if (requested_version != body.end() && requested_version->is_string()) {
            // A body version asks for a rollback to that stored version (python-marathon).
            if (!before) return not_found(id);
            auto& versions = before->versions;
            auto match = std::find_if(versions.begin(), versions.end(), [&](const Json& v) {
                return v.value("version", "") == requested_version->get<std::string>();
            });
            if (match == versions.end()) {
                return message_reply(404, "App '" + id + "' does not exist in version " +
                                              requested_version->get<std::string>());
            }
            candidate = *match;
        } else if (before && partial) {
            candidate = before->app;
            for (const auto& [key, value] : body.items())
                candidate[key] = value;
        } else {
            candidate = std::move(body);
        }
        candidate.erase("version");
        candidate.erase("versionInfo");
        candidate["id"] = id;

        Json details = validation_details(candidate);
        if (!details.empty()) return details_reply(422, "Object is not valid", details);
        if (!before && group_conflict(id)) return group_conflict_reply();

        Json app = stored_form(std::move(candidate), id, before ? &before->app : nullptr);
        std::string version = app["version"].get<std::string>();
        std::vector<std::vector<Action>> steps;
        if (before) {
            Json a = app, b = before->app;
            for (auto* j : {&a, &b}) {
                j->erase("version");
                j->erase("versionInfo");
                j->erase("instances");
            }
            steps = {{{a == b ? "ScaleApplication" : "RestartApplication", id}}};
            apps[id].app = app;
            apps[id].versions.push_back(app);
        } else {
            steps = {{{"StartApplication", id}}, {{"ScaleApplication", id}}};
            apps[id] = AppRecord{app, {app}};
        }
        std::string deployment_id = start_deployment(std::move(steps), {{id, before}}, {}, version);
        Reply reply = deployment_result(before ? 200 : 201, deployment_id, version);
        if (!before) reply.headers.add("Location", server->base_url() + id);
        return reply;
    }

    Reply delete_app(const Request& request, const std::string& id) {
        auto existing = apps.find(id);
        if (existing == apps.end()) return not_found(id);
        // The code default is true since Marathon 1.6 (marathon.md 2.5), not the RAML's false.
        bool force = query_flag(request, "force", true);
        auto locks = deployments_of(id);
        if (!locks.empty() && !force) return locked_reply(locks);
        if (force) cancel_deployments_of(id);
        existing = apps.find(id);
        if (existing == apps.end()) return not_found(id);

        std::optional<AppRecord> before = existing->second;
        std::vector<std::string> remove_later;
        if (visibility == DeleteVisibility::kImmediate) {
            apps.erase(existing);
        } else {
            remove_later.push_back(id);
        }
        std::string version = timestamp();
        std::string deployment_id = start_deployment({{{"StopApplication", id}}}, {{id, before}},
                                                     std::move(remove_later), version);
        return deployment_result(200, deployment_id, version);
    }

    Reply app_versions(const std::string& id) const {
        auto it = apps.find(id);
        if (it == apps.end()) return not_found(id);
        Json versions = Json::array();
        for (auto v = it->second.versions.rbegin(); v != it->second.versions.rend(); ++v) {
            versions.push_back((*v)["version"]);
        }
        return json_reply(200, Json{{"versions", versions}});
    }

    Reply app_at_version(const std::string& id, const std::string& version) const {
        auto it = apps.find(id);
        if (it == apps.end()) return not_found(id);
        for (const auto& v : it->second.versions) {
            if (v.value("version", "") == version) return json_reply(200, v);
        }
        return message_reply(404, "App '" + id + "' does not exist in version " + version);
    }

    Reply list_deployments() {
        Json list = Json::array();
        for (const auto& d : running)
            list.push_back(d.to_json());
        // Polls are counted after answering: a deployment is listed by exactly N answers.
        std::erase_if(running, [&](Deployment& d) {
            if (d.kind != DeploymentMode::Kind::kAfterPolls) return false;
            if (--d.polls_left > 0) return false;
            finish(d);
            return true;
        });
        return json_reply(200, list);
    }

    Reply delete_deployment(const Request& request, const std::string& deployment_id) {
        auto it = std::find_if(running.begin(), running.end(),
                               [&](const Deployment& d) { return d.id == deployment_id; });
        if (it == running.end()) {
            return message_reply(404, "DeploymentPlan " + deployment_id + " does not exist");
        }
        Deployment cancelled = std::move(*it);
        running.erase(it);
        if (query_flag(request, "force", false)) {
            finish(cancelled);
            Reply reply = Reply::json(202, "");
            return reply;
        }
        // Rollback: every affected app goes back to its state before the deployment.
        std::vector<Action> actions;
        std::map<std::string, std::optional<AppRecord>> before;
        for (const auto& [app_id, previous] : cancelled.before) {
            auto current = apps.find(app_id);
            if (current != apps.end()) {
                before[app_id] = current->second;
            } else {
                before[app_id] = std::nullopt;
            }
            if (previous) {
                actions.push_back(
                    {current == apps.end() ? "StartApplication" : "RestartApplication", app_id});
                apps[app_id] = *previous;
            } else {
                actions.push_back({"StopApplication", app_id});
                apps.erase(app_id);
            }
        }
        std::string version = timestamp();
        std::string rollback_id = start_deployment({actions}, std::move(before), {}, version);
        return deployment_result(200, rollback_id, version);
    }

    Reply info() const {
        Json body = Json::object();
        body["name"] = "marathon";
        body["version"] = options.marathon_version;
        body["buildref"] = "unknown";
        body["elected"] = true;
        body["leader"] = server->host_port();
        body["frameworkId"] = framework_id;
        body["marathon_config"] = Json{{"framework_name", "marathon"},
                                       {"hostname", "127.0.0.1"},
                                       {"master", "zk://127.0.0.1:2181/mesos"},
                                       {"mesos_role", "*"},
                                       {"mesos_user", "root"}};
        body["zookeeper_config"] = Json{{"zk", "zk://127.0.0.1:2181/marathon"}};
        body["http_config"] = Json{{"http_port", server->port()}, {"https_port", 8443}};
        return json_reply(200, body);
    }

    std::optional<Reply> check_auth(const Request& request) const {
        if (!token || request.path == "/ping") return std::nullopt;
        auto header = request.header("Authorization");
        if (!header || !header->starts_with("token=")) {
            Reply reply = message_reply(401, "Invalid username or password.");
            reply.headers.add("WWW-Authenticate", "acsjwt");
            return reply;
        }
        if (*header != "token=" + *token) {
            return message_reply(403, "Not Authorized to perform this action!");
        }
        return std::nullopt;
    }

    Reply route(const Request& request) {
        std::lock_guard lock(mutex);
        if (auto denied = check_auth(request)) return *denied;
        advance_clock();
        const std::string& path = request.path;
        const std::string& method = request.method;
        auto method_not_allowed = [] { return message_reply(405, "HTTP 405 Method Not Allowed"); };

        if (path == "/ping") {
            return method == "GET" ? json_reply(200, "pong") : method_not_allowed();
        }
        if (path == "/v2/info") return method == "GET" ? info() : method_not_allowed();
        if (path == "/v2/apps" || path == "/v2/apps/") {
            if (method == "GET") return list_apps(request);
            if (method == "POST") return create_app(request);
            return method_not_allowed();
        }
        if (path.starts_with("/v2/apps/")) {
            std::string_view rest = std::string_view(path).substr(8);
            if (rest == "/*" || rest.ends_with("/*")) {
                if (method != "GET") return method_not_allowed();
                return list_group(request, rest.substr(0, rest.size() - 1));
            }
            if (rest.ends_with("/versions")) {
                if (method != "GET") return method_not_allowed();
                return app_versions(normalise_id(rest.substr(0, rest.size() - 9)));
            }
            std::size_t marker = rest.rfind("/versions/");
            if (marker != std::string_view::npos && marker + 10 < rest.size() &&
                rest.find('/', marker + 10) == std::string_view::npos) {
                if (method != "GET") return method_not_allowed();
                return app_at_version(normalise_id(rest.substr(0, marker)),
                                      std::string(rest.substr(marker + 10)));
            }
            std::string id = normalise_id(rest);
            if (method == "GET") return get_app(request, id);
            if (method == "PUT") return put_app(request, id);
            if (method == "DELETE") return delete_app(request, id);
            return method_not_allowed();
        }
        if (path == "/v2/deployments") {
            return method == "GET" ? list_deployments() : method_not_allowed();
        }
        if (path.starts_with("/v2/deployments/")) {
            if (method != "DELETE") return method_not_allowed();
            return delete_deployment(request, path.substr(16));
        }
        return message_reply(404, "No resource at " + method + " " + path);
    }

    Reply handle(const Request& request) {
        auto fault = faults.take(request.method, request.path);
        return apply_fault(fault, [&] { return route(request); });
    }
};

MarathonEmulator::MarathonEmulator(MarathonOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))),
      server_([this](const Request& request) { return impl_->handle(request); }) {
    impl_->server = &server_;
    server_.start(impl_->options.port, impl_->options.bind_address);
}

MarathonEmulator::~MarathonEmulator() {
    server_.stop();
}

std::uint16_t MarathonEmulator::port() const {
    return server_.port();
}

std::string MarathonEmulator::url() const {
    return server_.base_url();
}

void MarathonEmulator::stop() {
    server_.stop();
}

void MarathonEmulator::restart() {
    if (!server_.running()) server_.start(server_.port(), impl_->options.bind_address);
}

bool MarathonEmulator::schema_validation_enabled() const {
    return impl_->schema != nullptr;
}

std::optional<std::filesystem::path> MarathonEmulator::schema_file() const {
    return impl_->schema_path;
}

cosmos::core::Json MarathonEmulator::add_app(cosmos::core::Json app) {
    if (!app.is_object() || !app.contains("id") || !app["id"].is_string()) {
        throw std::invalid_argument("add_app: the app needs a string id");
    }
    std::lock_guard lock(impl_->mutex);
    std::string id = normalise_id(app["id"].get<std::string>());
    if (impl_->apps.count(id)) throw std::invalid_argument("add_app: " + id + " exists");
    Json stored = impl_->stored_form(std::move(app), id, nullptr);
    impl_->apps[id] = AppRecord{stored, {stored}};
    return stored;
}

bool MarathonEmulator::remove_app(std::string_view id) {
    std::lock_guard lock(impl_->mutex);
    return impl_->apps.erase(normalise_id(id)) > 0;
}

std::vector<cosmos::core::Json> MarathonEmulator::apps() const {
    std::lock_guard lock(impl_->mutex);
    impl_->advance_clock();
    std::vector<Json> out;
    for (const auto& [id, record] : impl_->apps)
        out.push_back(record.app);
    return out;
}

std::optional<cosmos::core::Json> MarathonEmulator::app(std::string_view id) const {
    std::lock_guard lock(impl_->mutex);
    impl_->advance_clock();
    auto it = impl_->apps.find(normalise_id(id));
    if (it == impl_->apps.end()) return std::nullopt;
    return it->second.app;
}

void MarathonEmulator::set_deployment_mode(DeploymentMode mode) {
    std::lock_guard lock(impl_->mutex);
    impl_->mode = mode;
}

void MarathonEmulator::set_delete_visibility(DeleteVisibility visibility) {
    std::lock_guard lock(impl_->mutex);
    impl_->visibility = visibility;
}

std::vector<cosmos::core::Json> MarathonEmulator::deployments() const {
    std::lock_guard lock(impl_->mutex);
    impl_->advance_clock();
    std::vector<Json> out;
    for (const auto& d : impl_->running)
        out.push_back(d.to_json());
    return out;
}

void MarathonEmulator::complete_deployments() {
    std::lock_guard lock(impl_->mutex);
    for (const auto& d : impl_->running)
        impl_->finish(d);
    impl_->running.clear();
}

bool MarathonEmulator::complete_deployment(std::string_view id) {
    std::lock_guard lock(impl_->mutex);
    auto it = std::find_if(impl_->running.begin(), impl_->running.end(),
                           [&](const Deployment& d) { return d.id == id; });
    if (it == impl_->running.end()) return false;
    impl_->finish(*it);
    impl_->running.erase(it);
    return true;
}

void MarathonEmulator::set_required_token(std::optional<std::string> token) {
    std::lock_guard lock(impl_->mutex);
    impl_->token = std::move(token);
}

void MarathonEmulator::set_newer_marathon_fields(bool accept) {
    std::lock_guard lock(impl_->mutex);
    impl_->newer_fields = accept;
}

FaultPlan& MarathonEmulator::faults() {
    return impl_->faults;
}

RequestLog& MarathonEmulator::log() {
    return server_.log();
}

cosmos::core::Json MarathonEmulator::state() const {
    Json apps_json = Json::array();
    for (auto& app : apps())
        apps_json.push_back(std::move(app));
    Json deployments_json = Json::array();
    for (auto& d : deployments())
        deployments_json.push_back(std::move(d));
    return Json{{"apps", apps_json}, {"deployments", deployments_json}};
}

Reply MarathonEmulator::serve(const Request& request) {
    server_.log().record(request);
    return impl_->handle(request);
}

}  // namespace universe_test
