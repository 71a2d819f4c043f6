// RS256 JWT verification with OpenSSL against keys generated for the test run.
#include "cosmos/adapters/jwt_verifier.h"

#include <catch2/catch.hpp>

#include "cosmos/core/error.h"
#include "tests/support/test_jwt.h"

using cosmos::adapters::RsaJwtVerifier;
using cosmos::core::Json;
using universe_test::base64url;
using universe_test::TestRsaKey;

namespace {

// One key pair for the whole file: generating RSA keys takes a moment.
const TestRsaKey& key() {
    static const TestRsaKey k;
    return k;
}

const nlohmann::json kClaims = {{"uid", "alice"}, {"exp", 4102444800}};

std::string refusal(const RsaJwtVerifier& verifier, const std::string& token) {
    try {
        verifier.verified_claims(token);
    } catch (const cosmos::core::Error& e) {
        CHECK(e.code() == cosmos::core::ErrorCode::kUnauthorized);
        return e.what();
    }
    return "";
}

std::string key_error(const std::string& pem) {
    try {
        RsaJwtVerifier verifier(pem, "key.pem");
    } catch (const cosmos::core::Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("jwt: a token signed with the key gives its claims", "[adapters][jwt]") {
    RsaJwtVerifier verifier(key().public_pem(), "key.pem");
    CHECK(nlohmann::json(verifier.verified_claims(key().sign(kClaims))) == kClaims);
    // typ is not required; only alg matters.
    CHECK(nlohmann::json(verifier.verified_claims(key().sign(kClaims, {{"alg", "RS256"}}))) ==
          kClaims);
}

TEST_CASE("jwt: forged, foreign and malformed tokens are refused", "[adapters][jwt]") {
    RsaJwtVerifier verifier(key().public_pem(), "key.pem");
    TestRsaKey other;
    CHECK_THAT(refusal(verifier, other.sign(kClaims)),
               Catch::Contains("signature does not verify with the configured public key"));
    CHECK_THAT(refusal(verifier, universe_test::unsigned_jwt(kClaims)),
               Catch::Contains("signed with 'none'; only RS256"));
    // The classic confusion: an HMAC keyed with the public key's own PEM.
    CHECK_THAT(refusal(verifier, universe_test::hs256_jwt(kClaims, key().public_pem())),
               Catch::Contains("signed with 'HS256'; only RS256"));
    CHECK_THAT(refusal(verifier, key().sign(kClaims, {{"alg", "RS512"}})),
               Catch::Contains("signed with 'RS512'"));
    CHECK_THAT(refusal(verifier, key().sign(kClaims, {{"typ", "JWT"}})),
               Catch::Contains("names no algorithm"));
    CHECK_THAT(refusal(verifier, key().sign(kClaims, {{"alg", "RS256"}, {"crit", {"exp"}}})),
               Catch::Contains("critical extensions"));

    // Claims changed after signing.
    std::string token = key().sign(kClaims);
    auto first = token.find('.');
    auto second = token.find('.', first + 1);
    std::string tampered = token.substr(0, first + 1) +
                           base64url(Json{{"uid", "root"}, {"exp", 4102444800}}.dump()) +
                           token.substr(second);
    CHECK_THAT(refusal(verifier, tampered), Catch::Contains("does not verify"));
    // A signature that is not base64url, an empty one, a header that is not JSON.
    CHECK_THAT(refusal(verifier, token.substr(0, second) + ".***"),
               Catch::Contains("signature is not base64url"));
    CHECK_THAT(refusal(verifier, token.substr(0, second) + "."),
               Catch::Contains("signature is not base64url"));
    CHECK_THAT(refusal(verifier, base64url("not json") + token.substr(first)),
               Catch::Contains("header is not base64url-encoded JSON"));
    CHECK_THAT(refusal(verifier, "a.b"), Catch::Contains("not a JWT"));
    CHECK_THAT(refusal(verifier, token + ".x"), Catch::Contains("not a JWT"));
}

TEST_CASE("jwt: claims that are not a JSON object are refused after the signature",
          "[adapters][jwt]") {
    RsaJwtVerifier verifier(key().public_pem(), "key.pem");
    CHECK_THAT(refusal(verifier, key().sign(Json::array({1, 2}))),
               Catch::Contains("claims is not base64url-encoded JSON"));
}

TEST_CASE("jwt: the key file must hold an RSA public key of 2048 bits or more", "[adapters][jwt]") {
    CHECK_THAT(key_error("not a key"), Catch::StartsWith("key.pem: holds no PEM public key"));
    CHECK_THAT(key_error(universe_test::ec_public_pem()),
               Catch::StartsWith("key.pem: holds a public key that is not RSA"));
    TestRsaKey small(1024);
    CHECK(key_error(small.public_pem()) ==
          "key.pem: holds an RSA key of 1024 bits; at least 2048 are needed");
    CHECK(key_error(key().public_pem()).empty());
}
