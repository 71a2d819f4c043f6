#include "cosmos/http/router.h"

#include "cosmos/core/error.h"
#include "cosmos/http/rpc.h"

namespace cosmos::http {

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
                response = entry->route(request);
            } catch (const core::Error& e) {
                record.error_type = e.type();
                response = error_response(e);
            } catch (const std::exception& e) {
                record.error_type = "unhandled_exception";
                response = error_response(core::unhandled_exception(e.what()));
            }
        }
    } catch (...) {
        record.error_type = "unhandled_exception";
        response = HttpResponse{};
        response.status = 500;
    }
    if (record.error_type.empty() && response.status >= 400) {
        // Error responses built by handlers themselves (request validation) carry their type.
        auto type_at = response.body.find("\"type\":\"");
        if (type_at != std::string::npos) {
            auto end = response.body.find('"', type_at + 8);
            record.error_type = response.body.substr(type_at + 8, end - type_at - 8);
        }
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

}  // namespace cosmos::http
