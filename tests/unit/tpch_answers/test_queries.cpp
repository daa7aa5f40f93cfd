// SF 0.01: every TPC-H query runs in DuckDB on our generator's data (the answers are SF 1's, so
// only the shape is checked here; tpch_answers_sf1_test checks values).
#include <boost/test/unit_test.hpp>

#include "run_queries.hpp"
#include "tpch_duckdb.hpp"

BOOST_AUTO_TEST_SUITE(tpch_duckdb_queries)

BOOST_AUTO_TEST_CASE(all_22_queries_run_at_sf_0_01) {
    bb_test::tpch_duckdb tpch(0.01);
    for (int q = 1; q <= 22; ++q) {
        double seconds = 0;
        auto t = bb_test::run_tpch_query(*tpch.con, q, seconds);
        BOOST_TEST(!t->columns.empty(), "Q" << q);
        BOOST_TEST_MESSAGE("Q" << q << ": " << t->rows.size() << " rows in " << seconds << " s");
    }
}

BOOST_AUTO_TEST_SUITE_END()
