# The ZooKeeper store (Debian: libzookeeper-mt-dev). Included from cosmos/CMakeLists.txt, so paths
# are relative to cosmos/.
find_path(ZOOKEEPER_INCLUDE_DIR zookeeper/zookeeper.h
    DOC "ZooKeeper C client headers (apt-get install libzookeeper-mt-dev)" REQUIRED)
find_library(ZOOKEEPER_MT_LIBRARY zookeeper_mt
    DOC "ZooKeeper C client, threaded (apt-get install libzookeeper-mt-dev)" REQUIRED)

# The URI parser alone (no library): the configuration checks --zookeeper-uri with it.
add_library(cosmos_zookeeper_uri STATIC adapters/zookeeper_uri.cpp)
target_include_directories(cosmos_zookeeper_uri PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(cosmos_zookeeper_uri PRIVATE universe_warnings)

# The shared state in ZooKeeper: implements the store ports of cosmos/app/ports.h.
add_library(cosmos_adapter_zookeeper STATIC
    adapters/zookeeper_client.cpp
    adapters/zookeeper_store.cpp
    adapters/zookeeper_jobs.cpp
)
target_include_directories(cosmos_adapter_zookeeper SYSTEM PRIVATE ${ZOOKEEPER_INCLUDE_DIR})
target_link_libraries(cosmos_adapter_zookeeper
    PUBLIC cosmos_app cosmos_zookeeper_uri
    PRIVATE ${ZOOKEEPER_MT_LIBRARY} Threads::Threads universe_warnings)
