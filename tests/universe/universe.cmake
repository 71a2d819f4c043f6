universe_add_test(test_universe
    SOURCES universe/universe_test.cpp
    LIBS cosmos_app cosmos_adapter_tree cosmos_adapter_gzip)
