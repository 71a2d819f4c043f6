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
