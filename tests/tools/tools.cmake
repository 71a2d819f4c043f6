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

# What a user meets when something is mistyped or wrong: messages, limits, refusals.
universe_add_test(test_repo_tool_messages
    SOURCES tools/repo_tool_messages_test.cpp
    LIBS universe_e2e_support universe_test_support cosmos_core cosmos_adapter_zip)
target_compile_definitions(test_repo_tool_messages PRIVATE UNIVERSE_VERSION="${PROJECT_VERSION}")
add_dependencies(test_repo_tool_messages repo-tool cosmos-server)
