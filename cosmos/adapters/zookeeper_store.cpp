#include "cosmos/adapters/zookeeper_store.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <thread>
#include <utility>

#include "cosmos/core/error.h"
#include "cosmos/core/json.h"

namespace cosmos::adapters {

namespace {

// Cosmos's storage envelope of the repository list (cosmos-api.md §15.1).
constexpr std::string_view kListMediaType =
    "application/vnd.dcos.package.repository.repo-list+json;charset=utf-8;version=v1";

constexpr int kWriteTries = 5;

std::string random_instance() {
    std::random_device device;
    std::uint64_t value = (static_cast<std::uint64_t>(device()) << 32) ^ device();
    char buffer[20];
    std::snprintf(buffer, sizeof(buffer), "%016llx", static_cast<unsigned long long>(value));
    return buffer;
}

// Node names: letters, digits and "._~-" stay, everything else is %XX (never "/"; "." and
// ".." cannot occur, as a name joins two of these with "@").
std::string encode_segment(std::string_view text) {
    return core::percent_encode(text, "._~-");
}

// The sequence number ZooKeeper appended (10 digits) to a sequential node's name.
std::optional<std::int64_t> sequence_of(const std::string& name) {
    if (name.size() < 10) return std::nullopt;
    std::int64_t value = 0;
    for (std::size_t i = name.size() - 10; i < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9') return std::nullopt;
        value = value * 10 + (name[i] - '0');
    }
    return value;
}

// A record's restore point is kept in its node, its package definition gzipped and in base64,
// up to this size; a larger one is left out (the record then cannot be rolled back to), so a
// record stays far below ZooKeeper's 1 MB node limit.
constexpr std::size_t kMaxInlineRestoreBytes = 512 * 1024;

core::Json record_json(const app::OperationRecord& r, const core::Codec& codec) {
    core::Json out{{"operation", r.operation},
                   {"packageName", r.package_name},
                   {"packageVersion", r.package_version},
                   {"appId", r.app_id},
                   {"options", r.options},
                   {"appSha256", r.app_sha256},
                   {"outcome", r.outcome},
                   {"timeMs", r.time_ms}};
    if (r.error) out["error"] = *r.error;
    if (r.restore_point) {
        std::string blob = codec.gzip(r.restore_point->package_definition);
        if (blob.size() <= kMaxInlineRestoreBytes) {
            out["restorePoint"] = {{"encoding", "gzip"},
                                   {"definition", core::base64_encode(blob)},
                                   {"sourceUri", r.restore_point->source_uri}};
        }
    }
    if (r.rollback_of) out["rollbackOf"] = *r.rollback_of;
    return out;
}

app::OperationRecord parse_record(const std::string& data, std::int64_t id,
                                  const core::Codec& codec) {
    core::Json j = core::parse_json(data);
    app::OperationRecord r;
    r.id = id;
    r.operation = j.value("operation", "");
    r.package_name = j.value("packageName", "");
    r.package_version = j.value("packageVersion", "");
    r.app_id = j.value("appId", "");
    if (j.contains("options") && j["options"].is_object()) r.options = j["options"];
    r.app_sha256 = j.value("appSha256", "");
    r.outcome = j.value("outcome", "");
    if (j.contains("error") && !j["error"].is_null()) r.error = j["error"];
    r.time_ms = j.value("timeMs", std::int64_t{0});
    if (auto it = j.find("restorePoint"); it != j.end() && it->is_object()) {
        try {
            r.restore_point =
                app::RestorePoint{codec.gunzip(core::base64_decode(it->value("definition", ""))),
                                  it->value("sourceUri", "")};
        } catch (const std::exception&) {
            // An unreadable restore point: the record stays, without it.
        }
    }
    if (auto it = j.find("rollbackOf"); it != j.end() && it->is_number_integer()) {
        r.rollback_of = it->get<std::int64_t>();
    }
    return r;
}

core::Json package_json(const app::LocalPackage& p, const core::Json& definition_reference) {
    core::Json out{{"name", p.name},
                   {"version", p.version},
                   {"releaseVersion", p.release_version},
                   {"sha256", p.sha256},
                   {"status", p.status},
                   {"addedAtMs", p.added_at_ms},
                   {"definition", definition_reference}};
    if (p.error) out["error"] = *p.error;
    return out;
}

app::LocalPackage parse_package(const core::Json& j) {
    app::LocalPackage p;
    p.name = j.value("name", "");
    p.version = j.value("version", "");
    p.release_version = j.value("releaseVersion", std::int64_t{0});
    p.sha256 = j.value("sha256", "");
    p.status = j.value("status", "");
    if (j.contains("error") && !j["error"].is_null()) p.error = j["error"];
    p.added_at_ms = j.value("addedAtMs", std::int64_t{0});
    return p;
}

std::string definition_digest(const core::Json& reference) {
    if (!reference.is_object()) return "";
    return reference.value("sha256", "");
}

}  // namespace

// --- construction, following, notifications ---

ZooKeeperStore::ZooKeeperStore(Options options, app::RepositoryStore& local,
                               app::LocalPackageStore& local_packages)
    : options_(std::move(options)),
      local_(local),
      local_packages_(local_packages),
      instance_(random_instance()),
      list_path_(options_.path + "/package/repositories"),
      packages_path_(options_.path + "/local/packages"),
      chunks_path_(options_.path + "/local/chunks"),
      history_path_(options_.path + "/history"),
      jobs_path_(options_.path + "/jobs"),
      owners_path_(options_.path + "/job-owners") {
    // Serve the last known state at once; ZooKeeper's replaces it when it arrives.
    list_ = local_.list();
    for (auto& p : local_packages_.list_packages()) {
        std::string node = package_node(p.name, p.version);
        packages_[node] = CachedPackage{std::move(p), "", {}};
    }
    client_ = std::make_unique<ZooKeeperClient>(options_.zookeeper,
                                                [this](const ZkEvent& e) { on_event(e); });
    sync_thread_ = std::thread([this] { sync_loop(); });
    if (!wait_synced(options_.startup_wait) && options_.zookeeper.log) {
        options_.zookeeper.log(1, "ZooKeeper (" + options_.zookeeper.servers +
                                      ") not reachable yet: serving the last known repository "
                                      "list and local packages; writes fail until it is");
    }
}

ZooKeeperStore::~ZooKeeperStore() {
    {
        std::lock_guard lock(dirty_mutex_);
        stopping_ = true;
    }
    dirty_cv_.notify_all();
    if (sync_thread_.joinable()) sync_thread_.join();
    client_.reset();
}

void ZooKeeperStore::on_event(const ZkEvent& event) {
    {
        std::lock_guard lock(dirty_mutex_);
        switch (event.kind) {
            case ZkEvent::Kind::kNewSession:
                dirty_.structure = true;
                [[fallthrough]];
            case ZkEvent::Kind::kConnected:
                // Watches may have missed changes while away: read everything again.
                dirty_.repositories = dirty_.packages = dirty_.history = dirty_.jobs = true;
                break;
            case ZkEvent::Kind::kDisconnected:
                return;
            case ZkEvent::Kind::kNode:
                if (event.path == list_path_) {
                    dirty_.repositories = true;
                } else if (event.path == packages_path_) {
                    dirty_.packages = true;
                } else if (event.path == history_path_) {
                    dirty_.history = true;
                } else if (event.path == jobs_path_ ||
                           event.path.compare(0, owners_path_.size(), owners_path_) == 0) {
                    dirty_.jobs = true;
                }
                break;
        }
    }
    dirty_cv_.notify_all();
}

void ZooKeeperStore::sync_loop() {
    std::unique_lock lock(dirty_mutex_);
    while (!stopping_) {
        dirty_cv_.wait(lock, [&] { return stopping_ || dirty_.any(); });
        if (stopping_) return;
        Dirty work = std::exchange(dirty_, Dirty{});
        lock.unlock();
        Dirty failed;
        if (work.structure) failed.structure = !ensure_structure();
        if (!failed.structure) {
            if (work.repositories) failed.repositories = !sync_repositories();
            if (work.packages) failed.packages = !sync_packages();
            if (work.history) failed.history = !sync_history();
            if (work.jobs) failed.jobs = !sync_jobs();
        } else {
            failed = work;
        }
        if (!failed.any() && work.structure) {
            std::lock_guard cache(cache_mutex_);
            synced_ = true;
            synced_cv_.notify_all();
        }
        lock.lock();
        if (failed.any()) {
            // Lost the connection midway: a reconnection marks everything again. Still
            // connected (a slow or refused read): try again shortly.
            if (client_->connected()) {
                dirty_.repositories |= failed.repositories;
                dirty_.packages |= failed.packages;
                dirty_.history |= failed.history;
                dirty_.jobs |= failed.jobs;
                dirty_.structure |= failed.structure;
                dirty_cv_.wait_for(lock, std::chrono::milliseconds(500), [&] { return stopping_; });
            }
        }
    }
}

bool ZooKeeperStore::wait_synced(std::chrono::milliseconds timeout) {
    std::unique_lock lock(cache_mutex_);
    return synced_cv_.wait_for(lock, timeout, [&] { return synced_; });
}

void ZooKeeperStore::subscribe(std::function<void(app::SharedState)> listener) {
    std::lock_guard lock(listeners_mutex_);
    listeners_.push_back(std::move(listener));
}

void ZooKeeperStore::notify(app::SharedState what) {
    std::vector<std::function<void(app::SharedState)>> listeners;
    {
        std::lock_guard lock(listeners_mutex_);
        listeners = listeners_;
    }
    for (auto& l : listeners)
        l(what);
}

void ZooKeeperStore::note_change(std::int64_t mtime_ms) {
    std::lock_guard lock(cache_mutex_);
    if (!last_change_ms_ || mtime_ms > *last_change_ms_) last_change_ms_ = mtime_ms;
}

app::StoreStatus ZooKeeperStore::store_status() {
    ZkStatus zk = client_->status();
    app::StoreStatus status;
    status.backend = "zookeeper";
    status.connected = zk.connected;
    status.state = zk.state;
    status.servers = options_.zookeeper.servers;
    if (zk.session_id) {
        char buffer[32];
        std::snprintf(buffer, sizeof(buffer), "0x%llx",
                      static_cast<unsigned long long>(*zk.session_id));
        status.session_id = buffer;
    }
    status.session_timeout_ms = zk.negotiated_timeout_ms;
    status.session_expirations = zk.expirations;
    std::lock_guard lock(cache_mutex_);
    status.last_change_ms = last_change_ms_;
    return status;
}

// --- helpers ---

std::string ZooKeeperStore::next_write_id() {
    return instance_ + "-" + std::to_string(++writes_);
}

void ZooKeeperStore::fail(const ZkReply& reply, std::string_view action,
                          const std::string& path) const {
    if (options_.zookeeper.log) {
        options_.zookeeper.log(
            1, "ZooKeeper: " + std::string(action) + " " + path + " failed: " + reply.error_text());
    }
    if (reply.connection_error()) throw core::service_unavailable("zookeeper");
    throw core::unhandled_exception("ZooKeeper refused to " + std::string(action) + " " + path +
                                    ": " + reply.error_text() +
                                    (reply.rc == -102 ? " (check ZOOKEEPER_USER and "
                                                        "ZOOKEEPER_SECRET)"
                                                      : ""));
}

void ZooKeeperStore::log_unknown_outcome(const std::string& path, const ZkReply& reply) const {
    if (options_.zookeeper.log) {
        options_.zookeeper.log(1, "ZooKeeper: the outcome of a write to " + path + " was lost (" +
                                      reply.error_text() + "); checking it before anything else");
    }
}

bool ZooKeeperStore::wait_connected(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return left.count() > 0 && client_->wait_connected(left);
}

ZkReply ZooKeeperStore::read_when_connected(std::chrono::steady_clock::time_point deadline,
                                            const std::function<ZkReply()>& read) {
    // A read is safe to repeat: after a lost connection the first one may still fail while the
    // client notices, so it is tried again until it answers or the deadline passes.
    ZkReply reply = read();
    while (reply.connection_error() && wait_connected(deadline)) {
        reply = read();
        if (reply.connection_error()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return reply;
}

std::string ZooKeeperStore::encode_list(const std::vector<app::RepositoryRef>& list) const {
    core::Json array = core::Json::array();
    for (const auto& r : list)
        array.push_back(core::Json{{"name", r.name}, {"uri", r.uri}});
    core::Json envelope{
        {"metadata", {{"Content-Type", kListMediaType}, {"Content-Encoding", "gzip"}}},
        {"data", core::base64_encode(options_.codec.gzip(core::to_compact(array)))}};
    return core::to_compact(envelope);
}

std::vector<app::RepositoryRef> ZooKeeperStore::decode_list(const std::string& data) const {
    core::Json envelope = core::parse_json(data);
    std::string bytes = core::base64_decode(envelope.at("data").get<std::string>());
    const core::Json& metadata = envelope.at("metadata");
    if (metadata.value("Content-Encoding", "") == "gzip") bytes = options_.codec.gunzip(bytes);
    std::vector<app::RepositoryRef> out;
    for (const auto& item : core::parse_json(bytes)) {
        out.push_back({item.at("name").get<std::string>(), item.at("uri").get<std::string>()});
    }
    return out;
}

std::string ZooKeeperStore::package_node(const std::string& name,
                                         const std::string& version) const {
    return encode_segment(name) + "@" + encode_segment(version);
}

bool ZooKeeperStore::ensure_structure() {
    // The path itself, then the folders under it.
    std::vector<std::string> folders;
    for (std::size_t at = options_.path.find('/', 1); at != std::string::npos;
         at = options_.path.find('/', at + 1)) {
        folders.push_back(options_.path.substr(0, at));
    }
    folders.push_back(options_.path);
    for (const char* sub : {"/package", "/local", "/local/packages", "/local/chunks", "/history",
                            "/jobs", "/job-owners"}) {
        folders.push_back(options_.path + sub);
    }
    for (const auto& folder : folders) {
        // Look first: creating a node that exists is refused for want of rights on its parent
        // before it is refused for existing, and read rights are all an instance may have.
        auto e = client_->exists(folder);
        if (e.ok()) continue;
        if (!e.no_node()) return false;
        auto r = client_->create(folder, "");
        if (!r.ok() && !r.node_exists()) return false;
    }
    if (options_.zookeeper.digest && !acls_applied_) {
        // Cosmos: the ACLs are put again on every node under the path at start-up.
        apply_acls(options_.path);
        acls_applied_ = true;
    }
    return true;
}

void ZooKeeperStore::apply_acls(const std::string& path) {
    bool private_acl = path.compare(0, jobs_path_.size() + 1, jobs_path_ + "/") == 0;
    client_->set_acl(path, private_acl);
    auto kids = client_->children(path);
    if (!kids.ok()) return;
    for (const auto& kid : kids.children)
        apply_acls(path + "/" + kid);
}

// --- the repository list ---

bool ZooKeeperStore::sync_repositories() {
    auto r = client_->get(list_path_, true);
    if (r.no_node()) {
        // Watch for its creation; a new ensemble gets the defaults, as Cosmos did.
        auto e = client_->exists(list_path_, true);
        if (!e.ok() && !e.no_node()) return false;
        if (e.ok()) return sync_repositories();
        if (!options_.create_list) return true;
        auto c = client_->create(list_path_, encode_list(options_.default_repositories));
        if (!c.ok() && !c.node_exists()) return false;
        return sync_repositories();
    }
    if (!r.ok()) return false;
    std::vector<app::RepositoryRef> list;
    try {
        list = decode_list(r.data);
    } catch (const std::exception& e) {
        if (options_.zookeeper.log) {
            options_.zookeeper.log(0, "ZooKeeper: the repository list at " + list_path_ +
                                          " does not decode (" + e.what() +
                                          "); keeping the last good one");
        }
        return true;
    }
    bool changed = false;
    {
        std::lock_guard lock(cache_mutex_);
        bool newer = r.stat.czxid != list_czxid_ || r.stat.version > list_version_;
        if (newer) {
            changed = list != list_;
            list_ = list;
            list_version_ = r.stat.version;
            list_czxid_ = r.stat.czxid;
        }
    }
    note_change(r.stat.mtime);
    if (changed) {
        mirror_list(list);
        notify(app::SharedState::kRepositories);
    }
    return true;
}

void ZooKeeperStore::mirror_list(const std::vector<app::RepositoryRef>& list) {
    try {
        local_.update([&](const std::vector<app::RepositoryRef>&) { return list; });
    } catch (const std::exception&) {
        // The local copy only speeds up a restart without ZooKeeper.
    }
}

std::vector<app::RepositoryRef> ZooKeeperStore::list() {
    std::lock_guard lock(cache_mutex_);
    return list_;
}

std::vector<app::RepositoryRef> ZooKeeperStore::update(
    const std::function<std::vector<app::RepositoryRef>(const std::vector<app::RepositoryRef>&)>&
        change) {
    const auto deadline = std::chrono::steady_clock::now() + options_.zookeeper.operation_timeout;
    for (int attempt = 0; attempt < kWriteTries; ++attempt) {
        auto current = client_->get(list_path_);
        std::vector<app::RepositoryRef> list;
        bool missing = current.no_node();
        if (missing) {
            list = options_.default_repositories;
        } else if (!current.ok()) {
            fail(current, "read", list_path_);
        } else {
            try {
                list = decode_list(current.data);
            } catch (const std::exception& e) {
                throw core::unhandled_exception("The repository list in ZooKeeper at " +
                                                list_path_ + " does not decode: " + e.what());
            }
        }
        // Whatever change throws (RepositoryAlreadyPresent, ...) reaches the caller unchanged.
        std::vector<app::RepositoryRef> next = change(list);
        std::string data = encode_list(next);
        if (options_.before_write) options_.before_write();
        ZkReply written = missing ? client_->create(list_path_, data)
                                  : client_->set(list_path_, data, current.stat.version);
        if (written.connection_error()) {
            // The write may or may not have happened: look before doing anything else.
            log_unknown_outcome(list_path_, written);
            if (!wait_connected(deadline)) fail(written, "write", list_path_);
            auto now = read_when_connected(deadline, [&] { return client_->get(list_path_); });
            if (!now.ok()) fail(now, "read", list_path_);
            if (now.data == data) {
                written = now;
            } else if (!missing && now.stat.version == current.stat.version) {
                continue;  // not applied: safe to try again
            } else {
                throw core::concurrent_access();
            }
        } else if (written.bad_version() || written.node_exists() || written.no_node()) {
            continue;  // another instance wrote first: apply the change to its list
        } else if (!written.ok()) {
            fail(written, "write", list_path_);
        }
        {
            std::lock_guard lock(cache_mutex_);
            if (written.stat.czxid != list_czxid_ || written.stat.version > list_version_) {
                list_ = next;
                list_version_ = written.stat.version;
                list_czxid_ = written.stat.czxid;
            }
        }
        note_change(written.stat.mtime);
        mirror_list(next);
        return next;
    }
    throw core::concurrent_access();
}

std::optional<app::StoredContent> ZooKeeperStore::load_content(const std::string& uri) {
    return local_.load_content(uri);
}

void ZooKeeperStore::save_content(const app::StoredContent& content) {
    local_.save_content(content);
}

void ZooKeeperStore::drop_content(const std::string& uri) {
    local_.drop_content(uri);
}

// --- operation records ---

bool ZooKeeperStore::sync_history() {
    auto kids = client_->children(history_path_, true);
    if (!kids.ok()) return kids.no_node();
    std::map<std::int64_t, std::string> present;
    for (const auto& name : kids.children) {
        if (auto seq = sequence_of(name)) present[*seq] = name;
    }
    std::vector<std::pair<std::int64_t, std::string>> missing;
    {
        std::lock_guard lock(cache_mutex_);
        for (auto it = history_.begin(); it != history_.end();) {
            it = present.count(it->first) ? std::next(it) : history_.erase(it);
        }
        for (const auto& [seq, name] : present) {
            if (!history_.count(seq)) missing.emplace_back(seq, name);
        }
    }
    std::int64_t newest = 0;
    for (const auto& [seq, name] : missing) {
        auto r = client_->get(history_path_ + "/" + name);
        if (r.no_node()) continue;  // removed by the retention meanwhile
        if (!r.ok()) return false;
        try {
            auto record = parse_record(r.data, seq, options_.codec);
            newest = std::max(newest, r.stat.ctime);
            std::lock_guard lock(cache_mutex_);
            history_[seq] = {name, std::move(record)};
        } catch (const std::exception&) {
            // A record we cannot read is left out of the history.
        }
    }
    if (!missing.empty()) {
        note_change(newest);
        notify(app::SharedState::kHistory);
    }
    return true;
}

std::int64_t ZooKeeperStore::record(const app::OperationRecord& record) {
    const auto deadline = std::chrono::steady_clock::now() + options_.zookeeper.operation_timeout;
    const std::string prefix = "r-" + next_write_id() + "-";
    const std::string data = core::to_compact(record_json(record, options_.codec));
    std::optional<std::pair<std::int64_t, std::string>> stored;
    for (int attempt = 0; attempt < kWriteTries && !stored; ++attempt) {
        if (options_.before_write) options_.before_write();
        auto created = client_->create(history_path_ + "/" + prefix, data, false, true);
        if (created.ok()) {
            std::string name = created.created.substr(created.created.rfind('/') + 1);
            stored = {sequence_of(name).value_or(0), name};
            note_change(created.stat.ctime);
        } else if (created.connection_error()) {
            // Sequential names differ on every try, so a retry could store the record twice:
            // look for this write's name first (it carries the write id).
            log_unknown_outcome(history_path_, created);
            if (!wait_connected(deadline)) fail(created, "create a record in", history_path_);
            auto kids =
                read_when_connected(deadline, [&] { return client_->children(history_path_); });
            if (!kids.ok()) fail(kids, "list", history_path_);
            for (const auto& name : kids.children) {
                if (name.compare(0, prefix.size(), prefix) == 0) {
                    stored = {sequence_of(name).value_or(0), name};
                }
            }
        } else {
            fail(created, "create a record in", history_path_);
        }
    }
    if (!stored) throw core::service_unavailable("zookeeper");
    app::OperationRecord copy = record;
    copy.id = stored->first;
    std::vector<std::pair<std::int64_t, std::string>> expired;
    {
        std::lock_guard lock(cache_mutex_);
        history_[stored->first] = {stored->second, copy};
        while (history_.size() > options_.history_limit) {
            expired.emplace_back(history_.begin()->first, history_.begin()->second.first);
            history_.erase(history_.begin());
        }
    }
    for (const auto& [seq, name] : expired) {
        // Records never change, so version 0 is the only version they have.
        client_->remove(history_path_ + "/" + name, 0);
    }
    return copy.id;
}

std::optional<app::OperationRecord> ZooKeeperStore::find(std::int64_t id) {
    auto cached = [&]() -> std::optional<app::OperationRecord> {
        std::lock_guard lock(cache_mutex_);
        auto it = history_.find(id);
        if (it == history_.end()) return std::nullopt;
        return it->second.second;
    };
    if (auto record = cached()) return record;
    // Written by another instance a moment ago, before its watch reached this one.
    sync_history();
    return cached();
}

std::vector<app::OperationRecord> ZooKeeperStore::history(const app::HistoryFilter& filter) {
    std::lock_guard lock(cache_mutex_);
    std::vector<app::OperationRecord> out;
    for (auto it = history_.rbegin(); it != history_.rend() && out.size() < filter.limit; ++it) {
        const auto& r = it->second.second;
        if (filter.app_id && r.app_id != *filter.app_id) continue;
        if (filter.package_name && r.package_name != *filter.package_name) continue;
        out.push_back(r);
    }
    return out;
}

// --- local packages ---

std::optional<core::Json> ZooKeeperStore::fetch_definition(const core::Json& reference) {
    std::string blob;
    for (const auto& chunk : reference.at("chunks")) {
        std::string name = chunk.get<std::string>();
        auto r = client_->get(chunks_path_ + "/" + name);
        if (r.connection_error()) fail(r, "read", chunks_path_ + "/" + name);
        if (!r.ok() || options_.sha256(r.data) != name) return std::nullopt;
        blob += r.data;
    }
    if (options_.sha256(blob) != reference.value("sha256", "")) return std::nullopt;
    return core::parse_json(options_.codec.gunzip(blob));
}

bool ZooKeeperStore::sync_packages() {
    auto guard = client_->get(packages_path_, true);
    if (!guard.ok()) return guard.no_node();
    std::map<std::string, CachedPackage> before;
    {
        std::lock_guard lock(cache_mutex_);
        if (guard.stat.czxid == packages_czxid_ && guard.stat.version <= packages_version_) {
            return true;  // the copy is current
        }
        before = packages_;
    }
    auto kids = client_->children(packages_path_);
    if (!kids.ok()) return false;
    std::map<std::string, CachedPackage> after;
    try {
        for (const auto& node : kids.children) {
            auto r = client_->get(packages_path_ + "/" + node);
            if (r.no_node()) continue;
            if (!r.ok()) return false;
            core::Json j = core::parse_json(r.data);
            CachedPackage cached;
            cached.record = parse_package(j);
            const core::Json& reference = j.contains("definition") ? j["definition"] : j;
            cached.definition_digest = definition_digest(reference);
            if (reference.contains("chunks")) {
                for (const auto& c : reference["chunks"])
                    cached.chunks.push_back(c.get<std::string>());
            }
            auto old = before.find(node);
            if (old != before.end() && old->second.definition_digest == cached.definition_digest &&
                !cached.definition_digest.empty()) {
                cached.record.definition = old->second.record.definition;
            } else if (auto definition = fetch_definition(reference)) {
                cached.record.definition = std::move(*definition);
            } else {
                // Shown as Invalid in the local listing, left out of the catalog.
                cached.record.definition = nullptr;
                if (options_.zookeeper.log) {
                    options_.zookeeper.log(1, "ZooKeeper: the definition of local package " + node +
                                                  " is incomplete in " + chunks_path_);
                }
            }
            after[node] = std::move(cached);
        }
    } catch (const core::Error&) {
        return false;
    } catch (const std::exception&) {
        return true;  // a record that does not parse: keep what is served
    }
    {
        std::lock_guard lock(cache_mutex_);
        if (guard.stat.czxid == packages_czxid_ && guard.stat.version <= packages_version_) {
            return true;  // a write of ours got there first, with a newer copy
        }
        packages_ = after;
        packages_version_ = guard.stat.version;
        packages_czxid_ = guard.stat.czxid;
    }
    note_change(guard.stat.mtime);
    mirror_packages(before, after);
    notify(app::SharedState::kLocalPackages);
    return true;
}

void ZooKeeperStore::mirror_packages(const std::map<std::string, CachedPackage>& before,
                                     const std::map<std::string, CachedPackage>& after) {
    try {
        for (const auto& [node, p] : before) {
            if (!after.count(node)) local_packages_.remove(p.record.name, p.record.version);
        }
        for (const auto& [node, p] : after) {
            auto old = before.find(node);
            bool same = old != before.end() &&
                        old->second.definition_digest == p.definition_digest &&
                        old->second.record.status == p.record.status &&
                        old->second.record.release_version == p.record.release_version;
            if (!same && !p.record.definition.is_null()) local_packages_.put(p.record, true);
        }
    } catch (const std::exception&) {
        // The local copy only speeds up a restart without ZooKeeper.
    }
}

void ZooKeeperStore::put(const app::LocalPackage& package, bool replace) {
    const auto deadline = std::chrono::steady_clock::now() + options_.zookeeper.operation_timeout;
    std::string blob = options_.codec.gzip(core::to_compact(package.definition));
    if (blob.size() > kMaxDefinitionBytes) {
        throw core::payload_too_large("Package definition (gzipped)", kMaxDefinitionBytes);
    }
    // Chunks first, named by their digest: writing one again is harmless, and a reader only
    // follows a record, which comes last.
    core::Json chunks = core::Json::array();
    for (std::size_t at = 0; at < blob.size() || at == 0; at += kChunkBytes) {
        std::string chunk = blob.substr(at, kChunkBytes);
        std::string name = options_.sha256(chunk);
        auto r = client_->create(chunks_path_ + "/" + name, chunk);
        if (!r.ok() && !r.node_exists()) fail(r, "store a chunk in", chunks_path_);
        chunks.push_back(name);
        if (blob.empty()) break;
    }
    const std::string digest = options_.sha256(blob);
    const core::Json reference{
        {"encoding", "gzip"}, {"size", blob.size()}, {"sha256", digest}, {"chunks", chunks}};
    const std::string node = package_node(package.name, package.version);
    const std::string path = packages_path_ + "/" + node;
    const std::string data = core::to_compact(package_json(package, reference));
    const std::string name_prefix = encode_segment(package.name) + "@";

    for (int attempt = 0; attempt < kWriteTries; ++attempt) {
        auto guard = client_->get(packages_path_);
        if (!guard.ok()) fail(guard, "read", packages_path_);
        auto kids = client_->children(packages_path_);
        if (!kids.ok()) fail(kids, "list", packages_path_);
        std::optional<int> existing_version;
        for (const auto& kid : kids.children) {
            if (kid.compare(0, name_prefix.size(), name_prefix) != 0) continue;
            auto r = client_->get(packages_path_ + "/" + kid);
            if (r.no_node()) continue;
            if (!r.ok()) fail(r, "read", packages_path_ + "/" + kid);
            if (kid == node) {
                existing_version = r.stat.version;
                continue;
            }
            // Another version of the package with our releaseVersion: the caller numbered it
            // from a view that another instance has since changed.
            if (core::parse_json(r.data).value("releaseVersion", std::int64_t{-1}) ==
                package.release_version) {
                throw core::concurrent_access();
            }
        }
        if (existing_version && !replace) {
            throw core::package_version_exists(package.name, package.version);
        }
        const std::string mark = core::to_compact(core::Json{{"writeId", next_write_id()}});
        std::vector<ZkOp> ops = {
            ZkOp::set(packages_path_, mark, guard.stat.version),
            existing_version ? ZkOp::set(path, data, *existing_version) : ZkOp::create(path, data)};
        auto written = client_->multi(ops);
        if (written.connection_error()) {
            log_unknown_outcome(path, written);
            if (!wait_connected(deadline)) fail(written, "write", path);
            auto now = read_when_connected(deadline, [&] { return client_->get(packages_path_); });
            if (!now.ok()) fail(now, "read", packages_path_);
            if (now.data != mark) {
                if (now.stat.version == guard.stat.version) continue;  // not applied
                auto record = client_->get(path);
                if (!record.ok() || record.data != data) continue;  // not ours: check again
            }
        } else if (written.bad_version() || written.node_exists() || written.no_node()) {
            continue;  // another instance changed the packages: check everything again
        } else if (!written.ok()) {
            fail(written, "write", path);
        }
        std::map<std::string, CachedPackage> before, after;
        {
            std::lock_guard lock(cache_mutex_);
            before = packages_;
            CachedPackage cached{package, digest, chunks.get<std::vector<std::string>>()};
            packages_[node] = std::move(cached);
            after = packages_;
            // The copy stays marked current only when it was current before this write.
            if (packages_czxid_ == guard.stat.czxid && packages_version_ == guard.stat.version) {
                packages_version_ = guard.stat.version + 1;
            }
        }
        note_change(std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count());
        mirror_packages(before, after);
        if (existing_version) collect_chunks();
        return;
    }
    throw core::concurrent_access();
}

bool ZooKeeperStore::remove(const std::string& name, const std::string& version) {
    const auto deadline = std::chrono::steady_clock::now() + options_.zookeeper.operation_timeout;
    const std::string node = package_node(name, version);
    const std::string path = packages_path_ + "/" + node;
    for (int attempt = 0; attempt < kWriteTries; ++attempt) {
        auto guard = client_->get(packages_path_);
        if (!guard.ok()) fail(guard, "read", packages_path_);
        auto record = client_->get(path);
        if (record.no_node()) return false;
        if (!record.ok()) fail(record, "read", path);
        const std::string mark = core::to_compact(core::Json{{"writeId", next_write_id()}});
        auto written = client_->multi({ZkOp::set(packages_path_, mark, guard.stat.version),
                                       ZkOp::remove(path, record.stat.version)});
        if (written.connection_error()) {
            if (!wait_connected(deadline)) fail(written, "delete", path);
            auto now = read_when_connected(deadline, [&] { return client_->get(packages_path_); });
            if (!now.ok()) fail(now, "read", packages_path_);
            if (now.data != mark) continue;  // not applied, or another change: check again
        } else if (written.bad_version() || written.no_node()) {
            continue;
        } else if (!written.ok()) {
            fail(written, "delete", path);
        }
        std::map<std::string, CachedPackage> before, after;
        {
            std::lock_guard lock(cache_mutex_);
            before = packages_;
            packages_.erase(node);
            after = packages_;
            if (packages_czxid_ == guard.stat.czxid && packages_version_ == guard.stat.version) {
                packages_version_ = guard.stat.version + 1;
            }
        }
        mirror_packages(before, after);
        collect_chunks();
        return true;
    }
    throw core::concurrent_access();
}

void ZooKeeperStore::collect_chunks() {
    // Chunks are shared by content, so one is removed only when no record names it; a young one
    // may belong to a publish whose record is not written yet.
    auto kids = client_->children(packages_path_);
    if (!kids.ok()) return;
    std::set<std::string> referenced;
    for (const auto& node : kids.children) {
        auto r = client_->get(packages_path_ + "/" + node);
        if (!r.ok()) {
            if (r.no_node()) continue;
            return;
        }
        try {
            core::Json j = core::parse_json(r.data);
            for (const auto& c : j.at("definition").at("chunks"))
                referenced.insert(c.get<std::string>());
        } catch (const std::exception&) {
            return;  // not sure what it refers to: remove nothing
        }
    }
    auto chunks = client_->children(chunks_path_);
    if (!chunks.ok()) return;
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    const auto grace_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(kChunkGrace).count();
    for (const auto& chunk : chunks.children) {
        if (referenced.count(chunk)) continue;
        auto e = client_->exists(chunks_path_ + "/" + chunk);
        if (e.ok() && now_ms - e.stat.ctime > grace_ms) {
            client_->remove(chunks_path_ + "/" + chunk, e.stat.version);
        }
    }
}

std::vector<app::LocalPackage> ZooKeeperStore::list_packages() {
    std::vector<app::LocalPackage> out;
    {
        std::lock_guard lock(cache_mutex_);
        for (const auto& [node, p] : packages_)
            out.push_back(p.record);
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        if (a.name != b.name) return a.name < b.name;
        if (a.release_version != b.release_version) return a.release_version < b.release_version;
        return a.version < b.version;
    });
    return out;
}

// --- migration ---

bool ZooKeeperStore::empty() {
    auto list = client_->exists(list_path_);
    if (list.ok()) return false;
    if (!list.no_node()) fail(list, "read", list_path_);
    for (const auto& folder : {packages_path_, history_path_, jobs_path_}) {
        auto kids = client_->children(folder);
        if (kids.no_node()) continue;
        if (!kids.ok()) fail(kids, "list", folder);
        if (!kids.children.empty()) return false;
    }
    return true;
}

void ZooKeeperStore::clear() {
    std::function<void(const std::string&)> remove_tree = [&](const std::string& path) {
        auto kids = client_->children(path);
        if (kids.no_node()) return;
        if (!kids.ok()) fail(kids, "list", path);
        for (const auto& kid : kids.children)
            remove_tree(path + "/" + kid);
        auto r = client_->remove(path, -1);
        if (!r.ok() && !r.no_node()) fail(r, "delete", path);
    };
    remove_tree(options_.path);
    if (!ensure_structure()) throw core::service_unavailable("zookeeper");
    {
        std::lock_guard lock(cache_mutex_);
        list_.clear();
        list_version_ = -1;
        list_czxid_ = 0;
        packages_.clear();
        packages_version_ = -1;
        packages_czxid_ = 0;
        history_.clear();
        jobs_.clear();
    }
}

}  // namespace cosmos::adapters
