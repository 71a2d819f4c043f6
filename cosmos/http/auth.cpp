#include "cosmos/http/auth.h"

#include <array>
#include <utility>

#include "cosmos/core/error.h"
#include "cosmos/core/media_type.h"

namespace cosmos::http {

namespace {

using app::Role;

struct RouteRole {
    std::string_view route;
    std::optional<Role> role;  // nullopt: open
};

// Every route by the name handlers.cpp and publish_handlers.cpp register it under. A route
// added elsewhere gets one line here.
constexpr std::array<RouteRole, 22> kRouteRoles = {{
    {"health", std::nullopt},
    {"metrics", Role::kRead},
    {"capabilities", Role::kRead},
    {"package/search", Role::kRead},
    {"package/describe", Role::kRead},
    {"package/list-versions", Role::kRead},
    {"package/render", Role::kRead},
    {"package/resource", Role::kRead},
    {"package/list", Role::kRead},
    {"package/history", Role::kRead},
    {"package/repository/list", Role::kRead},
    {"package/local/list", Role::kRead},
    {"service/describe", Role::kRead},
    {"ui", Role::kRead},  // the web UI's shell and assets
    {"package/install", Role::kInstall},
    {"package/uninstall", Role::kInstall},
    {"service/update", Role::kInstall},
    {"package/rollback", Role::kInstall},
    {"package/add", Role::kPublish},
    {"package/delete", Role::kPublish},
    {"package/repository/add", Role::kAdmin},
    {"package/repository/delete", Role::kAdmin},
}};

const RouteRole* find_route(std::string_view name) {
    for (const auto& entry : kRouteRoles) {
        if (entry.route == name) return &entry;
    }
    return nullptr;
}

bool starts_with_ignore_case(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && equals_ignore_case(s.substr(0, prefix.size()), prefix);
}

}  // namespace

std::optional<std::string_view> request_token(const HttpRequest& request) {
    auto header = request.header("Authorization");
    if (!header) return std::nullopt;
    std::string_view value = core::java_trim(*header);
    if (starts_with_ignore_case(value, "token=")) return core::java_trim(value.substr(6));
    if (starts_with_ignore_case(value, "bearer") &&
        (value.size() == 6 || value[6] == ' ' || value[6] == '\t')) {
        return core::java_trim(value.substr(6));
    }
    throw core::authentication_failed(
        "the Authorization header must be 'token=<token>' or 'Bearer <token>'");
}

std::optional<app::Role> route_role(std::string_view route_name) {
    if (const RouteRole* entry = find_route(route_name)) return entry->role;
    return Role::kAdmin;
}

bool route_classified(std::string_view route_name) {
    return find_route(route_name) != nullptr;
}

Router::Guard access_guard(const app::Authenticator& authenticator) {
    return [&authenticator](const HttpRequest& request, const std::string& route_name) {
        auto needed = route_role(route_name);
        if (!needed) return;
        authenticator.authorize(request_token(request), *needed);
    };
}

}  // namespace cosmos::http
