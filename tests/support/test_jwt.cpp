#include "tests/support/test_jwt.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <stdexcept>

namespace universe_test {

namespace {

struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

std::string public_pem_of(EVP_PKEY* key) {
    BIO* bio = BIO_new(BIO_s_mem());
    if (!bio || PEM_write_bio_PUBKEY(bio, key) != 1) {
        BIO_free(bio);
        throw std::runtime_error("cannot write a public key");
    }
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    return out;
}

std::string signing_input(const nlohmann::json& header, const nlohmann::json& claims) {
    return base64url(header.dump()) + "." + base64url(claims.dump());
}

}  // namespace

std::string base64url(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    while (!out.empty() && out.back() == '=')
        out.pop_back();
    for (char& c : out) {
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    return out;
}

struct TestRsaKey::Key {
    std::unique_ptr<EVP_PKEY, PkeyFree> pkey;
};

TestRsaKey::TestRsaKey(int bits) : key_(std::make_unique<Key>()) {
    key_->pkey.reset(EVP_RSA_gen(static_cast<unsigned>(bits)));
    if (!key_->pkey) throw std::runtime_error("cannot generate an RSA key");
}

TestRsaKey::~TestRsaKey() = default;

std::string TestRsaKey::public_pem() const {
    return public_pem_of(key_->pkey.get());
}

std::string TestRsaKey::sign(const nlohmann::json& claims, const nlohmann::json& header) const {
    std::string input = signing_input(header, claims);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t size = 0;
    std::string signature;
    bool ok =
        ctx && EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_->pkey.get()) == 1 &&
        EVP_DigestSign(ctx, nullptr, &size, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) == 1;
    if (ok) {
        signature.resize(size);
        ok =
            EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &size,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
        signature.resize(size);
    }
    EVP_MD_CTX_free(ctx);
    if (!ok) throw std::runtime_error("cannot sign a JWT");
    return input + "." + base64url(signature);
}

std::string unsigned_jwt(const nlohmann::json& claims) {
    return signing_input({{"alg", "none"}, {"typ", "JWT"}}, claims) + ".";
}

std::string hs256_jwt(const nlohmann::json& claims, std::string_view secret) {
    std::string input = signing_input({{"alg", "HS256"}, {"typ", "JWT"}}, claims);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (!HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
              reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &size)) {
        throw std::runtime_error("cannot compute an HMAC");
    }
    return input + "." + base64url(std::string_view(reinterpret_cast<char*>(mac), size));
}

std::string ec_public_pem() {
    std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen("P-256"));
    if (!key) throw std::runtime_error("cannot generate an EC key");
    return public_pem_of(key.get());
}

}  // namespace universe_test
