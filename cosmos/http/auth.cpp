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
    // The web UI: its pages and assets need read, which UiAssets checks itself (header or
    // cookie), so that a browser without a token gets a sign-in page rather than JSON.
    {"ui", std::nullopt},
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

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
            hex_value(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

// The value of the cookie `name` in a Cookie header ("a=1; b=2"), or nullopt.
std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        std::size_t end = header.find(';');
        std::string_view pair = core::java_trim(header.substr(0, end));
        header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
        std::size_t eq = pair.find('=');
        if (eq != std::string_view::npos && core::java_trim(pair.substr(0, eq)) == name) {
            return core::java_trim(pair.substr(eq + 1));
        }
    }
    return std::nullopt;
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

std::optional<std::string> browser_token(const HttpRequest& request) {
    if (auto token = request_token(request)) return std::string(*token);
    for (const auto& [name, value] : request.headers) {
        if (!equals_ignore_case(name, "Cookie")) continue;
        if (auto found = cookie_value(value, kUiTokenCookie)) return percent_decode(*found);
    }
    return std::nullopt;
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
        if (route_name == "package/resource") {
            // The UI's <img>-like fetches carry its cookie rather than a header.
            auto token = browser_token(request);
            authenticator.authorize(token ? std::optional<std::string_view>(*token) : std::nullopt,
                                    *needed);
            return;
        }
        authenticator.authorize(request_token(request), *needed);
    };
}

}  // namespace cosmos::http
