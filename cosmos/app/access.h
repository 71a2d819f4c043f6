#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "cosmos/app/ports.h"
#include "cosmos/core/json.h"

namespace cosmos::app {

/// What a caller may do. Each role includes the ones before it.
enum class Role { kRead = 0, kInstall = 1, kPublish = 2, kAdmin = 3 };

/// "read", "install", "publish" or "admin".
std::string_view role_name(Role role);

/// The role spelled exactly as role_name() spells it; nullopt for anything else.
std::optional<Role> parse_role(std::string_view name);

/// True when a caller holding `held` may do what needs `needed`.
inline bool grants(Role held, Role needed) {
    return static_cast<int>(held) >= static_cast<int>(needed);
}

/// The credentials of an auth file.
struct AuthTable {
    std::map<std::string, Role> token_digests;  ///< lower-case hex SHA-256 of a token -> role
    std::map<std::string, Role> uids;           ///< `uid` claim of a verified JWT -> role
};

/// Parses an auth file: one credential per line, `<role> sha256:<64 hex digits>` (the SHA-256 of
/// the token) or `<role> uid:<uid>`; `#` starts a comment; blank lines are ignored. Throws
/// core::Error whose message starts with "<file_name>:<line>: " for an unknown role, a line of
/// another shape, a digest that is not 64 hex digits, or a credential listed twice.
AuthTable parse_auth_file(std::string_view text, std::string_view file_name);

/// Port: checks the signature of a signed token (a JWT) and hands back its claims.
class TokenVerifier {
public:
    virtual ~TokenVerifier() = default;
    /// The token's claims (a JSON object) once its algorithm is the one configured and its
    /// signature verifies. Time claims are not checked here. Throws core::Error (code
    /// kUnauthorized) saying in words what is wrong; the token itself is never part of it.
    virtual core::Json verified_claims(std::string_view token) const = 0;
};

/// Who sent a request, as far as roles go.
struct Principal {
    std::optional<Role> role;  ///< nullopt: a verified user the auth file gives no role
    std::string subject;       ///< "a token" or "user '<uid>'"; never the token itself
};

/// Turns the token of a request into a role: a token whose SHA-256 is in the auth file gets that
/// line's role; with a TokenVerifier, a JWT whose signature verifies, that has not expired (`exp`,
/// required) and is already valid (`nbf`, when present) gets the role of its `uid`.
class Authenticator {
public:
    /// `sha256_hex` gives the lower-case hex SHA-256 of bytes; `jwt` may be null (no JWTs).
    Authenticator(AuthTable table, std::function<std::string(std::string_view)> sha256_hex,
                  const TokenVerifier* jwt, Clock& clock);

    /// The principal of a token. Throws core::Error (code kUnauthorized) when the token is
    /// empty, matches no credential, or is a JWT that does not verify or is out of its time.
    Principal authenticate(std::string_view token) const;

    /// authenticate(), then throws core::Error (code kForbidden) naming `needed` when the
    /// principal's role does not include it. A missing token is kUnauthorized.
    Principal authorize(const std::optional<std::string_view>& token, Role needed) const;

private:
    Principal from_jwt(std::string_view token) const;

    AuthTable table_;
    std::function<std::string(std::string_view)> sha256_hex_;
    const TokenVerifier* jwt_;
    Clock& clock_;
};

}  // namespace cosmos::app
