#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace repo_tool {

/// True when standard output is a terminal (progress is shown only then).
bool stdout_is_terminal();

/// Shows "verb done/total" on one rewritten terminal line; silent when not a terminal.
class Progress {
public:
    explicit Progress(std::string verb);
    void operator()(std::size_t done, std::size_t total);
    /// Clears the progress line.
    void finish();

private:
    std::string verb_;
    bool enabled_;
    std::chrono::steady_clock::time_point last_;
    bool shown_ = false;
};

/// Seconds since construction.
class Stopwatch {
public:
    Stopwatch() : start_(std::chrono::steady_clock::now()) {}
    double seconds() const;

private:
    std::chrono::steady_clock::time_point start_;
};

/// "12.3 MB", "512 B", ...
std::string human_bytes(std::uint64_t bytes);

}  // namespace repo_tool
