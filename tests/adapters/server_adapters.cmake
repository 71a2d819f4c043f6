# Server-side adapters: SQLite store, outgoing HTTP client, HTTP listeners.
# The SQLite test opens files with SQLiteCpp directly to fake newer and foreign databases.
universe_add_test(test_sqlite_store
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/sqlite_store_test.cpp
    LIBS cosmos_adapter_sqlite SQLiteCpp)

# Both listener kinds over loopback, driven by a raw-socket client (tests/http/raw_http_client.h).
universe_add_test(test_http_listener
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/../http/listener_test.cpp
    LIBS cosmos_http_listener)

# The outgoing client against loopback servers: the Beast listener, and raw sockets for faults.
universe_add_test(test_http_client
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/http_client_test.cpp
    LIBS cosmos_adapter_http_client cosmos_http_listener)

# cosmos-server's log, written to a pipe.
universe_add_test(test_server_log
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/server_log_test.cpp
    LIBS cosmos_server_log)
universe_add_test(test_zookeeper_uri
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/zookeeper_uri_test.cpp
    LIBS cosmos_zookeeper_uri)
