// Delimited text (CSV, TPC-H .tbl) to Parquet, with DuckDB's reader and Parquet writer:
//   COPY (SELECT <columns> FROM read_csv(src, delim=..., header=..., columns={...}, ...))
//     TO dst (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE n)
// and small read-back helpers. Thread-safety: as for the connection that is passed in.
#pragma once

#include <bb/duckdb/database.hpp>
#include <bb/duckdb/error.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

namespace bb::duckdb {

/// One column of the input: its name (any text; quoted as an identifier) and its SQL type
/// ("INTEGER", "DECIMAL(15,2)", "DATE", "VARCHAR"; letters, digits, '_', '(', ')', ',', ' ' only).
struct column_def {
    std::string name;
    std::string sql_type;
};

struct parquet_options {
    /// Parquet compression codec (DuckDB's names: zstd, snappy, gzip, lz4, brotli, uncompressed).
    std::string compression = "zstd";
    /// Codec level (zstd: 1..22); nullopt keeps DuckDB's default (zstd level 3).
    std::optional<int> compression_level;
    /// Rows per row group (DuckDB's default is 122880).
    std::uint64_t row_group_size = 122880;

    // How the input is read.
    /// Every line ends with one more delimiter after the last column (TPC-H .tbl files: "1|x|").
    /// A placeholder column takes the empty field after it and is left out of the output; a line
    /// without the trailing delimiter, or with text after it, is a conversion_error. (Without this
    /// option DuckDB 1.4 also accepts one empty field after the last column, but not text there.)
    bool trailing_delimiter = false;
    /// Quote character; nullopt reads every character literally (TPC-H .tbl has no quoting, and
    /// a '"' or ',' inside a field is data).
    std::optional<char> quote;
    /// A field equal to this is NULL; nullopt: no field is NULL (an empty VARCHAR field is '').
    std::optional<std::string> null_string;
};

/// Converts the delimited text file `src` into the Parquet file `dst` (overwritten), with the
/// given column names and types. Returns the number of rows written. Errors: invalid_argument
/// (no columns, a bad type, a NUL in a path), conversion_error (a field does not parse as its
/// type, wrong number of fields; DuckDB's message names the line), io_error (unreadable src,
/// unwritable dst), interrupted.
result<std::uint64_t> convert_delimited_to_parquet(connection& con, const std::filesystem::path& src,
                                                   char delimiter, bool has_header,
                                                   std::span<const column_def> columns,
                                                   const std::filesystem::path& dst,
                                                   const parquet_options& options = {});

/// The SELECT statement convert_delimited_to_parquet() copies from ("SELECT <columns> FROM
/// read_csv(...)"), for CREATE TABLE ... AS and the like. Errors: invalid_argument.
result<std::string> select_delimited_sql(const std::filesystem::path& src, char delimiter, bool has_header,
                                         std::span<const column_def> columns,
                                         const parquet_options& options = {});

/// The comma-separated, quoted select list of `columns` ("a", "b c").
std::string select_list(std::span<const column_def> columns);

/// Number of rows of a Parquet file, from its metadata. Errors: io_error and others from DuckDB.
result<std::uint64_t> parquet_row_count(connection& con, const std::filesystem::path& path);

/// The compression codec of the first column chunk of a Parquet file ("ZSTD").
result<std::string> parquet_compression(connection& con, const std::filesystem::path& path);

} // namespace bb::duckdb
