# `cmake --install` lays out ormc as a CMake package that other projects use
# with find_package(ormc):
#
#   lib/libormc.a, lib/libormc.so*          the runtime
#   include/ormc/ormc.h,                    its headers (and, for code with
#   include/ormc/ormc_generated.h           only include/ on its path,
#   include/ormc.h, include/ormc_generated.h  one-line headers including them)
#   lib/pkgconfig/ormc.pc                   pkg-config, for builds without
#                                           CMake
#   share/ormc/gen/*.lua, share/ormc/bin/ormc   the generator (and
#   share/ormc/gen/describe*.c, describe_io.h  its database helpers' sources)
#   bin/ormc -> ../share/ormc/bin/ormc      its command line
#   share/doc/ormc/README.md, docs/*.md     the documentation
#   share/ormc/docs -> ../doc/ormc/docs     where `ormc --help` finds it
#   lib/cmake/ormc/                         ormcConfig.cmake, the targets
#                                           ormc::runtime and
#                                           ormc::runtime_shared, and
#                                           ormc_generate()
include(CMakePackageConfigHelpers)

set(ORMC_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/ormc")
set(ORMC_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/ormc")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/gen/"
    DESTINATION "${ORMC_INSTALL_DATADIR}/gen"
    FILES_MATCHING PATTERN "*.lua" PATTERN "*.c" PATTERN "*.h")
install(PROGRAMS "${PROJECT_SOURCE_DIR}/bin/ormc"
    DESTINATION "${ORMC_INSTALL_DATADIR}/bin")
install(CODE "
    set(link \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/ormc\")
    file(MAKE_DIRECTORY \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
    file(CREATE_LINK \"../${ORMC_INSTALL_DATADIR}/bin/ormc\" \"\${link}\" SYMBOLIC)
")

# The documentation (its pages and pictures), laid out as in the source
# tree so that the README's links hold; and share/ormc/docs, docs/ beside the installed gen/ as in a
# checkout, where the generator's --help finds it.
install(FILES "${PROJECT_SOURCE_DIR}/README.md"
    DESTINATION "${CMAKE_INSTALL_DOCDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/docs/"
    DESTINATION "${CMAKE_INSTALL_DOCDIR}/docs"
    FILES_MATCHING PATTERN "*.md" PATTERN "*.svg")
install(CODE "
    set(root \"\${CMAKE_INSTALL_PREFIX}\")
    get_filename_component(from \"${ORMC_INSTALL_DATADIR}\" ABSOLUTE
        BASE_DIR \"\${root}\")
    get_filename_component(to \"${CMAKE_INSTALL_DOCDIR}/docs\" ABSOLUTE
        BASE_DIR \"\${root}\")
    file(RELATIVE_PATH target \"\${from}\" \"\${to}\")
    set(link \"\$ENV{DESTDIR}\${from}/docs\")
    message(STATUS \"Installing: \${link} -> \${target}\")
    file(CREATE_LINK \"\${target}\" \"\${link}\" SYMBOLIC)
    list(APPEND CMAKE_INSTALL_MANIFEST_FILES \"\${link}\")
")

# ormc.pc, for builds without CMake (the README's "by hand"). Its prefix
# is the one `cmake --install` installs into, which --prefix may change
# after configuring, so the file is made in two steps: now everything
# else, with the directories relative to ${prefix} as pkg-config writes
# them, and the prefix when installing. Libs.private is what the runtime
# links (pkg-config --static): SQLite and libpq as found, with their
# directory when it is not one the compiler searches anyway.
function(_ormc_pc_dir var base dir)
    if(IS_ABSOLUTE "${dir}")
        set(${var} "${dir}" PARENT_SCOPE)
    else()
        set(${var} "\${${base}}/${dir}" PARENT_SCOPE)
    endif()
endfunction()
_ormc_pc_dir(ORMC_PC_LIBDIR exec_prefix "${CMAKE_INSTALL_LIBDIR}")
_ormc_pc_dir(ORMC_PC_INCLUDEDIR prefix "${CMAKE_INSTALL_INCLUDEDIR}")
_ormc_pc_dir(ORMC_PC_BINDIR exec_prefix "${CMAKE_INSTALL_BINDIR}")
_ormc_pc_dir(ORMC_PC_DOCDIR prefix "${CMAKE_INSTALL_DOCDIR}")
set(_ormc_pc_libs "")
foreach(dep SQLITE3 LIBPQ)
    foreach(dir IN LISTS ${dep}_LIBRARY_DIRS)
        if(NOT dir IN_LIST CMAKE_C_IMPLICIT_LINK_DIRECTORIES
           AND NOT "-L${dir}" IN_LIST _ormc_pc_libs)
            list(APPEND _ormc_pc_libs "-L${dir}")
        endif()
    endforeach()
    foreach(lib IN LISTS ${dep}_LIBRARIES)
        list(APPEND _ormc_pc_libs "-l${lib}")
    endforeach()
endforeach()
list(APPEND _ormc_pc_libs -lpthread -lm)
list(JOIN _ormc_pc_libs " " ORMC_PC_LIBS_PRIVATE)
set(ORMC_PC_PREFIX "@ORMC_PC_PREFIX@") # kept for the second step
configure_file("${PROJECT_SOURCE_DIR}/cmake/ormc.pc.in"
    "${PROJECT_BINARY_DIR}/ormc.pc.in" @ONLY)
install(CODE "
    set(ORMC_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
    configure_file(\"${PROJECT_BINARY_DIR}/ormc.pc.in\"
        \"${PROJECT_BINARY_DIR}/ormc.pc\" @ONLY)
")
install(FILES "${PROJECT_BINARY_DIR}/ormc.pc"
    DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")

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
