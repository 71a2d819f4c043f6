#include "cosmos/app/cluster_clients.h"

#include "cosmos/core/app_id.h"
#include "cosmos/core/error.h"
#include "cosmos/core/media_type.h"

namespace cosmos::app {

namespace {

// One exchange with a cluster service, with the failures every service shares.
HttpReply exchange(HttpClient& client, const ClusterSettings& settings,
                   const std::string& service_name, const std::string& method,
                   const std::string& url, const std::optional<std::string>& body,
                   const std::string& content_type, const Credentials& auth) {
    HttpCall call;
    call.method = method;
    call.url = url;
    call.timeout = settings.timeout;
    call.max_response_bytes = settings.max_response_bytes;
    call.headers = {{"User-Agent", settings.user_agent},
                    {"Accept", "application/json;charset=utf-8"}};
    if (body) {
        call.headers.emplace_back("Content-Type", content_type);
        call.body = *body;
    }
    // Cosmos: the caller's Authorization goes verbatim to cluster services, even "token=".
    if (auth) call.headers.emplace_back("Authorization", *auth);
    HttpReply reply;
    try {
        reply = client.send(call);
    } catch (const core::Error& e) {
        if (e.type() == "PayloadTooLarge") {
            throw core::generic_http_error({method, url}, 502, 502);
        }
        // Beyond Cosmos, which names only the service: where we called and why it failed.
        throw core::service_unavailable(service_name, url, call_failure_cause(e, settings.timeout));
    }
    if (reply.status == 401) {
        auto realm = reply.header("WWW-Authenticate");
        throw core::unauthorized(service_name,
                                 realm ? std::optional<std::string>(*realm) : std::nullopt);
    }
    if (reply.status == 403) throw core::forbidden(service_name, std::nullopt);
    return reply;
}

core::Json parse_json_reply(const HttpReply& reply) {
    auto type = reply.header("Content-Type");
    auto parsed = type ? core::parse_media_type(*type) : std::nullopt;
    if (!parsed || parsed->type != "application" || parsed->subtype != "json" || parsed->suffix) {
        throw core::unsupported_content_type(
            {"application/json"}, type ? std::optional<std::string>(*type) : std::nullopt);
    }
    try {
        return core::parse_json(reply.body);
    } catch (const core::Error& e) {
        throw core::json_parse_failure(e.data().value("parsingErrorMessage", e.what()));
    }
}

MarathonApp to_app(const core::Json& raw) {
    MarathonApp app;
    app.raw = raw;
    if (raw.contains("id") && raw["id"].is_string()) {
        app.id = core::normalize_app_id(raw["id"].get<std::string>());
    }
    if (raw.contains("labels") && raw["labels"].is_object()) app.labels = raw["labels"];
    return app;
}

std::string without_slash(const std::string& base) {
    std::string out = base;
    while (!out.empty() && out.back() == '/')
        out.pop_back();
    return out;
}

}  // namespace

std::optional<std::string> MarathonApp::label(std::string_view name) const {
    auto it = labels.find(name);
    if (it == labels.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

core::Error marathon_error(int status, std::string_view body) {
    if (status >= 500) return core::marathon_bad_gateway(status);
    core::Json parsed;
    try {
        parsed = core::parse_json(body);
    } catch (const core::Error&) {
        return core::marathon_generic_error(status);
    }
    if (!parsed.is_object() || !parsed.contains("message") || !parsed["message"].is_string()) {
        return core::marathon_generic_error(status);
    }
    core::Json details = parsed.contains("details") ? parsed["details"] : core::Json(nullptr);
    return core::marathon_bad_response(parsed["message"].get<std::string>(), details);
}

MarathonClient::MarathonClient(HttpClient& client, ClusterSettings settings)
    : client_(client), settings_(std::move(settings)) {}

HttpReply MarathonClient::call(const std::string& method, const std::string& path,
                               const core::Json* body, const Credentials& auth) {
    std::optional<std::string> text;
    // Cosmos: bodies sent upstream are compact JSON without null dropping.
    if (body) text = core::to_compact(*body);
    return exchange(client_, settings_, "marathon", method,
                    without_slash(settings_.marathon_uri) + path, text,
                    "application/json;charset=utf-8", auth);
}

std::string MarathonClient::create_app(const core::Json& app, const Credentials& auth) {
    auto reply = call("POST", "/v2/apps", &app, auth);
    const int status = reply.status;
    if (status == 409) throw core::package_already_installed();
    if (status >= 400) throw marathon_error(status, reply.body);
    core::Json created = parse_json_reply(reply);
    if (!created.is_object() || !created.contains("id") || !created["id"].is_string()) {
        throw core::marathon_generic_error(status);
    }
    return core::normalize_app_id(created["id"].get<std::string>());
}

std::vector<MarathonApp> MarathonClient::list_apps(const std::string& label_selector,
                                                   const Credentials& auth) {
    std::string path = "/v2/apps";
    if (!label_selector.empty()) {
        // Only the characters a label selector uses need escaping here.
        std::string escaped;
        for (char c : label_selector) {
            if (c == ' ') {
                escaped += "%20";
            } else if (c == '=') {
                escaped += "%3D";
            } else if (c == '!') {
                escaped += "%21";
            } else if (c == ',') {
                escaped += "%2C";
            } else {
                escaped.push_back(c);
            }
        }
        path += "?label=" + escaped;
    }
    auto reply = call("GET", path, nullptr, auth);
    if (reply.status != 200) throw core::generic_http_error({"GET", path}, reply.status);
    core::Json body = parse_json_reply(reply);
    std::vector<MarathonApp> apps;
    if (body.contains("apps") && body["apps"].is_array()) {
        for (const auto& a : body["apps"])
            apps.push_back(to_app(a));
    }
    return apps;
}

std::optional<MarathonApp> MarathonClient::get_app(const std::string& app_id,
                                                   const Credentials& auth) {
    std::string path = "/v2/apps" + core::normalize_app_id(app_id);
    auto reply = call("GET", path, nullptr, auth);
    if (reply.status == 404) return std::nullopt;
    if (reply.status != 200) throw core::generic_http_error({"GET", path}, reply.status);
    core::Json body = parse_json_reply(reply);
    if (!body.contains("app") || !body["app"].is_object()) {
        throw core::generic_http_error({"GET", path}, reply.status);
    }
    return to_app(body["app"]);
}

std::pair<int, std::string> MarathonClient::put_app(const std::string& app_id,
                                                    const std::string& query, const core::Json& app,
                                                    const Credentials& auth) {
    std::string path = "/v2/apps" + core::normalize_app_id(app_id);
    if (!query.empty()) path += "?" + query;
    auto reply = call("PUT", path, &app, auth);
    return {reply.status, reply.body};
}

int MarathonClient::delete_app(const std::string& app_id, bool force, const Credentials& auth) {
    std::string path = "/v2/apps" + core::normalize_app_id(app_id);
    if (force) path += "?force=true";
    return call("DELETE", path, nullptr, auth).status;
}

std::vector<std::string> MarathonClient::deployment_ids(const Credentials& auth) {
    auto reply = call("GET", "/v2/deployments", nullptr, auth);
    if (reply.status != 200) {
        throw core::generic_http_error({"GET", "/v2/deployments"}, reply.status);
    }
    std::vector<std::string> ids;
    core::Json body = parse_json_reply(reply);
    if (body.is_array()) {
        for (const auto& d : body) {
            if (d.contains("id") && d["id"].is_string()) ids.push_back(d["id"].get<std::string>());
        }
    }
    return ids;
}

MesosClient::MesosClient(HttpClient& client, ClusterSettings settings)
    : client_(client), settings_(std::move(settings)) {}

std::vector<Framework> MesosClient::frameworks(const Credentials& auth) {
    const std::string path = "/master/frameworks";
    auto reply = exchange(client_, settings_, "mesos", "GET",
                          without_slash(settings_.mesos_uri) + path, std::nullopt, "", auth);
    if (reply.status != 200) throw core::generic_http_error({"GET", path}, reply.status);
    core::Json body = parse_json_reply(reply);
    std::vector<Framework> out;
    if (body.contains("frameworks") && body["frameworks"].is_array()) {
        for (const auto& f : body["frameworks"]) {
            if (f.contains("id") && f["id"].is_string() && f.contains("name") &&
                f["name"].is_string()) {
                out.push_back({f["id"].get<std::string>(), f["name"].get<std::string>()});
            }
        }
    }
    return out;
}

void MesosClient::teardown(const std::string& framework_id, const Credentials& auth) {
    const std::string path = "/master/teardown";
    std::string form = "frameworkId=";
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (unsigned char c : framework_id) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            form.push_back(static_cast<char>(c));
        } else {
            form.push_back('%');
            form.push_back(kHex[c >> 4]);
            form.push_back(kHex[c & 0xF]);
        }
    }
    auto reply =
        exchange(client_, settings_, "mesos", "POST", without_slash(settings_.mesos_uri) + path,
                 form, "application/x-www-form-urlencoded; charset=utf-8", auth);
    if (reply.status != 200) throw core::generic_http_error({"POST", path}, reply.status);
}

AdminRouterClient::AdminRouterClient(HttpClient& client, ClusterSettings settings)
    : client_(client), settings_(std::move(settings)) {}

std::optional<std::vector<std::string>> AdminRouterClient::sdk_framework_ids(
    const std::string& app_id, const std::string& api_version, const Credentials& auth) {
    try {
        std::string url = without_slash(settings_.admin_router_uri) + "/service" +
                          core::normalize_app_id(app_id) + "/" + api_version + "/state/frameworkId";
        auto reply =
            exchange(client_, settings_, "adminRouter", "GET", url, std::nullopt, "", auth);
        if (reply.status != 200) return std::nullopt;
        core::Json body = core::parse_json(reply.body);
        if (!body.is_array()) return std::nullopt;
        std::vector<std::string> ids;
        for (const auto& id : body) {
            if (id.is_string()) ids.push_back(id.get<std::string>());
        }
        return ids;
    } catch (const std::exception&) {
        return std::nullopt;  // Cosmos: any failure reads as "unknown"
    }
}

bool AdminRouterClient::sdk_deploy_plan_complete(const std::string& app_id,
                                                 const std::string& api_version,
                                                 const Credentials& auth) {
    std::string url = without_slash(settings_.admin_router_uri) + "/service" +
                      core::normalize_app_id(app_id) + "/" + api_version + "/plans/deploy";
    auto reply = exchange(client_, settings_, "adminRouter", "GET", url, std::nullopt, "", auth);
    return reply.status == 200;
}

}  // namespace cosmos::app
