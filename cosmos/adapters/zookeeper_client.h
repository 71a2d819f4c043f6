#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace cosmos::adapters {

/// The parts of a znode's Stat that the store uses.
struct ZkStat {
    std::int64_t czxid = 0;
    std::int64_t mzxid = 0;
    std::int64_t ctime = 0;  ///< Unix milliseconds
    std::int64_t mtime = 0;  ///< Unix milliseconds
    std::int64_t ephemeral_owner = 0;
    std::int32_t version = -1;
    std::int32_t num_children = 0;
};

/// The answer to one ZooKeeper operation.
struct ZkReply {
    int rc = 0;  ///< the ZooKeeper return code (ZOK = 0)
    std::string data;
    ZkStat stat;
    std::vector<std::string> children;
    std::string created;       ///< the path a create made (with a sequential suffix)
    std::vector<int> results;  ///< one return code per operation of a multi

    bool ok() const;
    bool no_node() const;
    bool node_exists() const;
    bool bad_version() const;
    /// The connection failed, timed out or the session is gone: a write's outcome is unknown.
    bool connection_error() const;
    /// The client library's name of rc, for logs.
    std::string error_text() const;
};

/// One operation of a multi (all or none are applied).
struct ZkOp {
    enum class Kind { kCreate, kSet, kDelete, kCheck };
    Kind kind = Kind::kCheck;
    std::string path;
    std::string data;
    int version = -1;          ///< expected version (set, delete, check); -1 = any
    bool ephemeral = false;    ///< create: removed when the session ends
    bool private_acl = false;  ///< create: readable by the authenticated user only

    static ZkOp create(std::string path, std::string data, bool ephemeral = false,
                       bool private_acl = false);
    static ZkOp set(std::string path, std::string data, int version);
    static ZkOp remove(std::string path, int version);
    static ZkOp check(std::string path, int version);
};

/// How to reach the ensemble.
struct ZooKeeperSettings {
    std::string servers;  ///< "host:port,host:port"
    std::chrono::milliseconds session_timeout{10000};
    /// The longest any one operation may take; past it the operation is reported as a
    /// connection error (its outcome unknown).
    std::chrono::milliseconds operation_timeout{30000};
    /// "user:secret" for the digest scheme; nodes created get [auth ALL, world READ] (or
    /// [auth ALL] when private). Without it, nodes are open.
    std::optional<std::string> digest;
    /// Log sink: level 0 error, 1 warn, 2 info, 3 debug.
    std::function<void(int level, const std::string& message)> log;
};

/// What the client reports to its owner, in order, on the client's event thread.
struct ZkEvent {
    enum class Kind {
        kNode,          ///< a watch fired: path and type (ZOO_CHANGED_EVENT, ...)
        kConnected,     ///< connected again within the same session (watches were kept)
        kDisconnected,  ///< the connection was lost; the session may still be alive
        kNewSession,    ///< a new session: every watch and ephemeral node of the old one is gone
    };
    Kind kind = Kind::kNode;
    std::string path;
    int type = 0;
};

/// Connection state for /health and /metrics.
struct ZkStatus {
    bool connected = false;
    std::string state;  ///< "connected", "connecting", "session expired", "authentication failed"
    std::optional<std::int64_t> session_id;
    std::int64_t negotiated_timeout_ms = 0;
    std::uint64_t expirations = 0;
};

/// The one owner of the ZooKeeper C client (libzookeeper_mt). It keeps one session: it reconnects
/// within the session by itself, and when the session expires it closes the handle and opens a
/// new session, authenticating again. Every operation waits at most operation_timeout and fails
/// at once while disconnected, so a caller never hangs on ZooKeeper. Watch events and session
/// changes are delivered to on_event on a thread of the client, never on the library's thread,
/// so the handler may call operations.
class ZooKeeperClient {
public:
    ZooKeeperClient(ZooKeeperSettings settings, std::function<void(const ZkEvent&)> on_event);
    /// Closes the session: this client's ephemeral nodes go at once.
    ~ZooKeeperClient();
    ZooKeeperClient(const ZooKeeperClient&) = delete;
    ZooKeeperClient& operator=(const ZooKeeperClient&) = delete;

    /// Waits until connected; false after timeout.
    bool wait_connected(std::chrono::milliseconds timeout);

    ZkReply get(const std::string& path, bool watch = false);
    ZkReply children(const std::string& path, bool watch = false);
    /// ok() with the stat when the node exists, no_node() otherwise; a watch is set either way.
    ZkReply exists(const std::string& path, bool watch = false);
    ZkReply create(const std::string& path, std::string_view data, bool ephemeral = false,
                   bool sequential = false, bool private_acl = false);
    ZkReply set(const std::string& path, std::string_view data, int version);
    ZkReply remove(const std::string& path, int version);
    ZkReply multi(const std::vector<ZkOp>& ops);
    /// Puts this client's ACL on an existing node (private or shared, as for create).
    ZkReply set_acl(const std::string& path, bool private_acl);

    /// Connected now.
    bool connected() const;
    /// The current session's id (0 before the first connection).
    std::int64_t session_id() const;
    /// Increments each time a new session starts: claims taken in an older one are gone.
    std::uint64_t generation() const;
    /// How long the connection has been down (zero while connected).
    std::chrono::milliseconds disconnected_for() const;
    /// The negotiated session timeout (the requested one before the first connection).
    std::chrono::milliseconds session_timeout() const;
    ZkStatus status() const;
    const ZooKeeperSettings& settings() const { return settings_; }

private:
    friend struct ZkCallbacks;
    struct RawEvent {
        int type = 0;
        int state = 0;
        std::string path;
        const void* handle = nullptr;  // the library handle the event came from
    };

    void enqueue(RawEvent event);
    void open_handle();  // on the event thread (or the constructor)
    void event_loop();
    void handle_session_event(const RawEvent& event);
    template <typename Start>
    ZkReply call(Start&& start);

    ZooKeeperSettings settings_;
    std::function<void(const ZkEvent&)> on_event_;

    mutable std::shared_mutex handle_mutex_;  // guards zh_ (the library handle)
    void* zh_ = nullptr;

    mutable std::mutex state_mutex_;  // guards what follows
    std::condition_variable state_cv_;
    bool connected_ = false;
    bool stopping_ = false;
    bool auth_failed_ = false;
    bool expired_ = false;
    std::int64_t session_id_ = 0;
    std::int64_t negotiated_timeout_ms_ = 0;
    std::uint64_t generation_ = 0;
    std::uint64_t expirations_ = 0;
    std::chrono::steady_clock::time_point disconnected_since_;
    std::deque<RawEvent> events_;
    std::thread event_thread_;
};

}  // namespace cosmos::adapters
