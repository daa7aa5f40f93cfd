// DataFrame.show() layout and value rendering (render.hpp), as PySpark prints them.
#include <boost/test/unit_test.hpp>

#include "render.hpp"

using namespace athena_local::calc::detail;

namespace {

bb::duckdb::column col(std::string name, duckdb_type type, std::string sql_type, int width = 0, int scale = 0) {
    bb::duckdb::column c;
    c.name = std::move(name);
    c.type = type;
    c.sql_type = std::move(sql_type);
    c.decimal_width = static_cast<std::uint8_t>(width);
    c.decimal_scale = static_cast<std::uint8_t>(scale);
    return c;
}

} // namespace

BOOST_AUTO_TEST_SUITE(calc_render)

BOOST_AUTO_TEST_CASE(show_basic_layout) {
    const std::string s = show_string({"a", "b"}, {{"1", "xyz"}, {"22", "null"}}, 20, 20);
    BOOST_TEST(s == "+---+----+\n"
                    "|  a|   b|\n"
                    "+---+----+\n"
                    "|  1| xyz|\n"
                    "| 22|null|\n"
                    "+---+----+\n"
                    "\n");
}

BOOST_AUTO_TEST_CASE(show_truncates_to_20_with_dots) {
    const std::string s =
        show_string({"comment"}, {{"abcdefghijklmnopqrstuvwxyz"}, {"short"}}, 20, 20);
    BOOST_TEST(s == "+--------------------+\n"
                    "|             comment|\n"
                    "+--------------------+\n"
                    "|abcdefghijklmnopq...|\n"
                    "|               short|\n"
                    "+--------------------+\n"
                    "\n");
}

BOOST_AUTO_TEST_CASE(show_without_truncation_left_aligns) {
    const std::string s = show_string({"c", "n"}, {{"abcdefghijklmnopqrstuvwxyz", "1"}}, 20, 0);
    BOOST_TEST(s == "+--------------------------+---+\n"
                    "|c                         |n  |\n"
                    "+--------------------------+---+\n"
                    "|abcdefghijklmnopqrstuvwxyz|1  |\n"
                    "+--------------------------+---+\n"
                    "\n");
}

BOOST_AUTO_TEST_CASE(show_only_top_rows) {
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < 25; ++i)
        rows.push_back({std::to_string(i)});
    std::string s = show_string({"id"}, rows, 20, 20);
    BOOST_TEST(s.find("| 19|\n+---+\nonly showing top 20 rows\n\n") != std::string::npos);
    BOOST_TEST(s.find("| 20|") == std::string::npos);
    s = show_string({"id"}, rows, 1, 20);
    BOOST_TEST(s == "+---+\n| id|\n+---+\n|  0|\n+---+\nonly showing top 1 row\n\n");
    s = show_string({"id"}, {{"1"}}, 1, 20);
    BOOST_TEST(s == "+---+\n| id|\n+---+\n|  1|\n+---+\n\n");
}

BOOST_AUTO_TEST_CASE(show_empty_results) {
    BOOST_TEST(show_string({"a"}, {}, 20, 20) == "+---+\n|  a|\n+---+\n+---+\n\n");
    BOOST_TEST(show_string({}, {}, 20, 20) == "++\n||\n++\n++\n\n");
}

BOOST_AUTO_TEST_CASE(show_counts_full_width_characters_twice) {
    const std::string s = show_string({"n"}, {{"中文"}, {"ab"}}, 20, 20);
    BOOST_TEST(s == "+----+\n|   n|\n+----+\n|中文|\n|  ab|\n+----+\n\n");
}

BOOST_AUTO_TEST_CASE(show_small_truncate_and_long_column_names) {
    const std::string s = show_string({"abcdef"}, {{"abcdef"}}, 20, 3);
    BOOST_TEST(s == "+------+\n|abcdef|\n+------+\n|   abc|\n+------+\n\n");
    const std::string l = show_string({"a_very_long_column_name_indeed"}, {{"1"}}, 20, 20);
    BOOST_TEST(l == "+------------------------------+\n"
                    "|a_very_long_column_name_indeed|\n"
                    "+------------------------------+\n"
                    "|                             1|\n"
                    "+------------------------------+\n\n");
}

BOOST_AUTO_TEST_CASE(show_escapes_control_characters) {
    const std::string s = show_string({"s"}, {{"a\nb\tc"}}, 20, 20);
    BOOST_TEST(s == "+-------+\n|      s|\n+-------+\n|a\\nb\\tc|\n+-------+\n\n");
}

BOOST_AUTO_TEST_CASE(values_as_python_and_spark_print_them) {
    const auto d = col("d", DUCKDB_TYPE_DOUBLE, "DOUBLE");
    BOOST_TEST(*python_str(d, std::string("1e-05")) == "1e-05");
    BOOST_TEST(*python_str(d, std::string("1234567.0")) == "1234567.0");
    BOOST_TEST(*python_str(d, std::string("1.2345678901234568e+16")) == "1.2345678901234568e+16");
    BOOST_TEST(show_text(d, std::string("1e-05")) == "1.0E-5");
    BOOST_TEST(show_text(d, std::string("12345678.0")) == "1.2345678E7");
    const auto f = col("f", DUCKDB_TYPE_FLOAT, "FLOAT");
    BOOST_TEST(*python_str(f, std::string("0.1")) == "0.10000000149011612");
    BOOST_TEST(show_text(f, std::string("0.1")) == "0.1");
    const auto dec = col("m", DUCKDB_TYPE_DECIMAL, "DECIMAL(15,2)", 15, 2);
    BOOST_TEST(*python_str(dec, std::string("0.50")) == "0.50");
    BOOST_TEST(show_text(dec, std::string("0.50")) == "0.50");
    const auto dec8 = col("z", DUCKDB_TYPE_DECIMAL, "DECIMAL(20,8)", 20, 8);
    BOOST_TEST(show_text(dec8, std::string("0.00000000")) == "0E-8");
    BOOST_TEST(spark_type_name(dec) == "decimal(15,2)");
    const auto b = col("b", DUCKDB_TYPE_BOOLEAN, "BOOLEAN");
    BOOST_TEST(*python_str(b, std::string("true")) == "True");
    BOOST_TEST(*python_str(b, std::string("false")) == "False");
    BOOST_TEST(show_text(b, std::string("true")) == "true");
    BOOST_TEST(!python_str(b, std::nullopt).has_value());
    BOOST_TEST(show_text(b, std::nullopt) == "null");
    const auto ts = col("t", DUCKDB_TYPE_TIMESTAMP, "TIMESTAMP");
    BOOST_TEST(*python_str(ts, std::string("2020-01-02 03:04:05.5")) == "2020-01-02 03:04:05.500000");
    BOOST_TEST(*python_str(ts, std::string("2020-01-02 03:04:05")) == "2020-01-02 03:04:05");
    BOOST_TEST(spark_type_name(col("i", DUCKDB_TYPE_INTEGER, "INTEGER")) == "int");
    BOOST_TEST(spark_type_name(col("h", DUCKDB_TYPE_HUGEINT, "HUGEINT")) == "bigint");
    BOOST_TEST(spark_type_name(col("s", DUCKDB_TYPE_VARCHAR, "VARCHAR")) == "string");
    BOOST_TEST(spark_type_name(col("d", DUCKDB_TYPE_DATE, "DATE")) == "date");
}

BOOST_AUTO_TEST_SUITE_END()
