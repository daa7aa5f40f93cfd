#pragma once
// Recognising a calculation's code (internal to athena_local_calc; see docs/CALCULATIONS.md): the bb-async
// template (protocol/spark_template.hpp), a %%sql cell, or plain spark.sql(...) statements with an optional
// .show(...) / .collect(). Python string literals are read with Python's rules (prefixes r/u, triple quotes,
// escapes, implicit concatenation of adjacent literals). Pure functions.
#include <string>
#include <string_view>
#include <vector>

namespace athena_local::calc::detail {

/// What is done with a statement's DataFrame.
struct sql_action {
    enum kind_t { none, show, collect, result_line } kind = none;
    long rows = 20;     ///< show(n)
    long truncate = 20; ///< show(truncate=True) is 20, False is 0, an int is that width
};

/// One spark.sql(...) call (or the SQL of a %%sql cell, or of the template).
struct sql_call {
    std::string sql;
    sql_action action;
    int line = 1;                 ///< where the call starts in the code (for tracebacks)
    bool several_statements = false; ///< %%sql: the text may hold several ';'-separated statements
    std::string method;           ///< the PySpark method whose failure is reported ("sql", "showString", ...)
};

enum class code_kind { bb_template, sql_cell, spark_sql };

struct parsed_code {
    bool ok = false;
    code_kind kind = code_kind::spark_sql;
    std::vector<sql_call> calls;
    std::string error; ///< when !ok: what is not supported or malformed, with the line
};

/// Reads the code of a calculation.
parsed_code parse_code(std::string_view code);

/// Python's value of one string literal token (prefix and quotes included, e.g. r'''a\b'''), or false with
/// `error` set. Exposed for tests.
bool python_string_value(std::string_view literal, std::string& value, std::string& error);

} // namespace athena_local::calc::detail
