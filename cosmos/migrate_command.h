#pragma once

#include <string>
#include <vector>

#include "cosmos/state_stores.h"

namespace cosmos {

/// cosmos-server migrate --from-data-dir DIR --to-zookeeper-uri URI [--force]: copies the state
/// of a single server's SQLite store into ZooKeeper, for running several instances. Refuses a
/// target path that already holds state unless --force (which replaces it). Returns the exit
/// status (0 done, 1 failed, 2 bad arguments).
int run_migrate(const std::vector<std::string>& args, StoreLog log);

}  // namespace cosmos
