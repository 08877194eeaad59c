# Sanitizer and fuzzing builds (docs/FUZZING.md).
#
#   BANDO_SANITIZE=ON  AddressSanitizer + UndefinedBehaviorSanitizer on everything Bando compiles
#                      (core, CLI, tests), with gcc or clang. UB aborts (no recovery), so a finding
#                      fails the test that hit it. Build dir: build-asan.
#   BANDO_FUZZ=ON      clang only: the same sanitizers plus -fsanitize=fuzzer-no-link on the core, and
#                      the libFuzzer targets of tests/fuzz linked with -fsanitize=fuzzer. Build dir:
#                      build-fuzz (configure with -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang).
#
# GDAL, GEOS, PROJ, SQLite, ICU, Cairo and wx come from Debian and are not instrumented. Leaks and
# UB reported inside them are suppressed in cmake/sanitizer_defaults.cpp, one commented line each;
# those defaults are compiled into every executable, so the CLI that integration tests spawn gets
# them too, with no environment variable to remember.
option(BANDO_SANITIZE "Build with AddressSanitizer + UndefinedBehaviorSanitizer (gcc or clang)" OFF)
option(BANDO_FUZZ "Build the libFuzzer targets (clang only; implies the sanitizers)" OFF)

if(BANDO_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "BANDO_FUZZ=ON needs clang (libFuzzer): configure with "
                        "-DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang (Debian packages clang, libclang-rt-14-dev)")
  endif()
  set(BANDO_SANITIZE ON CACHE BOOL "" FORCE)
endif()

if(BANDO_SANITIZE)
  set(BANDO_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  if(BANDO_FUZZ)
    list(APPEND BANDO_SANITIZER_FLAGS -fsanitize=fuzzer-no-link)
  endif()
  add_compile_options(${BANDO_SANITIZER_FLAGS})
  add_link_options(-fsanitize=address,undefined)
  # Default sanitizer options and the suppressions of findings inside the uninstrumented libraries.
  add_library(bando_sanitizer_defaults OBJECT ${CMAKE_CURRENT_LIST_DIR}/sanitizer_defaults.cpp)
  link_libraries(bando_sanitizer_defaults)
  message(STATUS "Bando: AddressSanitizer + UndefinedBehaviorSanitizer build")
endif()
