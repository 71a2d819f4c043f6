# JSON Schema validation: the linear-time regex matcher, the draft-04 validator, our schemas.
universe_add_test(test_regex
    SOURCES core/regex_test.cpp
    LIBS cosmos_core_schema)
universe_add_test(test_json_schema
    SOURCES core/json_schema_test.cpp core/json_schema_suite_test.cpp
    LIBS cosmos_core_schema cosmos_schemas)
universe_add_test(test_schemas
    SOURCES core/schemas_test.cpp
    LIBS cosmos_core_schema cosmos_schemas)
