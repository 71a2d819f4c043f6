#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "cosmos/app/access.h"

namespace cosmos::adapters {

/// Verifies RS256 JWTs (RSASSA-PKCS1-v1_5 with SHA-256, what DC/OS issues) against one RSA public
/// key, with OpenSSL. The header's `alg` must be exactly "RS256" before anything else is looked
/// at, so `alg: none` and an HMAC "signed" with the public key are refused; a header with `crit`
/// is refused too (no extension is understood).
class RsaJwtVerifier : public app::TokenVerifier {
public:
    /// `pem` holds a PEM public key ("BEGIN PUBLIC KEY") or an X.509 certificate; `source` names
    /// it in errors. Throws core::Error when it holds no RSA public key.
    RsaJwtVerifier(std::string_view pem, std::string source);
    ~RsaJwtVerifier() override;

    core::Json verified_claims(std::string_view token) const override;

private:
    struct Key;
    std::unique_ptr<Key> key_;
};

}  // namespace cosmos::adapters
