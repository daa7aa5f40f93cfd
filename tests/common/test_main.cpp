// Shared Boost.Test entry point for test executables built with COMMON_MAIN.
#define BOOST_TEST_MODULE bb_async_tests
#include <boost/test/unit_test.hpp>
