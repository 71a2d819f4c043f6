# Test support: loopback HTTP servers (Marathon, Mesos / Admin Router and repository emulators),
# a raw-socket HTTP client, and the standalone cosmos-emulator.
add_library(universe_test_support STATIC
    support/loopback_server.cpp
    support/http_test_client.cpp
    support/fault_plan.cpp
    support/label_selector.cpp
    support/marathon_emulator.cpp
    support/mesos_emulator.cpp
    support/repo_server.cpp
    support/server_process.cpp
)
target_include_directories(universe_test_support PUBLIC ${PROJECT_SOURCE_DIR})
# test_paths.h needs these; PRIVATE because test executables get them from universe_test_main.
target_compile_definitions(universe_test_support PRIVATE
    UNIVERSE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    UNIVERSE_BINARY_DIR="${PROJECT_BINARY_DIR}"
    UNIVERSE_SHARED_DIR="${UNIVERSE_SHARED_DIR}")
target_link_libraries(universe_test_support
    PUBLIC cosmos_core_schema Threads::Threads
    PRIVATE ZLIB::ZLIB universe_warnings)

add_executable(cosmos-emulator support/emulator_main.cpp)
target_link_libraries(cosmos-emulator PRIVATE universe_test_support universe_warnings)

universe_add_test(test_support
    SOURCES
        support/support_test.cpp
        support/label_selector_test.cpp
        support/marathon_emulator_test.cpp
        support/mesos_emulator_test.cpp
        support/repo_server_test.cpp
        support/emulator_main_test.cpp
    LIBS universe_test_support)
# emulator_main_test.cpp runs the binary.
add_dependencies(test_support cosmos-emulator)
universe_use_pch(universe_test_support)
universe_use_pch(cosmos-emulator)

# RSA keys and JWTs made at test time for the authentication tests.
add_library(universe_test_jwt STATIC support/test_jwt.cpp)
target_include_directories(universe_test_jwt PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(universe_test_jwt
    PUBLIC nlohmann_json::nlohmann_json
    PRIVATE OpenSSL::Crypto universe_warnings)

# Real ZooKeeper servers for tests (Debian's `zookeeper` package: the jars in /usr/share/java,
# their dependencies named in zookeeper.jar's manifest). `scripts/setup --tests` installs it. The
# tests that need it never skip: without it they fail, saying what to install. Building needs
# nothing of it, so `scripts/setup` alone (the programs and the emulator) configures without it.
find_program(UNIVERSE_JAVA java)
find_file(UNIVERSE_ZOOKEEPER_JAR zookeeper.jar PATHS /usr/share/java NO_DEFAULT_PATH)
if(NOT UNIVERSE_JAVA OR NOT UNIVERSE_ZOOKEEPER_JAR)
    message(STATUS "ZooKeeper is not installed: the ZooKeeper tests will fail until "
                   "`scripts/setup --tests` (or apt-get install zookeeper) installs it")
    if(NOT UNIVERSE_JAVA)
        set(UNIVERSE_JAVA /usr/bin/java)
    endif()
    if(NOT UNIVERSE_ZOOKEEPER_JAR)
        set(UNIVERSE_ZOOKEEPER_JAR /usr/share/java/zookeeper.jar)
    endif()
endif()
set(universe_zookeeper_classpath "${UNIVERSE_ZOOKEEPER_JAR}")
find_file(UNIVERSE_SLF4J_SIMPLE_JAR slf4j-simple.jar PATHS /usr/share/java NO_DEFAULT_PATH)
if(UNIVERSE_SLF4J_SIMPLE_JAR)
    string(APPEND universe_zookeeper_classpath ":${UNIVERSE_SLF4J_SIMPLE_JAR}")
endif()
add_library(universe_zookeeper_support STATIC support/zookeeper_process.cpp)
target_include_directories(universe_zookeeper_support PUBLIC ${PROJECT_SOURCE_DIR})
target_compile_definitions(universe_zookeeper_support PRIVATE
    UNIVERSE_JAVA="${UNIVERSE_JAVA}"
    UNIVERSE_ZOOKEEPER_CLASSPATH="${universe_zookeeper_classpath}"
    UNIVERSE_ZOOKEEPER_CLASSPATH_FIRST="${UNIVERSE_ZOOKEEPER_JAR}")
target_link_libraries(universe_zookeeper_support PUBLIC universe_test_support
                                                 PRIVATE universe_warnings)

# One ZooKeeper for a whole ctest run of the end-to-end suites on ZooKeeper (a ctest fixture).
add_executable(zookeeper-fixture support/zookeeper_fixture_main.cpp)
target_link_libraries(zookeeper-fixture PRIVATE universe_zookeeper_support universe_warnings)
