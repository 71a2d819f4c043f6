#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace cosmos {

/// How much cosmos-server logs.
enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

/// "error", "warn", "debug"; anything else is info.
LogLevel parse_log_level(const std::string& name);

/// cosmos-server's log: one line per call, "<UTC time> <LEVEL> <message>", on a file descriptor
/// (stderr). Callers only format their line and append it to a buffer; a background thread writes
/// the buffer. When it is idle a line goes out at once; under load, the lines that arrive while one
/// write(2) runs go out together in the next, so requests neither wait for the disk nor queue
/// behind each other's writes.
class ServerLog {
public:
    explicit ServerLog(LogLevel level, int fd = 2);
    /// Writes what is pending, then stops the writer.
    ~ServerLog();
    ServerLog(const ServerLog&) = delete;
    ServerLog& operator=(const ServerLog&) = delete;

    bool enabled(LogLevel level) const { return level <= level_; }

    /// Logs one line (printf-style format); lines longer than 2 KB are cut.
    template <typename... Args>
    void log(LogLevel level, const char* format, Args... args) {
        if (enabled(level)) always(level, format, args...);
    }

    /// Logs one line whatever the configured level: for lines that scripts read (the port of
    /// --listen HOST:0) and for why the server stopped.
    template <typename... Args>
    void always(LogLevel level, const char* format, Args... args) {
        char message[2048];
        int n = std::snprintf(message, sizeof(message), format, args...);
        if (n < 0) return;
        append(level, std::string_view(message, std::min<std::size_t>(static_cast<std::size_t>(n),
                                                                      sizeof(message) - 1)));
    }

    /// Logs the line of one answered request at info level: "<method> <path> <status> <ms>ms",
    /// then " <error type>" when there is one, and ": <detail>" when the error has one.
    void request(std::string_view method, std::string_view path, int status, double milliseconds,
                 std::string_view error_type, std::string_view detail = {});

    /// Returns once every line logged so far is written.
    void flush();

private:
    void append(LogLevel level, std::string_view message);
    void run();

    const LogLevel level_;
    const int fd_;
    std::mutex mutex_;
    std::condition_variable wake_;     // the writer: lines are pending, or stop
    std::condition_variable written_;  // flush(): a write finished
    std::string pending_;
    std::size_t writes_started_ = 0;
    std::size_t writes_done_ = 0;
    bool writing_ = false;
    bool stop_ = false;
    std::thread writer_;
};

}  // namespace cosmos
