universe_add_test(test_repo_tool
    SOURCES tools/repo_tool_test.cpp
    LIBS nlohmann_json::nlohmann_json)
add_dependencies(test_repo_tool repo-tool)

# repo-tool add, publish, serve and verify.
universe_add_test(test_publish_tools
    SOURCES tools/publish_tools_test.cpp
    LIBS universe_e2e_support universe_test_support cosmos_core cosmos_adapter_gzip
         cosmos_adapter_digest)
add_dependencies(test_publish_tools repo-tool)
