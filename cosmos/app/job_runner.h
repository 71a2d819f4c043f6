#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "cosmos/app/ports.h"

namespace cosmos::app {

/// How a job's run ended.
enum class JobOutcome {
    kDone,       ///< finished (successfully or not): the job is removed from the store
    kAbandoned,  ///< stopped before the end (shutdown, claim lost): the job stays for a carrier
};

/// Runs the jobs of a JobStore on this instance, one thread per job, each under its claim.
///
/// A job started here is stored and claimed in one step, then run. adopt() claims and runs the
/// stored jobs no instance carries: at start-up (a restarted single server resumes its jobs) and
/// whenever the store reports that jobs changed (another instance died and its claims lapsed).
class JobRunner {
public:
    /// Runs one job while claim.held(); returns kAbandoned when it stops early.
    using Handler = std::function<JobOutcome(const Job& job, const JobClaim& claim)>;

    JobRunner(JobStore& store, Clock& clock);
    ~JobRunner();
    JobRunner(const JobRunner&) = delete;
    JobRunner& operator=(const JobRunner&) = delete;

    /// Registers the handler of a kind (before start() or adopt()).
    void handle(const std::string& kind, Handler handler);

    /// Stores the job (its created_ms set from the clock when 0) and claims it, without running
    /// it yet: the caller finishes its preparation, then calls run() (or discard()). Throws the
    /// store's error (and stores nothing) when it cannot be stored.
    std::unique_ptr<JobClaim> submit(Job& job);

    /// Runs a job this instance has claimed on a thread of its own.
    void run(Job job, std::unique_ptr<JobClaim> claim);

    /// Replaces the stored data of a job this instance carries (what a takeover starts from).
    void update(const Job& job) { store_.update(job); }

    /// Removes a submitted job that will not run after all.
    void discard(const std::string& id);

    /// submit() then run().
    void start(Job job);

    /// Claims and runs every stored job that no instance carries and that has a handler.
    /// Never throws: a store that cannot be read leaves the jobs for a later call.
    void adopt();

    /// Waits up to duration; false when the runner is stopping (a handler then returns).
    bool wait(std::chrono::milliseconds duration);

    /// Stops: handlers see wait() return false; waits for their threads. Jobs stay stored.
    void stop();

    /// Jobs running on this instance.
    std::size_t running() const;

private:
    void launch(Job job, std::unique_ptr<JobClaim> claim);  // under mutex_
    void carry(Job job, std::unique_ptr<JobClaim> claim);   // on the job's thread

    struct Worker {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };

    JobStore& store_;
    Clock& clock_;
    std::map<std::string, Handler> handlers_;

    mutable std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::set<std::string> running_;  // ids of jobs with a live thread here
    std::list<Worker> workers_;
};

}  // namespace cosmos::app
