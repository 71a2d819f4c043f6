#include "cosmos/adapters/digest.h"

#include <catch2/catch.hpp>

namespace {

using cosmos::adapters::sha256_hex;

}  // namespace

TEST_CASE("sha256_hex matches the published test vectors", "[adapters][digest]") {
    // FIPS 180-2 examples and the NIST empty-message vector.
    struct Row {
        std::string name;
        std::string input;
        std::string digest;
    };
    const std::vector<Row> rows = {
        {"empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"two blocks", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"a million 'a'", std::string(1'000'000, 'a'),
         "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    };
    for (const auto& row : rows) {
        INFO(row.name);
        CHECK(sha256_hex(row.input) == row.digest);
    }
}

TEST_CASE("sha256_hex hashes every byte, NULs included", "[adapters][digest]") {
    const std::string with_nul("a\0b", 3);
    CHECK(sha256_hex(with_nul) != sha256_hex("a"));
    CHECK(sha256_hex(with_nul) == sha256_hex(std::string("a\0b", 3)));
    CHECK(sha256_hex(with_nul).size() == 64);
}
