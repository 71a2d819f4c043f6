#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace universe_test {

/// RFC 7515 base64url without padding.
std::string base64url(std::string_view bytes);

/// An RSA key pair made at test time (no private key is ever stored in the tree), and RS256
/// JWTs signed with it.
class TestRsaKey {
public:
    explicit TestRsaKey(int bits = 2048);
    ~TestRsaKey();
    TestRsaKey(const TestRsaKey&) = delete;
    TestRsaKey& operator=(const TestRsaKey&) = delete;

    /// The public key as PEM ("BEGIN PUBLIC KEY").
    std::string public_pem() const;

    /// header.claims.signature with an RS256 signature by this key over the first two parts.
    std::string sign(const nlohmann::json& claims,
                     const nlohmann::json& header = {{"alg", "RS256"}, {"typ", "JWT"}}) const;

private:
    struct Key;
    std::unique_ptr<Key> key_;
};

/// An unsigned JWT: header {"alg":"none","typ":"JWT"}, the claims, an empty signature.
std::string unsigned_jwt(const nlohmann::json& claims);

/// A JWT with an HS256 (HMAC-SHA-256) signature keyed with `secret`, e.g. a public key's PEM:
/// the key-confusion forgery a verifier must refuse.
std::string hs256_jwt(const nlohmann::json& claims, std::string_view secret);

/// The PEM of a fresh EC P-256 public key (a key that is not RSA).
std::string ec_public_pem();

}  // namespace universe_test
