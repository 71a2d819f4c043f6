#pragma once

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cosmos/app/ports.h"
#include "cosmos/core/error.h"

namespace universe_test {

/// RepositoryStore in memory.
class MemoryRepositoryStore : public cosmos::app::RepositoryStore {
public:
    explicit MemoryRepositoryStore(std::vector<cosmos::app::RepositoryRef> refs)
        : refs_(std::move(refs)) {}
    std::vector<cosmos::app::RepositoryRef> list() override { return refs_; }
    std::vector<cosmos::app::RepositoryRef> update(
        const std::function<std::vector<cosmos::app::RepositoryRef>(
            const std::vector<cosmos::app::RepositoryRef>&)>& change) override {
        refs_ = change(refs_);
        return refs_;
    }
    std::optional<cosmos::app::StoredContent> load_content(const std::string& uri) override {
        auto it = content_.find(uri);
        if (it == content_.end()) return std::nullopt;
        return it->second;
    }
    void save_content(const cosmos::app::StoredContent& content) override {
        content_[content.uri] = content;
    }
    void drop_content(const std::string& uri) override { content_.erase(uri); }

private:
    std::vector<cosmos::app::RepositoryRef> refs_;
    std::map<std::string, cosmos::app::StoredContent> content_;
};

/// LocalPackageStore in memory, with the SQLite store's contract.
class MemoryLocalPackageStore : public cosmos::app::LocalPackageStore {
public:
    void put(const cosmos::app::LocalPackage& package, bool replace) override {
        auto key = std::make_pair(package.name, package.version);
        if (!replace && packages_.count(key)) {
            throw cosmos::core::package_version_exists(package.name, package.version);
        }
        packages_[key] = package;
        ++writes;
    }
    bool remove(const std::string& name, const std::string& version) override {
        ++writes;
        return packages_.erase({name, version}) > 0;
    }
    std::vector<cosmos::app::LocalPackage> list_packages() override {
        if (fail_reads) throw cosmos::core::unhandled_exception("the store is unavailable");
        std::vector<cosmos::app::LocalPackage> out;
        for (const auto& [key, p] : packages_)
            out.push_back(p);
        std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
            if (a.name != b.name) return a.name < b.name;
            return a.release_version < b.release_version;
        });
        return out;
    }

    int writes = 0;           ///< put and remove calls
    bool fail_reads = false;  ///< list_packages throws

private:
    std::map<std::pair<std::string, std::string>, cosmos::app::LocalPackage> packages_;
};

/// OperationStore in memory, with the SQLite store's order (newest first by time, then id). find()
/// is the port's default.
class MemoryOperationStore : public cosmos::app::OperationStore {
public:
    std::int64_t record(const cosmos::app::OperationRecord& record) override {
        if (fail_writes) throw cosmos::core::unhandled_exception("the store is unavailable");
        records.push_back(record);
        records.back().id = static_cast<std::int64_t>(records.size());
        return records.back().id;
    }
    std::vector<cosmos::app::OperationRecord> history(
        const cosmos::app::HistoryFilter& filter) override {
        std::vector<cosmos::app::OperationRecord> out;
        for (const auto& r : records) {
            if (filter.app_id && r.app_id != *filter.app_id) continue;
            if (filter.package_name && r.package_name != *filter.package_name) continue;
            out.push_back(r);
        }
        std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
            if (a.time_ms != b.time_ms) return a.time_ms > b.time_ms;
            return a.id > b.id;
        });
        if (out.size() > filter.limit) out.resize(filter.limit);
        return out;
    }

    std::vector<cosmos::app::OperationRecord> records;  ///< in the order recorded, ids 1, 2, ...
    bool fail_writes = false;                           ///< record() throws
};

/// JobStore in memory: one instance's view, with claims that a test can revoke (as a ZooKeeper
/// session expiry would) and jobs that "another instance" carries.
class MemoryJobStore : public cosmos::app::JobStore {
public:
    class Claim : public cosmos::app::JobClaim {
    public:
        Claim(MemoryJobStore& store, std::string id) : store_(store), id_(std::move(id)) {}
        ~Claim() override {
            std::lock_guard lock(store_.mutex_);
            store_.claimed_.erase(id_);
        }
        bool held() const override {
            std::lock_guard lock(store_.mutex_);
            return !store_.revoked_.count(id_);
        }

    private:
        MemoryJobStore& store_;
        std::string id_;
    };

    std::unique_ptr<cosmos::app::JobClaim> submit(cosmos::app::Job& job) override {
        std::lock_guard lock(mutex_);
        if (fail_writes) throw cosmos::core::service_unavailable("zookeeper");
        job.id = "job-" + std::to_string(++next_);
        jobs_[job.id] = job;
        claimed_.insert(job.id);
        return std::make_unique<Claim>(*this, job.id);
    }
    void update(const cosmos::app::Job& job) override {
        std::lock_guard lock(mutex_);
        jobs_[job.id] = job;
    }
    void finish(const std::string& id) override {
        std::lock_guard lock(mutex_);
        if (fail_writes) throw cosmos::core::service_unavailable("zookeeper");
        jobs_.erase(id);
        ++finished;
    }
    std::vector<cosmos::app::Job> jobs() override {
        std::lock_guard lock(mutex_);
        std::vector<cosmos::app::Job> out;
        for (const auto& [id, job] : jobs_)
            out.push_back(job);
        return out;
    }
    std::unique_ptr<cosmos::app::JobClaim> try_claim(const std::string& id) override {
        std::lock_guard lock(mutex_);
        if (!jobs_.count(id) || claimed_.count(id) || elsewhere.count(id)) return nullptr;
        claimed_.insert(id);
        revoked_.erase(id);
        return std::make_unique<Claim>(*this, id);
    }

    /// Adds a job as another instance would.
    void put(cosmos::app::Job job) {
        std::lock_guard lock(mutex_);
        jobs_[job.id] = std::move(job);
    }
    /// The claim on id stops being held (a lost session).
    void revoke(const std::string& id) {
        std::lock_guard lock(mutex_);
        revoked_.insert(id);
    }
    bool claimed(const std::string& id) {
        std::lock_guard lock(mutex_);
        return claimed_.count(id) > 0;
    }
    std::size_t stored() {
        std::lock_guard lock(mutex_);
        return jobs_.size();
    }

    std::set<std::string> elsewhere;  ///< ids another instance carries
    bool fail_writes = false;
    std::atomic<int> finished{0};  ///< read by tests while the runner's threads write it

private:
    mutable std::mutex mutex_;
    int next_ = 0;
    std::map<std::string, cosmos::app::Job> jobs_;
    std::set<std::string> claimed_;
    std::set<std::string> revoked_;
};

/// An HttpClient that must not be called.
class NoHttpClient : public cosmos::app::HttpClient {
public:
    cosmos::app::HttpReply send(const cosmos::app::HttpCall& call) override {
        throw cosmos::core::endpoint_uri_connection(call.url, "no network in this test");
    }
};

/// A clock that says what it is told.
class FixedClock : public cosmos::app::Clock {
public:
    std::int64_t now_ms() override { return now; }
    std::int64_t now = 1'700'000'000'000;
};

}  // namespace universe_test
