# The pure HTTP layer: media types, request validation, wire DTOs.
universe_add_test(test_http_wire
    SOURCES
        http/media_types_test.cpp
        http/rpc_test.cpp
        http/wire_test.cpp
    LIBS cosmos_http_wire)

# The router: errors become answers, and every answer is observed.
universe_add_test(test_http_router
    SOURCES http/router_test.cpp
    LIBS cosmos_http cosmos_http_listener)
