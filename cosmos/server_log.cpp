#include "cosmos/server_log.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>

namespace cosmos {

namespace {

// Past this much unwritten text (a stalled stderr), callers wait for the writer.
constexpr std::size_t kMaxPending = 8u << 20;

// "2024-01-31T12:00:00Z ", made once per second per thread.
std::string_view time_prefix() {
    thread_local std::time_t last = -1;
    thread_local char text[32];
    thread_local std::size_t size = 0;
    std::time_t now = std::time(nullptr);
    if (now != last) {
        std::tm tm{};
        gmtime_r(&now, &tm);
        size = std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ ", &tm);
        last = now;
    }
    return {text, size};
}

}  // namespace

LogLevel parse_log_level(const std::string& name) {
    if (name == "error") return LogLevel::kError;
    if (name == "warn") return LogLevel::kWarn;
    if (name == "debug") return LogLevel::kDebug;
    return LogLevel::kInfo;
}

ServerLog::ServerLog(LogLevel level, int fd) : level_(level), fd_(fd) {
    writer_ = std::thread([this] { run(); });
}

ServerLog::~ServerLog() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_one();
    writer_.join();
}

void ServerLog::append(LogLevel level, std::string_view message) {
    static constexpr std::string_view kNames[] = {"ERROR ", "WARN ", "INFO ", "DEBUG "};
    std::string_view prefix = time_prefix();
    std::unique_lock lock(mutex_);
    written_.wait(lock, [&] { return pending_.size() < kMaxPending || stop_; });
    pending_ += prefix;
    pending_ += kNames[static_cast<int>(level)];
    pending_ += message;
    pending_ += '\n';
    // A busy writer takes what is pending when its write returns.
    if (!writing_) wake_.notify_one();
}

void ServerLog::request(std::string_view method, std::string_view path, int status,
                        double milliseconds, std::string_view error_type, std::string_view detail) {
    if (!enabled(LogLevel::kInfo)) return;
    // Formatted by hand: printf's parsing was most of the cost of logging a request.
    char message[2048];
    std::size_t n = 0;
    auto put = [&](std::string_view text) {
        std::size_t k = std::min(text.size(), sizeof(message) - 1 - n);
        std::memcpy(message + n, text.data(), k);
        n += k;
    };
    char number[32];
    put(method);
    put(" ");
    put(path);
    put(" ");
    put({number, static_cast<std::size_t>(
                     std::to_chars(number, number + sizeof(number), status).ptr - number)});
    put(" ");
    auto ms =
        std::to_chars(number, number + sizeof(number), milliseconds, std::chars_format::fixed, 1);
    put({number, static_cast<std::size_t>(ms.ptr - number)});
    put("ms");
    if (!error_type.empty()) {
        put(" ");
        put(error_type);
        if (!detail.empty()) {
            put(": ");
            put(detail);
        }
    }
    append(LogLevel::kInfo, std::string_view(message, n));
}

void ServerLog::flush() {
    std::unique_lock lock(mutex_);
    written_.wait(lock, [&] { return (pending_.empty() && !writing_) || stop_; });
}

void ServerLog::run() {
    std::string batch;
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, [&] { return !pending_.empty() || stop_; });
        if (pending_.empty()) return;  // stopping, everything written
        batch.swap(pending_);
        writing_ = true;
        lock.unlock();
        std::size_t done = 0;
        while (done < batch.size()) {
            ssize_t n = ::write(fd_, batch.data() + done, batch.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;  // nowhere to log to: the lines are dropped
            done += static_cast<std::size_t>(n);
        }
        batch.clear();
        lock.lock();
        writing_ = false;
        written_.notify_all();
    }
}

}  // namespace cosmos
