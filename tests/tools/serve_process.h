#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"

namespace universe_test {

/// `repo-tool serve OUT --listen 127.0.0.1:0` in a child process, its output in a log file; the
/// port is read from its "listening on" line. The destructor stops it.
class RepoToolServe {
public:
    /// Starts the server and waits (up to 20 s) until it listens; throws std::runtime_error with
    /// its output when it does not.
    RepoToolServe(const std::filesystem::path& out, const std::filesystem::path& log_file)
        : log_file_(log_file) {
        std::string binary = (binary_dir() / "repo-tool" / "repo-tool").string();
        std::vector<std::string> argv = {binary, "serve", out.string(), "--listen", "127.0.0.1:0"};
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            int fd = ::open(log_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                ::dup2(fd, STDERR_FILENO);
                ::dup2(fd, STDOUT_FILENO);
            }
            std::vector<char*> raw;
            for (auto& a : argv)
                raw.push_back(a.data());
            raw.push_back(nullptr);
            ::execv(raw[0], raw.data());
            ::_exit(127);
        }
        const std::string marker = "listening on 127.0.0.1:";
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (std::chrono::steady_clock::now() < deadline) {
            std::string text = log();
            auto at = text.find(marker);
            if (at != std::string::npos) {
                port_ = static_cast<std::uint16_t>(std::stoul(text.substr(at + marker.size())));
                return;
            }
            if (!running()) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        std::string text = log();
        stop();
        throw std::runtime_error("repo-tool serve did not start:\n" + text);
    }
    ~RepoToolServe() { stop(); }
    RepoToolServe(const RepoToolServe&) = delete;
    RepoToolServe& operator=(const RepoToolServe&) = delete;

    std::uint16_t port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::string log() const { return read_text(log_file_); }

    /// Sends SIGTERM and waits up to 10 s; returns the exit status, -signal, or -1000 when it had
    /// to be killed.
    int stop() {
        if (pid_ <= 0) return status_;
        ::kill(pid_, SIGTERM);
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        int status = 0;
        while (std::chrono::steady_clock::now() < deadline) {
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
                return status_;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        status_ = -1000;
        return status_;
    }

private:
    bool running() {
        int status = 0;
        if (pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
        }
        return pid_ > 0;
    }

    std::filesystem::path log_file_;
    int pid_ = -1;
    int status_ = 0;
    std::uint16_t port_ = 0;
};

}  // namespace universe_test
