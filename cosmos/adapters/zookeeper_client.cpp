#include "cosmos/adapters/zookeeper_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <zookeeper/zookeeper.h>

#include <cstdio>
#include <memory>
#include <utility>

namespace cosmos::adapters {

namespace {

// The library logs through one process-wide callback without a context; its lines (connection
// attempts, mostly) go to the most recent client's sink at debug level.
std::mutex g_log_mutex;
std::function<void(int, const std::string&)> g_log;

void library_log(const char* message) {
    std::lock_guard lock(g_log_mutex);
    if (g_log && message) g_log(3, std::string("zookeeper client: ") + message);
}

ZkStat to_stat(const struct Stat* s) {
    ZkStat out;
    if (!s) return out;
    out.czxid = s->czxid;
    out.mzxid = s->mzxid;
    out.ctime = s->ctime;
    out.mtime = s->mtime;
    out.ephemeral_owner = s->ephemeralOwner;
    out.version = s->version;
    out.num_children = s->numChildren;
    return out;
}

// One operation in flight. The library gets a heap pointer to a shared_ptr of it and frees that
// in the completion; a caller that stopped waiting (timeout) only drops its own reference.
struct Pending {
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    ZkReply reply;
    // A multi's arguments and result buffers, which the library fills on completion.
    std::vector<std::string> paths;
    std::vector<std::string> values;
    std::vector<zoo_op_t> ops;
    std::vector<zoo_op_result_t> results;
    std::vector<std::vector<char>> path_buffers;
    std::vector<struct Stat> stats;
};

using PendingRef = std::shared_ptr<Pending>;

template <typename Fill>
void complete(const void* data, Fill&& fill) {
    auto* holder = static_cast<PendingRef*>(const_cast<void*>(data));
    PendingRef pending = std::move(*holder);
    delete holder;
    {
        std::lock_guard lock(pending->mutex);
        fill(*pending);
        pending->done = true;
    }
    pending->cv.notify_all();
}

void data_done(int rc, const char* value, int length, const struct Stat* stat, const void* data) {
    complete(data, [&](Pending& p) {
        p.reply.rc = rc;
        if (rc != ZOK) return;
        if (value && length > 0) p.reply.data.assign(value, static_cast<std::size_t>(length));
        p.reply.stat = to_stat(stat);
    });
}

void stat_done(int rc, const struct Stat* stat, const void* data) {
    complete(data, [&](Pending& p) {
        p.reply.rc = rc;
        if (rc == ZOK) p.reply.stat = to_stat(stat);
    });
}

void strings_done(int rc, const struct String_vector* strings, const struct Stat* stat,
                  const void* data) {
    complete(data, [&](Pending& p) {
        p.reply.rc = rc;
        if (rc != ZOK) return;
        p.reply.stat = to_stat(stat);
        if (!strings) return;
        for (int i = 0; i < strings->count; ++i)
            p.reply.children.emplace_back(strings->data[i]);
    });
}

void created_done(int rc, const char* path, const struct Stat* stat, const void* data) {
    complete(data, [&](Pending& p) {
        p.reply.rc = rc;
        if (rc != ZOK) return;
        if (path) p.reply.created = path;
        p.reply.stat = to_stat(stat);
    });
}

void void_done(int rc, const void* data) {
    complete(data, [&](Pending& p) { p.reply.rc = rc; });
}

void multi_done(int rc, const void* data) {
    complete(data, [&](Pending& p) {
        p.reply.rc = rc;
        for (const auto& r : p.results)
            p.reply.results.push_back(r.err);
        for (std::size_t i = 0; i < p.ops.size(); ++i) {
            if (p.ops[i].type == ZOO_CREATE_OP && p.results[i].err == ZOK && p.results[i].value) {
                p.reply.created = p.results[i].value;
            }
        }
    });
}

void auth_done(int rc, const void* data) {
    auto* client = static_cast<const ZooKeeperSettings*>(data);
    if (rc != ZOK && client->log) {
        client->log(0, std::string("ZooKeeper refused the digest credentials (ZOOKEEPER_USER, "
                                   "ZOOKEEPER_SECRET): ") +
                           zerror(rc));
    }
}

struct Acls {
    struct ACL shared_entries[2];
    struct ACL private_entries[1];
    struct ACL_vector shared;
    struct ACL_vector owner_only;
    Acls() {
        // Cosmos: [auth ALL, world:anyone READ] on every node when credentials are set.
        shared_entries[0] = {ZOO_PERM_ALL, ZOO_AUTH_IDS};
        shared_entries[1] = {ZOO_PERM_READ, ZOO_ANYONE_ID_UNSAFE};
        private_entries[0] = {ZOO_PERM_ALL, ZOO_AUTH_IDS};
        shared = {2, shared_entries};
        owner_only = {1, private_entries};
    }
};

struct ACL_vector* acl_for(const ZooKeeperSettings& settings, bool private_acl) {
    static Acls acls;
    if (!settings.digest) return &ZOO_OPEN_ACL_UNSAFE;
    return private_acl ? &acls.owner_only : &acls.shared;
}

int create_mode(bool ephemeral, bool sequential) {
    if (ephemeral) return sequential ? ZOO_EPHEMERAL_SEQUENTIAL : ZOO_EPHEMERAL;
    return sequential ? ZOO_PERSISTENT_SEQUENTIAL : ZOO_PERSISTENT;
}

std::string hex(std::int64_t id) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "0x%llx", static_cast<unsigned long long>(id));
    return buffer;
}

ZkReply failed(int rc) {
    ZkReply reply;
    reply.rc = rc;
    return reply;
}

}  // namespace

// The library calls these with its own signatures.
struct ZkCallbacks {
    static void watcher(zhandle_t* zh, int type, int state, const char* path, void* context) {
        static_cast<ZooKeeperClient*>(context)->enqueue({type, state, path ? path : "", zh});
    }
};

bool ZkReply::ok() const {
    return rc == ZOK;
}
bool ZkReply::no_node() const {
    return rc == ZNONODE;
}
bool ZkReply::node_exists() const {
    return rc == ZNODEEXISTS;
}
bool ZkReply::bad_version() const {
    return rc == ZBADVERSION;
}
bool ZkReply::connection_error() const {
    return rc == ZCONNECTIONLOSS || rc == ZOPERATIONTIMEOUT || rc == ZSESSIONEXPIRED ||
           rc == ZINVALIDSTATE || rc == ZCLOSING || rc == ZSESSIONMOVED || rc == ZSYSTEMERROR ||
           rc == ZAUTHFAILED;
}
std::string ZkReply::error_text() const {
    return zerror(rc);
}

ZkOp ZkOp::create(std::string path, std::string data, bool ephemeral, bool private_acl) {
    ZkOp op;
    op.kind = Kind::kCreate;
    op.path = std::move(path);
    op.data = std::move(data);
    op.ephemeral = ephemeral;
    op.private_acl = private_acl;
    return op;
}
ZkOp ZkOp::set(std::string path, std::string data, int version) {
    ZkOp op;
    op.kind = Kind::kSet;
    op.path = std::move(path);
    op.data = std::move(data);
    op.version = version;
    return op;
}
ZkOp ZkOp::remove(std::string path, int version) {
    ZkOp op;
    op.kind = Kind::kDelete;
    op.path = std::move(path);
    op.version = version;
    return op;
}
ZkOp ZkOp::check(std::string path, int version) {
    ZkOp op;
    op.kind = Kind::kCheck;
    op.path = std::move(path);
    op.version = version;
    return op;
}

ZooKeeperClient::ZooKeeperClient(ZooKeeperSettings settings,
                                 std::function<void(const ZkEvent&)> on_event)
    : settings_(std::move(settings)), on_event_(std::move(on_event)) {
    {
        std::lock_guard lock(g_log_mutex);
        g_log = settings_.log;
    }
    zoo_set_debug_level(ZOO_LOG_LEVEL_WARN);
    disconnected_since_ = std::chrono::steady_clock::now();
    open_handle();
    event_thread_ = std::thread([this] { event_loop(); });
}

ZooKeeperClient::~ZooKeeperClient() {
    {
        std::lock_guard lock(state_mutex_);
        stopping_ = true;
    }
    state_cv_.notify_all();
    if (event_thread_.joinable()) event_thread_.join();
    void* zh = nullptr;
    {
        std::unique_lock lock(handle_mutex_);
        zh = std::exchange(zh_, nullptr);
    }
    if (zh) zookeeper_close(static_cast<zhandle_t*>(zh));
}

void ZooKeeperClient::open_handle() {
    zhandle_t* fresh = zookeeper_init2(settings_.servers.c_str(), &ZkCallbacks::watcher,
                                       static_cast<int>(settings_.session_timeout.count()), nullptr,
                                       this, 0, &library_log);
    if (!fresh && settings_.log) {
        settings_.log(0, "ZooKeeper client cannot start for '" + settings_.servers + "'; retrying");
    }
    if (fresh && settings_.digest) {
        zoo_add_auth(fresh, "digest", settings_.digest->data(),
                     static_cast<int>(settings_.digest->size()), &auth_done, &settings_);
    }
    void* old = nullptr;
    {
        std::unique_lock lock(handle_mutex_);
        old = std::exchange(zh_, fresh);
    }
    if (old) zookeeper_close(static_cast<zhandle_t*>(old));
}

void ZooKeeperClient::enqueue(RawEvent event) {
    {
        std::lock_guard lock(state_mutex_);
        events_.push_back(std::move(event));
    }
    state_cv_.notify_all();
}

void ZooKeeperClient::event_loop() {
    while (true) {
        RawEvent event;
        bool retry_open = false;
        {
            std::unique_lock lock(state_mutex_);
            state_cv_.wait_for(lock, std::chrono::seconds(1),
                               [&] { return stopping_ || !events_.empty(); });
            if (stopping_) return;
            if (events_.empty()) {
                std::shared_lock handle(handle_mutex_);
                retry_open = zh_ == nullptr;
            } else {
                event = std::move(events_.front());
                events_.pop_front();
            }
        }
        if (retry_open) {
            open_handle();
            continue;
        }
        if (!event.handle) continue;
        {
            // Events of a handle already replaced belong to a session that is gone.
            std::shared_lock handle(handle_mutex_);
            if (event.handle != zh_) continue;
        }
        if (event.type == ZOO_SESSION_EVENT) {
            handle_session_event(event);
        } else if (event.type != ZOO_NOTWATCHING_EVENT && on_event_) {
            on_event_({ZkEvent::Kind::kNode, event.path, event.type});
        }
    }
}

namespace {

// host:port of the server a handle is connected to ("" when unknown). zoo_get_current_server()
// would say the same, but it formats into one static buffer that every handle in the process
// and the library's own logging share.
std::string connected_server(zhandle_t* zh) {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    auto* peer = zookeeper_get_connected_host(zh, reinterpret_cast<sockaddr*>(&address), &length);
    if (peer == nullptr) return "";
    char host[INET6_ADDRSTRLEN] = {};
    if (address.ss_family == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
        if (!inet_ntop(AF_INET, &v4->sin_addr, host, sizeof(host))) return "";
        return std::string(host) + ":" + std::to_string(ntohs(v4->sin_port));
    }
    if (address.ss_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
        if (!inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof(host))) return "";
        return "[" + std::string(host) + "]:" + std::to_string(ntohs(v6->sin6_port));
    }
    return "";
}

}  // namespace

void ZooKeeperClient::handle_session_event(const RawEvent& event) {
    auto log = [&](int level, const std::string& text) {
        if (settings_.log) settings_.log(level, text);
    };
    if (event.state == ZOO_CONNECTED_STATE) {
        std::int64_t id = 0;
        int timeout = 0;
        std::string server;
        {
            std::shared_lock handle(handle_mutex_);
            auto* zh = static_cast<zhandle_t*>(zh_);
            if (!zh) return;
            id = zoo_client_id(zh)->client_id;
            timeout = zoo_recv_timeout(zh);
            server = connected_server(zh);
        }
        bool fresh = false;
        {
            std::lock_guard lock(state_mutex_);
            fresh = id != session_id_;
            session_id_ = id;
            negotiated_timeout_ms_ = timeout;
            connected_ = true;
            expired_ = false;
            if (fresh) ++generation_;
        }
        state_cv_.notify_all();
        if (fresh) {
            log(2, "ZooKeeper session " + hex(id) + " started on " + server + " (timeout " +
                       std::to_string(timeout) + " ms)");
        } else {
            log(2, "ZooKeeper connection back on " + server + " (session " + hex(id) + ")");
        }
        if (on_event_)
            on_event_({fresh ? ZkEvent::Kind::kNewSession : ZkEvent::Kind::kConnected, "", 0});
    } else if (event.state == ZOO_CONNECTING_STATE || event.state == ZOO_ASSOCIATING_STATE) {
        bool was_connected = false;
        std::int64_t id = 0;
        {
            std::lock_guard lock(state_mutex_);
            was_connected = connected_;
            id = session_id_;
            if (connected_) disconnected_since_ = std::chrono::steady_clock::now();
            connected_ = false;
        }
        if (!was_connected) return;
        log(1, "ZooKeeper connection lost; reconnecting (session " + hex(id) +
                   " lives until its timeout)");
        if (on_event_) on_event_({ZkEvent::Kind::kDisconnected, "", 0});
    } else if (event.state == ZOO_EXPIRED_SESSION_STATE) {
        std::int64_t id = 0;
        {
            std::lock_guard lock(state_mutex_);
            if (connected_) disconnected_since_ = std::chrono::steady_clock::now();
            connected_ = false;
            expired_ = true;
            ++expirations_;
            id = session_id_;
        }
        log(1, "ZooKeeper session " + hex(id) +
                   " expired: starting a new session; watches and locks are set again");
        if (on_event_) on_event_({ZkEvent::Kind::kDisconnected, "", 0});
        open_handle();
    } else if (event.state == ZOO_AUTH_FAILED_STATE) {
        {
            std::lock_guard lock(state_mutex_);
            auth_failed_ = true;
            connected_ = false;
        }
        log(0, "ZooKeeper authentication failed: check ZOOKEEPER_USER and ZOOKEEPER_SECRET");
    }
}

template <typename Start>
ZkReply ZooKeeperClient::call(Start&& start) {
    auto pending = std::make_shared<Pending>();
    {
        std::shared_lock lock(handle_mutex_);
        auto* zh = static_cast<zhandle_t*>(zh_);
        // While disconnected the library would queue the request: fail at once instead.
        if (!zh || zoo_state(zh) != ZOO_CONNECTED_STATE) return failed(ZCONNECTIONLOSS);
        auto* holder = new PendingRef(pending);
        int rc = start(zh, static_cast<const void*>(holder), *pending);
        if (rc != ZOK) {
            delete holder;
            return failed(rc);
        }
    }
    std::unique_lock lock(pending->mutex);
    if (!pending->cv.wait_for(lock, settings_.operation_timeout, [&] { return pending->done; })) {
        return failed(ZOPERATIONTIMEOUT);
    }
    return pending->reply;
}

ZkReply ZooKeeperClient::get(const std::string& path, bool watch) {
    return call([&](zhandle_t* zh, const void* data, Pending&) {
        return zoo_awget(zh, path.c_str(), watch ? &ZkCallbacks::watcher : nullptr,
                         watch ? this : nullptr, &data_done, data);
    });
}

ZkReply ZooKeeperClient::children(const std::string& path, bool watch) {
    return call([&](zhandle_t* zh, const void* data, Pending&) {
        return zoo_awget_children2(zh, path.c_str(), watch ? &ZkCallbacks::watcher : nullptr,
                                   watch ? this : nullptr, &strings_done, data);
    });
}

ZkReply ZooKeeperClient::exists(const std::string& path, bool watch) {
    return call([&](zhandle_t* zh, const void* data, Pending&) {
        return zoo_awexists(zh, path.c_str(), watch ? &ZkCallbacks::watcher : nullptr,
                            watch ? this : nullptr, &stat_done, data);
    });
}

ZkReply ZooKeeperClient::create(const std::string& path, std::string_view value, bool ephemeral,
                                bool sequential, bool private_acl) {
    return call([&](zhandle_t* zh, const void* data, Pending&) {
        return zoo_acreate2(zh, path.c_str(), value.data(), static_cast<int>(value.size()),
                            acl_for(settings_, private_acl), create_mode(ephemeral, sequential),
                            &created_done, data);
    });
}

ZkReply ZooKeeperClient::set(const std::string& path, std::string_view value, int version) {
    return call([&](zhandle_t* zh, const void* data, Pending&) {
        return zoo_aset(zh, path.c_str(), value.data(), static_cast<int>(value.size()), version,
                        &stat_done, data);
    });
}

ZkReply ZooKeeperClient::remove(const std::string& path, int version) {
    return call([&](zhandle_t* zh, const void* data, Pending&) {
        return zoo_adelete(zh, path.c_str(), version, &void_done, data);
    });
}

ZkReply ZooKeeperClient::set_acl(const std::string& path, bool private_acl) {
    return call([&](zhandle_t* zh, const void* data, Pending&) {
        return zoo_aset_acl(zh, path.c_str(), -1, acl_for(settings_, private_acl), &void_done,
                            data);
    });
}

ZkReply ZooKeeperClient::multi(const std::vector<ZkOp>& ops) {
    if (ops.empty()) return failed(ZOK);
    return call([&](zhandle_t* zh, const void* data, Pending& p) {
        const std::size_t n = ops.size();
        p.paths.reserve(n);
        p.values.reserve(n);
        p.ops.resize(n);
        p.results.resize(n);
        p.path_buffers.resize(n);
        p.stats.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            const ZkOp& op = ops[i];
            const char* path = p.paths.emplace_back(op.path).c_str();
            const std::string& value = p.values.emplace_back(op.data);
            switch (op.kind) {
                case ZkOp::Kind::kCreate:
                    p.path_buffers[i].resize(op.path.size() + 32);
                    zoo_create_op_init(
                        &p.ops[i], path, value.data(), static_cast<int>(value.size()),
                        acl_for(settings_, op.private_acl), create_mode(op.ephemeral, false),
                        p.path_buffers[i].data(), static_cast<int>(p.path_buffers[i].size()));
                    break;
                case ZkOp::Kind::kSet:
                    zoo_set_op_init(&p.ops[i], path, value.data(), static_cast<int>(value.size()),
                                    op.version, &p.stats[i]);
                    break;
                case ZkOp::Kind::kDelete:
                    zoo_delete_op_init(&p.ops[i], path, op.version);
                    break;
                case ZkOp::Kind::kCheck:
                    zoo_check_op_init(&p.ops[i], path, op.version);
                    break;
            }
        }
        return zoo_amulti(zh, static_cast<int>(n), p.ops.data(), p.results.data(), &multi_done,
                          data);
    });
}

bool ZooKeeperClient::wait_connected(std::chrono::milliseconds timeout) {
    std::unique_lock lock(state_mutex_);
    return state_cv_.wait_for(lock, timeout, [&] { return connected_ || stopping_; }) && connected_;
}

bool ZooKeeperClient::connected() const {
    std::lock_guard lock(state_mutex_);
    return connected_;
}

std::int64_t ZooKeeperClient::session_id() const {
    std::lock_guard lock(state_mutex_);
    return session_id_;
}

std::uint64_t ZooKeeperClient::generation() const {
    std::lock_guard lock(state_mutex_);
    return generation_;
}

std::chrono::milliseconds ZooKeeperClient::disconnected_for() const {
    std::lock_guard lock(state_mutex_);
    if (connected_) return std::chrono::milliseconds(0);
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 disconnected_since_);
}

std::chrono::milliseconds ZooKeeperClient::session_timeout() const {
    std::lock_guard lock(state_mutex_);
    return negotiated_timeout_ms_ > 0 ? std::chrono::milliseconds(negotiated_timeout_ms_)
                                      : settings_.session_timeout;
}

ZkStatus ZooKeeperClient::status() const {
    std::lock_guard lock(state_mutex_);
    ZkStatus out;
    out.connected = connected_;
    out.state = connected_     ? "connected"
                : auth_failed_ ? "authentication failed"
                : expired_     ? "session expired"
                               : "connecting";
    if (session_id_ != 0) out.session_id = session_id_;
    out.negotiated_timeout_ms = negotiated_timeout_ms_;
    out.expirations = expirations_;
    return out;
}

}  // namespace cosmos::adapters
