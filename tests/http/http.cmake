# The pure HTTP layer: media types, request validation, wire DTOs.
universe_add_test(test_http_wire
    SOURCES
        http/media_types_test.cpp
        http/rpc_test.cpp
        http/wire_test.cpp
    LIBS cosmos_http_wire)

# The answer cache of the catalog endpoints.
universe_add_test(test_http_cache
    SOURCES http/answer_cache_test.cpp
    LIBS cosmos_http)
