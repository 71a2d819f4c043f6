# Sanitizer and fuzzing builds. Each uses its own build directory (scripts/setup --sanitize,
# scripts/fuzz), so the normal build is never instrumented.
#
# UNIVERSE_SANITIZE: a -fsanitize= list for every target, e.g. "address,undefined" or "thread".
# UNIVERSE_FUZZ: the libFuzzer targets of tests/fuzz, with ASan and UBSan (clang only).

set(UNIVERSE_SANITIZE "" CACHE STRING "Build everything with -fsanitize=<list>, e.g. address,undefined")
option(UNIVERSE_FUZZ "Build the libFuzzer targets in tests/fuzz, with ASan and UBSan (clang only)" OFF)

set(universe_sanitize "${UNIVERSE_SANITIZE}")
if(UNIVERSE_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "UNIVERSE_FUZZ needs clang (libFuzzer): configure with "
                            "-DCMAKE_CXX_COMPILER=clang++, or use scripts/fuzz")
    endif()
    if(universe_sanitize STREQUAL "")
        set(universe_sanitize "address,undefined")
    endif()
    # Coverage feedback for every library; the fuzz executables add the libFuzzer main.
    add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(NOT universe_sanitize STREQUAL "")
    # Every finding stops the run: UBSan reports are errors, not warnings.
    add_compile_options(-fsanitize=${universe_sanitize} -fno-omit-frame-pointer
                        -fno-sanitize-recover=all)
    add_link_options(-fsanitize=${universe_sanitize})
endif()

# One NAME=value that every test gets (and the servers the tests start inherit): TSan reads its
# suppressions of third-party false positives from tests/tsan.supp (each with its reason).
set(UNIVERSE_TEST_ENVIRONMENT "")
if(universe_sanitize MATCHES "thread")
    set(UNIVERSE_TEST_ENVIRONMENT
        "TSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/tsan.supp:halt_on_error=1:second_deadlock_stack=1")
endif()
