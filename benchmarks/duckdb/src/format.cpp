#include "format.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

namespace bb::duckdb {
namespace {

// DuckDB's layout of a shortest round-trip number: fixed notation with at least one fractional digit
// when the decimal exponent is in [-5, 15], else d.ddde±XX (at least two exponent digits).
template <class F>
std::string format_floating(F value) {
    if (std::isnan(value)) {
        return "nan";
    }
    if (std::isinf(value)) {
        return value < 0 ? "-inf" : "inf";
    }
    std::array<char, 64> buf{};
    auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::scientific);
    std::string sci(buf.data(), end); // [-]d[.ddd]e±XX
    std::string out;
    std::size_t pos = 0;
    if (sci[0] == '-') {
        out += '-';
        pos = 1;
    }
    const auto e = sci.find('e');
    std::string digits;
    for (std::size_t i = pos; i < e; ++i) {
        if (sci[i] != '.') {
            digits += sci[i];
        }
    }
    const int exponent = std::atoi(sci.c_str() + e + 1);
    if (exponent < -5 + 1 || exponent > 15) {
        // Scientific: keep to_chars' mantissa, write the exponent with a sign and at least two digits.
        out.append(sci, pos, e - pos);
        out += 'e';
        out += exponent < 0 ? '-' : '+';
        const int a = std::abs(exponent);
        if (a < 10) {
            out += '0';
        }
        out += std::to_string(a);
        return out;
    }
    if (exponent < 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-exponent - 1), '0');
        out += digits;
        return out;
    }
    const auto int_digits = static_cast<std::size_t>(exponent) + 1;
    if (digits.size() <= int_digits) {
        out += digits;
        out.append(int_digits - digits.size(), '0');
        out += ".0";
    } else {
        out.append(digits, 0, int_digits);
        out += '.';
        out.append(digits, int_digits);
    }
    return out;
}

// Howard Hinnant's civil_from_days: proleptic Gregorian date of a day count since 1970-01-01.
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2 ? 1 : 0;
}

void append_padded(std::string& out, std::uint64_t v, int width) {
    const std::string s = std::to_string(v);
    if (static_cast<int>(s.size()) < width) {
        out.append(static_cast<std::size_t>(width) - s.size(), '0');
    }
    out += s;
}

std::string date_text(std::int64_t days) {
    std::int64_t y = 0;
    unsigned m = 0;
    unsigned d = 0;
    civil_from_days(days, y, m, d);
    const bool bc = y <= 0;
    std::string out;
    append_padded(out, static_cast<std::uint64_t>(bc ? 1 - y : y), 4);
    out += '-';
    append_padded(out, m, 2);
    out += '-';
    append_padded(out, d, 2);
    if (bc) {
        out += " (BC)";
    }
    return out;
}

// HH:MM:SS[.fraction without trailing zeros]; `units` per second (1e6 for micros, 1e9 for nanos).
std::string time_text(std::int64_t ticks, std::int64_t units, int frac_digits) {
    const std::int64_t secs = ticks / units;
    std::int64_t frac = ticks % units;
    std::string out;
    append_padded(out, static_cast<std::uint64_t>(secs / 3600), 2);
    out += ':';
    append_padded(out, static_cast<std::uint64_t>(secs / 60 % 60), 2);
    out += ':';
    append_padded(out, static_cast<std::uint64_t>(secs % 60), 2);
    if (frac != 0) {
        std::string f;
        append_padded(f, static_cast<std::uint64_t>(frac), frac_digits);
        while (!f.empty() && f.back() == '0') {
            f.pop_back();
        }
        out += '.';
        out += f;
    }
    return out;
}

std::string timestamp_text(std::int64_t ticks, std::int64_t units, int frac_digits) {
    if (ticks == std::numeric_limits<std::int64_t>::max()) {
        return "infinity";
    }
    if (ticks == -std::numeric_limits<std::int64_t>::max()) {
        return "-infinity";
    }
    const std::int64_t per_day = 86400 * units;
    std::int64_t days = ticks / per_day;
    std::int64_t rest = ticks % per_day;
    if (rest < 0) {
        rest += per_day;
        --days;
    }
    return date_text(days) + ' ' + time_text(rest, units, frac_digits);
}

std::string u128_text(unsigned __int128 v) {
    if (v == 0) {
        return "0";
    }
    char buf[48];
    char* p = buf + sizeof buf;
    while (v != 0) {
        *--p = static_cast<char>('0' + static_cast<int>(v % 10));
        v /= 10;
    }
    return std::string(p, buf + sizeof buf);
}

std::string i128_text(__int128 v) {
    if (v < 0) {
        return '-' + u128_text(static_cast<unsigned __int128>(0) - static_cast<unsigned __int128>(v));
    }
    return u128_text(static_cast<unsigned __int128>(v));
}

std::string decimal_text(__int128 v, unsigned scale) {
    const bool negative = v < 0;
    const unsigned __int128 mag = negative
                                      ? static_cast<unsigned __int128>(0) - static_cast<unsigned __int128>(v)
                                      : static_cast<unsigned __int128>(v);
    std::string digits = u128_text(mag);
    if (scale == 0) {
        return negative ? '-' + digits : digits;
    }
    if (digits.size() <= scale) {
        digits.insert(0, scale + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - scale, 1, '.');
    return negative ? '-' + digits : digits;
}

__int128 hugeint_value(const duckdb_hugeint& h) {
    return static_cast<__int128>((static_cast<unsigned __int128>(static_cast<std::uint64_t>(h.upper)) << 64) |
                                 h.lower);
}

const char* simple_type_name(duckdb_type t) {
    switch (t) {
    case DUCKDB_TYPE_BOOLEAN:
        return "BOOLEAN";
    case DUCKDB_TYPE_TINYINT:
        return "TINYINT";
    case DUCKDB_TYPE_SMALLINT:
        return "SMALLINT";
    case DUCKDB_TYPE_INTEGER:
        return "INTEGER";
    case DUCKDB_TYPE_BIGINT:
        return "BIGINT";
    case DUCKDB_TYPE_UTINYINT:
        return "UTINYINT";
    case DUCKDB_TYPE_USMALLINT:
        return "USMALLINT";
    case DUCKDB_TYPE_UINTEGER:
        return "UINTEGER";
    case DUCKDB_TYPE_UBIGINT:
        return "UBIGINT";
    case DUCKDB_TYPE_HUGEINT:
        return "HUGEINT";
    case DUCKDB_TYPE_UHUGEINT:
        return "UHUGEINT";
    case DUCKDB_TYPE_FLOAT:
        return "FLOAT";
    case DUCKDB_TYPE_DOUBLE:
        return "DOUBLE";
    case DUCKDB_TYPE_DATE:
        return "DATE";
    case DUCKDB_TYPE_TIME:
        return "TIME";
    case DUCKDB_TYPE_TIMESTAMP:
        return "TIMESTAMP";
    case DUCKDB_TYPE_TIMESTAMP_S:
        return "TIMESTAMP_S";
    case DUCKDB_TYPE_TIMESTAMP_MS:
        return "TIMESTAMP_MS";
    case DUCKDB_TYPE_TIMESTAMP_NS:
        return "TIMESTAMP_NS";
    case DUCKDB_TYPE_TIMESTAMP_TZ:
        return "TIMESTAMP WITH TIME ZONE";
    case DUCKDB_TYPE_TIME_TZ:
        return "TIME WITH TIME ZONE";
    case DUCKDB_TYPE_INTERVAL:
        return "INTERVAL";
    case DUCKDB_TYPE_VARCHAR:
        return "VARCHAR";
    case DUCKDB_TYPE_BLOB:
        return "BLOB";
    case DUCKDB_TYPE_UUID:
        return "UUID";
    case DUCKDB_TYPE_ENUM:
        return "ENUM";
    case DUCKDB_TYPE_LIST:
        return "LIST";
    case DUCKDB_TYPE_ARRAY:
        return "ARRAY";
    case DUCKDB_TYPE_STRUCT:
        return "STRUCT";
    case DUCKDB_TYPE_MAP:
        return "MAP";
    case DUCKDB_TYPE_UNION:
        return "UNION";
    case DUCKDB_TYPE_BIT:
        return "BIT";
    case DUCKDB_TYPE_BIGNUM:
        return "BIGNUM";
    case DUCKDB_TYPE_SQLNULL:
        return "NULL";
    default:
        return "UNKNOWN";
    }
}

template <class T>
const T* data_of(duckdb_vector v) {
    return static_cast<const T*>(duckdb_vector_get_data(v));
}

} // namespace

std::string format_double(double value) {
    return format_floating(value);
}

namespace detail {

std::string format_float(float value) {
    return format_floating(value);
}

std::string format_date(std::int32_t days) {
    if (days == std::numeric_limits<std::int32_t>::max()) {
        return "infinity";
    }
    if (days == -std::numeric_limits<std::int32_t>::max()) {
        return "-infinity";
    }
    return date_text(days);
}

bool is_formattable(duckdb_type type) noexcept {
    switch (type) {
    case DUCKDB_TYPE_BOOLEAN:
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UTINYINT:
    case DUCKDB_TYPE_USMALLINT:
    case DUCKDB_TYPE_UINTEGER:
    case DUCKDB_TYPE_UBIGINT:
    case DUCKDB_TYPE_HUGEINT:
    case DUCKDB_TYPE_UHUGEINT:
    case DUCKDB_TYPE_FLOAT:
    case DUCKDB_TYPE_DOUBLE:
    case DUCKDB_TYPE_DECIMAL:
    case DUCKDB_TYPE_DATE:
    case DUCKDB_TYPE_TIME:
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS:
    case DUCKDB_TYPE_VARCHAR:
    case DUCKDB_TYPE_SQLNULL:
        return true;
    default:
        return false;
    }
}

column describe(const char* name, duckdb_logical_type type) {
    column c;
    c.name = name != nullptr ? name : "";
    c.type = duckdb_get_type_id(type);
    if (c.type == DUCKDB_TYPE_DECIMAL) {
        c.decimal_width = duckdb_decimal_width(type);
        c.decimal_scale = duckdb_decimal_scale(type);
        c.sql_type =
            "DECIMAL(" + std::to_string(c.decimal_width) + "," + std::to_string(c.decimal_scale) + ")";
    } else {
        c.sql_type = simple_type_name(c.type);
    }
    return c;
}

void format_vector(duckdb_vector vector, const column& col, idx_t count, std::vector<std::vector<cell>>& rows,
                   std::size_t first, std::size_t col_index) {
    const std::uint64_t* validity = duckdb_vector_get_validity(vector);
    // The physical type of a DECIMAL depends on its width.
    duckdb_type physical = col.type;
    if (col.type == DUCKDB_TYPE_DECIMAL) {
        duckdb_logical_type lt = duckdb_vector_get_column_type(vector);
        physical = duckdb_decimal_internal_type(lt);
        duckdb_destroy_logical_type(&lt);
    }
    for (idx_t i = 0; i < count; ++i) {
        cell& out = rows[first + i][col_index];
        if (col.type == DUCKDB_TYPE_SQLNULL ||
            (validity != nullptr && !duckdb_validity_row_is_valid(const_cast<std::uint64_t*>(validity), i))) {
            out = std::nullopt;
            continue;
        }
        if (col.type == DUCKDB_TYPE_DECIMAL) {
            __int128 v = 0;
            switch (physical) {
            case DUCKDB_TYPE_SMALLINT:
                v = data_of<std::int16_t>(vector)[i];
                break;
            case DUCKDB_TYPE_INTEGER:
                v = data_of<std::int32_t>(vector)[i];
                break;
            case DUCKDB_TYPE_BIGINT:
                v = data_of<std::int64_t>(vector)[i];
                break;
            default:
                v = hugeint_value(data_of<duckdb_hugeint>(vector)[i]);
                break;
            }
            out = decimal_text(v, col.decimal_scale);
            continue;
        }
        switch (col.type) {
        case DUCKDB_TYPE_BOOLEAN:
            out = data_of<bool>(vector)[i] ? "true" : "false";
            break;
        case DUCKDB_TYPE_TINYINT:
            out = std::to_string(data_of<std::int8_t>(vector)[i]);
            break;
        case DUCKDB_TYPE_SMALLINT:
            out = std::to_string(data_of<std::int16_t>(vector)[i]);
            break;
        case DUCKDB_TYPE_INTEGER:
            out = std::to_string(data_of<std::int32_t>(vector)[i]);
            break;
        case DUCKDB_TYPE_BIGINT:
            out = std::to_string(data_of<std::int64_t>(vector)[i]);
            break;
        case DUCKDB_TYPE_UTINYINT:
            out = std::to_string(data_of<std::uint8_t>(vector)[i]);
            break;
        case DUCKDB_TYPE_USMALLINT:
            out = std::to_string(data_of<std::uint16_t>(vector)[i]);
            break;
        case DUCKDB_TYPE_UINTEGER:
            out = std::to_string(data_of<std::uint32_t>(vector)[i]);
            break;
        case DUCKDB_TYPE_UBIGINT:
            out = std::to_string(data_of<std::uint64_t>(vector)[i]);
            break;
        case DUCKDB_TYPE_HUGEINT:
            out = i128_text(hugeint_value(data_of<duckdb_hugeint>(vector)[i]));
            break;
        case DUCKDB_TYPE_UHUGEINT: {
            const duckdb_uhugeint& h = data_of<duckdb_uhugeint>(vector)[i];
            out = u128_text((static_cast<unsigned __int128>(h.upper) << 64) | h.lower);
            break;
        }
        case DUCKDB_TYPE_FLOAT:
            out = format_float(data_of<float>(vector)[i]);
            break;
        case DUCKDB_TYPE_DOUBLE:
            out = format_double(data_of<double>(vector)[i]);
            break;
        case DUCKDB_TYPE_DATE:
            out = format_date(data_of<duckdb_date>(vector)[i].days);
            break;
        case DUCKDB_TYPE_TIME:
            out = time_text(data_of<duckdb_time>(vector)[i].micros, 1000000, 6);
            break;
        case DUCKDB_TYPE_TIMESTAMP:
            out = timestamp_text(data_of<duckdb_timestamp>(vector)[i].micros, 1000000, 6);
            break;
        case DUCKDB_TYPE_TIMESTAMP_S:
            out = timestamp_text(data_of<duckdb_timestamp_s>(vector)[i].seconds, 1, 0);
            break;
        case DUCKDB_TYPE_TIMESTAMP_MS:
            out = timestamp_text(data_of<duckdb_timestamp_ms>(vector)[i].millis, 1000, 3);
            break;
        case DUCKDB_TYPE_TIMESTAMP_NS:
            out = timestamp_text(data_of<duckdb_timestamp_ns>(vector)[i].nanos, 1000000000, 9);
            break;
        case DUCKDB_TYPE_VARCHAR: {
            auto* s = const_cast<duckdb_string_t*>(&data_of<duckdb_string_t>(vector)[i]);
            out = std::string(duckdb_string_t_data(s), duckdb_string_t_length(*s));
            break;
        }
        default:
            out = std::nullopt;
            break; // not reached: is_formattable() was checked
        }
    }
}

} // namespace detail
} // namespace bb::duckdb
