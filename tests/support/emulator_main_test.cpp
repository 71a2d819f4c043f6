// The standalone cosmos-emulator binary: prints its addresses, serves, stops on SIGTERM/SIGINT.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/http_test_client.h"
#include "tests/support/test_paths.h"

using namespace std::chrono_literals;

namespace {

// A child process with its stdout on a pipe; killed on destruction if still running.
class Child {
public:
    explicit Child(const std::vector<std::string>& args) {
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        std::vector<char*> argv;
        for (const auto& arg : args)
            argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::dup2(fds[1], 1);
            ::dup2(fds[1], 2);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        out_ = fds[0];
    }

    ~Child() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        ::close(out_);
    }

    // Reads output until it contains marker or timeout passes; returns everything read.
    std::string read_until(const std::string& marker, std::chrono::milliseconds timeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (output_.find(marker) == std::string::npos) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) break;
            pollfd pfd{out_, POLLIN, 0};
            if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) break;
            char chunk[4096];
            ssize_t n = ::read(out_, chunk, sizeof chunk);
            if (n <= 0) break;
            output_.append(chunk, static_cast<std::size_t>(n));
        }
        return output_;
    }

    // The exit status once the process ends within timeout, or nullopt.
    std::optional<int> wait(std::chrono::milliseconds timeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(10ms);
        }
        return std::nullopt;
    }

    void signal(int number) { ::kill(pid_, number); }

private:
    pid_t pid_ = -1;
    int out_ = -1;
    std::string output_;
};

std::string emulator_path() {
    return (universe_test::binary_dir() / "tests/cosmos-emulator").string();
}

std::uint16_t port_after(const std::string& output, const std::string& label) {
    std::smatch match;
    std::regex pattern(label + ": http://127\\.0\\.0\\.1:(\\d+)");
    REQUIRE(std::regex_search(output, match, pattern));
    return static_cast<std::uint16_t>(std::stoi(match[1]));
}

}  // namespace

TEST_CASE("cosmos-emulator prints its addresses, serves and stops on a signal", "[support]") {
    auto signal_number = GENERATE(SIGTERM, SIGINT);
    Child child({emulator_path(), "--marathon", "127.0.0.1:0", "--mesos", "localhost:0", "--strict",
                 "--seed", "3"});
    std::string output = child.read_until("schema validation:", 5s);
    INFO(output);
    auto marathon = port_after(output, "marathon");
    auto mesos = port_after(output, "mesos");
    CHECK(marathon != mesos);

    CHECK(universe_test::http_get(marathon, "/ping").json() == "pong");
    auto created = universe_test::http_json(marathon, "POST", "/v2/apps",
                                            cosmos::core::Json{{"id", "hand"}, {"cmd", "x"}});
    CHECK(created.status == 201);
    auto via_dcos = universe_test::http_get(mesos, "/marathon/v2/apps/hand");
    CHECK(via_dcos.status == 200);
    CHECK(universe_test::http_get(mesos, "/dcos-metadata/dcos-version.json").status == 200);
    CHECK(universe_test::http_get(mesos, "/master/frameworks").status == 200);
    if (universe_test::shared_dir()) {
        // --strict rejects fields beyond the Marathon 1.8 schema.
        auto strict = universe_test::http_json(
            marathon, "POST", "/v2/apps",
            cosmos::core::Json{{"id", "strict"}, {"cmd", "x"}, {"maintainer", "me"}});
        CHECK(strict.status == 422);
    }

    child.signal(signal_number);
    CHECK(child.wait(5s) == 0);
    CHECK(universe_test::http_failure_of([&] { universe_test::http_get(marathon, "/ping"); }) ==
          universe_test::HttpFailure::kRefused);
}

TEST_CASE("cosmos-emulator rejects bad arguments", "[support]") {
    auto args = GENERATE(std::vector<std::string>{"--marathon"},
                         std::vector<std::string>{"--marathon", "nonsense"},
                         std::vector<std::string>{"--mesos", "127.0.0.1:99999"},
                         std::vector<std::string>{"--unknown"});
    std::vector<std::string> command{emulator_path()};
    command.insert(command.end(), args.begin(), args.end());
    Child child(command);
    CHECK(child.wait(5s) == 2);
    CHECK(child.read_until("usage", 1s).find("usage: cosmos-emulator") != std::string::npos);
}
