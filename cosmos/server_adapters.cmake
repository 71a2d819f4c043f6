# Server-side adapters: SQLite storage, the outgoing HTTP client, and the HTTP listeners.
# Included from cosmos/CMakeLists.txt, so paths are relative to cosmos/.

# The adapters implement ports of cosmos/app/ports.h (cosmos_app).
# Repository list, repository content, operation records and local packages in one SQLite file.
add_library(cosmos_adapter_sqlite STATIC adapters/sqlite_store.cpp)
target_link_libraries(cosmos_adapter_sqlite
    PUBLIC cosmos_app
    PRIVATE SQLiteCpp universe_warnings)

# The one way out to other HTTP services (cpprest's asio client, OpenSSL for https).
add_library(cosmos_adapter_http_client STATIC adapters/http_client.cpp)
target_link_libraries(cosmos_adapter_http_client
    PUBLIC cosmos_app
    PRIVATE cpprestsdk::cpprest OpenSSL::SSL OpenSSL::Crypto universe_warnings)

# Incoming HTTP: Boost.Beast (the default, header-only) and cpprest's http_listener behind one
# interface (http/listener.h).
find_package(Boost 1.74 REQUIRED)
add_library(cosmos_http_listener STATIC
    http/listener.cpp
    http/listener_beast.cpp
    http/listener_cpprest.cpp
)
target_link_libraries(cosmos_http_listener
    PUBLIC cosmos_http_wire
    PRIVATE Boost::headers Threads::Threads cpprestsdk::cpprest OpenSSL::SSL OpenSSL::Crypto
            universe_warnings)

# UBSan's vptr check cannot follow cpprestsdk's stream buffers: their templates get vtables from
# our objects and type identities from the uninstrumented shared library, so every call through
# them is reported as a call on the wrong type. The rest of UBSan stays on for these files.
if(universe_sanitize MATCHES "undefined")
    target_compile_options(cosmos_adapter_http_client PRIVATE -fno-sanitize=vptr)
    target_compile_options(cosmos_http_listener PRIVATE -fno-sanitize=vptr)
endif()
