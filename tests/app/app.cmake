# Use-case tests with fakes for the ports (no files, sockets or servers).
universe_add_test(test_app_publish
    SOURCES app/publish_service_test.cpp
    LIBS cosmos_app cosmos_adapter_digest)
universe_add_test(test_app_repository_decode
    SOURCES app/repository_decode_test.cpp
    LIBS cosmos_app)
universe_add_test(test_app_repository_service
    SOURCES app/repository_service_test.cpp
    LIBS cosmos_app)
universe_add_test(test_app_rollback
    SOURCES app/rollback_test.cpp
    LIBS cosmos_app cosmos_adapter_gzip)
universe_add_test(test_app_access
    SOURCES app/access_test.cpp
    LIBS cosmos_app cosmos_adapter_digest)
universe_add_test(test_app_render
    SOURCES app/render_cache_test.cpp
    LIBS cosmos_app)
universe_add_test(test_app_job_runner
    SOURCES app/job_runner_test.cpp
    LIBS cosmos_app)
