#include <protocol/error.hpp>
#include <protocol/spark_template.hpp>

#include <aws_sigv4/crc32c.hpp>

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace protocol::spark {
namespace {

// The template, split around the base64 payload. docs/CALCULATIONS.md quotes it verbatim; change both together
// (and the marker's version) or blocks sent by older bb-async builds stop being recognised.
constexpr std::string_view template_head =
    "# bb-async calculation, template v1 (docs/CALCULATIONS.md): runs one Spark SQL statement, prints its result.\n"
    "import base64 as _bb_base64, json as _bb_json\n"
    "_bb_df = spark.sql(_bb_base64.b64decode(\"";
constexpr std::string_view template_tail =
    "\").decode(\"utf-8\"))\n"
    "_bb_rows = _bb_df.collect()\n"
    "_bb_fields = _bb_df.schema.fields\n"
    "print(\"bb-async-result-v1:\" + _bb_json.dumps(\n"
    "    {\"columns\": [f.name for f in _bb_fields],\n"
    "     \"types\": [f.dataType.simpleString() for f in _bb_fields],\n"
    "     \"rows\": [[None if v is None else str(v) for v in r] for r in _bb_rows]},\n"
    "    ensure_ascii=True, separators=(\",\", \":\")))\n";

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

// Strict standard base64 with padding (what make_code_block writes).
bool base64_decode(std::string_view in, std::string& out) {
    if (in.size() % 4 != 0)
        return false;
    out.clear();
    out.reserve(in.size() / 4 * 3);
    for (std::size_t i = 0; i < in.size(); i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = in[i + k];
            if (c == '=' && i + 4 == in.size() && k >= 2) {
                v[k] = 0;
                ++pad;
                continue;
            }
            if (pad > 0)
                return false; // data after padding
            v[k] = base64_value(c);
            if (v[k] < 0)
                return false;
        }
        const std::uint32_t n = (std::uint32_t(v[0]) << 18) | (std::uint32_t(v[1]) << 12) |
                                (std::uint32_t(v[2]) << 6) | std::uint32_t(v[3]);
        out.push_back(static_cast<char>(n >> 16));
        if (pad < 2)
            out.push_back(static_cast<char>((n >> 8) & 0xff));
        if (pad < 1)
            out.push_back(static_cast<char>(n & 0xff));
    }
    return true;
}

// Decodes one UTF-8 sequence at s[i]; returns the code point and advances i, or -1 (and i += 1) when the
// bytes are not valid UTF-8 as Python's strict decoder sees it (no overlongs, no surrogates, <= U+10FFFF).
long next_code_point(std::string_view s, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    int len = 0;
    long cp = 0;
    long min = 0;
    if ((b0 & 0xe0) == 0xc0) {
        len = 2, cp = b0 & 0x1f, min = 0x80;
    } else if ((b0 & 0xf0) == 0xe0) {
        len = 3, cp = b0 & 0x0f, min = 0x800;
    } else if ((b0 & 0xf8) == 0xf0) {
        len = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
        ++i;
        return -1;
    }
    if (i + len > s.size()) {
        ++i;
        return -1;
    }
    for (int k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xc0) != 0x80) {
            ++i;
            return -1;
        }
        cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        ++i;
        return -1;
    }
    i += len;
    return cp;
}

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();)
        if (next_code_point(s, i) < 0)
            return false;
    return true;
}

void append_u_escape(std::string& out, unsigned v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\u%04x", v & 0xffffu);
    out += buf;
}

// A JSON string as Python's json.dumps(ensure_ascii=True) writes it.
void append_python_json_string(std::string& out, std::string_view s) {
    out.push_back('"');
    for (std::size_t i = 0; i < s.size();) {
        long cp = next_code_point(s, i);
        if (cp < 0)
            cp = 0xfffd;
        switch (cp) {
        case '"':
            out += "\\\"";
            continue;
        case '\\':
            out += "\\\\";
            continue;
        case '\n':
            out += "\\n";
            continue;
        case '\r':
            out += "\\r";
            continue;
        case '\t':
            out += "\\t";
            continue;
        case '\b':
            out += "\\b";
            continue;
        case '\f':
            out += "\\f";
            continue;
        default:
            break;
        }
        if (cp >= 0x20 && cp <= 0x7e) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x10000) {
            append_u_escape(out, static_cast<unsigned>(cp));
        } else {
            const long v = cp - 0x10000;
            append_u_escape(out, static_cast<unsigned>(0xd800 + (v >> 10)));
            append_u_escape(out, static_cast<unsigned>(0xdc00 + (v & 0x3ff)));
        }
    }
    out.push_back('"');
}

// The shortest round-trip digits of a finite, non-zero-or-zero double: digits without a point and the decimal
// exponent of the first digit (value = 0.d1d2... * 10^(exp+1)).
template <class Float>
void shortest_digits(Float value, std::string& digits, int& exponent) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(value), std::chars_format::scientific);
    std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
    const std::size_t e = s.find('e');
    digits.clear();
    for (char c : s.substr(0, e))
        if (c != '.')
            digits.push_back(c);
    exponent = 0;
    std::string_view ex = s.substr(e + 1);
    if (!ex.empty() && ex.front() == '+')
        ex.remove_prefix(1);
    std::from_chars(ex.data(), ex.data() + ex.size(), exponent);
    while (digits.size() > 1 && digits.back() == '0')
        digits.pop_back();
}

// Fixed notation of digits * 10^(exponent - digits.size() + 1), at least one digit after the point.
std::string fixed_layout(const std::string& digits, int exponent) {
    std::string out;
    const int n = static_cast<int>(digits.size());
    if (exponent < 0) {
        out = "0.";
        out.append(static_cast<std::size_t>(-exponent - 1), '0');
        out += digits;
    } else if (exponent + 1 >= n) {
        out = digits;
        out.append(static_cast<std::size_t>(exponent + 1 - n), '0');
        out += ".0";
    } else {
        out = digits.substr(0, static_cast<std::size_t>(exponent + 1));
        out += '.';
        out += digits.substr(static_cast<std::size_t>(exponent + 1));
    }
    return out;
}

} // namespace

std::string make_code_block(std::string_view sql) {
    std::string out(template_head);
    out += aws_sigv4::base64_encode(sql.data(), sql.size());
    out += template_tail;
    return out;
}

recognised_block recognise(std::string_view code) {
    recognised_block r;
    // Line ends as CRLF or LF; blanks after the last line do not matter.
    std::string text;
    text.reserve(code.size());
    for (std::size_t i = 0; i < code.size(); ++i) {
        if (code[i] == '\r' && i + 1 < code.size() && code[i + 1] == '\n')
            continue;
        text.push_back(code[i]);
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\t' ||
                             text.back() == '\r'))
        text.pop_back();
    std::string_view tail = template_tail;
    while (!tail.empty() && tail.back() == '\n')
        tail.remove_suffix(1);
    std::string_view t = text;
    if (t.size() < template_head.size() + tail.size() || t.substr(0, template_head.size()) != template_head ||
        t.substr(t.size() - tail.size()) != tail)
        return r;
    const std::string_view payload = t.substr(template_head.size(), t.size() - template_head.size() - tail.size());
    if (payload.find_first_of("\"\n") != std::string_view::npos)
        return r; // something else between the two halves: not our block
    r.matched = true;
    if (!base64_decode(payload, r.sql)) {
        r.sql.clear();
        r.error = "the template's SQL is not valid base64 (standard alphabet, with padding)";
    } else if (!valid_utf8(r.sql)) {
        r.sql.clear();
        r.error = "the template's SQL is not valid UTF-8 (Python's decode(\"utf-8\") would fail)";
    }
    return r;
}

std::string format_result_line(const result_set& result) {
    std::string out(result_marker);
    out += "{\"columns\":[";
    for (std::size_t i = 0; i < result.columns.size(); ++i) {
        if (i)
            out.push_back(',');
        append_python_json_string(out, result.columns[i].name);
    }
    out += "],\"types\":[";
    for (std::size_t i = 0; i < result.columns.size(); ++i) {
        if (i)
            out.push_back(',');
        append_python_json_string(out, result.columns[i].type);
    }
    out += "],\"rows\":[";
    for (std::size_t r = 0; r < result.rows.size(); ++r) {
        if (r)
            out.push_back(',');
        out.push_back('[');
        const auto& row = result.rows[r];
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i)
                out.push_back(',');
            if (row[i])
                append_python_json_string(out, *row[i]);
            else
                out += "null";
        }
        out.push_back(']');
    }
    out += "]}\n";
    return out;
}

std::error_code parse_result(std::string_view stdout_text, result_set& out, std::string& message) {
    out = {};
    message.clear();
    std::string_view line;
    bool found = false;
    for (std::size_t pos = 0; pos <= stdout_text.size();) {
        std::size_t nl = stdout_text.find('\n', pos);
        if (nl == std::string_view::npos)
            nl = stdout_text.size();
        std::string_view l = stdout_text.substr(pos, nl - pos);
        if (!l.empty() && l.back() == '\r')
            l.remove_suffix(1);
        if (l.substr(0, result_marker.size()) == result_marker) {
            if (found) {
                message = "the calculation's stdout holds more than one result line (" +
                          std::string(result_marker) + ")";
                return error::bad_value;
            }
            found = true;
            line = l.substr(result_marker.size());
        }
        pos = nl + 1;
    }
    if (!found) {
        message = "the calculation's stdout holds no result line (" + std::string(result_marker) +
                  "...): the code did not run the bb-async template to its end";
        return error::missing_field;
    }
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (auto err = parser.parse(line.data(), line.size(), true).get(root)) {
        message = std::string("the result line is not valid JSON: ") + simdjson::error_message(err);
        return error::malformed_json;
    }
    simdjson::dom::object obj;
    if (root.get_object().get(obj)) {
        message = "the result line's JSON is not an object";
        return error::wrong_type;
    }
    simdjson::dom::array columns, types, rows;
    if (obj["columns"].get_array().get(columns) || obj["types"].get_array().get(types) ||
        obj["rows"].get_array().get(rows)) {
        message = "the result line's JSON needs the arrays \"columns\", \"types\" and \"rows\"";
        return error::wrong_type;
    }
    for (auto c : columns) {
        std::string_view s;
        if (c.get_string().get(s)) {
            message = "a column name in the result line is not a string";
            return error::wrong_type;
        }
        out.columns.push_back({std::string(s), {}});
    }
    std::size_t ti = 0;
    for (auto t : types) {
        std::string_view s;
        if (t.get_string().get(s)) {
            message = "a type name in the result line is not a string";
            return error::wrong_type;
        }
        if (ti >= out.columns.size()) {
            message = "the result line has more types than columns";
            return error::bad_value;
        }
        out.columns[ti++].type.assign(s);
    }
    if (ti != out.columns.size()) {
        message = "the result line has fewer types than columns";
        return error::bad_value;
    }
    for (auto row : rows) {
        simdjson::dom::array values;
        if (row.get_array().get(values)) {
            message = "a row in the result line is not an array";
            return error::wrong_type;
        }
        auto& r = out.rows.emplace_back();
        r.reserve(out.columns.size());
        for (auto v : values) {
            if (v.is_null()) {
                r.emplace_back();
                continue;
            }
            std::string_view s;
            if (v.get_string().get(s)) {
                message = "row " + std::to_string(out.rows.size()) + " has a value that is neither a string nor null";
                return error::wrong_type;
            }
            r.emplace_back(std::string(s));
        }
        if (r.size() != out.columns.size()) {
            message = "row " + std::to_string(out.rows.size()) + " has " + std::to_string(r.size()) +
                      " values for " + std::to_string(out.columns.size()) + " columns";
            return error::bad_value;
        }
    }
    return {};
}

std::string python_float_repr(double value) {
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value < 0 ? "-inf" : "inf";
    std::string sign = std::signbit(value) ? "-" : "";
    if (value == 0)
        return sign + "0.0";
    std::string digits;
    int exponent = 0;
    shortest_digits(value, digits, exponent);
    if (exponent >= -4 && exponent < 16)
        return sign + fixed_layout(digits, exponent);
    std::string out = sign + digits.substr(0, 1);
    if (digits.size() > 1)
        out += "." + digits.substr(1);
    char buf[16];
    std::snprintf(buf, sizeof buf, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out + buf;
}

namespace {

template <class Float>
std::string java_string(Float value) {
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value < 0 ? "-Infinity" : "Infinity";
    std::string sign = std::signbit(value) ? "-" : "";
    if (value == 0)
        return sign + "0.0";
    std::string digits;
    int exponent = 0;
    shortest_digits(value, digits, exponent);
    if (exponent >= -3 && exponent < 7)
        return sign + fixed_layout(digits, exponent);
    std::string out = sign + digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0");
    return out + "E" + std::to_string(exponent);
}

} // namespace

std::string java_double_string(double value) {
    return java_string(value);
}

std::string java_float_string(float value) {
    return java_string(value);
}

std::string python_decimal_str(std::string_view text) {
    std::string_view s = text;
    std::string sign;
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
        if (s.front() == '-')
            sign = "-";
        s.remove_prefix(1);
    }
    const std::size_t dot = s.find('.');
    std::string_view ip = s.substr(0, dot);
    std::string_view fp = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
    if (ip.empty() && fp.empty())
        return std::string(text);
    for (char c : ip)
        if (c < '0' || c > '9')
            return std::string(text);
    for (char c : fp)
        if (c < '0' || c > '9')
            return std::string(text);
    // Decimal(coefficient, exponent) as Python's decimal module keeps it.
    std::string coefficient = std::string(ip) + std::string(fp);
    const std::size_t nz = coefficient.find_first_not_of('0');
    coefficient = nz == std::string::npos ? "0" : coefficient.substr(nz);
    const long exp = -static_cast<long>(fp.size());
    const long leftdigits = exp + static_cast<long>(coefficient.size());
    const long n = static_cast<long>(coefficient.size());
    long dotplace = (exp <= 0 && leftdigits > -6) ? leftdigits : 1;
    std::string intpart, fracpart;
    if (dotplace <= 0) {
        intpart = "0";
        fracpart = "." + std::string(static_cast<std::size_t>(-dotplace), '0') + coefficient;
    } else if (dotplace >= n) {
        intpart = coefficient + std::string(static_cast<std::size_t>(dotplace - n), '0');
    } else {
        intpart = coefficient.substr(0, static_cast<std::size_t>(dotplace));
        fracpart = "." + coefficient.substr(static_cast<std::size_t>(dotplace));
    }
    std::string e;
    if (leftdigits != dotplace) {
        const long v = leftdigits - dotplace;
        e = std::string("E") + (v < 0 ? "-" : "+") + std::to_string(std::labs(v));
    }
    return sign + intpart + fracpart + e;
}

} // namespace protocol::spark
