// dbgen's random number machinery (GENERATION.md §1) and scale rules (§5).
#include <tpch/dbgen.hpp>
#include <tpch/dists.hpp>
#include <tpch/rng.hpp>
#include <tpch/schema.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>

#include "tpch_test_util.hpp"

BOOST_AUTO_TEST_SUITE(tpch_rng)

BOOST_AUTO_TEST_CASE(park_miller_first_states_of_stream_0) {
    std::int64_t x = tpch::stream_seeds[0];
    BOOST_TEST(x == 1);
    x = tpch::pm_next(x);
    BOOST_TEST(x == 16807);
    x = tpch::pm_next(x);
    BOOST_TEST(x == 282475249);
    x = tpch::pm_next(x);
    BOOST_TEST(x == 1622650073);
}

BOOST_AUTO_TEST_CASE(unif_int_1_100_from_seed_1) {
    std::int64_t x = 1;
    const std::int64_t expect[] = {1, 14, 76, 46, 54};
    for (auto e : expect) {
        BOOST_TEST(tpch::unif_int(x, 1, 100) == e);
    }
}

BOOST_AUTO_TEST_CASE(unif_int_wrapped_range_gives_negative_values) {
    // lo 0, hi 2^31-1: the kit's range wraps to -2^31 (§1.2).
    std::int64_t x = 1;
    BOOST_TEST(tpch::unif_int(x, 0, 2147483647) == -16807);
    BOOST_TEST(x == 16807);
    // The largest state: q rounds to 1 - 2^-31, the result is -2147483647, not -2147483646.
    const double q = 2147483646.0 / 2147483647.0;
    BOOST_TEST(static_cast<std::int64_t>(q * -2147483648.0) == -2147483647);
}

BOOST_AUTO_TEST_CASE(nth_element_equals_repeated_steps_and_composes) {
    for (std::int64_t seed : {std::int64_t{1}, std::int64_t{933588178}, std::int64_t{2147483646}}) {
        std::int64_t x = seed;
        for (int n = 0; n < 200; ++n) {
            BOOST_TEST(tpch::nth_element(seed, n) == x);
            x = tpch::pm_next(x);
        }
        BOOST_TEST(tpch::nth_element(tpch::nth_element(seed, 123456789), 987654321) ==
                   tpch::nth_element(seed, 123456789 + 987654321));
    }
}

BOOST_AUTO_TEST_CASE(nth_element_on_a_64_bit_state_wraps_like_the_kit) {
    // A negative 64-bit state: the first product wraps, the remainder keeps the sign of z.
    const std::int64_t z = -6917529027641081856; // 0xA000000000000000
    const auto p =
        static_cast<std::int64_t>(static_cast<std::uint64_t>(16807) * static_cast<std::uint64_t>(z));
    BOOST_TEST(tpch::nth_element(z, 1) == p % 2147483647);
    // A negative state keeps its sign through the C remainder.
    BOOST_TEST(tpch::nth_element(-1, 1) == -16807);
    BOOST_TEST(tpch::nth_element(-1, 2) == -16807 * 16807 % 2147483647);
}

BOOST_AUTO_TEST_CASE(unif_int64_uses_the_lcg) {
    std::int64_t x = 851767375;
    const std::uint64_t u = 851767375ull * 6364136223846793005ull + 1;
    auto v = static_cast<std::int64_t>(u);
    const std::int64_t expect = 1 + ((v < 0 ? -v : v) % 10);
    BOOST_TEST(tpch::unif_int64(x, 1, 10) == expect);
    BOOST_TEST(x == static_cast<std::int64_t>(u));
}

BOOST_AUTO_TEST_CASE(scale_factor_rules) {
    auto s001 = tpch::scale_info::from_factor(0.01);
    BOOST_REQUIRE(s001);
    BOOST_TEST(s001->scale == 1);
    BOOST_TEST(s001->part == 2000);
    BOOST_TEST(s001->supplier == 100);
    BOOST_TEST(s001->customer == 1500);
    BOOST_TEST(s001->orders == 15000);
    auto s0123 = tpch::scale_info::from_factor(0.123);
    BOOST_REQUIRE(s0123);
    BOOST_TEST(s0123->part == 24600);
    BOOST_TEST(s0123->orders == 184500);
    auto tiny = tpch::scale_info::from_factor(0.0001);
    BOOST_REQUIRE(tiny);
    BOOST_TEST(tiny->part == 1);
    BOOST_TEST(tiny->supplier == 1);
    BOOST_TEST(tiny->orders == 1);
    auto s15 = tpch::scale_info::from_factor(1.5);
    BOOST_REQUIRE(s15);
    BOOST_TEST(s15->scale == 1);
    BOOST_TEST(s15->orders == 1500000);
    auto big = tpch::scale_info::from_factor(30000);
    BOOST_REQUIRE(big);
    BOOST_TEST(big->big());
    BOOST_TEST(!tpch::scale_info::from_factor(29999)->big());
    BOOST_TEST(!tpch::scale_info::from_factor(0));
    BOOST_TEST(!tpch::scale_info::from_factor(-1));
    BOOST_TEST(!tpch::scale_info::from_factor(100001));
    BOOST_TEST(!tpch::scale_info::from_factor(std::numeric_limits<double>::quiet_NaN()));
    BOOST_TEST(!tpch::scale_info::from_factor(std::numeric_limits<double>::infinity()));
}

BOOST_AUTO_TEST_CASE(chunk_ranges_give_the_remainder_to_the_last_chunk) {
    auto r1 = tpch::chunk_range(10, 3, 1);
    auto r3 = tpch::chunk_range(10, 3, 3);
    BOOST_TEST(r1.first == 1);
    BOOST_TEST(r1.count == 3);
    BOOST_TEST(r3.first == 7);
    BOOST_TEST(r3.count == 4);
    auto e = tpch::chunk_range(2, 5, 3);
    BOOST_TEST(e.count == 0);
    BOOST_TEST(tpch::chunk_range(2, 5, 5).count == 2);
}

BOOST_AUTO_TEST_CASE(distributions_are_embedded) {
    BOOST_TEST(tpch::all_distributions().size() == 26u);
    const auto& nations = tpch::dist("nations");
    BOOST_TEST(nations.size() == 25u);
    BOOST_TEST(nations.values[0] == "ALGERIA");
    BOOST_TEST(nations.cumweights[24] == 1); // UNITED STATES is in region 1 (AMERICA)
    BOOST_TEST(tpch::dist("colors").size() == 92u);
    BOOST_TEST(tpch::dist("p_types").total() == 150);
    BOOST_TEST(tpch::dist("terminators").values[5] == "--");
    BOOST_TEST(tpch::find_distribution("no such") == nullptr);
    BOOST_CHECK_THROW(tpch::dist("no such"), std::out_of_range);
    BOOST_TEST(tpch::dist("grammar").index_for(4) == 1u);
}

BOOST_AUTO_TEST_CASE(schemas_name_every_column) {
    BOOST_TEST(tpch::table_schema(tpch::table::lineitem).size() == 16u);
    BOOST_TEST(tpch::table_schema(tpch::table::orders).size() == 9u);
    BOOST_TEST(tpch::table_schema(tpch::table::region).size() == 3u);
    BOOST_TEST(tpch::table_schema(tpch::table::lineitem)[5].sql_type == "DECIMAL(15,2)");
    BOOST_TEST(tpch::table_schema(tpch::table::orders)[4].sql_type == "DATE");
    for (auto t : tpch::all_tables) {
        BOOST_TEST((tpch::parse_table(tpch::table_name(t)) == t));
    }
    BOOST_TEST(!tpch::parse_table("lineitems"));
    BOOST_TEST(tpch::csv_header(tpch::table::region) == "r_regionkey,r_name,r_comment\n");
}

BOOST_AUTO_TEST_SUITE_END()
