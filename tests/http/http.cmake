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

# The web UI as the router serves it (shell, assets, ETag, gzip), next to the API routes.
universe_add_test(test_http_ui
    SOURCES http/ui_assets_test.cpp
    LIBS cosmos_http_ui web_embedded cosmos_adapter_gzip cosmos_adapter_digest)

# Roles per route and the guard in front of the real routes.
universe_add_test(test_http_auth
    SOURCES http/auth_test.cpp
    LIBS cosmos_http cosmos_adapter_digest)
# The answer cache of the catalog endpoints.
universe_add_test(test_http_cache
    SOURCES http/answer_cache_test.cpp
    LIBS cosmos_http)
