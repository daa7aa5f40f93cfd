#pragma once
// The SQL text of the 22 TPC-H queries, written from the TPC-H specification (clause 2.4), in one
// dialect that Spark SQL 3.x and DuckDB both run unchanged:
//  - Q15's view is a common table expression (`with revenue<s> as (...)`), so every query is a
//    single SELECT statement without side effects;
//  - date arithmetic (Q1's `date '1998-12-01' - interval DELTA day`, the `+ interval '3' month`
//    etc. of Q4, Q5, Q6, Q10, Q12, Q14, Q15, Q20) is computed here and substituted as a date
//    literal (`date 'YYYY-MM-DD'`): same rows, no interval syntax differences between engines;
//  - the row limits (qgen's `:n`: Q2 100, Q3 10, Q10 20, Q18 100, Q21 100) are `limit n`;
//  - no trailing semicolon.
// Parameters are substituted textually, exactly as qgen does (see <tpch/qgen.hpp>).
//
// TPC-H and TPC Benchmark are trademarks of the Transaction Processing Performance Council.
//
// Thread-safety: all functions are pure and may be called concurrently.
#include <tpch/qgen.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace tpch {

/// The query's name in the specification ("Pricing Summary Report", ...); empty outside 1..22.
std::string_view query_name(int query) noexcept;

/// The row limit of the query (100, 10, 20, 100, 100 for Q2, Q3, Q10, Q18, Q21), -1 for none.
int query_row_limit(int query) noexcept;

/// The template of the query: the SQL with `:1`..`:10` for qgen's parameters, `:a` for the derived
/// date (see above) and `:s` for the stream number; empty outside 1..22.
std::string_view query_template(int query) noexcept;

/// The executable SQL of `p.query` with parameters `p.values` (as produced by query_generator or
/// default_parameters) for query stream `stream` (names Q15's CTE `revenue<stream>`).
/// Errors: invalid_query, invalid_parameters (wrong count, or a date parameter that is not
/// YYYY-MM-DD / a Q1 DELTA that is not a number of days).
std::error_code query_sql(const query_parameters& p, std::int64_t stream, std::string& out);

/// One query of a stream, ready to run.
struct generated_query {
    int query = 0;    ///< 1..22
    int position = 0; ///< 1..22 within the stream (the order of execution)
    query_parameters parameters;
    std::string sql;
};

/// The 22 queries of query stream `stream` (>= 0) in the stream's order (spec Appendix A), with the
/// parameters of `qgen -r seed -s scale -p stream`, or of `qgen -d` when `seed` is empty. As in
/// qgen, the stream does not change the seed: the TPC's rule (clause 2.1.3.3) is seed0 for the
/// power test (stream 0) and seed0 + s for throughput stream s, which the caller passes.
/// Errors: invalid_stream, invalid_seed, invalid_scale.
std::error_code generate_stream(std::optional<std::int64_t> seed, std::int64_t stream, double scale,
                                std::vector<generated_query>& out);

/// The SQL of query `query` with the validation parameters at scale factor 1 (what the TPC's SF 1
/// answer set was computed with); empty outside 1..22.
std::string default_query_sql(int query);

} // namespace tpch
