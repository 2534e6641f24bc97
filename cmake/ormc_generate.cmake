# ormc_generate(TARGET target SCHEMAS schema.lua... [OUTPUT_DIR dir]
#               [BASE_DIR dir])
#
# Generate typed C and DDL from ormc schema files at build time, and add the
# generated C to `target`:
#
#   add_library(app_model STATIC)
#   ormc_generate(TARGET app_model SCHEMAS schema/app.lua)
#   target_link_libraries(app_model PUBLIC ormc::runtime)
#
# For each schema file (whose `schema "NAME"` names the outputs) this writes
# OUTPUT_DIR/NAME.h, NAME.c, NAME.sqlite.sql and NAME.postgres.sql, adds
# NAME.c and NAME.h to the target's sources and OUTPUT_DIR to its PUBLIC
# include directories. Link ormc::runtime yourself, as above: the generated
# code includes ormc_generated.h (which includes ormc.h).
#
# A schema is regenerated when it or any file of the generator (gen/*.lua)
# changes, and at no other time; ormc rewrites only the files whose bytes
# change, so an edit that changes nothing recompiles nothing. Call it from
# the directory that creates `target`.
#
#   OUTPUT_DIR  where the files go (default: CMAKE_CURRENT_BINARY_DIR/ormc)
#   BASE_DIR    the directory the generator runs in; schema paths under it
#               are passed (and named in the banners of the generated files)
#               relative to it, so that the output does not depend on where
#               the tree is checked out (default: PROJECT_SOURCE_DIR)
#
# Variables: ORMC_LUA (the Lua 5.4 interpreter; found when unset) and
# ORMC_GENERATOR_DIR (the generator's gen/ directory; default: the one next
# to this file).

include_guard(GLOBAL)

# Where the generator lives, relative to this file (cmake/ in the source
# tree, or the installed package's share directory).
if(NOT DEFINED ORMC_GENERATOR_DIR)
    get_filename_component(_ormc_gen_default
        "${CMAKE_CURRENT_LIST_DIR}/../gen" ABSOLUTE)
    set(ORMC_GENERATOR_DIR "${_ormc_gen_default}" CACHE PATH
        "The ormc generator's gen/ directory")
    unset(_ormc_gen_default)
endif()

function(ormc_generate)
    cmake_parse_arguments(G "" "TARGET;OUTPUT_DIR;BASE_DIR" "SCHEMAS" ${ARGN})
    if(NOT G_TARGET)
        message(FATAL_ERROR "ormc_generate: TARGET is required")
    endif()
    if(NOT TARGET ${G_TARGET})
        message(FATAL_ERROR "ormc_generate: no target named ${G_TARGET}")
    endif()
    if(NOT G_SCHEMAS)
        message(FATAL_ERROR "ormc_generate: SCHEMAS names no schema file")
    endif()
    if(G_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR
            "ormc_generate: unexpected arguments: ${G_UNPARSED_ARGUMENTS}")
    endif()
    if(NOT G_OUTPUT_DIR)
        set(G_OUTPUT_DIR "${CMAKE_CURRENT_BINARY_DIR}/ormc")
    endif()
    get_filename_component(out "${G_OUTPUT_DIR}" ABSOLUTE
        BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
    if(NOT G_BASE_DIR)
        set(G_BASE_DIR "${PROJECT_SOURCE_DIR}")
    endif()
    get_filename_component(base "${G_BASE_DIR}" ABSOLUTE)

    if(NOT ORMC_LUA)
        find_program(ORMC_LUA NAMES lua5.4 lua54)
        if(NOT ORMC_LUA)
            message(FATAL_ERROR "ormc_generate: Lua 5.4 (lua5.4) not found; "
                "install it or set ORMC_LUA")
        endif()
    endif()
    set(gen_dir "${ORMC_GENERATOR_DIR}")
    if(NOT EXISTS "${gen_dir}/ormc.lua")
        message(FATAL_ERROR
            "ormc_generate: no generator at ${gen_dir}/ormc.lua; "
            "set ORMC_GENERATOR_DIR")
    endif()
    # Every file of the generator: Lua is no CMake target, so nothing else
    # would make a change to the generator regenerate.
    file(GLOB gen_sources CONFIGURE_DEPENDS "${gen_dir}/*.lua")

    # The query checker (docs/queries.md): the project's own build of it
    # when there is one; else the generator compiles gen/describe.c into
    # the user's cache the first time a schema with queries needs it.
    set(describe_env "")
    set(describe_dep "")
    if(TARGET ormc_describe)
        set(describe_env "${CMAKE_COMMAND}" -E env
            "ORMC_DESCRIBE=$<TARGET_FILE:ormc_describe>")
        set(describe_dep ormc_describe)
    endif()

    file(MAKE_DIRECTORY "${out}")
    set(stamp_dir "${CMAKE_CURRENT_BINARY_DIR}/ormc-stamps")
    file(MAKE_DIRECTORY "${stamp_dir}")

    foreach(schema IN LISTS G_SCHEMAS)
        get_filename_component(abs "${schema}" ABSOLUTE)
        if(NOT EXISTS "${abs}")
            message(FATAL_ERROR "ormc_generate: no schema file ${abs}")
        endif()
        # The output names come from the schema's name; re-run CMake when
        # the file changes, in case that name does.
        set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${abs}")
        file(STRINGS "${abs}" name_line
             REGEX "schema[ \t]*\\(?[ \t]*\"[a-z][a-z0-9_]*\"" LIMIT_COUNT 1)
        string(REGEX MATCH "schema[ \t]*\\(?[ \t]*\"([a-z][a-z0-9_]*)\""
               _ "${name_line}")
        set(name "${CMAKE_MATCH_1}")
        if(name STREQUAL "")
            message(FATAL_ERROR "ormc_generate: ${abs} has no "
                "`schema \"name\"` line")
        endif()

        file(RELATIVE_PATH rel "${base}" "${abs}")
        if(rel MATCHES "^\\.\\./")
            set(rel "${abs}")
        endif()
        set(files "${out}/${name}.h" "${out}/${name}.c"
                  "${out}/${name}.sqlite.sql" "${out}/${name}.postgres.sql")
        # A stamp is the command's output: the generated files keep their
        # mtimes when their bytes do not change, so they cannot be the
        # outputs that tell whether the command must run again. They are
        # byproducts, which Ninja restats.
        set(stamp "${stamp_dir}/${G_TARGET}-${name}.stamp")
        add_custom_command(
            OUTPUT "${stamp}"
            BYPRODUCTS ${files}
            COMMAND ${describe_env} "${ORMC_LUA}" "${gen_dir}/ormc.lua" gen
                    -o "${out}" "${rel}"
            COMMAND "${CMAKE_COMMAND}" -E touch "${stamp}"
            DEPENDS "${abs}" ${gen_sources} ${describe_dep}
            WORKING_DIRECTORY "${base}"
            COMMENT "ormc: generating ${name} from ${rel}"
            VERBATIM)
        target_sources(${G_TARGET} PRIVATE
            "${out}/${name}.c" "${out}/${name}.h" "${stamp}")
    endforeach()
    target_include_directories(${G_TARGET} PUBLIC "${out}")
endfunction()
