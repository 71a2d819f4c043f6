#pragma once

#include <cstddef>

#include "cosmos/app/ports.h"

namespace cosmos::app {

/// One store's state, seen through its ports.
struct StatePorts {
    RepositoryStore& repositories;
    OperationStore& operations;
    LocalPackageStore& packages;
    JobStore& jobs;
};

/// What copy_state copied.
struct CopyReport {
    std::size_t repositories = 0;
    std::size_t packages = 0;
    std::size_t records = 0;
    std::size_t jobs = 0;
};

/// Copies the shared state from one store into another, which the caller has checked is empty:
/// the repository list in its order, every local package as stored, every operation record
/// (oldest first, so the target orders them as the source did; the target numbers them anew),
/// and the jobs in flight (unclaimed, so the first instance that sees them carries them on).
/// Repository content is not copied: each instance downloads its repositories. Throws the
/// stores' errors; a copy that fails midway is finished by running it again with the target
/// cleared.
CopyReport copy_state(StatePorts from, StatePorts to);

}  // namespace cosmos::app
