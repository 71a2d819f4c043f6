#include "cosmos/http/router.h"

#include "cosmos/core/error.h"
#include "cosmos/http/rpc.h"

namespace cosmos::http {

void Router::add(std::string method, std::string path, std::string name, Route route) {
    routes_[{std::move(method), std::move(path)}] = {std::move(name), std::move(route)};
}

std::vector<std::string> Router::route_names() const {
    std::vector<std::string> out;
    for (const auto& [key, entry] : routes_)
        out.push_back(entry.name);
    return out;
}

HttpResponse Router::handle(const HttpRequest& request) const noexcept {
    auto start = std::chrono::steady_clock::now();
    RequestRecord record;
    record.method = request.method;
    record.path = request.path;
    HttpResponse response;
    try {
        auto it = routes_.find({request.method, request.path});
        if (it == routes_.end()) {
            record.endpoint = "unknown";
            response.status = 404;
        } else {
            record.endpoint = it->second.name;
            try {
                if (guard_) guard_(request, it->second.name);
                response = it->second.route(request);
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
