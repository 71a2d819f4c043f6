// zookeeper-fixture start DIR | stop DIR: one ZooKeeper server shared by the end-to-end suites
// that run on ZooKeeper (a ctest fixture). `start` leaves a supervisor in the background that
// writes DIR/connect ("127.0.0.1:<port>") and stops the server on SIGTERM, or after two hours
// should the cleanup never come; `stop` ends it and removes DIR.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>

#include "tests/support/temp_dir.h"
#include "tests/support/zookeeper_process.h"

namespace {

int supervise(const std::filesystem::path& dir) {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigprocmask(SIG_BLOCK, &signals, nullptr);
    try {
        universe_test::ZooKeeperProcess zookeeper;
        universe_test::write_text(dir / "pid", std::to_string(::getpid()));
        universe_test::write_text(dir / "connect.tmp", zookeeper.connect_string());
        std::filesystem::rename(dir / "connect.tmp", dir / "connect");
        timespec limit{2 * 60 * 60, 0};
        sigtimedwait(&signals, nullptr, &limit);
    } catch (const std::exception& e) {
        universe_test::write_text(dir / "error", e.what());
        return 1;
    }
    return 0;
}

int start(const std::filesystem::path& dir) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    pid_t pid = ::fork();
    if (pid < 0) return 1;
    if (pid == 0) {
        // Detached from ctest's pipes, or ctest would wait for this process to end.
        ::setsid();
        int null = ::open("/dev/null", O_RDWR);
        int log = ::open((dir / "fixture.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        ::dup2(null, STDIN_FILENO);
        ::dup2(log, STDOUT_FILENO);
        ::dup2(log, STDERR_FILENO);
        ::_exit(supervise(dir));
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (std::chrono::steady_clock::now() < deadline) {
        if (std::filesystem::exists(dir / "connect")) {
            std::printf("ZooKeeper on %s\n", universe_test::read_text(dir / "connect").c_str());
            return 0;
        }
        if (std::filesystem::exists(dir / "error")) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::fprintf(stderr, "ZooKeeper did not start: %s\n",
                 universe_test::read_text(dir / "error").c_str());
    return 1;
}

int stop(const std::filesystem::path& dir) {
    std::string pid_text = universe_test::read_text(dir / "pid");
    if (!pid_text.empty()) {
        pid_t pid = static_cast<pid_t>(std::stol(pid_text));
        ::kill(pid, SIGTERM);
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (::kill(pid, 0) == 0 && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: zookeeper-fixture start|stop DIR\n");
        return 2;
    }
    std::string command = argv[1];
    if (command == "start") return start(argv[2]);
    if (command == "stop") return stop(argv[2]);
    std::fprintf(stderr, "usage: zookeeper-fixture start|stop DIR\n");
    return 2;
}
