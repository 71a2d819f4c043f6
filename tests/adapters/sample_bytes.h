#pragma once

#include <cstddef>
#include <random>
#include <string>

namespace universe_test {

/// size bytes that do not compress, the same for the same seed.
inline std::string random_bytes(std::size_t size, unsigned seed) {
    std::mt19937 gen(seed);
    std::string out(size, '\0');
    for (auto& c : out)
        c = static_cast<char>(gen() & 0xFF);
    return out;
}

}  // namespace universe_test
