#include "tests/support/zookeeper_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "tests/support/server_process.h"

namespace universe_test {

namespace {

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        ::close(fd);
        throw std::runtime_error("no free loopback port");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

// A four-letter command ("srvr") and its whole answer; "" when the server does not answer.
std::string four_letters(int port, const std::string& command) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    ::fcntl(fd, F_SETFL, O_NONBLOCK);
    std::string answer;
    int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    pollfd p{fd, POLLOUT, 0};
    if ((rc == 0 || errno == EINPROGRESS) && ::poll(&p, 1, 1000) == 1) {
        int error = 0;
        socklen_t size = sizeof(error);
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
        if (error == 0 && ::send(fd, command.data(), command.size(), MSG_NOSIGNAL) > 0) {
            auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
            char buffer[4096];
            while (std::chrono::steady_clock::now() < deadline) {
                p = {fd, POLLIN, 0};
                if (::poll(&p, 1, 200) != 1) continue;
                ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
                if (n <= 0) break;
                answer.append(buffer, static_cast<std::size_t>(n));
            }
        }
    }
    ::close(fd);
    return answer;
}

void wait_gone(int pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
}

}  // namespace

ZooKeeperProcess::ZooKeeperProcess(int servers) {
    members_.resize(static_cast<std::size_t>(servers));
    for (auto& m : members_) {
        m.client_port = free_port();
        m.quorum_port = free_port();
        m.election_port = free_port();
    }
    for (std::size_t i = 0; i < members_.size(); ++i) {
        auto& m = members_[i];
        auto data = dir_ / ("server-" + std::to_string(i + 1));
        std::filesystem::create_directories(data);
        std::string config =
            "tickTime=200\n"
            "initLimit=50\n"
            "syncLimit=25\n"
            "minSessionTimeout=400\n"
            "maxSessionTimeout=60000\n"
            "dataDir=" +
            data.string() +
            "\n"
            "clientPort=" +
            std::to_string(m.client_port) +
            "\n"
            "clientPortAddress=127.0.0.1\n"
            "maxClientCnxns=0\n"
            "admin.enableServer=false\n"
            "4lw.commands.whitelist=srvr,ruok\n";
        if (members_.size() > 1) {
            write_text(data / "myid", std::to_string(i + 1) + "\n");
            for (std::size_t j = 0; j < members_.size(); ++j) {
                config += "server." + std::to_string(j + 1) +
                          "=127.0.0.1:" + std::to_string(members_[j].quorum_port) + ":" +
                          std::to_string(members_[j].election_port) + "\n";
            }
        }
        m.config = data / "zoo.cfg";
        m.log = data / "server.log";
        write_text(m.config, config);
    }
    std::vector<int> all;
    try {
        for (int i = 0; i < size(); ++i) {
            launch(members_[static_cast<std::size_t>(i)]);
            all.push_back(i);
        }
        wait_serving(all);
    } catch (...) {
        // No destructor runs for a half-built object: the servers started so far go here.
        for (int i : all)
            kill(i);
        throw;
    }
}

ZooKeeperProcess::~ZooKeeperProcess() {
    for (int i = 0; i < size(); ++i) {
        auto& m = members_[static_cast<std::size_t>(i)];
        if (m.pid <= 0) continue;
        ::kill(m.pid, SIGCONT);
        stop(i);
    }
}

void ZooKeeperProcess::launch(Member& member) {
    if (::access(UNIVERSE_JAVA, X_OK) != 0 ||
        ::access(UNIVERSE_ZOOKEEPER_CLASSPATH_FIRST, R_OK) != 0) {
        throw std::runtime_error(std::string("ZooKeeper is not installed (") + UNIVERSE_JAVA +
                                 " or " + UNIVERSE_ZOOKEEPER_CLASSPATH_FIRST +
                                 " is missing): run scripts/setup --tests, or apt-get install "
                                 "zookeeper, and configure the build again");
    }
    const std::string main_class = members_.size() > 1
                                       ? "org.apache.zookeeper.server.quorum.QuorumPeerMain"
                                       : "org.apache.zookeeper.server.ZooKeeperServerMain";
    std::vector<std::string> argv = {UNIVERSE_JAVA,
                                     "-Xms16m",
                                     "-Xmx128m",
                                     "-XX:+UseSerialGC",
                                     "-XX:TieredStopAtLevel=1",
                                     "-XX:-UsePerfData",
                                     "-Djava.net.preferIPv4Stack=true",
                                     "-Dzookeeper.admin.enableServer=false",
                                     "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                                     "-cp",
                                     UNIVERSE_ZOOKEEPER_CLASSPATH,
                                     main_class,
                                     member.config.string()};
    // ZooKeeper dies with the test process (or the fixture's supervisor) that started it, even
    // when that one aborts; every launch happens on the thread that owns this object.
    int pid = spawn(argv, member.log, {}, /*die_with_parent=*/true);
    member.pid = pid;
}

bool ZooKeeperProcess::serving(int server) const {
    const auto& m = members_.at(static_cast<std::size_t>(server));
    std::string answer = four_letters(m.client_port, "srvr");
    return answer.find("Mode: standalone") != std::string::npos ||
           answer.find("Mode: leader") != std::string::npos ||
           answer.find("Mode: follower") != std::string::npos;
}

void ZooKeeperProcess::wait_serving(const std::vector<int>& servers) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        bool all = true;
        for (int i : servers) {
            auto& m = members_[static_cast<std::size_t>(i)];
            int status = 0;
            if (::waitpid(m.pid, &status, WNOHANG) == m.pid) {
                m.pid = -1;
                throw std::runtime_error("ZooKeeper server " + std::to_string(i + 1) +
                                         " exited:\n" + log(i));
            }
            all = all && serving(i);
        }
        if (all) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::string logs;
    for (int i : servers)
        logs += "--- server " + std::to_string(i + 1) + "\n" + log(i);
    throw std::runtime_error("ZooKeeper did not start within 60 s:\n" + logs);
}

std::string ZooKeeperProcess::connect_string() const {
    std::string out;
    for (const auto& m : members_) {
        if (!out.empty()) out += ",";
        out += "127.0.0.1:" + std::to_string(m.client_port);
    }
    return out;
}

std::string ZooKeeperProcess::uri(const std::string& path) const {
    return "zk://" + connect_string() + path;
}

void ZooKeeperProcess::stop(int server) {
    auto& m = members_.at(static_cast<std::size_t>(server));
    if (m.pid <= 0) return;
    ::kill(m.pid, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        if (::waitpid(m.pid, &status, WNOHANG) == m.pid) {
            m.pid = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(m.pid, SIGKILL);
    wait_gone(m.pid);
    m.pid = -1;
}

void ZooKeeperProcess::kill(int server) {
    auto& m = members_.at(static_cast<std::size_t>(server));
    if (m.pid <= 0) return;
    ::kill(m.pid, SIGKILL);
    wait_gone(m.pid);
    m.pid = -1;
}

void ZooKeeperProcess::start(int server) {
    auto& m = members_.at(static_cast<std::size_t>(server));
    if (m.pid > 0) return;
    launch(m);
    wait_serving({server});
}

void ZooKeeperProcess::pause(int server) {
    auto& m = members_.at(static_cast<std::size_t>(server));
    if (m.pid > 0) ::kill(m.pid, SIGSTOP);
}

void ZooKeeperProcess::resume(int server) {
    auto& m = members_.at(static_cast<std::size_t>(server));
    if (m.pid > 0) ::kill(m.pid, SIGCONT);
}

std::string ZooKeeperProcess::log(int server) const {
    return read_text(members_.at(static_cast<std::size_t>(server)).log);
}

}  // namespace universe_test
