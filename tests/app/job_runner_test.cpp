// The job runner with an in-memory job store: one carrier per job, jobs left for others when
// this instance stops or loses its claim, and adoption of jobs nobody carries.
#include "cosmos/app/job_runner.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "tests/app/fakes.h"
#include "tests/support/eventually.h"

using cosmos::app::Job;
using cosmos::app::JobClaim;
using cosmos::app::JobOutcome;
using cosmos::app::JobRunner;
using namespace universe_test;
using namespace std::chrono_literals;

namespace {

Job job_of(std::string id, std::string kind = "work") {
    Job job;
    job.id = std::move(id);
    job.kind = std::move(kind);
    return job;
}

}  // namespace

TEST_CASE("a started job is stored, run once and removed when done", "[app][jobs]") {
    MemoryJobStore store;
    FixedClock clock;
    JobRunner runner(store, clock);
    std::atomic<int> runs{0};
    // The handler runs on the runner's thread, and Catch2's assertions are not thread-safe: it
    // notes what it saw, and the test checks that once the job is done.
    bool held = false;
    Job seen;
    runner.handle("work", [&](const Job& job, const JobClaim& claim) {
        held = claim.held();
        seen = job;
        ++runs;
        return JobOutcome::kDone;
    });
    Job job = job_of("");
    job.data = {{"n", 7}};
    runner.start(job);
    CHECK(eventually([&] { return store.finished == 1 && runner.running() == 0; }));
    CHECK(runs == 1);
    CHECK(held);
    CHECK(seen.data["n"] == 7);
    CHECK(seen.created_ms == clock.now);
    CHECK(store.stored() == 0);
}

TEST_CASE("a job that cannot be stored is not run and its error reaches the caller",
          "[app][jobs]") {
    MemoryJobStore store;
    FixedClock clock;
    JobRunner runner(store, clock);
    std::atomic<int> runs{0};
    runner.handle("work", [&](const Job&, const JobClaim&) {
        ++runs;
        return JobOutcome::kDone;
    });
    store.fail_writes = true;
    CHECK_THROWS_AS(runner.start(job_of("")), cosmos::core::Error);
    CHECK(store.stored() == 0);
    std::this_thread::sleep_for(20ms);
    CHECK(runs == 0);
}

TEST_CASE("adopt runs the stored jobs nobody carries, each once", "[app][jobs]") {
    MemoryJobStore store;
    store.put(job_of("orphan"));
    store.put(job_of("carried-elsewhere"));
    store.put(job_of("unknown-kind", "other"));
    store.elsewhere.insert("carried-elsewhere");
    FixedClock clock;
    JobRunner runner(store, clock);
    std::atomic<int> runs{0};
    std::atomic<bool> release{false};
    std::string seen_id;
    runner.handle("work", [&](const Job& job, const JobClaim&) {
        seen_id = job.id;
        ++runs;
        while (!release)
            std::this_thread::sleep_for(1ms);
        return JobOutcome::kDone;
    });
    runner.adopt();
    runner.adopt();  // already running here: not started twice
    CHECK(eventually([&] { return runs == 1; }));
    release = true;
    CHECK(eventually([&] { return store.finished == 1; }));
    CHECK(runs == 1);
    CHECK(seen_id == "orphan");
    CHECK(store.stored() == 2);  // the other instance's job and the kind nobody here handles
}

TEST_CASE("stopping leaves unfinished jobs stored and unclaimed for the next carrier",
          "[app][jobs]") {
    MemoryJobStore store;
    FixedClock clock;
    std::string id;
    std::atomic<bool> started{false};  // id is written before, and read after, this is set
    {
        JobRunner runner(store, clock);
        runner.handle("work", [&](const Job& job, const JobClaim&) {
            id = job.id;
            started = true;
            while (runner.wait(1h)) {
            }
            return JobOutcome::kAbandoned;
        });
        runner.start(job_of(""));
        CHECK(eventually([&] { return started.load(); }));
        runner.stop();
    }
    CHECK(store.stored() == 1);
    CHECK(store.finished == 0);
    CHECK_FALSE(store.claimed(id));

    // The next runner (a restart, or another instance) takes it over.
    JobRunner next(store, clock);
    std::atomic<int> runs{0};
    next.handle("work", [&](const Job&, const JobClaim&) {
        ++runs;
        return JobOutcome::kDone;
    });
    next.adopt();
    CHECK(eventually([&] { return store.finished == 1; }));
    CHECK(runs == 1);
}

TEST_CASE("a job whose claim is lost is not finished by this instance", "[app][jobs]") {
    MemoryJobStore store;
    FixedClock clock;
    JobRunner runner(store, clock);
    std::atomic<int> runs{0};
    runner.handle("work", [&](const Job& job, const JobClaim& claim) {
        if (++runs == 1) {
            store.elsewhere.insert(job.id);  // another instance has it now
            store.revoke(job.id);
            while (claim.held())
                std::this_thread::sleep_for(1ms);
            return JobOutcome::kAbandoned;
        }
        return JobOutcome::kDone;
    });
    runner.start(job_of(""));
    CHECK(eventually([&] { return runs == 1 && runner.running() == 0; }));
    std::this_thread::sleep_for(20ms);
    CHECK(runs == 1);
    CHECK(store.finished == 0);
    CHECK(store.stored() == 1);
}
