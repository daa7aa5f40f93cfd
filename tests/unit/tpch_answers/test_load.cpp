#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>

#include "tpch_duckdb.hpp"

namespace {

std::string scalar(bb::duckdb::connection& con, const std::string& sql) {
    auto t = con.query(sql);
    BOOST_REQUIRE_MESSAGE(t, sql << ": " << t.message());
    BOOST_REQUIRE_EQUAL(t->rows.size(), 1u);
    return bb::duckdb::table::display(t->rows[0][0]);
}

} // namespace

BOOST_AUTO_TEST_SUITE(tpch_duckdb_load)

BOOST_AUTO_TEST_CASE(sf_0_01_loads_with_dbgen_row_counts_and_types) {
    bb_test::tpch_duckdb tpch(0.01);
    auto& con = *tpch.con;
    // dbgen's row counts at SF 0.01 (lineitem varies with the random 1..7 lines per order).
    const std::pair<const char*, const char*> counts[] = {
        {"lineitem", "60175"}, {"orders", "15000"}, {"partsupp", "8000"}, {"part", "2000"},
        {"customer", "1500"},  {"supplier", "100"}, {"nation", "25"},     {"region", "5"}};
    for (const auto& [table, rows] : counts) {
        BOOST_TEST(scalar(con, std::string("SELECT count(*) FROM ") + table) == rows, table);
    }
    // Types come from tpch::table_schema.
    auto t = con.query("SELECT l_orderkey, l_extendedprice, l_shipdate, l_comment FROM lineitem LIMIT 1");
    BOOST_REQUIRE_MESSAGE(t, t.message());
    BOOST_TEST(t->columns[0].sql_type == "BIGINT");
    BOOST_TEST(t->columns[1].sql_type == "DECIMAL(15,2)");
    BOOST_TEST(t->columns[2].sql_type == "DATE");
    BOOST_TEST(t->columns[3].sql_type == "VARCHAR");
    // Keys join: every line has its order, every order its customer, every partsupp its part.
    BOOST_TEST(
        scalar(con,
               "SELECT count(*) FROM lineitem WHERE l_orderkey NOT IN (SELECT o_orderkey FROM orders)") ==
        "0");
    BOOST_TEST(
        scalar(con, "SELECT count(*) FROM orders WHERE o_custkey NOT IN (SELECT c_custkey FROM customer)") ==
        "0");
    BOOST_TEST(
        scalar(con, "SELECT count(DISTINCT ps_partkey) FROM partsupp JOIN part ON p_partkey = ps_partkey") ==
        "2000");
    // The last column of every table was read (the trailing '|' did not shift anything).
    BOOST_TEST(scalar(con, "SELECT count(*) FROM region WHERE r_comment IS NULL OR r_comment = ''") == "0");
    BOOST_TEST(scalar(con, "SELECT n_name FROM nation WHERE n_nationkey = 0") == "ALGERIA");
    BOOST_TEST(
        scalar(con, "SELECT min(o_orderdate) >= DATE '1992-01-01' AND max(o_orderdate) <= DATE '1998-08-02' "
                    "FROM orders") == "true");
}

BOOST_AUTO_TEST_SUITE_END()
