#include "repo-tool/console.h"

#include <unistd.h>

#include <cstdio>

namespace repo_tool {

bool stdout_is_terminal() {
    return ::isatty(STDOUT_FILENO) == 1;
}

Progress::Progress(std::string verb) : verb_(std::move(verb)), enabled_(stdout_is_terminal()) {}

void Progress::operator()(std::size_t done, std::size_t total) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    // Redraw at most ten times a second, and always for the last item.
    if (shown_ && done != total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    shown_ = true;
    std::printf("\r%s %zu/%zu revisions", verb_.c_str(), done, total);
    std::fflush(stdout);
}

void Progress::finish() {
    if (!enabled_ || !shown_) return;
    std::printf("\r\033[K");
    std::fflush(stdout);
    shown_ = false;
}

double Stopwatch::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string human_bytes(std::uint64_t bytes) {
    const char* units[] = {"B", "KB", "MB", "GB", "TB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1000.0 && unit < 4) {
        value /= 1000.0;
        ++unit;
    }
    char buffer[32];
    if (unit == 0) {
        std::snprintf(buffer, sizeof(buffer), "%llu B", static_cast<unsigned long long>(bytes));
    } else {
        std::snprintf(buffer, sizeof(buffer), "%.1f %s", value, units[unit]);
    }
    return buffer;
}

}  // namespace repo_tool
