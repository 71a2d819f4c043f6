#pragma once

#include <optional>
#include <string>

namespace cosmos::adapters {

/// Where the shared state lives: `zk://host:port[,host:port...]/path`.
struct ZooKeeperUri {
    std::string servers;  ///< "host:port,host:port", as the ZooKeeper client takes it
    std::string path;     ///< absolute, without a trailing '/': "/cosmos"
};

/// Parses a ZooKeeper URI (Cosmos's form: the path is required). nullopt when it does not parse;
/// the caller reports zookeeper_uri_message().
std::optional<ZooKeeperUri> parse_zookeeper_uri(const std::string& uri);

/// Cosmos's start-up error: "ZooKeeper URI not parsable: <uri>".
std::string zookeeper_uri_message(const std::string& uri);

}  // namespace cosmos::adapters
