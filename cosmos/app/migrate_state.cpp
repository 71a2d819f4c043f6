#include "cosmos/app/migrate_state.h"

#include <limits>
#include <vector>

namespace cosmos::app {

CopyReport copy_state(StatePorts from, StatePorts to) {
    CopyReport report;
    auto list = from.repositories.list();
    to.repositories.update([&](const std::vector<RepositoryRef>&) { return list; });
    report.repositories = list.size();

    for (const auto& package : from.packages.list_packages()) {
        to.packages.put(package, true);
        ++report.packages;
    }

    HistoryFilter everything;
    everything.limit = std::numeric_limits<std::size_t>::max();
    auto records = from.operations.history(everything);  // newest first
    for (auto it = records.rbegin(); it != records.rend(); ++it) {
        to.operations.record(*it);
        ++report.records;
    }

    for (auto job : from.jobs.jobs()) {
        // Released as soon as it is stored: a running instance adopts it.
        to.jobs.submit(job).reset();
        ++report.jobs;
    }
    return report;
}

}  // namespace cosmos::app
