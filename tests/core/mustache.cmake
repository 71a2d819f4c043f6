# The mustache engine: the spec suite, Cosmos 0.6.3 behaviour, and the real Universe templates.
universe_add_test(test_mustache
    SOURCES
        core/mustache_spec_test.cpp
        core/mustache_cosmos_test.cpp
        core/mustache_corpus_test.cpp
    LIBS cosmos_core_mustache)
