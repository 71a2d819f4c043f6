#include "cosmos/app/access.h"

#include <array>
#include <cmath>
#include <ctime>
#include <utility>

#include "cosmos/core/error.h"
#include "cosmos/core/media_type.h"

namespace cosmos::app {

namespace {

constexpr std::array<std::string_view, 4> kRoleNames = {"read", "install", "publish", "admin"};
constexpr std::string_view kDigestPrefix = "sha256:";
constexpr std::string_view kUidPrefix = "uid:";

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

std::string lower_hex(std::string_view digest) {
    std::string out;
    for (char c : digest) {
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return {};
        out.push_back(c);
    }
    return out;
}

std::string roles_list() {
    return "read, install, publish or admin";
}

// "2024-05-01T12:00:00Z" for a JWT time claim (seconds since the epoch).
std::string utc_time(double seconds) {
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

// A JWT time claim (NumericDate): a JSON number of seconds since the epoch.
std::optional<double> time_claim(const core::Json& claims, const char* name) {
    auto it = claims.find(name);
    if (it == claims.end()) return std::nullopt;
    if (!it->is_number() || !std::isfinite(it->get<double>())) {
        throw core::authentication_failed(std::string("the token's '") + name +
                                          "' claim is not a number of seconds");
    }
    return it->get<double>();
}

bool looks_like_jwt(std::string_view token) {
    auto first = token.find('.');
    if (first == std::string_view::npos) return false;
    auto second = token.find('.', first + 1);
    return second != std::string_view::npos &&
           token.find('.', second + 1) == std::string_view::npos;
}

}  // namespace

std::string_view role_name(Role role) {
    return kRoleNames[static_cast<std::size_t>(role)];
}

std::optional<Role> parse_role(std::string_view name) {
    for (std::size_t i = 0; i < kRoleNames.size(); ++i) {
        if (kRoleNames[i] == name) return static_cast<Role>(i);
    }
    return std::nullopt;
}

AuthTable parse_auth_file(std::string_view text, std::string_view file_name) {
    AuthTable table;
    std::map<std::string, std::size_t> seen;  // credential -> line, to name both lines
    std::size_t line_number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++line_number;
        if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
        line = core::java_trim(line);
        if (line.empty()) continue;

        auto fail = [&](const std::string& reason) {
            return core::invalid_auth_file(file_name, line_number, reason);
        };
        std::size_t gap = 0;
        while (gap < line.size() && !is_space(line[gap]))
            ++gap;
        std::string_view role_text = line.substr(0, gap);
        std::string_view credential = core::java_trim(line.substr(gap));
        if (credential.empty() || credential.find_first_of(" \t") != std::string_view::npos) {
            throw fail(
                "expected '<role> sha256:<hex of the token's SHA-256>' or '<role> uid:<uid>'");
        }
        auto role = parse_role(role_text);
        if (!role) {
            throw fail("unknown role '" + std::string(role_text) + "' (expected " + roles_list() +
                       ")");
        }
        std::string key;
        if (credential.substr(0, kDigestPrefix.size()) == kDigestPrefix) {
            std::string digest = lower_hex(credential.substr(kDigestPrefix.size()));
            if (digest.size() != 64) {
                throw fail(
                    "the token digest after 'sha256:' must be 64 hexadecimal digits (the "
                    "SHA-256 of the token, e.g. from sha256sum)");
            }
            key = "sha256:" + digest;
            table.token_digests[digest] = *role;
        } else if (credential.substr(0, kUidPrefix.size()) == kUidPrefix) {
            std::string uid(credential.substr(kUidPrefix.size()));
            if (uid.empty()) throw fail("the uid after 'uid:' is empty");
            key = "uid:" + uid;
            table.uids[uid] = *role;
        } else {
            throw fail("the credential must start with 'sha256:' or 'uid:'");
        }
        auto [it, inserted] = seen.emplace(key, line_number);
        if (!inserted) {
            throw fail("the same credential is already on line " + std::to_string(it->second));
        }
    }
    return table;
}

Authenticator::Authenticator(AuthTable table,
                             std::function<std::string(std::string_view)> sha256_hex,
                             const TokenVerifier* jwt, Clock& clock)
    : table_(std::move(table)), sha256_hex_(std::move(sha256_hex)), jwt_(jwt), clock_(clock) {}

Principal Authenticator::authenticate(std::string_view token) const {
    if (token.empty()) throw core::authentication_required();
    // The digest of the token, never the token, is compared: the time a lookup takes says
    // nothing about how close a guess was.
    auto it = table_.token_digests.find(sha256_hex_(token));
    if (it != table_.token_digests.end()) return {it->second, "a token"};
    if (jwt_ && looks_like_jwt(token)) return from_jwt(token);
    throw core::authentication_failed("the token matches no credential of this server");
}

Principal Authenticator::from_jwt(std::string_view token) const {
    core::Json claims = jwt_->verified_claims(token);
    if (!claims.is_object())
        throw core::authentication_failed("the token's claims are not a JSON object");
    const double now = static_cast<double>(clock_.now_ms()) / 1000.0;
    auto expires = time_claim(claims, "exp");
    if (!expires) throw core::authentication_failed("the token has no 'exp' (expiry) claim");
    if (now >= *expires) {
        throw core::authentication_failed("the token expired at " + utc_time(*expires));
    }
    if (auto not_before = time_claim(claims, "nbf"); not_before && now < *not_before) {
        throw core::authentication_failed("the token is not valid before " + utc_time(*not_before));
    }
    auto uid = claims.find("uid");
    if (uid == claims.end() || !uid->is_string() || uid->get_ref<const std::string&>().empty()) {
        throw core::authentication_failed("the token has no 'uid' claim");
    }
    const std::string& name = uid->get_ref<const std::string&>();
    Principal principal;
    principal.subject = "user '" + name + "'";
    if (auto role = table_.uids.find(name); role != table_.uids.end()) {
        principal.role = role->second;
    }
    return principal;
}

Principal Authenticator::authorize(const std::optional<std::string_view>& token,
                                   Role needed) const {
    if (!token) throw core::authentication_required();
    Principal principal = authenticate(*token);
    if (!principal.role || !grants(*principal.role, needed)) {
        std::optional<std::string> held;
        if (principal.role) held = std::string(role_name(*principal.role));
        throw core::role_required(role_name(needed), held, principal.subject);
    }
    return principal;
}

}  // namespace cosmos::app
