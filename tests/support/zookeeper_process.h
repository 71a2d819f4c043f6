#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace universe_test {

/// Real ZooKeeper servers from Debian's `zookeeper` package (a JVM running the jars in
/// /usr/share/java) on free loopback ports, each with a temporary data folder; one server runs
/// standalone, several form an ensemble. Short ticks (200 ms) allow session timeouts from 400 ms
/// to 60 s. The destructor stops every server.
class ZooKeeperProcess {
public:
    /// Starts `servers` servers and waits (up to 60 s) until they serve. Throws
    /// std::runtime_error with the servers' logs when they do not come up.
    explicit ZooKeeperProcess(int servers = 1);
    ~ZooKeeperProcess();
    ZooKeeperProcess(const ZooKeeperProcess&) = delete;
    ZooKeeperProcess& operator=(const ZooKeeperProcess&) = delete;

    /// "127.0.0.1:<port>[,127.0.0.1:<port>...]".
    std::string connect_string() const;
    /// "zk://<connect string><path>".
    std::string uri(const std::string& path) const;
    int size() const { return static_cast<int>(members_.size()); }

    /// SIGTERM, and waits until the process is gone.
    void stop(int server = 0);
    /// SIGKILL, and waits until the process is gone.
    void kill(int server = 0);
    /// Starts a stopped server again on the same ports and data, and waits until it serves.
    void start(int server = 0);
    /// SIGSTOP: the server keeps its sockets but answers nothing (a long GC pause, a hang).
    void pause(int server = 0);
    /// SIGCONT after pause().
    void resume(int server = 0);
    /// True while the server answers "srvr" with a serving mode (leader, follower, standalone).
    bool serving(int server = 0) const;
    /// What the server logged.
    std::string log(int server = 0) const;

private:
    struct Member {
        int client_port = 0;
        int quorum_port = 0;
        int election_port = 0;
        std::filesystem::path config;
        std::filesystem::path log;
        int pid = -1;
    };
    void launch(Member& member);
    void wait_serving(const std::vector<int>& servers);
    TempDir dir_;
    std::vector<Member> members_;
};

}  // namespace universe_test
