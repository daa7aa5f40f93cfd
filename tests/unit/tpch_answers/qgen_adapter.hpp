// The only file that names the qgen library's API (tpch/queries.hpp, tpch/answers.hpp), so the
// query tests follow it in one place. tests/unit/tpch_answers/CMakeLists.txt compiles this header
// first and builds the query tests only when it compiles against the current qgen headers.
//
// Written before the qgen library existed, against its announced shape: the SQL of query q with
// the default (validation) substitution parameters, and a checker that compares a result (column
// names and rows of text) with the TPC's SF 1 answer under the specification's tolerances.
#pragma once

#include <bb/duckdb/database.hpp>
#include <tpch/answers.hpp>
#include <tpch/queries.hpp>

#include <string>
#include <vector>

namespace bb_test::qgen {

/// SQL text of TPC-H query q (1..22) with the default parameters; may hold several statements (Q15).
inline std::string default_query_sql(int q) {
    return tpch::default_query_sql(q);
}

/// Empty when `result` matches the TPC's SF 1 answer of query q, else what differs.
inline std::string check_sf1_answer(int q, const bb::duckdb::table& result) {
    std::vector<std::vector<std::string>> rows;
    rows.reserve(result.rows.size());
    for (const auto& row : result.rows) {
        std::vector<std::string>& out = rows.emplace_back();
        for (const auto& cell : row) {
            out.push_back(bb::duckdb::table::display(cell));
        }
    }
    return tpch::check_answer(q, rows);
}

} // namespace bb_test::qgen
