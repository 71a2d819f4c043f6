#include "tests/support/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"

namespace universe_test {

namespace {

std::vector<std::string> server_argv(const std::filesystem::path& data_dir,
                                     std::vector<std::string> args) {
    std::filesystem::create_directories(data_dir);
    std::vector<std::string> argv = {(binary_dir() / "cosmos" / "cosmos-server").string(),
                                     "--listen", "127.0.0.1:0", "--data-dir", data_dir.string()};
    for (auto& a : args)
        argv.push_back(std::move(a));
    // The suites run again on ZooKeeper: each data folder gets a path of its own there, so a
    // restart on the same folder finds its state and other servers do not share it.
    if (const char* fixture = std::getenv("UNIVERSE_TEST_ZOOKEEPER")) {
        std::string connect = read_text(std::filesystem::path(fixture) / "connect");
        if (connect.empty())
            throw std::runtime_error("no ZooKeeper fixture in " + std::string(fixture));
        char path[32];
        std::snprintf(path, sizeof(path), "/e2e-%016zx",
                      std::hash<std::string>{}(std::filesystem::absolute(data_dir).string()));
        argv.insert(argv.end(), {"--zookeeper-uri", "zk://" + connect + path,
                                 "--zookeeper-session-timeout-ms", "4000"});
    }
    return argv;
}

// A fresh log file per start: a restarted server must not be mistaken for the previous one.
std::filesystem::path next_log(const std::filesystem::path& dir) {
    static int starts = 0;
    return dir / ("server-" + std::to_string(++starts) + ".log");
}

}  // namespace

int spawn(std::vector<std::string> argv, const std::filesystem::path& log_file,
          const std::vector<std::string>& environment, bool die_with_parent) {
    const pid_t parent = ::getpid();
    int pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        if (die_with_parent) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(127);  // the parent ended before the call
        }
        int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            ::dup2(fd, STDERR_FILENO);
            ::dup2(fd, STDOUT_FILENO);
        }
        int null = ::open("/dev/null", O_RDONLY);
        if (null >= 0) ::dup2(null, STDIN_FILENO);
        for (const auto& e : environment)
            ::putenv(const_cast<char*>(e.c_str()));
        std::vector<char*> raw;
        for (auto& a : argv)
            raw.push_back(a.data());
        raw.push_back(nullptr);
        ::execv(raw[0], raw.data());
        ::_exit(127);
    }
    return pid;
}

ServerProcess::ServerProcess(const std::filesystem::path& data_dir, std::vector<std::string> args,
                             std::vector<std::string> environment)
    : ListeningProcess(server_argv(data_dir, std::move(args)), next_log(data_dir),
                       std::move(environment)) {}

ListeningProcess::ListeningProcess(std::vector<std::string> argv, std::filesystem::path log_file,
                                   std::vector<std::string> environment)
    : log_file_(std::move(log_file)) {
    std::filesystem::remove(log_file_);
    pid_ = spawn(argv, log_file_, environment);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        std::string text = log();
        auto at = text.find("listening on 127.0.0.1:");
        if (at != std::string::npos) {
            port_ = static_cast<std::uint16_t>(std::stoul(text.substr(at + 23)));
            return;
        }
        if (!running()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::string text = log();
    stop(std::chrono::milliseconds(2000));
    throw std::runtime_error(argv.front() + " did not start:\n" + text);
}

ListeningProcess::~ListeningProcess() {
    if (running()) stop(std::chrono::seconds(5));
}

bool ListeningProcess::running() const {
    if (pid_ <= 0 || exited_) return false;
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        exited_ = true;
        status_ = status;
        return false;
    }
    return true;
}

int ListeningProcess::stop(std::chrono::milliseconds grace) {
    if (pid_ > 0 && running()) {
        ::kill(pid_, SIGTERM);
        auto deadline = std::chrono::steady_clock::now() + grace;
        while (running() && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (running()) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status_, 0);
            exited_ = true;
            return -1000;
        }
    }
    if (WIFEXITED(status_)) return WEXITSTATUS(status_);
    if (WIFSIGNALED(status_)) return -WTERMSIG(status_);
    return -1;
}

void ListeningProcess::kill() {
    if (pid_ > 0 && running()) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status_, 0);
        exited_ = true;
    }
}

void ListeningProcess::send_signal(int signal) {
    if (pid_ > 0 && running()) ::kill(pid_, signal);
}

std::string ListeningProcess::log() const {
    std::ifstream in(log_file_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool ListeningProcess::wait_for_log(const std::string& text,
                                    std::chrono::milliseconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (log().find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

}  // namespace universe_test
