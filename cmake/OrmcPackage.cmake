# `cmake --install` lays out ormc as a CMake package that other projects use
# with find_package(ormc):
#
#   lib/libormc.a, lib/libormc.so*          the runtime
#   include/ormc/ormc.h,                    its headers (and, for code with
#   include/ormc/ormc_generated.h           only include/ on its path,
#   include/ormc.h, include/ormc_generated.h  one-line headers including them)
#   share/ormc/gen/*.lua, share/ormc/bin/ormc   the generator (and
#   share/ormc/gen/describe.c               its query checker's source)
#   bin/ormc -> ../share/ormc/bin/ormc      its command line
#   lib/cmake/ormc/                         ormcConfig.cmake, the targets
#                                           ormc::runtime and
#                                           ormc::runtime_shared, and
#                                           ormc_generate()
include(CMakePackageConfigHelpers)

set(ORMC_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/ormc")
set(ORMC_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/ormc")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/gen/"
    DESTINATION "${ORMC_INSTALL_DATADIR}/gen"
    FILES_MATCHING PATTERN "*.lua" PATTERN "*.c")
install(PROGRAMS "${PROJECT_SOURCE_DIR}/bin/ormc"
    DESTINATION "${ORMC_INSTALL_DATADIR}/bin")
install(CODE "
    set(link \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/ormc\")
    file(MAKE_DIRECTORY \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
    file(CREATE_LINK \"../${ORMC_INSTALL_DATADIR}/bin/ormc\" \"\${link}\" SYMBOLIC)
")

install(EXPORT ormcTargets NAMESPACE ormc::
    DESTINATION "${ORMC_INSTALL_CMAKEDIR}")
configure_package_config_file(
    "${PROJECT_SOURCE_DIR}/cmake/ormcConfig.cmake.in"
    "${PROJECT_BINARY_DIR}/ormcConfig.cmake"
    INSTALL_DESTINATION "${ORMC_INSTALL_CMAKEDIR}"
    PATH_VARS ORMC_INSTALL_DATADIR)
write_basic_package_version_file(
    "${PROJECT_BINARY_DIR}/ormcConfigVersion.cmake"
    COMPATIBILITY SameMinorVersion)
install(FILES
    "${PROJECT_BINARY_DIR}/ormcConfig.cmake"
    "${PROJECT_BINARY_DIR}/ormcConfigVersion.cmake"
    "${PROJECT_SOURCE_DIR}/cmake/ormc_generate.cmake"
    DESTINATION "${ORMC_INSTALL_CMAKEDIR}")
