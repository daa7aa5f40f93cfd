#include "render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>

namespace athena_local::calc::detail {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Code points of UTF-8 text (invalid bytes count as one each).
std::vector<std::uint32_t> code_points(std::string_view s) {
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        int len = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 : (b & 0xf8) == 0xf0 ? 4 : 1;
        if (i + static_cast<std::size_t>(len) > s.size())
            len = 1;
        std::uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1fu) : len == 3 ? (b & 0x0fu) : (b & 0x07u);
        for (int k = 1; k < len; ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3fu);
        out.push_back(cp);
        i += static_cast<std::size_t>(len);
    }
    return out;
}

// Byte offset of code point `n` in s.
std::size_t byte_offset(std::string_view s, std::size_t n) {
    std::size_t i = 0;
    for (std::size_t k = 0; k < n && i < s.size(); ++k) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t len = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 : (b & 0xf8) == 0xf0 ? 4 : 1;
        i = std::min(s.size(), i + len);
    }
    return i;
}

// Spark's Utils.stringHalfWidth: full-width characters count twice.
std::size_t half_width(std::string_view s) {
    std::size_t w = 0;
    for (std::uint32_t c : code_points(s)) {
        const bool full = (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
                          (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
                          (c >= 0xfe10 && c <= 0xfe19) || (c >= 0xfe30 && c <= 0xfe6f) ||
                          (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6);
        w += full ? 2 : 1;
    }
    return w;
}

// Spark's SchemaUtils.escapeMetaCharacters (3.2+): control characters would break the table's layout.
std::string escape_meta(const std::string& s) {
    if (s.find_first_of("\n\r\t\f\b\v\a") == std::string::npos)
        return s;
    std::string out;
    for (char c : s) {
        switch (c) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\f': out += "\\f"; break;
        case '\b': out += "\\b"; break;
        case '\v': out += "\\v"; break;
        case '\a': out += "\\a"; break;
        default: out.push_back(c); break;
        }
    }
    return out;
}

std::string truncate_cell(const std::string& s, long truncate) {
    if (truncate <= 0)
        return s;
    const std::size_t n = code_points(s).size();
    const auto t = static_cast<std::size_t>(truncate);
    if (n <= t)
        return s;
    if (t < 4)
        return s.substr(0, byte_offset(s, t));
    return s.substr(0, byte_offset(s, t - 3)) + "...";
}

// DuckDB prints a timestamp's fraction without trailing zeros ("12:00:00.5"); Python prints six digits.
std::string python_timestamp(const std::string& s) {
    const std::size_t dot = s.find('.', s.find(' '));
    if (dot == std::string::npos)
        return s;
    std::size_t end = dot + 1;
    while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end])))
        ++end;
    std::string frac = s.substr(dot + 1, end - dot - 1);
    if (frac.size() < 6)
        frac.append(6 - frac.size(), '0');
    return s.substr(0, dot + 1) + frac.substr(0, 6) + s.substr(end);
}

} // namespace

std::string spark_type_name(const bb::duckdb::column& c) {
    switch (c.type) {
    case DUCKDB_TYPE_BOOLEAN:
        return "boolean";
    case DUCKDB_TYPE_TINYINT:
        return "tinyint";
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_UTINYINT:
        return "smallint";
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_USMALLINT:
        return "int";
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UINTEGER:
    case DUCKDB_TYPE_HUGEINT: // DuckDB's SUM of integers; Spark's is bigint
        return "bigint";
    case DUCKDB_TYPE_UBIGINT:
    case DUCKDB_TYPE_UHUGEINT:
        return "decimal(38,0)";
    case DUCKDB_TYPE_FLOAT:
        return "float";
    case DUCKDB_TYPE_DOUBLE:
        return "double";
    case DUCKDB_TYPE_DECIMAL:
        return fmt::format("decimal({},{})", c.decimal_width, c.decimal_scale);
    case DUCKDB_TYPE_DATE:
        return "date";
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS:
    case DUCKDB_TYPE_TIMESTAMP_TZ:
        return "timestamp";
    case DUCKDB_TYPE_VARCHAR:
        return "string";
    case DUCKDB_TYPE_BLOB:
        return "binary";
    default:
        return lower(c.sql_type);
    }
}

std::optional<std::string> python_str(const bb::duckdb::column& c, const bb::duckdb::cell& v) {
    if (!v)
        return std::nullopt;
    switch (c.type) {
    case DUCKDB_TYPE_BOOLEAN:
        return *v == "true" ? "True" : "False";
    case DUCKDB_TYPE_DOUBLE:
        return protocol::spark::python_float_repr(std::strtod(v->c_str(), nullptr));
    case DUCKDB_TYPE_FLOAT:
        return protocol::spark::python_float_repr(static_cast<double>(std::strtof(v->c_str(), nullptr)));
    case DUCKDB_TYPE_DECIMAL:
        return protocol::spark::python_decimal_str(*v);
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS:
        return python_timestamp(*v);
    default:
        return *v;
    }
}

std::string show_text(const bb::duckdb::column& c, const bb::duckdb::cell& v) {
    if (!v)
        return "null";
    switch (c.type) {
    case DUCKDB_TYPE_DOUBLE:
        return protocol::spark::java_double_string(std::strtod(v->c_str(), nullptr));
    case DUCKDB_TYPE_FLOAT:
        return protocol::spark::java_float_string(std::strtof(v->c_str(), nullptr));
    case DUCKDB_TYPE_DECIMAL:
        // Cast to string is java.math.BigDecimal.toString, whose layout is Python's str(Decimal) for scale >= 0
        return protocol::spark::python_decimal_str(*v);
    default:
        return *v;
    }
}

protocol::spark::result_set to_result_set(const bb::duckdb::table& table) {
    protocol::spark::result_set out;
    for (const auto& c : table.columns)
        out.columns.push_back({c.name, spark_type_name(c)});
    out.rows.reserve(table.rows.size());
    for (const auto& row : table.rows) {
        auto& r = out.rows.emplace_back();
        r.reserve(row.size());
        for (std::size_t i = 0; i < row.size() && i < table.columns.size(); ++i)
            r.push_back(python_str(table.columns[i], row[i]));
    }
    return out;
}

std::string show_string(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                        long n, long truncate) {
    // Spark's Dataset.showString(numRows, truncate, vertical = false)
    const std::size_t limit = n < 0 ? 0 : static_cast<std::size_t>(n);
    const bool more = rows.size() > limit;
    const std::size_t shown = std::min(rows.size(), limit);
    std::vector<std::vector<std::string>> cells;
    cells.reserve(shown + 1);
    cells.emplace_back();
    for (const auto& h : header)
        cells.back().push_back(escape_meta(h)); // Spark 3 does not truncate column names
    for (std::size_t r = 0; r < shown; ++r) {
        cells.emplace_back();
        for (std::size_t i = 0; i < header.size(); ++i)
            cells.back().push_back(
                truncate_cell(escape_meta(i < rows[r].size() ? rows[r][i] : std::string()), truncate));
    }
    std::vector<std::size_t> width(header.size(), 3); // minimumColWidth
    for (const auto& row : cells)
        for (std::size_t i = 0; i < row.size(); ++i)
            width[i] = std::max(width[i], half_width(row[i]));
    std::string sep = "+";
    for (std::size_t w : width)
        sep += std::string(w, '-') + "+";
    if (width.empty())
        sep += "+"; // Scala's addString("+", "+", "+\n") of no columns
    sep += "\n";
    auto line = [&](const std::vector<std::string>& row) {
        std::string out = row.empty() ? "||" : "|";
        for (std::size_t i = 0; i < row.size(); ++i) {
            const std::size_t pad = width[i] - std::min(width[i], half_width(row[i]));
            if (truncate > 0)
                out += std::string(pad, ' ') + row[i];
            else
                out += row[i] + std::string(pad, ' ');
            out += "|";
        }
        return out + "\n";
    };
    std::string out = sep;
    out += line(cells.front());
    out += sep;
    for (std::size_t r = 1; r < cells.size(); ++r)
        out += line(cells[r]);
    out += sep;
    if (more)
        out += fmt::format("only showing top {} {}\n", limit, limit == 1 ? "row" : "rows");
    out += "\n"; // print() after showString's own last newline
    return out;
}

std::string show_table(const bb::duckdb::table& table, long n, long truncate) {
    std::vector<std::string> header;
    for (const auto& c : table.columns)
        header.push_back(c.name);
    std::vector<std::vector<std::string>> rows;
    const std::size_t keep = n < 0 ? 0 : std::min(table.rows.size(), static_cast<std::size_t>(n) + 1);
    rows.reserve(keep);
    for (std::size_t r = 0; r < keep; ++r) {
        auto& out = rows.emplace_back();
        for (std::size_t i = 0; i < table.columns.size(); ++i)
            out.push_back(show_text(table.columns[i], i < table.rows[r].size() ? table.rows[r][i] : std::nullopt));
    }
    return show_string(header, rows, n, truncate);
}

} // namespace athena_local::calc::detail
