#include "cosmos/adapters/jwt_verifier.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <optional>

#include "cosmos/core/error.h"

namespace cosmos::adapters {

namespace {

constexpr int kMinimumKeyBits = 2048;

struct PkeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BioFree {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
    void operator()(X509* cert) const { X509_free(cert); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::unique_ptr<BIO, BioFree> memory_bio(std::string_view bytes) {
    return std::unique_ptr<BIO, BioFree>(
        BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

PkeyPtr read_public_key(std::string_view pem) {
    // Failed attempts leave entries in this thread's OpenSSL error queue.
    struct ClearErrors {
        ~ClearErrors() { ERR_clear_error(); }
    } clear;
    if (auto bio = memory_bio(pem)) {
        if (EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr)) {
            return PkeyPtr(key);
        }
    }
    if (auto bio = memory_bio(pem)) {
        std::unique_ptr<X509, X509Free> cert(
            PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (cert) return PkeyPtr(X509_get_pubkey(cert.get()));
    }
    return nullptr;
}

// RFC 7515 base64url without padding; nullopt for any other character or an impossible length.
std::optional<std::string> base64url_decode(std::string_view in) {
    if (in.size() % 4 == 1) return std::nullopt;
    std::string standard;
    standard.reserve(in.size() + 3);
    for (char c : in) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            standard.push_back(c);
        } else if (c == '-') {
            standard.push_back('+');
        } else if (c == '_') {
            standard.push_back('/');
        } else {
            return std::nullopt;
        }
    }
    std::size_t padding = (4 - standard.size() % 4) % 4;
    standard.append(padding, '=');
    std::string out(standard.size() / 4 * 3, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(standard.data()),
                            static_cast<int>(standard.size()));
    if (n < 0 || static_cast<std::size_t>(n) < padding) return std::nullopt;
    out.resize(static_cast<std::size_t>(n) - padding);
    return out;
}

core::Json json_part(std::string_view encoded, const char* what) {
    auto bytes = base64url_decode(encoded);
    if (bytes) {
        try {
            core::Json value = core::parse_json(*bytes);
            if (value.is_object()) return value;
        } catch (const core::Error&) {
        }
    }
    throw core::authentication_failed(std::string("the token's ") + what +
                                      " is not base64url-encoded JSON");
}

}  // namespace

struct RsaJwtVerifier::Key {
    PkeyPtr key;
};

RsaJwtVerifier::RsaJwtVerifier(std::string_view pem, std::string source)
    : key_(std::make_unique<Key>()) {
    key_->key = read_public_key(pem);
    if (!key_->key) {
        throw core::invalid_auth_file(
            source, 0,
            "holds no PEM public key ('BEGIN PUBLIC KEY') or certificate; for a key pair, give "
            "the output of 'openssl pkey -pubout', never the private key");
    }
    if (EVP_PKEY_base_id(key_->key.get()) != EVP_PKEY_RSA) {
        throw core::invalid_auth_file(source, 0,
                                      "holds a public key that is not RSA; RS256 tokens need an "
                                      "RSA key");
    }
    if (EVP_PKEY_get_bits(key_->key.get()) < kMinimumKeyBits) {
        throw core::invalid_auth_file(
            source, 0,
            "holds an RSA key of " + std::to_string(EVP_PKEY_get_bits(key_->key.get())) +
                " bits; at least " + std::to_string(kMinimumKeyBits) + " are needed");
    }
}

RsaJwtVerifier::~RsaJwtVerifier() = default;

core::Json RsaJwtVerifier::verified_claims(std::string_view token) const {
    auto first = token.find('.');
    auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
        throw core::authentication_failed("the token is not a JWT (three parts separated by '.')");
    }
    // The algorithm is pinned before the signature is looked at: the header never chooses how
    // the token is checked.
    core::Json header = json_part(token.substr(0, first), "header");
    auto alg = header.find("alg");
    if (alg == header.end() || !alg->is_string()) {
        throw core::authentication_failed("the token's header names no algorithm ('alg')");
    }
    const std::string& algorithm = alg->get_ref<const std::string&>();
    if (algorithm != "RS256") {
        throw core::authentication_failed("the token is signed with '" + algorithm +
                                          "'; only RS256 tokens are accepted");
    }
    if (header.contains("crit")) {
        throw core::authentication_failed(
            "the token's header lists critical extensions ('crit'), which this server does not "
            "support");
    }
    auto signature = base64url_decode(token.substr(second + 1));
    if (!signature || signature->empty()) {
        throw core::authentication_failed("the token's signature is not base64url-encoded");
    }
    std::string_view signed_part = token.substr(0, second);
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    bool verified =
        ctx &&
        EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_->key.get()) == 1 &&
        EVP_DigestVerify(
            ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
            reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
    if (!verified) {
        ERR_clear_error();
        throw core::authentication_failed(
            "the token's signature does not verify with the configured public key");
    }
    return json_part(token.substr(first + 1, second - first - 1), "claims");
}

}  // namespace cosmos::adapters
