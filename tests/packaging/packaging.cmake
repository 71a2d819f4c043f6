# The Debian package and its systemd unit (scripts/debian/packaging.cmake).
add_test(NAME packaging_systemd_unit_verify
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/verify_unit.sh
                 ${PROJECT_SOURCE_DIR}/scripts/debian/cosmos-server.service
                 $<TARGET_FILE:cosmos-server>)
set_tests_properties(packaging_systemd_unit_verify PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60)
add_test(NAME packaging_debian_package
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/check_package.sh ${PROJECT_BINARY_DIR})
set_tests_properties(packaging_debian_package PROPERTIES TIMEOUT 300)
