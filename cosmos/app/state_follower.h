#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "cosmos/app/job_runner.h"
#include "cosmos/app/ports.h"
#include "cosmos/app/repository_service.h"

namespace cosmos::app {

/// Keeps this instance in step with changes other instances make to the shared state: a new
/// repository list is adopted (and the repositories this instance has no content for are
/// downloaded), a change of the local packages rebuilds the catalog, and jobs that lost their
/// carrier are adopted. The work runs on a thread of its own, so the store's notifying thread is
/// never held up by a download.
class StateFollower {
public:
    StateFollower(ChangeFeed& feed, RepositoryService& repositories, JobRunner& jobs);
    ~StateFollower();
    StateFollower(const StateFollower&) = delete;
    StateFollower& operator=(const StateFollower&) = delete;

    /// Stops the thread (pending changes are dropped).
    void stop();

private:
    struct Pending {
        std::mutex mutex;
        std::condition_variable cv;
        bool repositories = false;
        bool packages = false;
        bool jobs = false;
        bool stopping = false;
    };
    void loop();

    RepositoryService& repositories_;
    JobRunner& jobs_;
    // Shared with the store's listener, which may outlive this object.
    std::shared_ptr<Pending> pending_;
    std::thread thread_;
};

}  // namespace cosmos::app
