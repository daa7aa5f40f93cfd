// SF 1: our generator's data, loaded into DuckDB, gives the TPC's official answers for all 22
// queries with the default (validation) parameters. Label "long" (release CI only).
#include <boost/test/unit_test.hpp>

#include <chrono>

#include "run_queries.hpp"
#include "tpch_duckdb.hpp"

BOOST_AUTO_TEST_SUITE(tpch_answers_sf1)

BOOST_AUTO_TEST_CASE(all_22_answers_match_the_tpc_answer_set) {
    bb_test::tpch_duckdb tpch(1.0);
    double total = 0;
    for (int q = 1; q <= 22; ++q) {
        double seconds = 0;
        auto t = bb_test::run_tpch_query(*tpch.con, q, seconds);
        total += seconds;
        const std::string diff = bb_test::qgen::check_sf1_answer(q, *t);
        BOOST_TEST(diff.empty(), "Q" << q << ": " << diff);
        BOOST_TEST_MESSAGE("Q" << q << ": " << t->rows.size() << " rows in " << seconds << " s");
    }
    BOOST_TEST_MESSAGE("22 queries in " << total << " s");
}

BOOST_AUTO_TEST_SUITE_END()
