#pragma once
// The code block bb-async sends to Athena for Apache Spark to run one SQL statement, and the reader of what
// it prints. Defined once, here; documented in docs/CALCULATIONS.md (the template text, how values are
// rendered, what athena-local runs).
//
// The block is real PySpark that runs unchanged on AWS (where `spark` is predefined): the SQL travels as the
// base64 of its UTF-8 bytes inside a Python string literal, so no query text can break out of the code; it
// runs with spark.sql(), the rows are collected, and ONE line is printed:
//
//     bb-async-result-v1:{"columns":[...],"types":[...],"rows":[[...],...]}
//
// with the column names, the Spark type names (DataType.simpleString(): "bigint", "decimal(15,2)", ...) and
// every value as Python's str() of the collected value (null for None), written by Python's
// json.dumps(..., ensure_ascii=True, separators=(",", ":")).
//
// All functions are pure and thread-safe. parse_result() and recognise() read untrusted text and never throw
// for bad input (only std::bad_alloc can escape); both have a libFuzzer target (tests/fuzz).
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace protocol::spark {

/// What starts the one result line the template prints.
inline constexpr std::string_view result_marker = "bb-async-result-v1:";

/// A result column: its name and Spark type name (simpleString(): "int", "bigint", "double",
/// "decimal(15,2)", "string", "date", "timestamp", "boolean", ...).
struct result_column {
    std::string name;
    std::string type;
};

/// One value: Python's str() of the collected value; std::nullopt for None (SQL NULL).
using result_value = std::optional<std::string>;

/// The result of one SQL statement.
struct result_set {
    std::vector<result_column> columns;
    std::vector<std::vector<result_value>> rows; ///< each row has columns.size() values
};

/// The code block that runs `sql` (one Spark SQL statement, any text) and prints its result line.
/// The SQL is embedded as base64 of its bytes (it should be UTF-8: Python decodes it as such).
std::string make_code_block(std::string_view sql);

/// What recognise() found in a calculation's code.
struct recognised_block {
    bool matched = false; ///< the code is a make_code_block() block (line ends CRLF or LF, trailing blanks ignored)
    std::string sql;      ///< the embedded SQL, when matched and error is empty
    std::string error;    ///< matched, but the payload is not valid base64 of UTF-8 text (what is wrong)
};

/// Recognises a block made by make_code_block() and extracts its SQL. Any other code gives matched=false.
recognised_block recognise(std::string_view code);

/// The result line the template prints for `result` (marker, JSON, "\n"), byte for byte what Python's
/// json.dumps writes for the same values (ensure_ascii: non-ASCII as \uXXXX, lower-case hex, surrogate pairs;
/// invalid UTF-8 is written as U+FFFD). Used by athena-local to print what the template would print.
std::string format_result_line(const result_set& result);

/// Reads the result line out of a calculation's stdout (other lines are ignored). Errors, with `message`
/// saying what was wrong: error::missing_field (no result line), error::bad_value (more than one result line,
/// a row whose length differs from the column count, "types" not as long as "columns"),
/// error::malformed_json (the line's JSON does not parse), error::wrong_type (a member has the wrong JSON
/// type). On error `out` is left unspecified.
std::error_code parse_result(std::string_view stdout_text, result_set& out, std::string& message);

/// Python's repr() of a double (as str() prints it): the shortest digits that read back to the same value,
/// fixed notation when the decimal exponent is in [-4, 16) ("1234567.0", "0.0001"), else d.ddde±XX
/// ("1e-05", "1.2345678901234567e+16"); "inf", "-inf", "nan".
std::string python_float_repr(double value);

/// Java's Double.toString layout of a double (what Spark's DataFrame.show() prints): fixed notation when
/// 1e-3 <= |value| < 1e7 ("1234567.0", "0.001"), else d.dddE±n ("1.0E-5", "1.2345678901234567E16");
/// "Infinity", "-Infinity", "NaN". Digits are the shortest that read back to the same value.
std::string java_double_string(double value);

/// Java's Float.toString layout of a float (Spark's show() of a float column): as java_double_string, with
/// the shortest digits that read back to the same float ("0.1", "1.0E-5").
std::string java_float_string(float value);

/// Python's str() of a decimal.Decimal whose exact value is `digits` (an optional '-', decimal digits, an
/// optional '.' and fraction digits, as SQL prints a DECIMAL with its scale): plain notation unless the
/// adjusted exponent is below -6 ("0.00", "-12.50", but "1.0E-7", "0E-8"). Text that is not such a number is
/// returned unchanged.
std::string python_decimal_str(std::string_view digits);

} // namespace protocol::spark
