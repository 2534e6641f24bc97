# Strict warnings and the sanitizer build, applied to every target of the
# project (not to users of the exported package).
set(ORMC_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
    -Wmissing-prototypes -Wformat=2 -Wvla)
if(ORMC_WERROR)
    list(APPEND ORMC_WARNING_FLAGS -Werror)
endif()

if(ORMC_SANITIZE)
    set(ORMC_SANITIZE_FLAGS -fsanitize=address,undefined
        -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    add_compile_options(${ORMC_SANITIZE_FLAGS})
    add_link_options(${ORMC_SANITIZE_FLAGS})
endif()

if(ORMC_TSAN)
    if(ORMC_SANITIZE)
        message(FATAL_ERROR "ORMC_TSAN and ORMC_SANITIZE exclude each other")
    endif()
    set(ORMC_TSAN_FLAGS -fsanitize=thread -fno-omit-frame-pointer)
    add_compile_options(${ORMC_TSAN_FLAGS})
    add_link_options(${ORMC_TSAN_FLAGS})
endif()

# ormc_target_warnings(target): the project's warning set on one target.
function(ormc_target_warnings target)
    target_compile_options(${target} PRIVATE ${ORMC_WARNING_FLAGS})
endfunction()
