#pragma once

#include <chrono>

#include "cosmos/app/ports.h"

namespace cosmos::adapters {

/// The system's wall clock.
class SystemClock : public app::Clock {
public:
    std::int64_t now_ms() override {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

}  // namespace cosmos::adapters
