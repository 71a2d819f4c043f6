// ZooKeeperStore's jobs: <path>/jobs/<id> holds a job, <path>/job-owners/<id> (ephemeral) names
// the instance that carries it. When that instance's session ends, the owner node goes and the
// other instances, which watch it, race to create it again: one wins and carries the job on.
#include <algorithm>

#include "cosmos/adapters/zookeeper_store.h"
#include "cosmos/core/error.h"
#include "cosmos/core/json.h"

namespace cosmos::adapters {

namespace {

core::Json job_json(const app::Job& job) {
    return core::Json{{"kind", job.kind}, {"data", job.data}, {"createdMs", job.created_ms}};
}

app::Job parse_job(const std::string& id, const std::string& data) {
    core::Json j = core::parse_json(data);
    app::Job job;
    job.id = id;
    job.kind = j.value("kind", "");
    if (j.contains("data")) job.data = j["data"];
    job.created_ms = j.value("createdMs", std::int64_t{0});
    return job;
}

}  // namespace

class ZooKeeperStore::Claim : public app::JobClaim {
public:
    Claim(ZooKeeperClient& client, std::string owner_path, std::uint64_t generation)
        : client_(client), owner_path_(std::move(owner_path)), generation_(generation) {}

    ~Claim() override {
        // Let another instance take the job at once instead of after our session ends.
        if (!held()) return;
        auto owner = client_.get(owner_path_);
        if (owner.ok() && owner.stat.ephemeral_owner == client_.session_id()) {
            client_.remove(owner_path_, owner.stat.version);
        }
    }

    bool held() const override {
        // A session cut off for longer than its timeout has probably expired on the servers,
        // and another instance may already carry the job.
        return client_.generation() == generation_ &&
               client_.disconnected_for() < client_.session_timeout();
    }

private:
    ZooKeeperClient& client_;
    std::string owner_path_;
    std::uint64_t generation_;
};

bool ZooKeeperStore::sync_jobs() {
    auto kids = client_->children(jobs_path_, true);
    if (!kids.ok()) return kids.no_node();
    std::map<std::string, CachedJob> after;
    bool orphans = false;
    for (const auto& id : kids.children) {
        auto r = client_->get(jobs_path_ + "/" + id);
        if (r.no_node()) continue;
        if (!r.ok()) return false;
        // Set a watch on the owner whether or not it exists: its deletion (its carrier died)
        // and its creation both matter.
        auto owner = client_->exists(owners_path_ + "/" + id, true);
        if (!owner.ok() && !owner.no_node()) return false;
        try {
            after[id] = CachedJob{parse_job(id, r.data), owner.ok()};
            orphans |= !owner.ok();
        } catch (const std::exception&) {
            // A job we cannot read stays where it is for an instance that can.
        }
    }
    bool changed = false;
    {
        std::lock_guard lock(cache_mutex_);
        changed = after.size() != jobs_.size() ||
                  !std::equal(after.begin(), after.end(), jobs_.begin(), [](auto& a, auto& b) {
                      return a.first == b.first && a.second.owned == b.second.owned;
                  });
        jobs_ = std::move(after);
    }
    if (changed || orphans) notify(app::SharedState::kJobs);
    return true;
}

std::unique_ptr<app::JobClaim> ZooKeeperStore::submit(app::Job& job) {
    const auto deadline = std::chrono::steady_clock::now() + options_.zookeeper.operation_timeout;
    job.id = "job-" + next_write_id();
    const std::string path = jobs_path_ + "/" + job.id;
    const std::string owner = owners_path_ + "/" + job.id;
    // The job may carry the caller's Authorization: only our authenticated user may read it.
    auto written = client_->multi({ZkOp::create(path, core::to_compact(job_json(job)), false, true),
                                   ZkOp::create(owner, instance_, true)});
    if (written.connection_error()) {
        if (!wait_connected(deadline)) fail(written, "store a job in", jobs_path_);
        auto stored = client_->exists(path);
        if (stored.no_node()) {
            written =
                client_->multi({ZkOp::create(path, core::to_compact(job_json(job)), false, true),
                                ZkOp::create(owner, instance_, true)});
            if (!written.ok()) fail(written, "store a job in", jobs_path_);
        } else if (stored.ok()) {
            // Stored; the claim may have gone with an expired session.
            if (auto claim = try_claim(job.id)) {
                std::lock_guard lock(cache_mutex_);
                jobs_[job.id] = CachedJob{job, true};
                return claim;
            }
            finish(job.id);
            throw core::service_unavailable("zookeeper");
        } else {
            fail(stored, "read", path);
        }
    } else if (!written.ok()) {
        fail(written, "store a job in", jobs_path_);
    }
    std::lock_guard lock(cache_mutex_);
    jobs_[job.id] = CachedJob{job, true};
    return std::make_unique<Claim>(*client_, owner, client_->generation());
}

void ZooKeeperStore::update(const app::Job& job) {
    const std::string path = jobs_path_ + "/" + job.id;
    auto current = client_->get(path);
    if (current.no_node()) return;
    if (!current.ok()) fail(current, "read", path);
    // Only the carrier writes a job, so a lost race means the job changed hands: leave it.
    auto written = client_->set(path, core::to_compact(job_json(job)), current.stat.version);
    if (!written.ok() && !written.bad_version() && !written.no_node()) {
        fail(written, "update", path);
    }
    std::lock_guard lock(cache_mutex_);
    if (auto it = jobs_.find(job.id); it != jobs_.end()) it->second.job = job;
}

void ZooKeeperStore::finish(const std::string& id) {
    const std::string path = jobs_path_ + "/" + id;
    const std::string owner_path = owners_path_ + "/" + id;
    for (int attempt = 0; attempt < 5; ++attempt) {
        auto job = client_->exists(path);
        if (job.no_node()) break;
        if (!job.ok()) fail(job, "read", path);
        std::vector<ZkOp> ops = {ZkOp::remove(path, job.stat.version)};
        auto owner = client_->exists(owner_path);
        if (owner.ok() && owner.stat.ephemeral_owner == client_->session_id()) {
            ops.push_back(ZkOp::remove(owner_path, owner.stat.version));
        }
        auto done = client_->multi(ops);
        if (done.ok()) break;
        // Gone already, or changed meanwhile: look again. Unknown outcome: the next look tells.
        if (done.connection_error() && !client_->wait_connected(std::chrono::seconds(1))) {
            fail(done, "delete", path);
        }
    }
    std::lock_guard lock(cache_mutex_);
    jobs_.erase(id);
}

std::vector<app::Job> ZooKeeperStore::jobs() {
    std::vector<app::Job> out;
    {
        std::lock_guard lock(cache_mutex_);
        for (const auto& [id, cached] : jobs_)
            out.push_back(cached.job);
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.created_ms < b.created_ms; });
    return out;
}

std::unique_ptr<app::JobClaim> ZooKeeperStore::try_claim(const std::string& id) {
    const std::string owner = owners_path_ + "/" + id;
    const std::uint64_t generation = client_->generation();
    auto created = client_->create(owner, instance_, true);
    if (created.node_exists()) {
        // Ours already, when an earlier create's answer was lost with the connection.
        auto current = client_->get(owner);
        if (!current.ok() || current.stat.ephemeral_owner != client_->session_id()) return nullptr;
    } else if (!created.ok()) {
        return nullptr;
    }
    auto claim = std::make_unique<Claim>(*client_, owner, generation);
    auto job = client_->exists(jobs_path_ + "/" + id);
    if (!job.ok()) return nullptr;  // finished meanwhile: the claim is released on return
    if (options_.zookeeper.log) {
        options_.zookeeper.log(2, "carrying job " + id + " (its previous carrier is gone)");
    }
    return claim;
}

}  // namespace cosmos::adapters
