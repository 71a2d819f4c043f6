# Browser tests of the web UI: headless Chromium (Debian chromium + chromium-driver) driven by
# Debian's python3-selenium against the real cosmos-server and the emulators. One ctest test per
# case; screenshots go to <build>/tests/ui/screenshots. The system Python is the one with
# python3-selenium, whatever python3 comes first on PATH.
find_program(UNIVERSE_UI_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT UNIVERSE_UI_PYTHON)
    find_program(UNIVERSE_UI_PYTHON NAMES python3 REQUIRED)
endif()
set(UNIVERSE_UI_CASES
    catalog_search_facet package_versions preview_updates field_error install_history
    update_diff rollback uninstall repositories publish token sign_in keyboard_layout)
# The large catalog comes from bench/synthetic-universe.
if(UNIVERSE_BUILD_BENCH)
    list(APPEND UNIVERSE_UI_CASES large_catalog)
endif()
foreach(case IN LISTS UNIVERSE_UI_CASES)
    add_test(NAME ui:${case}
        COMMAND ${UNIVERSE_UI_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/ui_test.py
                --build ${PROJECT_BINARY_DIR} --source ${PROJECT_SOURCE_DIR}
                --shared ${UNIVERSE_SHARED_DIR} ${case})
    set_tests_properties(ui:${case} PROPERTIES TIMEOUT ${UNIVERSE_TEST_TIMEOUT} LABELS ui
                                               ${UNIVERSE_TEST_ENVIRONMENT_PROPERTY})
endforeach()
