#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cosmos/adapters/sqlite_store.h"
#include "cosmos/adapters/zookeeper_store.h"
#include "cosmos/app/ports.h"
#include "cosmos/core/render.h"
#include "cosmos/server_config.h"

namespace cosmos {

/// Log sink of the stores: level 0 error, 1 warn, 2 info, 3 debug.
using StoreLog = std::function<void(int level, const std::string& message)>;

/// The stores a server runs on: the SQLite file in the data folder, and with --zookeeper-uri
/// ZooKeeper for the state instances share (the SQLite file then keeps this instance's
/// repository content and a copy of the list and the local packages).
struct StateStores {
    std::unique_ptr<adapters::SqliteStore> sqlite;
    std::unique_ptr<adapters::ZooKeeperStore> zookeeper;

    app::RepositoryStore& repositories();
    app::OperationStore& operations();
    app::LocalPackageStore& packages();
    app::JobStore& jobs();
    app::ChangeFeed& changes();
    app::StoreMonitor& monitor();
};

/// Settings of a ZooKeeper store from the server's: the URI (already checked), the session
/// timeout, the upstream timeout for each operation, and the digest credentials of
/// ZOOKEEPER_USER and ZOOKEEPER_SECRET in the environment (Cosmos's names).
adapters::ZooKeeperStore::Options zookeeper_options(const std::string& uri,
                                                    const ServerConfig& config,
                                                    const core::Codec& codec, StoreLog log);

/// Opens the stores of `config`; throws core::Error when the SQLite file cannot be used.
StateStores open_state_stores(const ServerConfig& config,
                              const std::vector<app::RepositoryRef>& default_repositories,
                              const core::Codec& codec, StoreLog log);

}  // namespace cosmos
