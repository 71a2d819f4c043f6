# The pure HTTP layer: media types, request validation, wire DTOs.
universe_add_test(test_http_wire
    SOURCES
        http/media_types_test.cpp
        http/rpc_test.cpp
        http/wire_test.cpp
    LIBS cosmos_http_wire)

# Roles per route and the guard in front of the real routes.
universe_add_test(test_http_auth
    SOURCES http/auth_test.cpp
    LIBS cosmos_http cosmos_adapter_digest)
