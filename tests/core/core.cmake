universe_add_test(test_core_model
    SOURCES core/json_test.cpp core/version_test.cpp core/package_test.cpp core/app_id_test.cpp
    LIBS cosmos_core_base)

universe_add_test(test_core_catalog
    SOURCES core/catalog_test.cpp core/repo_index_test.cpp core/options_test.cpp
    LIBS cosmos_core)

universe_add_test(test_corpus_render
    SOURCES core/corpus_render_test.cpp
    LIBS cosmos_app cosmos_adapter_tree cosmos_adapter_gzip)

# The Universe Server rules and the digests build records.
universe_add_test(test_core_repo_serving
    SOURCES core/repo_serving_test.cpp
    LIBS cosmos_core cosmos_adapter_digest)
