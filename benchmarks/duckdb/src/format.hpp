// Text formatting of DuckDB vectors (internal to bb_duckdb).
#pragma once

#include <bb/duckdb/database.hpp>

#include <duckdb.h>

#include <string>
#include <vector>

namespace bb::duckdb::detail {

/// Whether format_vector() handles columns of this type.
bool is_formattable(duckdb_type type) noexcept;

/// The SQL spelling of a logical type ("DECIMAL(15,2)"), its id and decimal precision/scale.
column describe(const char* name, duckdb_logical_type type);

/// Appends the text of rows [0, count) of `vector` (of column `col`) into rows[first + i][col].
void format_vector(duckdb_vector vector, const column& col, idx_t count, std::vector<std::vector<cell>>& rows,
                   std::size_t first, std::size_t col_index);

std::string format_float(float value);
std::string format_date(std::int32_t days);

} // namespace bb::duckdb::detail
