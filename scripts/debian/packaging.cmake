# A Debian package for operators: `cmake --build build --target package` (or `cpack -G DEB` in
# the build folder) writes universe_<version>_<arch>.deb with cosmos-server, repo-tool, a systemd
# unit and /etc/default/cosmos-server for the unit's environment.
set(universe_debian_dir "${PROJECT_SOURCE_DIR}/scripts/debian")

install(TARGETS cosmos-server repo-tool RUNTIME DESTINATION bin)
install(FILES "${universe_debian_dir}/cosmos-server.service" DESTINATION lib/systemd/system)
# Read by systemd (root) only: it may hold ZOOKEEPER_SECRET.
install(FILES "${universe_debian_dir}/cosmos-server.default" DESTINATION /etc/default
        RENAME cosmos-server PERMISSIONS OWNER_READ OWNER_WRITE)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME universe)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "universe maintainers <dev@universe.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "DC/OS-style package service (cosmos-server) and package authors' tool (repo-tool)")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS adduser)
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${universe_debian_dir}/postinst;${universe_debian_dir}/prerm;${universe_debian_dir}/postrm;${universe_debian_dir}/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
