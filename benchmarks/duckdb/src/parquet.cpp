#include <bb/duckdb/parquet.hpp>

#include <cctype>
#include <charconv>
#include <string>

namespace bb::duckdb {
namespace {

constexpr const char* placeholder_column = "__bb_trailing_delimiter";
constexpr const char* no_null_string = "\x01\x02"
                                       "bb-no-null"
                                       "\x02\x01";

bool valid_type(const std::string& t) {
    if (t.empty()) {
        return false;
    }
    for (unsigned char ch : t) {
        if (!(std::isalnum(ch) != 0 || ch == '_' || ch == '(' || ch == ')' || ch == ',' || ch == ' ')) {
            return false;
        }
    }
    return true;
}

bool valid_codec(const std::string& t) {
    if (t.empty()) {
        return false;
    }
    for (unsigned char ch : t) {
        if (std::isalnum(ch) == 0 && ch != '_') {
            return false;
        }
    }
    return true;
}

status check_path(const std::filesystem::path& p, const char* what) {
    const std::string s = p.string();
    if (s.empty() || s.find('\0') != std::string::npos) {
        return {error::invalid_argument, std::string(what) + " path is empty or contains a NUL character"};
    }
    return {};
}

// A literal for a single character ('|', '''' for a quote).
std::string char_literal(char ch) {
    return quote_literal(std::string_view(&ch, 1));
}

result<std::uint64_t> single_count(connection& con, const std::string& sql) {
    auto t = con.query(sql);
    if (!t) {
        return t.get_status();
    }
    if (t->rows.size() != 1 || t->rows[0].empty() || !t->rows[0][0]) {
        return status{error::query_failed, "expected one count from: " + sql};
    }
    std::uint64_t n = 0;
    const std::string& s = *t->rows[0][0];
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || ptr != s.data() + s.size()) {
        return status{error::query_failed, "not a count: " + s};
    }
    return n;
}

} // namespace

std::string select_list(std::span<const column_def> columns) {
    std::string out;
    for (const auto& c : columns) {
        if (!out.empty()) {
            out += ", ";
        }
        out += quote_identifier(c.name);
    }
    return out;
}

result<std::string> select_delimited_sql(const std::filesystem::path& src, char delimiter, bool has_header,
                                         std::span<const column_def> columns,
                                         const parquet_options& options) {
    if (auto st = check_path(src, "source"); !st) {
        return st;
    }
    if (columns.empty()) {
        return status{error::invalid_argument, "no columns given"};
    }
    if (delimiter == '\0' || delimiter == '\n' || delimiter == '\r') {
        return status{error::invalid_argument, "the delimiter must not be NUL, CR or LF"};
    }
    std::string cols;
    for (const auto& c : columns) {
        if (!valid_type(c.sql_type)) {
            return status{error::invalid_argument,
                          "invalid SQL type for column " + c.name + ": '" + c.sql_type + "'"};
        }
        if (c.name.find('\0') != std::string::npos || c.name.empty() || c.name == placeholder_column) {
            return status{error::invalid_argument, "invalid column name '" + c.name + "'"};
        }
        if (!cols.empty()) {
            cols += ", ";
        }
        cols += quote_literal(c.name) + ": " + quote_literal(c.sql_type);
    }
    if (options.trailing_delimiter) {
        cols += std::string(", ") + quote_literal(placeholder_column) + ": 'VARCHAR'";
    }
    std::string sql = "read_csv(" + quote_literal(src.string());
    sql += ", delim=" + char_literal(delimiter);
    sql += std::string(", header=") + (has_header ? "true" : "false");
    sql += ", columns={" + cols + "}";
    sql += ", auto_detect=false";
    if (options.quote) {
        sql += ", quote=" + char_literal(*options.quote) + ", escape=" + char_literal(*options.quote);
    } else {
        sql += ", quote='', escape=''";
    }
    if (options.null_string) {
        sql += ", nullstr=" + quote_literal(*options.null_string);
    } else {
        // No NULLs: an empty field is an empty string (and an error for non-text types). read_csv
        // needs some null string; a control character that never occurs in text data stands in.
        sql += ", nullstr=" + quote_literal(no_null_string) + ", allow_quoted_nulls=false";
    }
    sql += ")";
    std::string select = "SELECT " + select_list(columns) + " FROM " + sql;
    if (options.trailing_delimiter) {
        // Text after the last delimiter is data that fits no column: fail rather than drop it.
        const std::string p = quote_identifier(placeholder_column);
        select += " WHERE CASE WHEN coalesce(" + p +
                  ", '') = '' THEN true ELSE error('a line has data after " + "its last delimiter: ' || " +
                  p + ") END";
    }
    return select;
}

result<std::uint64_t> convert_delimited_to_parquet(connection& con, const std::filesystem::path& src,
                                                   char delimiter, bool has_header,
                                                   std::span<const column_def> columns,
                                                   const std::filesystem::path& dst,
                                                   const parquet_options& options) {
    if (auto st = check_path(dst, "destination"); !st) {
        return st;
    }
    if (!valid_codec(options.compression)) {
        return status{error::invalid_argument, "invalid compression codec '" + options.compression + "'"};
    }
    if (options.row_group_size == 0) {
        return status{error::invalid_argument, "row_group_size must be positive"};
    }
    auto select = select_delimited_sql(src, delimiter, has_header, columns, options);
    if (!select) {
        return select.get_status();
    }
    std::string sql = "COPY (" + *select + ") TO " + quote_literal(dst.string()) +
                      " (FORMAT parquet, COMPRESSION " + options.compression;
    if (options.compression_level) {
        sql += ", COMPRESSION_LEVEL " + std::to_string(*options.compression_level);
    }
    sql += ", ROW_GROUP_SIZE " + std::to_string(options.row_group_size) + ")";
    return single_count(con, sql);
}

result<std::uint64_t> parquet_row_count(connection& con, const std::filesystem::path& path) {
    if (auto st = check_path(path, "parquet"); !st) {
        return st;
    }
    return single_count(con,
                        "SELECT num_rows FROM parquet_file_metadata(" + quote_literal(path.string()) + ")");
}

result<std::string> parquet_compression(connection& con, const std::filesystem::path& path) {
    if (auto st = check_path(path, "parquet"); !st) {
        return st;
    }
    auto t = con.query("SELECT compression FROM parquet_metadata(" + quote_literal(path.string()) +
                       ") ORDER BY row_group_id, column_id LIMIT 1");
    if (!t) {
        return t.get_status();
    }
    if (t->rows.empty() || !t->rows[0][0]) {
        return status{error::query_failed, "the parquet file has no column chunks"};
    }
    return *t->rows[0][0];
}

} // namespace bb::duckdb
