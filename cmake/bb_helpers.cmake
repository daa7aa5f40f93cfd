# bb_add_test(NAME <name> SOURCES <files...> LIBS <libs...> [LABELS <labels...>] [TIMEOUT <s>] [ARGS <args...>])
#
# One Boost.Test executable (dynamic Boost.Test, BOOST_TEST_DYN_LINK) registered with CTest.
# Each test file defines its own suites; exactly one source per executable must define
# BOOST_TEST_MODULE (or use tests/common/test_main.cpp through the COMMON_MAIN flag).
function(bb_add_test)
  cmake_parse_arguments(T "COMMON_MAIN" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS;ARGS" ${ARGN})
  set(srcs ${T_SOURCES})
  if(T_COMMON_MAIN)
    list(APPEND srcs ${PROJECT_SOURCE_DIR}/tests/common/test_main.cpp)
  endif()
  add_executable(${T_NAME} ${srcs})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} Boost::unit_test_framework)
  target_compile_definitions(${T_NAME} PRIVATE BOOST_TEST_DYN_LINK
    BB_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    BB_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    BB_BINARY_DIR="${PROJECT_BINARY_DIR}")
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
