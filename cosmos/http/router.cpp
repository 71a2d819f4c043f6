#include "cosmos/http/router.h"

#include "cosmos/core/error.h"
#include "cosmos/http/rpc.h"

namespace cosmos::http {

namespace {

std::string member(const core::Json& data, const char* key) {
    if (!data.is_object() || !data.contains(key) || !data[key].is_string()) return "";
    return data[key].get<std::string>();
}

std::string detail(const core::Error& e) {
    std::string out = e.what();
    std::string where = member(e.data(), "uri");
    std::string cause = member(e.data(), "cause");
    if (!cause.empty()) out += " (" + (where.empty() ? cause : where + ": " + cause) + ")";
    return out;
}

// The type of a Cosmos error body, "" for other bodies.
std::string body_error_type(const HttpResponse& response) {
    auto type_at = response.body.find("\"type\":\"");
    if (type_at == std::string::npos) return "";
    auto end = response.body.find('"', type_at + 8);
    return response.body.substr(type_at + 8, end - type_at - 8);
}

}  // namespace

void Router::add(std::string method, std::string path, std::string name, Route route) {
    routes_[{std::move(method), std::move(path)}] = {std::move(name), std::move(route)};
}

void Router::add_prefix(std::string method, std::string prefix, std::string name, Route route) {
    prefixes_[{std::move(method), std::move(prefix)}] = {std::move(name), std::move(route)};
}

std::vector<std::string> Router::route_names() const {
    std::vector<std::string> out;
    for (const auto& [key, entry] : routes_)
        out.push_back(entry.name);
    for (const auto& [key, entry] : prefixes_)
        out.push_back(entry.name);
    return out;
}

const Router::Entry* Router::find(const std::string& method, const std::string& path) const {
    if (auto it = routes_.find({method, path}); it != routes_.end()) return &it->second;
    const Entry* found = nullptr;
    std::size_t longest = 0;
    for (const auto& [key, entry] : prefixes_) {
        const auto& [m, prefix] = key;
        if (m == method && prefix.size() >= longest && path.rfind(prefix, 0) == 0) {
            found = &entry;
            longest = prefix.size();
        }
    }
    return found;
}

HttpResponse Router::handle(const HttpRequest& request) const noexcept {
    auto start = std::chrono::steady_clock::now();
    RequestRecord record;
    record.method = request.method;
    record.path = request.path;
    HttpResponse response;
    try {
        const Entry* entry = find(request.method, request.path);
        if (!entry) {
            record.endpoint = "unknown";
            response.status = 404;
        } else {
            record.endpoint = entry->name;
            try {
                if (guard_) guard_(request, entry->name);
                response = entry->route(request);
            } catch (const core::Error& e) {
                record.error_type = e.type();
                response = error_response(e);
                if (response.status >= 500) record.error_detail = detail(e);
            } catch (const std::exception& e) {
                // A library's own text is for the log, not for the caller.
                record.error_type = "unhandled_exception";
                response = error_response(core::unhandled_exception(
                    "The server failed to handle the request; its log says why"));
                record.error_detail = e.what();
            }
        }
    } catch (...) {
        record.error_type = "unhandled_exception";
        response = HttpResponse{};
        response.status = 500;
    }
    if (record.error_type.empty() && response.status >= 400) {
        // Error responses built by handlers themselves (request validation) carry their type.
        record.error_type = body_error_type(response);
    }
    record.status = response.status;
    record.milliseconds =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (observer_) {
        try {
            observer_(record);
        } catch (...) {
        }
    }
    return response;
}

void Router::refused(const HttpRequest& request, const HttpResponse& response) const noexcept {
    if (!observer_) return;
    try {
        RequestRecord record;
        // A request refused before its line was read has neither.
        record.method = request.method.empty() ? "-" : request.method;
        record.path = request.path.empty() ? "-" : request.path;
        auto it = routes_.find({request.method, request.path});
        record.endpoint = it == routes_.end() ? "unknown" : it->second.name;
        record.status = response.status;
        record.error_type = body_error_type(response);
        observer_(record);
    } catch (...) {
    }
}

}  // namespace cosmos::http
