#pragma once
// How athena-local prints results (internal to athena_local_calc; see docs/CALCULATIONS.md): DuckDB's values
// rendered as Spark and Python render them, and PySpark's DataFrame.show() layout. Pure functions.
#include <bb/duckdb/database.hpp>
#include <protocol/spark_template.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace athena_local::calc::detail {

/// Spark's type name (DataType.simpleString()) for a DuckDB result column: INTEGER → int, BIGINT and HUGEINT
/// (DuckDB's SUM of integers) → bigint, DECIMAL(p,s) → decimal(p,s), DOUBLE → double, VARCHAR → string, ...
std::string spark_type_name(const bb::duckdb::column& column);

/// Python's str() of the value Spark's collect() returns for a DuckDB cell (nullopt stays nullopt = None):
/// BOOLEAN True/False, DOUBLE as repr (1e-05, 1234567.0), FLOAT as repr of the float widened to double,
/// DECIMAL as str(Decimal) with the column's scale, DATE YYYY-MM-DD, TIMESTAMP YYYY-MM-DD HH:MM:SS[.ffffff].
std::optional<std::string> python_str(const bb::duckdb::column& column, const bb::duckdb::cell& value);

/// The text DataFrame.show() prints for a cell: null, true/false, doubles as Java's Double.toString
/// (1.0E-5), decimals as Java's BigDecimal.toString (their scale; 0E-8 below 1e-6), dates YYYY-MM-DD, timestamps
/// without trailing fraction zeros.
std::string show_text(const bb::duckdb::column& column, const bb::duckdb::cell& value);

/// The template's result for a DuckDB table (Spark type names, Python str() values).
protocol::spark::result_set to_result_set(const bb::duckdb::table& table);

/// PySpark's DataFrame.show(n, truncate) output as Spark 3 writes it (showString plus print()'s newline):
/// borders, right-aligned cells (left-aligned when truncate is 0), control characters escaped (\n → "\\n"),
/// cells longer than `truncate` cut to truncate-3 characters plus "..." (column names are never cut), and
/// "only showing top n rows" when there are more.
std::string show_string(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                        long n, long truncate);

/// show_string() of a DuckDB result.
std::string show_table(const bb::duckdb::table& table, long n, long truncate);

} // namespace athena_local::calc::detail
