# The libraries ormc links: SQLite, libpq, and (tests only) cmocka. Each is
# found through pkg-config, as Debian ships a .pc file for all three.
find_package(PkgConfig REQUIRED)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
find_package(Threads REQUIRED)
if(ORMC_BUILD_TESTS)
    pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
endif()

find_program(ORMC_LUA NAMES lua5.4 REQUIRED)
