#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cosmos/app/access.h"
#include "cosmos/http/router.h"
#include "cosmos/server_config.h"

namespace cosmos {

/// True for an address only this machine can reach: localhost, 127.0.0.0/8, ::1 (brackets
/// allowed). Any other name or address counts as reachable from elsewhere.
bool is_loopback_host(std::string_view host);

/// The HOST of a --listen value HOST:PORT.
std::string listen_host(const std::string& listen);

/// Authentication as configured: --auth-file, --jwt-public-key and the rule that a non-loopback
/// address needs one of --auth-file or --allow-unauthenticated.
class ServerAuth {
public:
    /// Reads the files. Throws std::runtime_error with a message for the user (naming the file
    /// and line) for an unreadable or malformed file, a key without an auth file, or a
    /// non-loopback --listen without --auth-file and without --allow-unauthenticated.
    ServerAuth(const ServerConfig& config, app::Clock& clock);
    ~ServerAuth();
    ServerAuth(const ServerAuth&) = delete;
    ServerAuth& operator=(const ServerAuth&) = delete;

    /// The router guard, when authentication is on. Valid while this object lives.
    std::optional<http::Router::Guard> guard() const;

    /// The web UI's check (UiAssets::set_authorize), when authentication is on: the read role,
    /// from the Authorization header or the UI's cookie. Valid while this object lives.
    std::optional<std::function<void(const http::HttpRequest&)>> ui_check() const;

    /// Lines to log at start-up: what is on, or a warning.
    const std::vector<std::string>& notices() const { return notices_; }
    /// True when a notice is a warning (serving without authentication off loopback, no
    /// credentials in the auth file).
    bool warn() const { return warn_; }

private:
    std::unique_ptr<app::TokenVerifier> jwt_;
    std::unique_ptr<app::Authenticator> authenticator_;
    std::vector<std::string> notices_;
    bool warn_ = false;
};

}  // namespace cosmos
