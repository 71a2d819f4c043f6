# Adapter tests. The zip tests link libarchive and zlib themselves to craft hostile archives.
universe_add_test(test_adapters
    SOURCES
        ${CMAKE_CURRENT_LIST_DIR}/raw_zip.cpp
        ${CMAKE_CURRENT_LIST_DIR}/zip_archive_test.cpp
        ${CMAKE_CURRENT_LIST_DIR}/gzip_codec_test.cpp
        ${CMAKE_CURRENT_LIST_DIR}/digest_test.cpp
    LIBS
        cosmos_adapter_zip
        cosmos_adapter_gzip
        cosmos_adapter_digest
        LibArchive::LibArchive
        ZLIB::ZLIB)

# RS256 JWT verification against keys generated at test time.
universe_add_test(test_jwt_verifier
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/jwt_verifier_test.cpp
    LIBS cosmos_adapter_jwt universe_test_jwt)
