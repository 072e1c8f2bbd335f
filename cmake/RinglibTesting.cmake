# Helpers shared by every test directory.
include(GoogleTest)

set(RINGLIB_SHARED_DATA_DIR "${PROJECT_SOURCE_DIR}/../shared/data" CACHE PATH
    "Real recorded market data used by tests (never copied into the repository)")

# ringlib_add_gtest(<name> SOURCES <files...> [LIBS <targets...>] [LABELS <labels...>])
# One GoogleTest executable; its tests are discovered at test time, labelled.
function(ringlib_add_gtest name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    RINGLIB_SHARED_DATA_DIR="${RINGLIB_SHARED_DATA_DIR}"
    RINGLIB_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    RINGLIB_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${name}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT 300)
endfunction()
