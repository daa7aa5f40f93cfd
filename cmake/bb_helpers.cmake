# bb_add_test(NAME <name> SOURCES <files...> LIBS <libs...> [LABELS <labels...>] [TIMEOUT <s>] [ARGS <args...>])
#
# One Boost.Test executable (dynamic Boost.Test, BOOST_TEST_DYN_LINK) registered with CTest.
# Each test file defines its own suites; exactly one source per executable must define
# BOOST_TEST_MODULE (or use tests/common/test_main.cpp through the COMMON_MAIN flag).
set(BB_TEST_DEFINITIONS BOOST_TEST_DYN_LINK
  BB_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
  BB_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
  BB_BINARY_DIR="${PROJECT_BINARY_DIR}")

# g++ 12 reports false -Warray-bounds / -Wstringop-* errors on std::string operator+ chains (GCC bug
# 105329) once Boost.Test is inlined from the precompiled header; tests only, and the ASan tree checks
# bounds at run time.
set(BB_TEST_OPTIONS)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set(BB_TEST_OPTIONS -Wno-array-bounds -Wno-stringop-overflow -Wno-stringop-overread)
endif()

function(bb_add_test)
  cmake_parse_arguments(T "COMMON_MAIN" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS;ARGS" ${ARGN})
  set(srcs ${T_SOURCES})
  if(T_COMMON_MAIN)
    if(TARGET bb_test_main)
      list(APPEND srcs $<TARGET_OBJECTS:bb_test_main>) # compiled once (tests/CMakeLists.txt)
    else()
      list(APPEND srcs ${PROJECT_SOURCE_DIR}/tests/common/test_main.cpp)
    endif()
  endif()
  add_executable(${T_NAME} ${srcs})
  # bb_asio and Boost.JSON for everyone: the same definitions in every test as in the shared
  # precompiled header (tests/CMakeLists.txt); unused, they cost nothing at link time.
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} bb_asio Boost::json Boost::unit_test_framework)
  target_compile_definitions(${T_NAME} PRIVATE ${BB_TEST_DEFINITIONS})
  target_compile_options(${T_NAME} PRIVATE ${BB_TEST_OPTIONS})
  if(TARGET bb_test_pch)
    target_precompile_headers(${T_NAME} REUSE_FROM bb_test_pch)
    # The unit that defines BOOST_TEST_MODULE must include Boost.Test itself (the header
    # generates main() only when the macro is defined before its first inclusion).
    set_source_files_properties(${PROJECT_SOURCE_DIR}/tests/common/test_main.cpp
      TARGET_DIRECTORY ${T_NAME} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
  endif()
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests/common)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME} --log_level=test_suite --report_level=short ${T_ARGS})
  if(T_LABELS)
    set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}")
  endif()
  if(T_TIMEOUT)
    set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT})
  else()
    set_tests_properties(${T_NAME} PROPERTIES TIMEOUT 300)
  endif()
endfunction()
