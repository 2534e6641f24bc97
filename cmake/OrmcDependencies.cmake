# The libraries ormc links: SQLite, libpq, and (tests only) cmocka. Each is
# found through pkg-config, as Debian ships a .pc file for all three.
# libuv (libuv1-dev) is optional: with it the runtime's libuv adapter
# (ormc::uv, runtime/uv/), its example and the asynchronous test are built;
# the test suite under CI=true requires it.
find_package(PkgConfig REQUIRED)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
find_package(Threads REQUIRED)
pkg_check_modules(LIBUV IMPORTED_TARGET libuv)
if(ORMC_BUILD_TESTS)
    pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
    if(NOT LIBUV_FOUND AND "$ENV{CI}" STREQUAL "true")
        message(FATAL_ERROR "libuv not found: the asynchronous test needs "
                            "it (scripts/setup test installs libuv1-dev)")
    endif()
endif()

find_program(ORMC_LUA NAMES lua5.4 REQUIRED)
