#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace universe_test {

/// Polls done() every `poll` until it holds or timeout passes; returns its last answer. For
/// what another thread or process brings about (never a measure of speed).
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(20),
                       std::chrono::milliseconds poll = std::chrono::milliseconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(poll);
    }
    return done();
}

}  // namespace universe_test
