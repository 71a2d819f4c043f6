#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace universe_test {

/// Starts argv (argv[0] is the binary's path) with stdout and stderr appended to log_file, stdin
/// from /dev/null and environment ("NAME=value") added; returns its pid. With die_with_parent
/// the child gets SIGKILL when the calling thread ends, so that a test process that aborts
/// leaves no server behind (call it only from a thread that lives as long as the child).
int spawn(std::vector<std::string> argv, const std::filesystem::path& log_file,
          const std::vector<std::string>& environment = {}, bool die_with_parent = false);

/// A program of ours started for a test that serves on a free loopback port ("--listen
/// 127.0.0.1:0") and logs "listening on 127.0.0.1:<port>"; its output goes to a log file that
/// tests can read. The destructor stops it.
class ListeningProcess {
public:
    /// Starts argv (argv[0] is the binary) and waits (up to 20 s) for the "listening on" line.
    /// Throws std::runtime_error with the log when it does not come up.
    ListeningProcess(std::vector<std::string> argv, std::filesystem::path log_file,
                     std::vector<std::string> environment = {});
    ~ListeningProcess();
    ListeningProcess(const ListeningProcess&) = delete;
    ListeningProcess& operator=(const ListeningProcess&) = delete;

    std::uint16_t port() const { return port_; }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    /// Sends SIGTERM and waits; returns the exit status (or -signal), -1000 if it had to be killed.
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(15));

    /// SIGKILL: no clean shutdown (a machine that dies). Waits until the process is gone.
    void kill();

    /// Sends a signal as it is (SIGSTOP, SIGCONT, ...).
    void send_signal(int signal);

    /// Everything the server logged so far.
    std::string log() const;

    /// Waits until the log contains text; false on timeout.
    bool wait_for_log(const std::string& text, std::chrono::milliseconds timeout) const;

    /// True while the process runs.
    bool running() const;

private:
    int pid_ = -1;
    std::uint16_t port_ = 0;
    std::filesystem::path log_file_;
    mutable int status_ = 0;
    mutable bool exited_ = false;
};

/// The real cosmos-server binary on a free loopback port with its own data folder.
class ServerProcess : public ListeningProcess {
public:
    /// build/cosmos/cosmos-server --listen 127.0.0.1:0 --data-dir <data_dir> <args...>
    ServerProcess(const std::filesystem::path& data_dir, std::vector<std::string> args,
                  std::vector<std::string> environment = {});
};

}  // namespace universe_test
