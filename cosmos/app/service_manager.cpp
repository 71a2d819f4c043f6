#include "cosmos/app/service_manager.h"

#include <algorithm>
#include <tuple>

#include "cosmos/app/package_actions.h"
#include "cosmos/core/app_id.h"
#include "cosmos/core/error.h"
#include "cosmos/core/options.h"

namespace cosmos::app {

namespace {

bool matches(const std::vector<std::string>& allowed, const std::string& version) {
    return std::any_of(allowed.begin(), allowed.end(),
                       [&](const std::string& v) { return v == "*" || v == version; });
}

// What a rendered app carries that rollback needs, read back from its labels (render wrote them).
std::optional<RestorePoint> restore_point_of(const core::Json& app) {
    if (!app.contains("labels") || !app["labels"].is_object()) return std::nullopt;
    const core::Json& labels = app["labels"];
    auto text = [&](std::string_view name) -> std::optional<std::string> {
        auto it = labels.find(name);
        if (it == labels.end() || !it->is_string()) return std::nullopt;
        return it->get<std::string>();
    };
    auto definition = text(core::kLabelDefinition);
    auto source = text(core::kLabelSource);
    if (!definition || !source) return std::nullopt;
    return RestorePoint{std::move(*definition), std::move(*source)};
}

std::string deployment_id_of(const std::string& body) {
    try {
        auto parsed = core::parse_json(body);
        auto it = parsed.is_object() ? parsed.find("deploymentId") : parsed.end();
        if (it != parsed.end() && it->is_string()) return it->get<std::string>();
    } catch (const core::Error&) {
    }
    return "";
}

// What an SDK uninstall's job keeps: all that another instance needs to finish it. The caller's
// Authorization goes with it, so the carrier acts with the caller's rights.
struct SdkUninstallTask {
    std::string app_id;
    std::string deployment_id;  // "" until Marathon answered the PUT
    std::optional<std::vector<std::string>> framework_ids;
    std::string api_version;
    Credentials auth;

    core::Json to_json() const {
        core::Json out{{"appId", app_id},
                       {"deploymentId", deployment_id},
                       {"apiVersion", api_version},
                       {"frameworkIds", nullptr},
                       {"authorization", nullptr}};
        if (framework_ids) out["frameworkIds"] = *framework_ids;
        if (auth) out["authorization"] = *auth;
        return out;
    }

    static SdkUninstallTask from_json(const core::Json& j) {
        SdkUninstallTask t;
        t.app_id = j.value("appId", "");
        t.deployment_id = j.value("deploymentId", "");
        t.api_version = j.value("apiVersion", "v1");
        if (j.contains("frameworkIds") && j["frameworkIds"].is_array()) {
            t.framework_ids = j["frameworkIds"].get<std::vector<std::string>>();
        }
        if (j.contains("authorization") && j["authorization"].is_string()) {
            t.auth = j["authorization"].get<std::string>();
        }
        return t;
    }
};

}  // namespace

ServiceManager::ServiceManager(RepositoryService& repositories, HttpClient& client,
                               OperationStore& records, Clock& clock, JobRunner& jobs,
                               ServiceConfig config)
    : repositories_(repositories),
      marathon_(client, config.cluster),
      mesos_(client, config.cluster),
      admin_router_(client, config.cluster),
      records_(records),
      clock_(clock),
      jobs_(jobs),
      config_(std::move(config)) {
    jobs_.handle(std::string(kSdkUninstallJob), [this](const Job& job, const JobClaim& claim) {
        return finish_sdk_uninstall(job, claim);
    });
}

ServiceManager::~ServiceManager() {
    stop();
}

void ServiceManager::stop() {
    jobs_.stop();
}

std::size_t ServiceManager::background_tasks() const {
    return jobs_.running();
}

std::optional<std::int64_t> ServiceManager::record(
    const std::string& operation, const std::string& name, const std::string& version,
    const std::string& app_id, const core::Json& options, const core::Json* app,
    const core::Error* error, std::optional<std::int64_t> rollback_of) {
    OperationRecord r;
    r.operation = operation;
    r.package_name = name;
    r.package_version = version;
    r.app_id = app_id;
    r.options = options.is_object() ? options : core::Json::object();
    if (app && config_.sha256) r.app_sha256 = config_.sha256(core::to_compact(*app));
    r.outcome = error ? "failure" : "success";
    if (error) r.error = error->to_json();
    r.time_ms = clock_.now_ms();
    if (app && !error) r.restore_point = restore_point_of(*app);
    r.rollback_of = rollback_of;
    try {
        return records_.record(r);
    } catch (...) {
        // A record that cannot be written must not turn a done install into an error.
        return std::nullopt;
    }
}

InstallResult ServiceManager::install(const InstallRequest& request, const Credentials& auth,
                                      bool v1_response) {
    // Refused before anything is recorded or sent to Marathon.
    if (request.app_id) core::check_app_id(*request.app_id);
    const core::Json options = request.options.value_or(core::Json::object());
    std::string version = request.package_version.value_or("");
    std::string app_id = request.app_id.value_or("");
    std::optional<core::Json> rendered_app;
    try {
        auto selected =
            select_package(repositories_.catalog(), request.package_name, request.package_version);
        const core::Package& package = *selected.package;
        version = package.version.str();
        InstallResult result;
        result.package_name = package.name;
        result.package_version = version;
        result.post_install_notes = package.post_install_notes;
        if (package.resource && package.resource->cli) result.cli = package.resource->cli;
        if (!package.marathon_template_base64) {
            // A CLI-only package: nothing to deploy (Cosmos), but v1 needs an app id.
            if (v1_response) throw core::service_marathon_template_not_found(package.name, version);
            record("install", package.name, version, "", options, nullptr, nullptr);
            return result;
        }
        auto rendered = render_package(selected, options, request.app_id, config_.codec);
        if (rendered.app.contains("id") && rendered.app["id"].is_string()) {
            app_id = core::normalize_app_id(rendered.app["id"].get<std::string>());
            // The options may have produced an id Marathon would refuse or resolve elsewhere.
            core::check_app_id(app_id);
        }
        rendered_app = rendered.app;
        result.app_id = marathon_.create_app(rendered.app, auth);
        record("install", package.name, version, *result.app_id, options, &*rendered_app, nullptr);
        return result;
    } catch (const core::Error& e) {
        record("install", request.package_name, version, app_id, options,
               rendered_app ? &*rendered_app : nullptr, &e);
        throw;
    }
}

std::vector<InstalledPackage> ServiceManager::list(const ListRequest& request,
                                                   const Credentials& auth) {
    // A label selector keeps the answer small on large clusters (DCOS-34435); the filtering below
    // still applies Cosmos's own rules.
    std::string selector = std::string(core::kLabelName);
    if (request.package_name) selector += "==" + *request.package_name;
    std::vector<InstalledPackage> out;
    for (const auto& app : marathon_.list_apps(selector, auth)) {
        auto name = app.label(core::kLabelName);
        if (!name) continue;
        if (request.package_name && *name != *request.package_name) continue;
        if (request.app_id && app.id != *request.app_id) continue;
        auto definition = app.label(core::kLabelDefinition);
        if (!definition) continue;  // Cosmos 0.6.2+: apps without the label are skipped
        out.push_back({app.id, core::decode_definition_label(*definition, config_.codec)});
    }
    std::sort(out.begin(), out.end(), [](const InstalledPackage& a, const InstalledPackage& b) {
        if (a.package.name != b.package.name) return a.package.name < b.package.name;
        return a.app_id < b.app_id;
    });
    return out;
}

ServiceManager::Located ServiceManager::locate(const MarathonApp& app,
                                               const std::string& missing_message) {
    if (auto definition = app.label(core::kLabelDefinition)) {
        return {core::decode_definition_label(*definition, config_.codec),
                app.label(core::kLabelSource).value_or(""), true};
    }
    auto name = app.label(core::kLabelName);
    auto version = app.label(core::kLabelVersion);
    if (!name || !version) throw core::unhandled_exception(missing_message);
    auto selected = select_package(repositories_.catalog(), *name, *version);
    return {*selected.package, selected.source_uri, false};
}

std::vector<UninstallResult> ServiceManager::uninstall(const UninstallRequest& request,
                                                       const Credentials& auth) {
    if (request.app_id) core::check_app_id(*request.app_id);
    const std::string& name = request.package_name;
    std::vector<MarathonApp> candidates;
    if (request.app_id) {
        auto app = marathon_.get_app(*request.app_id, auth);
        if (!app) throw core::uninstall_non_existent_app(name, *request.app_id);
        candidates.push_back(std::move(*app));
    } else {
        candidates = marathon_.list_apps(std::string(core::kLabelName) + "==" + name, auth);
    }
    std::vector<MarathonApp> apps;
    for (auto& app : candidates) {
        if (app.label(core::kLabelName) == name) apps.push_back(std::move(app));
    }
    if (apps.empty()) throw core::package_not_installed(name);
    if (apps.size() > 1 && !request.all.value_or(false)) {
        std::vector<std::string> ids;
        for (const auto& a : apps)
            ids.push_back(a.id);
        throw core::ambiguous_app_id(name, ids);
    }
    std::vector<UninstallResult> results;
    for (const auto& app : apps) {
        auto version = app.label(core::kLabelVersion).value_or("");
        try {
            results.push_back(uninstall_one(app, name, auth));
            record("uninstall", name, version, app.id, core::Json::object(), nullptr, nullptr);
        } catch (const core::Error& e) {
            record("uninstall", name, version, app.id, core::Json::object(), nullptr, &e);
            throw;
        }
    }
    return results;
}

UninstallResult ServiceManager::uninstall_one(const MarathonApp& app,
                                              const std::string& package_name,
                                              const Credentials& auth) {
    UninstallResult result;
    result.package_name = package_name;
    result.app_id = app.id;
    result.package_version = app.label(core::kLabelVersion);

    if (app.label(core::kLabelCommonsUninstall)) {
        start_sdk_uninstall(app, auth);
    } else {
        int status = marathon_.delete_app(app.id, true, auth);
        if (status != 200) throw core::marathon_app_delete_error(app.id);
        if (auto framework_name = app.label(core::kLabelFrameworkName)) {
            std::vector<Framework> frameworks;
            try {
                frameworks = mesos_.frameworks(auth);
            } catch (const core::Error& e) {
                if (e.type() == "ServiceUnavailable") {
                    throw core::incomplete_uninstall(package_name);
                }
                throw;
            }
            std::vector<std::string> ids;
            for (const auto& f : frameworks) {
                if (f.name == *framework_name) ids.push_back(f.id);
            }
            if (ids.size() > 1) {
                // Cosmos: reported after the app was already deleted.
                throw core::multiple_framework_ids(package_name, result.package_version,
                                                   *framework_name, ids);
            }
            if (ids.size() == 1) {
                try {
                    mesos_.teardown(ids.front(), auth);
                } catch (const core::Error& e) {
                    if (e.type() == "ServiceUnavailable") {
                        throw core::incomplete_uninstall(package_name);
                    }
                    throw;
                }
            }
        }
    }
    // postUninstallNotes from the stored definition, else from the repositories.
    if (auto definition = app.label(core::kLabelDefinition)) {
        result.post_uninstall_notes =
            core::decode_definition_label(*definition, config_.codec).post_uninstall_notes;
    } else if (result.package_version) {
        auto selected =
            select_package(repositories_.catalog(), package_name, *result.package_version);
        result.post_uninstall_notes = selected.package->post_uninstall_notes;
    }
    return result;
}

void ServiceManager::start_sdk_uninstall(const MarathonApp& app, const Credentials& auth) {
    std::string api_version = app.label(core::kLabelCommonsApiVersion).value_or("v1");
    auto framework_ids = admin_router_.sdk_framework_ids(app.id, api_version, auth);
    auto current = marathon_.get_app(app.id, auth);
    if (!current) throw core::marathon_app_not_found(app.id);
    core::Json body = current->raw;
    body.erase("uris");
    body.erase("version");
    if (!body.contains("env") || !body["env"].is_object()) body["env"] = core::Json::object();
    body["env"]["SDK_UNINSTALL"] = "true";
    // The job is stored before Marathon is touched: when the store cannot take it, the
    // uninstall fails with nothing started, and once stored, any instance can finish it.
    Job job;
    job.kind = std::string(kSdkUninstallJob);
    job.data = SdkUninstallTask{app.id, "", framework_ids, api_version, auth}.to_json();
    auto claim = jobs_.submit(job);

    std::pair<int, std::string> put;
    try {
        put = marathon_.put_app(app.id, "force=true", body, auth);
    } catch (...) {
        jobs_.discard(job.id);
        throw;
    }
    auto& [status, reply] = put;
    if (status != 200) {
        jobs_.discard(job.id);
        throw core::failed_to_start_uninstall(app.id,
                                              "Encountered error in marathon request " + reply);
    }
    std::string deployment_id = deployment_id_of(reply);
    if (deployment_id.empty()) {
        jobs_.discard(job.id);
        throw core::failed_to_start_uninstall(
            app.id, "Marathon update response is not a JSON Object: " + reply);
    }
    job.data["deploymentId"] = deployment_id;
    try {
        jobs_.update(job);
    } catch (const std::exception&) {
        // A carrier that takes over without the deployment id skips that one check; the
        // scheduler's own state decides when the app is deleted.
    }
    jobs_.run(std::move(job), std::move(claim));
}

JobOutcome ServiceManager::finish_sdk_uninstall(const Job& job, const JobClaim& claim) {
    const auto task = SdkUninstallTask::from_json(job.data);
    const std::string& app_id = task.app_id;
    const std::string& deployment_id = task.deployment_id;
    const auto& framework_ids = task.framework_ids;
    const std::string& api_version = task.api_version;
    const Credentials& auth = task.auth;
    // Cosmos: poll until the scheduler has torn itself down, then delete the app.
    for (int attempt = 0; attempt < config_.sdk_max_polls; ++attempt) {
        if (!jobs_.wait(config_.sdk_poll_interval) || !claim.held()) return JobOutcome::kAbandoned;
        try {
            auto deployments = marathon_.deployment_ids(auth);
            if (std::find(deployments.begin(), deployments.end(), deployment_id) !=
                deployments.end()) {
                continue;
            }
            auto app = marathon_.get_app(app_id, auth);
            if (!app) return JobOutcome::kDone;
            const core::Json& env = app->raw.contains("env") ? app->raw["env"] : core::Json();
            bool flagged =
                env.is_object() && env.contains("SDK_UNINSTALL") && env["SDK_UNINSTALL"] == "true";
            if (!flagged) continue;
            if (!admin_router_.sdk_deploy_plan_complete(app_id, api_version, auth)) continue;
            auto now_ids = admin_router_.sdk_framework_ids(app_id, api_version, auth);
            if (now_ids && framework_ids && *now_ids != *framework_ids) continue;
            int status = marathon_.delete_app(app_id, false, auth);
            if (status == 200 || (status >= 400 && status < 500)) return JobOutcome::kDone;
        } catch (const core::Error& e) {
            if (e.type() == "Unauthorized") return JobOutcome::kDone;
        }
    }
    return JobOutcome::kDone;
}

ServiceDescription ServiceManager::describe(const ServiceDescribeRequest& request,
                                            const Credentials& auth) {
    core::check_app_id(request.app_id);
    auto app = marathon_.get_app(request.app_id, auth);
    if (!app) throw core::marathon_app_not_found(request.app_id);
    auto located = locate(*app, "The name and version of the service were not found in the labels");
    ServiceDescription out;
    out.package = located.package;
    out.from_label = located.from_label;
    auto catalog = repositories_.catalog();
    out.upgrades_to = catalog->upgrades_to(out.package.name, out.package.version.str());
    out.downgrades_to = catalog->downgrades_to(out.package);
    if (auto label = app->label(core::kLabelOptions)) {
        if (auto options = core::decode_options_label(*label)) {
            out.user_provided_options = *options;
            out.resolved_options =
                core::merge(out.package.config ? core::extract_defaults(out.package.config->value())
                                               : core::Json::object(),
                            *options);
        }
    }
    return out;
}

ServiceUpdateResult ServiceManager::update(const ServiceUpdateRequest& request,
                                           const Credentials& auth) {
    core::check_app_id(request.app_id);
    std::string name = request.package_name.value_or("");
    std::string version = request.package_version.value_or("");
    core::Json options = request.options.value_or(core::Json::object());
    try {
        auto app = marathon_.get_app(request.app_id, auth);
        if (!app) throw core::marathon_app_not_found(request.app_id);
        auto located = locate(*app, "Unable to retrieve the old package definition");
        name = located.package.name;
        version = located.package.version.str();
        core::Package target = located.package;
        std::string source = located.source_uri;
        auto catalog = repositories_.catalog();
        if (request.package_version && *request.package_version != version) {
            // Beyond open-source Cosmos (which refuses every version change): allowed when the
            // target accepts upgrades from the current version or the current package allows a
            // downgrade to the target.
            const auto& entry = catalog->select(name, request.package_version);
            bool upgrade =
                entry.package->upgrades_from && matches(*entry.package->upgrades_from, version);
            bool downgrade = located.package.downgrades_to &&
                             matches(*located.package.downgrades_to, *request.package_version);
            if (!upgrade && !downgrade) {
                throw core::version_change_not_allowed(name, version, *request.package_version);
            }
            target = *entry.package;
            source = *entry.repository_uri;
            version = target.version.str();
        }
        core::Json user_options;
        auto stored = app->label(core::kLabelOptions)
                          ? core::decode_options_label(*app->label(core::kLabelOptions))
                          : std::nullopt;
        if (request.replace) {
            user_options = request.options.value_or(core::Json::object());
        } else if (!stored) {
            throw core::options_not_stored();
        } else if (!request.options) {
            user_options = *stored;
        } else {
            user_options = core::merge(*stored, *request.options);
        }
        options = user_options;
        auto replaced = replace(request.app_id, target, source, user_options, auth);
        // Cosmos: any other status is an internal error carrying Marathon's body.
        if (replaced.status != 200) throw core::unhandled_exception(replaced.body);
        auto id = record("update", name, version, request.app_id, options, &replaced.rendered.app,
                         nullptr);
        return {target, replaced.rendered.resolved_options, deployment_id_of(replaced.body), id};
    } catch (const core::Error& e) {
        record("update", name, version, request.app_id, options, nullptr, &e);
        throw;
    }
}

ServiceManager::Replaced ServiceManager::replace(const std::string& app_id,
                                                 const core::Package& target,
                                                 const std::string& source_uri,
                                                 const core::Json& user_options,
                                                 const Credentials& auth) {
    if (!target.marathon_template_base64) {
        throw core::unhandled_exception("This service does not have a marathon template");
    }
    core::RenderRequest render;
    render.package = &target;
    render.source_uri = source_uri;
    render.user_options = user_options;
    Replaced out;
    out.rendered = core::render_marathon_app(render, config_.codec);
    const core::Json& app = out.rendered.app;
    if (app.contains("id") && app["id"].is_string()) {
        std::string new_id = core::normalize_app_id(app["id"].get<std::string>());
        if (new_id != app_id) throw core::app_id_changed(new_id, app_id);
    }
    std::tie(out.status, out.body) =
        marathon_.put_app(app_id, "force=true&partialUpdate=false", app, auth);
    return out;
}

ServiceUpdateResult ServiceManager::apply(const ChosenUpdate& change, const Credentials& auth) {
    const std::string& name = change.package.name;
    const std::string version = change.package.version.str();
    try {
        // PUT would create a missing app: it must still be there to be changed.
        if (!marathon_.get_app(change.app_id, auth)) {
            throw core::marathon_app_not_found(change.app_id);
        }
        auto replaced =
            replace(change.app_id, change.package, change.source_uri, change.user_options, auth);
        if (replaced.status != 200) throw marathon_error(replaced.status, replaced.body);
        auto id = record(change.operation, name, version, change.app_id, change.user_options,
                         &replaced.rendered.app, nullptr, change.rollback_of);
        return {change.package, replaced.rendered.resolved_options, deployment_id_of(replaced.body),
                id};
    } catch (const core::Error& e) {
        record(change.operation, name, version, change.app_id, change.user_options, nullptr, &e,
               change.rollback_of);
        throw;
    }
}

std::vector<OperationRecord> ServiceManager::history(const PackageHistoryRequest& request) {
    HistoryFilter filter;
    filter.app_id = request.app_id;
    filter.package_name = request.package_name;
    return records_.history(filter);
}

std::optional<OperationRecord> ServiceManager::find_record(std::int64_t id) {
    return records_.find(id);
}

}  // namespace cosmos::app
