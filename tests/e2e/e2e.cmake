add_library(universe_e2e_support STATIC e2e/cosmos_client.cpp)
target_include_directories(universe_e2e_support PUBLIC ${PROJECT_SOURCE_DIR})
target_compile_definitions(universe_e2e_support PUBLIC
    UNIVERSE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    UNIVERSE_BINARY_DIR="${PROJECT_BINARY_DIR}"
    UNIVERSE_SHARED_DIR="${UNIVERSE_SHARED_DIR}")
target_link_libraries(universe_e2e_support PUBLIC universe_test_support nlohmann_json::nlohmann_json
    PRIVATE universe_warnings)

universe_use_pch(universe_e2e_support)

universe_add_test(test_e2e_catalog
    SOURCES e2e/catalog_e2e_test.cpp
    LIBS universe_e2e_support)
add_dependencies(test_e2e_catalog cosmos-server repo-tool)

universe_add_test(test_e2e_install
    SOURCES e2e/install_e2e_test.cpp
    LIBS universe_e2e_support)
add_dependencies(test_e2e_install cosmos-server repo-tool)

universe_add_test(test_e2e_publish
    SOURCES e2e/publish_e2e_test.cpp adapters/raw_zip.cpp
    LIBS universe_e2e_support universe_test_support cosmos_core cosmos_adapter_digest ZLIB::ZLIB)
add_dependencies(test_e2e_publish cosmos-server repo-tool)

universe_add_test(test_e2e_rollback
    SOURCES e2e/rollback_e2e_test.cpp
    LIBS universe_e2e_support cosmos_core)
add_dependencies(test_e2e_rollback cosmos-server)
# Options, start-up failures, logs, counts, health and the repository add's bound.
universe_add_test(test_e2e_server
    SOURCES e2e/server_e2e_test.cpp
    LIBS universe_e2e_support cosmos_server_config)
target_compile_definitions(test_e2e_server PRIVATE UNIVERSE_VERSION="${PROJECT_VERSION}")
add_dependencies(test_e2e_server cosmos-server)
# Authentication and roles against the real binary, with keys made at test time.
universe_add_test(test_e2e_auth
    SOURCES e2e/auth_e2e_test.cpp adapters/raw_zip.cpp
    LIBS universe_e2e_support universe_test_jwt cosmos_core cosmos_adapter_digest ZLIB::ZLIB)
add_dependencies(test_e2e_auth cosmos-server repo-tool)

# App ids Marathon would refuse, refused before anything is sent to it.
universe_add_test(test_e2e_app_id
    SOURCES e2e/app_id_e2e_test.cpp adapters/raw_zip.cpp
    LIBS universe_e2e_support cosmos_core ZLIB::ZLIB)
add_dependencies(test_e2e_app_id cosmos-server)

# Crash safety: kill -9 during writes, 100 times (label "slow"; CI runs it). Extra server arguments
# from UNIVERSE_CRASH_SERVER_ARGS select another store.
add_executable(test_e2e_crash e2e/crash_test.cpp adapters/raw_zip.cpp)
target_link_libraries(test_e2e_crash PRIVATE
    universe_test_main universe_e2e_support cosmos_core cosmos_adapter_digest SQLiteCpp ZLIB::ZLIB
    universe_warnings)
catch_discover_tests(test_e2e_crash TEST_PREFIX "test_e2e_crash:"
    PROPERTIES TIMEOUT 1200 LABELS slow ${UNIVERSE_TEST_ENVIRONMENT_PROPERTY})
add_dependencies(test_e2e_crash cosmos-server)
# The same suites again with the shared state in ZooKeeper: one server for the run (a ctest
# fixture); the launcher (tests/support/server_process.cpp) gives each server data folder its
# own path in it when UNIVERSE_TEST_ZOOKEEPER names the fixture's folder.
set(universe_zookeeper_fixture "${CMAKE_CURRENT_BINARY_DIR}/zookeeper-for-e2e")
set(universe_zookeeper_environment "UNIVERSE_TEST_ZOOKEEPER=${universe_zookeeper_fixture}")
if(UNIVERSE_TEST_ENVIRONMENT)
    list(APPEND universe_zookeeper_environment "${UNIVERSE_TEST_ENVIRONMENT}")
endif()
add_test(NAME zookeeper_fixture_start
         COMMAND zookeeper-fixture start ${universe_zookeeper_fixture})
add_test(NAME zookeeper_fixture_stop
         COMMAND zookeeper-fixture stop ${universe_zookeeper_fixture})
set_tests_properties(zookeeper_fixture_start PROPERTIES FIXTURES_SETUP zookeeper TIMEOUT 120)
set_tests_properties(zookeeper_fixture_stop PROPERTIES FIXTURES_CLEANUP zookeeper TIMEOUT 60)
foreach(suite test_e2e_catalog test_e2e_install test_e2e_publish)
    # TEST_SPEC "[e2e]" (every case of the suite) keeps this registration's files apart from
    # the first one's.
    catch_discover_tests(${suite} TEST_SPEC "[e2e]" TEST_PREFIX "${suite}_zk:"
        PROPERTIES TIMEOUT ${UNIVERSE_TEST_TIMEOUT} FIXTURES_REQUIRED zookeeper
                   ENVIRONMENT "${universe_zookeeper_environment}")
    add_dependencies(${suite} zookeeper-fixture)
endforeach()
# The crash test again, with the shared state in ZooKeeper (label "slow" as well).
catch_discover_tests(test_e2e_crash TEST_SPEC "crash:*" TEST_PREFIX "test_e2e_crash_zk:"
    PROPERTIES TIMEOUT 1800 LABELS slow FIXTURES_REQUIRED zookeeper
               ENVIRONMENT "${universe_zookeeper_environment}")
add_dependencies(test_e2e_crash zookeeper-fixture)
