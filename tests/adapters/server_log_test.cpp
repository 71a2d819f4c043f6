#include "cosmos/server_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

// A pipe whose read end is drained into a string.
class Pipe {
public:
    Pipe() {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        read_ = fds[0];
        write_ = fds[1];
    }
    ~Pipe() {
        if (read_ >= 0) ::close(read_);
        if (write_ >= 0) ::close(write_);
    }
    int write_end() const { return write_; }
    void close_write() {
        ::close(write_);
        write_ = -1;
    }
    // Everything written until the write end is closed.
    std::string read_all() {
        std::string out;
        char buffer[4096];
        ssize_t n;
        while ((n = ::read(read_, buffer, sizeof(buffer))) > 0)
            out.append(buffer, static_cast<std::size_t>(n));
        return out;
    }
    std::string drain() {
        close_write();
        return read_all();
    }

private:
    int read_ = -1;
    int write_ = -1;
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

}  // namespace

TEST_CASE("log lines carry time, level and message, below the level only", "[server][log]") {
    Pipe pipe;
    {
        cosmos::ServerLog log(cosmos::LogLevel::kInfo, pipe.write_end());
        log.log(cosmos::LogLevel::kInfo, "listening on %s:%u", "127.0.0.1", 7070u);
        log.log(cosmos::LogLevel::kDebug, "not shown");
        log.log(cosmos::LogLevel::kError, "failed: %d", 3);
        log.request("POST", "/package/search", 200, 0.25, "");
        log.request("POST", "/package/describe", 400, 12.04999, "PackageNotFound");
        log.flush();
    }
    auto lines = lines_of(pipe.drain());
    REQUIRE(lines.size() == 4);
    std::regex time(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ )");
    for (const auto& line : lines)
        CHECK(std::regex_search(line, time));
    CHECK(lines[0].substr(21) == "INFO listening on 127.0.0.1:7070");
    CHECK(lines[1].substr(21) == "ERROR failed: 3");
    // As "%s %s %d %.1fms %s" would print them.
    char expected[128];
    std::snprintf(expected, sizeof(expected), "INFO %s %s %d %.1fms", "POST", "/package/search",
                  200, 0.25);
    CHECK(lines[2].substr(21) == expected);
    std::snprintf(expected, sizeof(expected), "INFO %s %s %d %.1fms %s", "POST",
                  "/package/describe", 400, 12.04999, "PackageNotFound");
    CHECK(lines[3].substr(21) == expected);
}

TEST_CASE("lines from many threads are written whole and all of them", "[server][log]") {
    Pipe pipe;
    // Read while the log writes: the pipe holds less than the log produces.
    std::string text;
    std::thread reader([&] { text = pipe.read_all(); });
    {
        cosmos::ServerLog log(cosmos::LogLevel::kInfo, pipe.write_end());
        std::vector<std::thread> writers;
        for (int t = 0; t < 4; ++t) {
            writers.emplace_back([&log, t] {
                for (int i = 0; i < 2000; ++i)
                    log.request("GET", "/thread/" + std::to_string(t), 200, i, "");
            });
        }
        for (auto& w : writers)
            w.join();
    }  // the log writes what is pending before it goes
    pipe.close_write();
    reader.join();
    auto lines = lines_of(text);
    CHECK(lines.size() == 8000);
    std::regex shape(R"( INFO GET /thread/\d 200 \d+\.0ms$)");
    std::size_t whole = 0;
    for (const auto& line : lines)
        whole += std::regex_search(line, shape) ? 1 : 0;
    CHECK(whole == lines.size());
}
