#include "cosmos/app/job_runner.h"

#include <utility>
#include <vector>

namespace cosmos::app {

JobRunner::JobRunner(JobStore& store, Clock& clock) : store_(store), clock_(clock) {}

JobRunner::~JobRunner() {
    stop();
}

void JobRunner::handle(const std::string& kind, Handler handler) {
    std::lock_guard lock(mutex_);
    handlers_[kind] = std::move(handler);
}

std::unique_ptr<JobClaim> JobRunner::submit(Job& job) {
    if (job.created_ms == 0) job.created_ms = clock_.now_ms();
    return store_.submit(job);
}

void JobRunner::run(Job job, std::unique_ptr<JobClaim> claim) {
    std::lock_guard lock(mutex_);
    // Stopping: the job stays stored, unclaimed once `claim` goes, for the next carrier.
    if (stopping_ || !running_.insert(job.id).second) return;
    launch(std::move(job), std::move(claim));
}

void JobRunner::discard(const std::string& id) {
    try {
        store_.finish(id);
    } catch (const std::exception&) {
        // Left stored, the job is adopted later and finds nothing to do.
    }
}

void JobRunner::start(Job job) {
    auto claim = submit(job);
    run(std::move(job), std::move(claim));
}

void JobRunner::launch(Job job, std::unique_ptr<JobClaim> claim) {
    // Threads of finished jobs are joined here, so a long-lived server does not keep them.
    for (auto it = workers_.begin(); it != workers_.end();) {
        if (*it->done) {
            it->thread.join();
            it = workers_.erase(it);
        } else {
            ++it;
        }
    }
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::thread thread([this, done, job = std::move(job), claim = std::move(claim)]() mutable {
        carry(std::move(job), std::move(claim));
        *done = true;
    });
    workers_.push_back({std::move(thread), std::move(done)});
}

void JobRunner::adopt() {
    std::vector<Job> stored;
    try {
        stored = store_.jobs();
    } catch (const std::exception&) {
        return;
    }
    for (auto& job : stored) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            if (running_.count(job.id) || !handlers_.count(job.kind)) continue;
        }
        std::unique_ptr<JobClaim> claim;
        try {
            claim = store_.try_claim(job.id);
        } catch (const std::exception&) {
            continue;
        }
        if (!claim) continue;
        std::lock_guard lock(mutex_);
        if (stopping_ || !running_.insert(job.id).second) continue;
        launch(std::move(job), std::move(claim));
    }
}

void JobRunner::carry(Job job, std::unique_ptr<JobClaim> claim) {
    Handler handler;
    {
        std::lock_guard lock(mutex_);
        handler = handlers_[job.kind];
    }
    JobOutcome outcome = JobOutcome::kAbandoned;
    try {
        if (handler) outcome = handler(job, *claim);
    } catch (const std::exception&) {
        // A handler that throws has finished as far as it can; its job is not run again.
        outcome = JobOutcome::kDone;
    }
    bool lost = !claim->held();
    if (outcome == JobOutcome::kDone && !lost) {
        // Until the job is removed it would be run again; keep trying while the store is away.
        while (true) {
            try {
                store_.finish(job.id);
                break;
            } catch (const std::exception&) {
                if (!wait(std::chrono::seconds(1))) break;
            }
        }
    }
    claim.reset();
    {
        std::lock_guard lock(mutex_);
        running_.erase(job.id);
    }
    // A claim lost to a session expiry may be won back under the new session.
    if (lost) adopt();
}

bool JobRunner::wait(std::chrono::milliseconds duration) {
    std::unique_lock lock(mutex_);
    return !cv_.wait_for(lock, duration, [&] { return stopping_; });
}

void JobRunner::stop() {
    std::list<Worker> workers;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        workers.swap(workers_);
    }
    cv_.notify_all();
    for (auto& w : workers) {
        if (w.thread.joinable()) w.thread.join();
    }
}

std::size_t JobRunner::running() const {
    std::lock_guard lock(mutex_);
    return running_.size();
}

}  // namespace cosmos::app
