#include "tests/support/mesos_emulator.h"

#include <algorithm>

namespace universe_test {

namespace {

using cosmos::core::Json;

Reply plain(int status, std::string body) {
    return Reply::text(status, std::move(body), "text/plain; charset=utf-8");
}

// Strips a routing prefix ("/marathon") from both the decoded path and the raw target.
Request without_prefix(const Request& request, std::string_view prefix) {
    Request inner = request;
    // (Built in one step: assigning a literal here trips a GCC 12 -Wrestrict false positive.)
    inner.path = request.path.size() > prefix.size() ? request.path.substr(prefix.size())
                                                     : std::string(1, '/');
    inner.target =
        request.target.starts_with(prefix) ? request.target.substr(prefix.size()) : request.target;
    if (inner.target.empty() || inner.target.front() == '?') inner.target.insert(0, 1, '/');
    return inner;
}

}  // namespace

MesosEmulator::MesosEmulator(MesosOptions options)
    : options_(std::move(options)),
      server_([this](const Request& request) { return handle(request); }) {
    server_.start(options_.port, options_.bind_address);
}

MesosEmulator::~MesosEmulator() {
    server_.stop();
}

std::uint16_t MesosEmulator::port() const {
    return server_.port();
}

std::string MesosEmulator::url() const {
    return server_.base_url();
}

void MesosEmulator::stop() {
    server_.stop();
}

void MesosEmulator::restart() {
    if (!server_.running()) server_.start(server_.port(), options_.bind_address);
}

void MesosEmulator::add_framework(std::string id, std::string name, Json extra) {
    Json framework = Json::object();
    framework["id"] = id;
    framework["name"] = std::move(name);
    if (extra.is_object()) {
        for (const auto& [key, value] : extra.items())
            framework[key] = value;
    }
    if (!framework.contains("active")) framework["active"] = true;
    std::lock_guard lock(mutex_);
    auto it = std::find_if(frameworks_.begin(), frameworks_.end(),
                           [&](const Json& f) { return f["id"] == id; });
    if (it != frameworks_.end()) {
        *it = std::move(framework);
    } else {
        frameworks_.push_back(std::move(framework));
    }
}

void MesosEmulator::clear_frameworks() {
    std::lock_guard lock(mutex_);
    frameworks_.clear();
    completed_.clear();
}

std::vector<Json> MesosEmulator::frameworks() const {
    std::lock_guard lock(mutex_);
    return frameworks_;
}

std::vector<Json> MesosEmulator::completed_frameworks() const {
    std::lock_guard lock(mutex_);
    return completed_;
}

void MesosEmulator::set_dcos_version(std::string version) {
    std::lock_guard lock(mutex_);
    options_.dcos_version = std::move(version);
}

void MesosEmulator::set_sdk_service(std::string name, SdkService service) {
    std::lock_guard lock(mutex_);
    sdk_services_[std::move(name)] = std::move(service);
}

void MesosEmulator::set_service_handler(std::string name, LoopbackServer::Handler handler) {
    std::lock_guard lock(mutex_);
    service_handlers_[std::move(name)] = std::move(handler);
}

void MesosEmulator::attach_marathon(MarathonEmulator* marathon) {
    std::lock_guard lock(mutex_);
    marathon_ = marathon;
}

void MesosEmulator::set_required_token(std::optional<std::string> token) {
    std::lock_guard lock(mutex_);
    options_.required_token = std::move(token);
}

FaultPlan& MesosEmulator::faults() {
    return faults_;
}

RequestLog& MesosEmulator::log() {
    return server_.log();
}

Json MesosEmulator::state() const {
    std::lock_guard lock(mutex_);
    Json services = Json::object();
    for (const auto& [name, service] : sdk_services_) {
        services[name] =
            Json{{"framework_ids", service.framework_ids}, {"plan_status", service.plan_status}};
    }
    return Json{{"frameworks", frameworks_},
                {"completed_frameworks", completed_},
                {"sdk_services", services}};
}

Reply MesosEmulator::handle(const Request& request) {
    auto fault = faults_.take(request.method, request.path);
    return apply_fault(fault, [&] { return route(request); });
}

Reply MesosEmulator::teardown(const Request& request) {
    if (request.method != "POST")
        return plain(405, "Expecting 'POST', received '" + request.method + "'");
    // Mesos reads the form body; the wording "query parameter" is its own.
    std::optional<std::string> id;
    for (const auto& [key, value] : parse_query(request.body)) {
        if (key == "frameworkId") {
            id = value;
            break;
        }
    }
    if (!id) return plain(400, "Missing 'frameworkId' query parameter");
    std::lock_guard lock(mutex_);
    auto it = std::find_if(frameworks_.begin(), frameworks_.end(),
                           [&](const Json& f) { return f["id"] == *id; });
    if (it == frameworks_.end()) return plain(400, "No framework found with specified ID");
    Json framework = std::move(*it);
    frameworks_.erase(it);
    framework["active"] = false;
    completed_.push_back(std::move(framework));
    return plain(200, "");
}

Reply MesosEmulator::route(const Request& request) {
    const std::string& path = request.path;
    if (path == "/marathon" || path.starts_with("/marathon/")) {
        MarathonEmulator* marathon;
        {
            std::lock_guard lock(mutex_);
            marathon = marathon_;
        }
        if (!marathon) return plain(404, "Not Found");
        // Marathon applies its own auth and faults to forwarded calls.
        return marathon->serve(without_prefix(request, "/marathon"));
    }

    std::optional<std::string> token;
    LoopbackServer::Handler service_handler;
    std::string service_name;
    MarathonEmulator* marathon = nullptr;
    if (path.starts_with("/service/")) {
        std::size_t end = path.find('/', 9);
        service_name = path.substr(9, end == std::string::npos ? std::string::npos : end - 9);
    }
    {
        std::lock_guard lock(mutex_);
        token = options_.required_token;
        marathon = marathon_;
        auto it = service_handlers_.find(service_name);
        if (it != service_handlers_.end()) service_handler = it->second;
    }
    if (token) {
        auto header = request.header("Authorization");
        if (!header || !header->starts_with("token=")) {
            Reply reply = plain(401, "Unauthorized");
            reply.headers.add("WWW-Authenticate", "acsjwt");
            return reply;
        }
        if (*header != "token=" + *token) return plain(403, "Forbidden");
    }

    std::string_view mesos_path = path;
    if (mesos_path.starts_with("/mesos/")) mesos_path.remove_prefix(6);
    if (mesos_path == "/master/frameworks") {
        if (request.method != "GET") return plain(405, "Expecting 'GET'");
        std::lock_guard lock(mutex_);
        Json body = Json::object();
        body["frameworks"] = frameworks_;
        body["completed_frameworks"] = completed_;
        body["unregistered_frameworks"] = Json::array();
        return Reply::json(200, body.dump());
    }
    if (mesos_path == "/master/teardown") return teardown(request);

    if (path == "/dcos-metadata/dcos-version.json") {
        std::lock_guard lock(mutex_);
        Json body = Json::object();
        body["version"] = options_.dcos_version;
        body["dcos-image-commit"] = options_.dcos_image_commit;
        body["bootstrap-id"] = options_.bootstrap_id;
        return Reply::json(200, body.dump());
    }

    if (!service_name.empty()) {
        // A custom handler runs unlocked: it may call back into tests' own state.
        if (service_handler) return service_handler(request);
        std::string rest = path.substr(9 + service_name.size());
        // The scheduler of an SDK app running on the attached Marathon, read before locking
        // (Marathon has its own lock).
        std::optional<SdkService> running;
        if (marathon && request.method == "GET")
            running = sdk_scheduler_of(*marathon, service_name);
        std::lock_guard lock(mutex_);
        auto it = sdk_services_.find(service_name);
        if (it != sdk_services_.end()) running = it->second;
        if (running && request.method == "GET") {
            const SdkService& service = *running;
            if (rest == "/v1/state/frameworkId") {
                return Reply::json(200, Json(service.framework_ids).dump());
            }
            if (rest == "/v1/plans/deploy") {
                Json body = service.plan_body;
                if (body.is_null()) {
                    body = Json{{"phases", Json::array()},
                                {"errors", Json::array()},
                                {"status", "COMPLETE"}};
                }
                return Reply::json(service.plan_status, body.dump());
            }
        }
    }
    return plain(404, "Not Found");
}

std::optional<SdkService> sdk_scheduler_of(const MarathonEmulator& marathon,
                                           const std::string& name) {
    auto app = marathon.app("/" + name);
    if (!app || !app->contains("labels") || !(*app)["labels"].is_object() ||
        !(*app)["labels"].contains("DCOS_COMMONS_UNINSTALL")) {
        return std::nullopt;
    }
    // Its plans are complete: deployed, or (with SDK_UNINSTALL set) uninstalled.
    return SdkService{{name + "-framework-id"}, 200, nullptr};
}

Json cluster_state(const MarathonEmulator& marathon, const MesosEmulator& mesos) {
    Json state = marathon.state();
    Json mesos_state = mesos.state();
    state["frameworks"] = mesos_state["frameworks"];
    state["completed_frameworks"] = mesos_state["completed_frameworks"];
    return state;
}

}  // namespace universe_test
