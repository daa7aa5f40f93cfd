// The text pool (GENERATION.md §4.1): built in parallel segments, identical whatever the count.
#include <tpch/text_pool.hpp>

#include <boost/test/unit_test.hpp>

#include "tpch_test_util.hpp"

namespace {
constexpr std::string_view pool_md5 = "0f85e3af02482a7035e80b448c795a4c";
constexpr std::string_view pool_begin =
    "furiously special foxes haggle furiously blithely ironic deposits. slyly final theodolites boost slyly "
    "even "
    "asymptotes. carefully final foxes wake furiously around the furiously bold deposits. ";
constexpr std::string_view pool_end = "ruthlessly bold excuses are carefully against the busy, express s";
} // namespace

BOOST_AUTO_TEST_SUITE(tpch_text_pool)

BOOST_AUTO_TEST_CASE(process_pool_matches_the_reference_md5) {
    const auto& pool = tpch::text_pool::instance();
    const auto text = pool.text();
    BOOST_TEST(text.size() == 314572800u);
    BOOST_TEST(text.substr(0, pool_begin.size()) == pool_begin);
    BOOST_TEST(text.substr(text.size() - pool_end.size()) == pool_end);
    BOOST_TEST(tpch_test::md5_hex(text) == pool_md5);
    // Slack after the pool is readable and zero.
    BOOST_TEST(pool.data()[tpch::text_pool::size] == '\0');
    BOOST_TEST(pool.data()[tpch::text_pool::size + tpch::text_pool::slack - 1] == '\0');
}

BOOST_AUTO_TEST_CASE(segmented_builds_are_identical) {
    // 5 segments: four joins between concurrently generated parts.
    auto pool = tpch::text_pool::build(5);
    BOOST_TEST(tpch_test::md5_hex(pool->text()) == pool_md5);
}

BOOST_AUTO_TEST_SUITE_END()
