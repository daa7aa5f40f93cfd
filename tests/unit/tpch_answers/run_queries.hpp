// Runs the 22 TPC-H queries in DuckDB and returns each query's row-producing result.
#pragma once

#include <bb/duckdb/database.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "qgen_adapter.hpp"

namespace bb_test {

/// Runs query q and returns the result of its (last) SELECT statement; fails the test on error.
inline std::optional<bb::duckdb::table> run_tpch_query(bb::duckdb::connection& con, int q, double& seconds) {
    const std::string sql = qgen::default_query_sql(q);
    const auto start = std::chrono::steady_clock::now();
    auto all = con.query_all(sql);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST_REQUIRE(all.has_value(), "Q" << q << ": " << all.message());
    std::optional<bb::duckdb::table> select;
    for (auto& t : *all) {
        if (t.statement == DUCKDB_STATEMENT_TYPE_SELECT) {
            select = std::move(t);
        }
    }
    BOOST_TEST_REQUIRE(select.has_value(), "Q" << q << " has no SELECT statement");
    return select;
}

} // namespace bb_test
