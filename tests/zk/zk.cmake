# Several instances over a real ZooKeeper (tests/support/zookeeper_process.h starts it): one test
# case per acceptance line of the shared state.
universe_add_test(test_zk_e2e
    SOURCES zk/zk_e2e_test.cpp adapters/raw_zip.cpp
    LIBS universe_e2e_support universe_test_support universe_zookeeper_support cosmos_core
         ZLIB::ZLIB)
add_dependencies(test_zk_e2e cosmos-server)

universe_add_test(test_zookeeper_store
    SOURCES zk/zookeeper_store_test.cpp
    LIBS cosmos_adapter_zookeeper cosmos_adapter_sqlite cosmos_adapter_gzip cosmos_adapter_digest
         universe_zookeeper_support)
