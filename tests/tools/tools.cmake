universe_add_test(test_repo_tool
    SOURCES tools/repo_tool_test.cpp
    LIBS nlohmann_json::nlohmann_json)
add_dependencies(test_repo_tool repo-tool)
