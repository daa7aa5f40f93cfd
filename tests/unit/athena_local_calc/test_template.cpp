// The bb-async code-block template (protocol/spark_template.hpp): round trips of hostile SQL, the result line
// and its parser, and the Python/Java number layouts.
#include <protocol/error.hpp>
#include <protocol/spark_template.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

namespace spark = protocol::spark;

BOOST_AUTO_TEST_SUITE(spark_template)

BOOST_AUTO_TEST_CASE(round_trip_of_hostile_sql) {
    const std::string cases[] = {
        "select 1",
        "select 'it''s', \"dq\", `bt` from t",
        "select '''' as a, \"\"\"x\"\"\" as b",
        "select '\\\\' as backslash, '\\n' as escaped_n",
        "select 'naïve ünïcödé ✓ 😀 中文' as u",
        "select 1\nunion all\r\nselect 2\n-- comment\n",
        "\")\nimport os\nos.system('rm -rf /')\n#",
        "'''); print('pwned'); ('''",
        std::string("nul\0byte", 8),
        "",
        "   trailing spaces   ",
    };
    for (const std::string& sql : cases) {
        const std::string block = spark::make_code_block(sql);
        // The SQL never appears in the code as text (only its base64).
        if (sql.size() > 8)
            BOOST_TEST(block.find(sql) == std::string::npos);
        auto r = spark::recognise(block);
        BOOST_TEST(r.matched);
        BOOST_TEST(r.error.empty());
        BOOST_TEST(r.sql == sql);
        // CRLF line ends and trailing blank lines are accepted too.
        std::string crlf;
        for (char c : block) {
            if (c == '\n')
                crlf += '\r';
            crlf += c;
        }
        auto r2 = spark::recognise(crlf + "\r\n\r\n");
        BOOST_TEST(r2.matched);
        BOOST_TEST(r2.sql == sql);
    }
}

BOOST_AUTO_TEST_CASE(template_text_is_python_that_runs_the_sql) {
    const std::string block = spark::make_code_block("select 1");
    BOOST_TEST(block.find("_bb_base64.b64decode(\"c2VsZWN0IDE=\").decode(\"utf-8\")") != std::string::npos);
    BOOST_TEST(block.find("spark.sql(") != std::string::npos);
    BOOST_TEST(block.find("bb-async-result-v1:") != std::string::npos);
    BOOST_TEST(block.back() == '\n');
}

BOOST_AUTO_TEST_CASE(docs_quote_the_template_verbatim) {
    std::ifstream in(std::string(BB_SOURCE_DIR) + "/docs/CALCULATIONS.md");
    BOOST_TEST_REQUIRE(in.good());
    std::stringstream doc;
    doc << in.rdbuf();
    BOOST_TEST(doc.str().find("```python\n" + spark::make_code_block("select 1") + "```") != std::string::npos,
               "docs/CALCULATIONS.md must show make_code_block(\"select 1\") verbatim");
}

BOOST_AUTO_TEST_CASE(result_line_matches_python_output) {
    // What /usr/bin/python3 printed for the template with the same values (decimal, float, date, bool, text).
    spark::result_set rs;
    rs.columns = {{"a", "decimal(15,2)"}, {"b", "double"}, {"c", "date"}, {"d", "boolean"}, {"e", "string"}};
    rs.rows = {{"1.50", "1e-05", "1998-09-02", "True", std::string("é\n😀")},
               {"0E-8", "1234567.0", std::nullopt, "False", std::nullopt}};
    BOOST_TEST(spark::format_result_line(rs) ==
               "bb-async-result-v1:{\"columns\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"types\":[\"decimal(15,2)\","
               "\"double\",\"date\",\"boolean\",\"string\"],\"rows\":[[\"1.50\",\"1e-05\",\"1998-09-02\","
               "\"True\",\"\\u00e9\\n\\ud83d\\ude00\"],[\"0E-8\",\"1234567.0\",null,\"False\",null]]}\n");
}

BOOST_AUTO_TEST_CASE(other_code_is_not_recognised) {
    BOOST_TEST(!spark::recognise("spark.sql('select 1').show()").matched);
    BOOST_TEST(!spark::recognise("").matched);
    std::string block = spark::make_code_block("select 1");
    BOOST_TEST(!spark::recognise(block + "print('more')\n").matched);
    BOOST_TEST(!spark::recognise("x = 1\n" + block).matched);
    std::string tampered = block;
    tampered.replace(tampered.find("c2VsZWN0IDE="), 12, "c2VsZWN0IDE=\") + (\"");
    BOOST_TEST(!spark::recognise(tampered).matched);
}

BOOST_AUTO_TEST_CASE(damaged_payload_is_reported) {
    std::string block = spark::make_code_block("select 1");
    std::string bad = block;
    bad.replace(bad.find("c2VsZWN0IDE="), 12, "c2VsZWN0IDE");
    auto r = spark::recognise(bad);
    BOOST_TEST(r.matched);
    BOOST_TEST(r.error.find("base64") != std::string::npos);
    bad = block;
    bad.replace(bad.find("c2VsZWN0IDE="), 12, "/w==");  // 0xFF: not UTF-8
    r = spark::recognise(bad);
    BOOST_TEST(r.matched);
    BOOST_TEST(r.error.find("UTF-8") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(result_line_is_what_python_json_dumps_writes) {
    spark::result_set rs;
    rs.columns = {{"a", "int"}, {"b\"q", "string"}, {"é", "decimal(15,2)"}};
    rs.rows = {{"1", std::string("x\ny\t\\\"\x01\x7f"), "1.50"}, {std::nullopt, std::string("😀 中"), std::nullopt}};
    const std::string line = spark::format_result_line(rs);
    BOOST_TEST(line == "bb-async-result-v1:{\"columns\":[\"a\",\"b\\\"q\",\"\\u00e9\"],"
                       "\"types\":[\"int\",\"string\",\"decimal(15,2)\"],"
                       "\"rows\":[[\"1\",\"x\\ny\\t\\\\\\\"\\u0001\\u007f\",\"1.50\"],"
                       "[null,\"\\ud83d\\ude00 \\u4e2d\",null]]}\n");
    spark::result_set back;
    std::string message;
    auto ec = spark::parse_result("some log line\n" + line + "another line\n", back, message);
    BOOST_TEST(!ec, message);
    BOOST_TEST(back.columns.size() == 3u);
    BOOST_TEST(back.columns[1].name == "b\"q");
    BOOST_TEST(back.columns[2].name == "é");
    BOOST_TEST(back.columns[2].type == "decimal(15,2)");
    BOOST_TEST(back.rows.size() == 2u);
    BOOST_TEST(*back.rows[0][1] == "x\ny\t\\\"\x01\x7f");
    BOOST_TEST(!back.rows[1][0].has_value());
    BOOST_TEST(*back.rows[1][1] == "😀 中");
}

BOOST_AUTO_TEST_CASE(parse_result_errors) {
    spark::result_set out;
    std::string message;
    BOOST_TEST(spark::parse_result("nothing here\n", out, message) == protocol::error::missing_field);
    BOOST_TEST(message.find("no result line") != std::string::npos);
    const std::string ok = "bb-async-result-v1:{\"columns\":[],\"types\":[],\"rows\":[]}\n";
    BOOST_TEST(!spark::parse_result(ok, out, message));
    BOOST_TEST(spark::parse_result(ok + ok, out, message) == protocol::error::bad_value);
    BOOST_TEST(spark::parse_result("bb-async-result-v1:{\"columns\":[", out, message) ==
               protocol::error::malformed_json);
    BOOST_TEST(spark::parse_result("bb-async-result-v1:[]", out, message) == protocol::error::wrong_type);
    BOOST_TEST(spark::parse_result("bb-async-result-v1:{\"columns\":[\"a\"],\"types\":[],\"rows\":[]}", out,
                                   message) == protocol::error::bad_value);
    BOOST_TEST(spark::parse_result("bb-async-result-v1:{\"columns\":[\"a\"],\"types\":[\"int\"],\"rows\":[[1]]}",
                                   out, message) == protocol::error::wrong_type);
    BOOST_TEST(spark::parse_result(
                   "bb-async-result-v1:{\"columns\":[\"a\"],\"types\":[\"int\"],\"rows\":[[\"1\",\"2\"]]}", out,
                   message) == protocol::error::bad_value);
    BOOST_TEST(message.find("2 values for 1 columns") != std::string::npos);
    // CRLF stdout
    BOOST_TEST(!spark::parse_result("x\r\nbb-async-result-v1:{\"columns\":[\"a\"],\"types\":[\"int\"],"
                                    "\"rows\":[[\"1\"]]}\r\n",
                                    out, message));
    BOOST_TEST(*out.rows[0][0] == "1");
}

BOOST_AUTO_TEST_CASE(python_float_repr_layout) {
    BOOST_TEST(spark::python_float_repr(1e-05) == "1e-05");
    BOOST_TEST(spark::python_float_repr(0.0001) == "0.0001");
    BOOST_TEST(spark::python_float_repr(1234567.0) == "1234567.0");
    BOOST_TEST(spark::python_float_repr(1.2345678901234568e+16) == "1.2345678901234568e+16");
    BOOST_TEST(spark::python_float_repr(1e16) == "1e+16");
    BOOST_TEST(spark::python_float_repr(1234567890123456.0) == "1234567890123456.0");
    BOOST_TEST(spark::python_float_repr(0.1) == "0.1");
    BOOST_TEST(spark::python_float_repr(-2.5) == "-2.5");
    BOOST_TEST(spark::python_float_repr(0.0) == "0.0");
    BOOST_TEST(spark::python_float_repr(-0.0) == "-0.0");
    BOOST_TEST(spark::python_float_repr(1.5e-300) == "1.5e-300");
    BOOST_TEST(spark::python_float_repr(INFINITY) == "inf");
    BOOST_TEST(spark::python_float_repr(-INFINITY) == "-inf");
    BOOST_TEST(spark::python_float_repr(NAN) == "nan");
    BOOST_TEST(spark::python_float_repr(static_cast<double>(0.1f)) == "0.10000000149011612");
}

BOOST_AUTO_TEST_CASE(java_double_layout) {
    BOOST_TEST(spark::java_double_string(1e-05) == "1.0E-5");
    BOOST_TEST(spark::java_double_string(0.001) == "0.001");
    BOOST_TEST(spark::java_double_string(1234567.0) == "1234567.0");
    BOOST_TEST(spark::java_double_string(12345678.0) == "1.2345678E7");
    BOOST_TEST(spark::java_double_string(1.2345678901234568e+16) == "1.2345678901234568E16");
    BOOST_TEST(spark::java_double_string(0.0) == "0.0");
    BOOST_TEST(spark::java_double_string(-1.5) == "-1.5");
    BOOST_TEST(spark::java_double_string(NAN) == "NaN");
    BOOST_TEST(spark::java_double_string(-INFINITY) == "-Infinity");
    BOOST_TEST(spark::java_float_string(0.1f) == "0.1");
    BOOST_TEST(spark::java_float_string(1e-5f) == "1.0E-5");
}

BOOST_AUTO_TEST_CASE(python_decimal_str_keeps_the_scale) {
    BOOST_TEST(spark::python_decimal_str("0.00") == "0.00");
    BOOST_TEST(spark::python_decimal_str("-12.50") == "-12.50");
    BOOST_TEST(spark::python_decimal_str("123456789012.345678") == "123456789012.345678");
    BOOST_TEST(spark::python_decimal_str("42") == "42");
    BOOST_TEST(spark::python_decimal_str("0.000001") == "0.000001");
    BOOST_TEST(spark::python_decimal_str("0.0000001000") == "1.000E-7");
    BOOST_TEST(spark::python_decimal_str("0.00000000") == "0E-8");
    BOOST_TEST(spark::python_decimal_str("-0.05") == "-0.05");
    BOOST_TEST(spark::python_decimal_str("abc") == "abc");
}

BOOST_AUTO_TEST_SUITE_END()
