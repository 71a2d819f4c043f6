#include "cosmos/app/state_follower.h"

#include <utility>

namespace cosmos::app {

StateFollower::StateFollower(ChangeFeed& feed, RepositoryService& repositories, JobRunner& jobs)
    : repositories_(repositories), jobs_(jobs), pending_(std::make_shared<Pending>()) {
    feed.subscribe([pending = pending_](SharedState what) {
        {
            std::lock_guard lock(pending->mutex);
            if (pending->stopping) return;
            switch (what) {
                case SharedState::kRepositories:
                    pending->repositories = true;
                    break;
                case SharedState::kLocalPackages:
                    pending->packages = true;
                    break;
                case SharedState::kJobs:
                    pending->jobs = true;
                    break;
                case SharedState::kHistory:
                    return;  // read from the store on request: nothing to follow
            }
        }
        pending->cv.notify_one();
    });
    thread_ = std::thread([this] { loop(); });
}

StateFollower::~StateFollower() {
    stop();
}

void StateFollower::stop() {
    {
        std::lock_guard lock(pending_->mutex);
        pending_->stopping = true;
    }
    pending_->cv.notify_one();
    if (thread_.joinable()) thread_.join();
}

void StateFollower::loop() {
    std::unique_lock lock(pending_->mutex);
    while (true) {
        pending_->cv.wait(lock, [&] {
            return pending_->stopping || pending_->repositories || pending_->packages ||
                   pending_->jobs;
        });
        if (pending_->stopping) return;
        bool repositories = std::exchange(pending_->repositories, false);
        bool packages = std::exchange(pending_->packages, false);
        bool jobs = std::exchange(pending_->jobs, false);
        lock.unlock();
        try {
            // Cheap steps first; a download may take up to the fetch timeout.
            bool download = repositories && repositories_.sync_list();
            if (packages) repositories_.rebuild();
            if (jobs) jobs_.adopt();
            if (download) repositories_.refresh_missing();
        } catch (const std::exception&) {
            // The next change or refresh tries again; the catalog being served stays as it is.
        }
        lock.lock();
    }
}

}  // namespace cosmos::app
