#include "cosmos/server_auth.h"

#include <arpa/inet.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "cosmos/adapters/digest.h"
#include "cosmos/adapters/jwt_verifier.h"
#include "cosmos/core/error.h"
#include "cosmos/http/auth.h"

namespace cosmos {

namespace {

std::string read_text(const std::string& path, std::string_view what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read the " + std::string(what) + " '" + path + "'");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

bool is_loopback_host(std::string_view host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host == "localhost") return true;
    std::string text(host);
    unsigned char v4[4];
    if (::inet_pton(AF_INET, text.c_str(), v4) == 1) return v4[0] == 127;
    unsigned char v6[16];
    if (::inet_pton(AF_INET6, text.c_str(), v6) == 1) {
        static const unsigned char kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        static const unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::equal(v6, v6 + 16, kLoopback)) return true;
        return std::equal(v6, v6 + 12, kMappedPrefix) && v6[12] == 127;
    }
    return false;
}

std::string listen_host(const std::string& listen) {
    auto colon = listen.rfind(':');
    return colon == std::string::npos ? listen : listen.substr(0, colon);
}

ServerAuth::ServerAuth(const ServerConfig& config, app::Clock& clock) {
    if (!config.auth_file) {
        if (config.jwt_public_key) {
            throw std::runtime_error(
                "--jwt-public-key needs --auth-file: the roles of JWT users come from its "
                "'<role> uid:<uid>' lines");
        }
        if (is_loopback_host(listen_host(config.listen))) return;
        if (!config.allow_unauthenticated) {
            throw std::runtime_error(
                "refusing to serve " + config.listen +
                " without authentication: anyone who can reach it could add repositories, "
                "publish, install and uninstall packages. Give --auth-file FILE, or "
                "--allow-unauthenticated to serve it open anyway");
        }
        warn_ = true;
        notices_.push_back("serving " + config.listen +
                           " WITHOUT authentication (--allow-unauthenticated): anyone who can "
                           "reach it may add repositories, publish, install and uninstall");
        return;
    }
    app::AuthTable table;
    try {
        table = app::parse_auth_file(read_text(*config.auth_file, "auth file"), *config.auth_file);
        if (config.jwt_public_key) {
            jwt_ = std::make_unique<adapters::RsaJwtVerifier>(
                read_text(*config.jwt_public_key, "JWT public key"), *config.jwt_public_key);
        }
    } catch (const core::Error& e) {
        throw std::runtime_error(e.what());
    }
    auto count = [](std::size_t n, const char* what) {
        return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
    };
    std::string summary = "authentication on (" + *config.auth_file +
                          "): " + count(table.token_digests.size(), "token") + ", " +
                          count(table.uids.size(), "JWT user");
    if (jwt_) summary += ", JWTs checked with " + *config.jwt_public_key;
    if (table.token_digests.empty() && table.uids.empty()) {
        warn_ = true;
        summary += "; the file grants no role, so every request but /health is refused";
    } else if (!jwt_ && !table.uids.empty()) {
        warn_ = true;
        summary += "; without --jwt-public-key no JWT is accepted, so its uid lines grant nothing";
    }
    notices_.push_back(std::move(summary));
    authenticator_ = std::make_unique<app::Authenticator>(
        std::move(table), [](std::string_view bytes) { return adapters::sha256_hex(bytes); },
        jwt_.get(), clock);
}

ServerAuth::~ServerAuth() = default;

std::optional<http::Router::Guard> ServerAuth::guard() const {
    if (!authenticator_) return std::nullopt;
    return http::access_guard(*authenticator_);
}

std::optional<std::function<void(const http::HttpRequest&)>> ServerAuth::ui_check() const {
    if (!authenticator_) return std::nullopt;
    const app::Authenticator& authenticator = *authenticator_;
    return [&authenticator](const http::HttpRequest& request) {
        auto token = http::browser_token(request);
        authenticator.authorize(token ? std::optional<std::string_view>(*token) : std::nullopt,
                                app::Role::kRead);
    };
}

}  // namespace cosmos
