#include "cosmos/adapters/zookeeper_uri.h"

#include <catch2/catch.hpp>

using cosmos::adapters::parse_zookeeper_uri;

TEST_CASE("ZooKeeper URIs in Cosmos's form parse into servers and a path",
          "[adapters][zookeeper]") {
    struct Row {
        const char* uri;
        const char* servers;
        const char* path;
    };
    const Row rows[] = {
        {"zk://127.0.0.1:2181/cosmos", "127.0.0.1:2181", "/cosmos"},
        {"zk://master.mesos:2181/cosmos", "master.mesos:2181", "/cosmos"},
        {"zk://a:1,b:2,c:3/dcos/cosmos", "a:1,b:2,c:3", "/dcos/cosmos"},
        {"zk://zk-1.example.org:65535/p", "zk-1.example.org:65535", "/p"},
    };
    for (const auto& row : rows) {
        INFO(row.uri);
        auto parsed = parse_zookeeper_uri(row.uri);
        REQUIRE(parsed.has_value());
        CHECK(parsed->servers == row.servers);
        CHECK(parsed->path == row.path);
    }
}

TEST_CASE("ZooKeeper URIs that do not parse", "[adapters][zookeeper]") {
    for (const char* uri :
         {"", "zk://", "zk://host:2181", "zk://host:2181/", "zk:///cosmos", "zk://host/cosmos",
          "zk://host:0/cosmos", "zk://host:65536/cosmos", "zk://host:21x/cosmos",
          "zk://a:1,,b:2/cosmos", "zk://a:1,/cosmos", "http://host:2181/cosmos",
          "zk://host:2181/a//b", "zk://host:2181/a/./b", "zk://host:2181/a/..", "zk://h st:1/p",
          "ZK://host:2181/cosmos"}) {
        INFO(uri);
        CHECK_FALSE(parse_zookeeper_uri(uri).has_value());
    }
    CHECK(cosmos::adapters::zookeeper_uri_message("zk://x") ==
          "ZooKeeper URI not parsable: zk://x");
}
