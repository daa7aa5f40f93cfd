// Recognising calculation code (python_code.hpp) and Spark SQL text handling (sql_text.hpp).
#include <protocol/spark_template.hpp>

#include <boost/test/unit_test.hpp>

#include "python_code.hpp"
#include "sql_text.hpp"

using namespace athena_local::calc::detail;

namespace {

std::string value_of(std::string_view literal) {
    std::string v, e;
    BOOST_TEST_REQUIRE(python_string_value(literal, v, e), literal << ": " << e);
    return v;
}

} // namespace

BOOST_AUTO_TEST_SUITE(calc_code)

BOOST_AUTO_TEST_CASE(python_string_literals) {
    BOOST_TEST(value_of("'a'") == "a");
    BOOST_TEST(value_of("\"a'b\"") == "a'b");
    BOOST_TEST(value_of("'it\\'s'") == "it's");
    BOOST_TEST(value_of("'a\\\\b'") == "a\\b");
    BOOST_TEST(value_of("'\\n\\t\\x41\\101\\u00e9\\U0001F600'") == "\n\tAA\xc3\xa9\xf0\x9f\x98\x80");
    BOOST_TEST(value_of("'\\d'") == "\\d"); // unknown escapes keep the backslash
    BOOST_TEST(value_of("r'\\d\\n'") == "\\d\\n");
    BOOST_TEST(value_of("r'\\''") == "\\'");
    BOOST_TEST(value_of("R\"x\\\"y\"") == "x\\\"y");
    BOOST_TEST(value_of("u'x'") == "x");
    BOOST_TEST(value_of("'''a\n'b'\n\"c\"'''") == "a\n'b'\n\"c\"");
    BOOST_TEST(value_of("\"\"\"x \"\" y\"\"\"") == "x \"\" y");
    BOOST_TEST(value_of("''") == "");
    BOOST_TEST(value_of("''''''") == "");
    BOOST_TEST(value_of("'a\\\nb'") == "ab");
    std::string v, e;
    BOOST_TEST(!python_string_value("f'{x}'", v, e));
    BOOST_TEST(!python_string_value("b'x'", v, e));
    BOOST_TEST(!python_string_value("'\\x4'", v, e));
}

BOOST_AUTO_TEST_CASE(spark_sql_statements) {
    auto p = parse_code("spark.sql(\"select 1\").show()\n"
                        "# a comment\n"
                        "spark.sql('''select\n  'a' as x''').show(5, truncate=False)\n"
                        "spark.sql(r'select \"\\n\"').collect()\n"
                        "spark.sql(\"create database x\")\n"
                        "spark.sql(\n    \"select \"\n    'implicit ' \"concatenation\"\n).show(n=3, truncate=10)\n"
                        "spark.sql('select 2').show(7, False); spark.sql('select 3')\n");
    BOOST_TEST_REQUIRE(p.ok, p.error);
    BOOST_TEST((p.kind == code_kind::spark_sql));
    BOOST_TEST_REQUIRE(p.calls.size() == 7u);
    BOOST_TEST(p.calls[0].sql == "select 1");
    BOOST_TEST(p.calls[0].action.kind == sql_action::show);
    BOOST_TEST(p.calls[0].action.rows == 20);
    BOOST_TEST(p.calls[0].action.truncate == 20);
    BOOST_TEST(p.calls[1].sql == "select\n  'a' as x");
    BOOST_TEST(p.calls[1].line == 3);
    BOOST_TEST(p.calls[1].action.rows == 5);
    BOOST_TEST(p.calls[1].action.truncate == 0);
    BOOST_TEST(p.calls[2].sql == "select \"\\n\"");
    BOOST_TEST(p.calls[2].action.kind == sql_action::collect);
    BOOST_TEST(p.calls[2].line == 5);
    BOOST_TEST(p.calls[3].action.kind == sql_action::none);
    BOOST_TEST(p.calls[4].sql == "select implicit concatenation");
    BOOST_TEST(p.calls[4].action.rows == 3);
    BOOST_TEST(p.calls[4].action.truncate == 10);
    BOOST_TEST(p.calls[5].action.truncate == 0);
    BOOST_TEST(p.calls[6].sql == "select 3");
}

BOOST_AUTO_TEST_CASE(sql_cells) {
    auto p = parse_code("\n%%sql\nselect 1;\nselect 2\n");
    BOOST_TEST_REQUIRE(p.ok, p.error);
    BOOST_TEST((p.kind == code_kind::sql_cell));
    BOOST_TEST(p.calls[0].sql == "select 1;\nselect 2\n");
    BOOST_TEST(p.calls[0].several_statements);
    BOOST_TEST(p.calls[0].line == 3);
    BOOST_TEST(p.calls[0].action.kind == sql_action::show);
    BOOST_TEST(!parse_code("%%sql -o df\nselect 1").ok);
}

BOOST_AUTO_TEST_CASE(template_blocks) {
    auto p = parse_code(protocol::spark::make_code_block("select '\"\"\"' as q"));
    BOOST_TEST_REQUIRE(p.ok, p.error);
    BOOST_TEST((p.kind == code_kind::bb_template));
    BOOST_TEST(p.calls[0].sql == "select '\"\"\"' as q");
    BOOST_TEST(p.calls[0].action.kind == sql_action::result_line);
}

BOOST_AUTO_TEST_CASE(anything_else_is_refused_with_a_reason) {
    for (const char* code : {"print('hi')", "df = spark.sql('select 1')", "spark.sql(q).show()",
                             "spark.sql(f'select {x}')", "spark.sql('select 1').toPandas()",
                             "spark.sql('select 1').show(vertical=True)", "spark.sql('select 1", "import os",
                             "spark.sql('a').show() extra", ""}) {
        auto p = parse_code(code);
        BOOST_TEST(!p.ok, code);
        BOOST_TEST(!p.error.empty());
        BOOST_TEST(p.error.find("docs/CALCULATIONS.md") != std::string::npos, code << ": " << p.error);
    }
}

BOOST_AUTO_TEST_CASE(statements_split_outside_quotes_and_comments) {
    auto s = split_statements("select ';' as a; -- ; comment\nselect \"x;y\", `c;d` /* ; */ from t;\n;  ");
    BOOST_TEST_REQUIRE(s.size() == 2u);
    BOOST_TEST(s[0] == "select ';' as a");
    BOOST_TEST(s[1] == "-- ; comment\nselect \"x;y\", `c;d` /* ; */ from t");
    BOOST_TEST(split_statements("select 'it\\'s; fine'").size() == 1u);
    BOOST_TEST(split_statements("  -- only a comment\n").empty());
}

BOOST_AUTO_TEST_CASE(rewrites_for_duckdb) {
    BOOST_TEST(rewrite_for_duckdb("select `a b` from t where x = \"s\"") == "select \"a b\" from t where x = 's'");
    BOOST_TEST(rewrite_for_duckdb("select 'it\\'s', 'a\\nb', 'x' 'y'") == "select 'it''s', 'a\nb', 'xy'");
    BOOST_TEST(rewrite_for_duckdb("select * from default.t") == "select * from \"default\".t");
    BOOST_TEST(rewrite_for_duckdb("select l_quantity from lineitem where l_shipdate <= date '1998-09-02'") ==
               "select l_quantity from lineitem where l_shipdate <= date '1998-09-02'");
}

BOOST_AUTO_TEST_CASE(ddl_statements) {
    auto d = parse_ddl("USE tpch");
    BOOST_TEST((d.statement.kind == ddl_statement::use_database));
    BOOST_TEST(d.statement.name == "tpch");
    d = parse_ddl("create database if not exists `TPCH` comment 'x' location 's3://b/p/'");
    BOOST_TEST((d.statement.kind == ddl_statement::create_database));
    BOOST_TEST(d.statement.if_not_exists);
    BOOST_TEST(d.statement.name == "tpch");
    d = parse_ddl("CREATE EXTERNAL TABLE IF NOT EXISTS tpch.nation (n_nationkey INT, n_name STRING, n_regionkey "
                  "INT, n_comment VARCHAR(152)) ROW FORMAT DELIMITED FIELDS TERMINATED BY '|' STORED AS TEXTFILE "
                  "LOCATION 's3://bucket/tpch/nation/'");
    BOOST_TEST_REQUIRE(d.error.empty(), d.error);
    BOOST_TEST((d.statement.kind == ddl_statement::create_table));
    BOOST_TEST(d.statement.database == "tpch");
    BOOST_TEST(d.statement.name == "nation");
    BOOST_TEST((d.statement.table.format == athena_local::table_format::delimited_text));
    BOOST_TEST(d.statement.table.delimiter == '|');
    BOOST_TEST(d.statement.table.columns.size() == 4u);
    BOOST_TEST(d.statement.table.columns[3].type == "varchar(152)");
    BOOST_TEST(d.statement.table.location == "s3://bucket/tpch/nation/");
    d = parse_ddl("create table t (a decimal(15, 2), b date) using csv options (header 'true', delimiter = ';') "
                  "location 's3://b/t'");
    BOOST_TEST_REQUIRE(d.error.empty(), d.error);
    BOOST_TEST(d.statement.table.delimiter == ';');
    BOOST_TEST(d.statement.table.header);
    BOOST_TEST(d.statement.table.columns[0].type == "decimal(15,2)");
    d = parse_ddl("CREATE TABLE p USING parquet LOCATION 's3://b/p/'");
    BOOST_TEST_REQUIRE(d.error.empty(), d.error);
    BOOST_TEST((d.statement.table.format == athena_local::table_format::parquet));
    BOOST_TEST(d.statement.table.columns.empty());
    d = parse_ddl("drop table if exists x.y purge");
    BOOST_TEST((d.statement.kind == ddl_statement::drop_table));
    BOOST_TEST(d.statement.if_exists);
    BOOST_TEST(d.statement.database == "x");
    d = parse_ddl("create table t as select 1");
    BOOST_TEST(!d.error.empty());
    BOOST_TEST(!d.syntax_error);
    d = parse_ddl("create table t (a int) using parquet");
    BOOST_TEST(d.error.find("LOCATION") != std::string::npos);
    d = parse_ddl("create table t (a int using parquet");
    BOOST_TEST(d.syntax_error);
    BOOST_TEST(parse_ddl("select * from t").statement.kind == ddl_statement::none);
    BOOST_TEST(parse_ddl("create temporary view v as select 1").statement.kind == ddl_statement::none);
}

BOOST_AUTO_TEST_CASE(hive_types_to_duckdb) {
    BOOST_TEST(duckdb_type_for("string") == "VARCHAR");
    BOOST_TEST(duckdb_type_for("varchar(25)") == "VARCHAR");
    BOOST_TEST(duckdb_type_for("bigint") == "BIGINT");
    BOOST_TEST(duckdb_type_for("int") == "INTEGER");
    BOOST_TEST(duckdb_type_for("decimal(15,2)") == "DECIMAL(15,2)");
    BOOST_TEST(duckdb_type_for("DECIMAL") == "DECIMAL(10,0)");
    BOOST_TEST(duckdb_type_for("date") == "DATE");
    BOOST_TEST(duckdb_type_for("array<int>") == "VARCHAR");
}

BOOST_AUTO_TEST_SUITE_END()
