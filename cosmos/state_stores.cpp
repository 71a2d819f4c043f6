#include "cosmos/state_stores.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "cosmos/adapters/digest.h"
#include "cosmos/adapters/zookeeper_uri.h"

namespace cosmos {

namespace {

template <typename Port>
Port& pick(const StateStores& s) {
    if (s.zookeeper) return *s.zookeeper;
    return *s.sqlite;
}

}  // namespace

app::RepositoryStore& StateStores::repositories() {
    return pick<app::RepositoryStore>(*this);
}
app::OperationStore& StateStores::operations() {
    return pick<app::OperationStore>(*this);
}
app::LocalPackageStore& StateStores::packages() {
    return pick<app::LocalPackageStore>(*this);
}
app::JobStore& StateStores::jobs() {
    return pick<app::JobStore>(*this);
}
app::ChangeFeed& StateStores::changes() {
    return pick<app::ChangeFeed>(*this);
}
app::StoreMonitor& StateStores::monitor() {
    return pick<app::StoreMonitor>(*this);
}

adapters::ZooKeeperStore::Options zookeeper_options(const std::string& uri,
                                                    const ServerConfig& config,
                                                    const core::Codec& codec, StoreLog log) {
    auto parsed = adapters::parse_zookeeper_uri(uri);
    adapters::ZooKeeperStore::Options options;
    options.zookeeper.servers = parsed ? parsed->servers : "";
    options.path = parsed ? parsed->path : "/cosmos";
    options.zookeeper.session_timeout =
        std::chrono::milliseconds(config.zookeeper_session_timeout_ms);
    options.zookeeper.operation_timeout = std::chrono::seconds(config.upstream_timeout_seconds);
    const char* user = std::getenv("ZOOKEEPER_USER");
    const char* secret = std::getenv("ZOOKEEPER_SECRET");
    if (user && secret && *user) options.zookeeper.digest = std::string(user) + ":" + secret;
    options.zookeeper.log = std::move(log);
    options.codec = codec;
    options.sha256 = [](std::string_view bytes) { return adapters::sha256_hex(bytes); };
    options.startup_wait = std::min(std::chrono::milliseconds(5000),
                                    std::chrono::milliseconds(config.zookeeper_session_timeout_ms));
    return options;
}

StateStores open_state_stores(const ServerConfig& config,
                              const std::vector<app::RepositoryRef>& default_repositories,
                              const core::Codec& codec, StoreLog log) {
    StateStores stores;
    stores.sqlite = std::make_unique<adapters::SqliteStore>(
        (std::filesystem::path(config.data_dir) / "cosmos.db").string(), default_repositories);
    if (config.zookeeper_uri) {
        auto options = zookeeper_options(*config.zookeeper_uri, config, codec, std::move(log));
        options.default_repositories = default_repositories;
        stores.zookeeper =
            std::make_unique<adapters::ZooKeeperStore>(options, *stores.sqlite, *stores.sqlite);
    }
    return stores;
}

}  // namespace cosmos
