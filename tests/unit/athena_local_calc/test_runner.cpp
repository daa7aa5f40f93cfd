// The calculation runner end to end on DuckDB: code kinds, output, DDL against the catalog, .tbl, CSV and
// Parquet tables in the object store, errors and cancellation.
#include <protocol/spark_template.hpp>

#include <bb/duckdb/database.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <thread>

#include "fixtures.hpp"

using athena_local::calc::run_state;
using calc_test::runner_fixture;

namespace {

protocol::spark::result_set template_result(runner_fixture& f, const std::string& sql,
                                            const std::string& db = "default") {
    auto r = f.run(protocol::spark::make_code_block(sql), db);
    BOOST_TEST_REQUIRE((r.state == run_state::completed), sql << ": " << r.reason << "\n" << r.stderr_text);
    protocol::spark::result_set rs;
    std::string message;
    auto ec = protocol::spark::parse_result(r.stdout_text, rs, message);
    BOOST_TEST_REQUIRE(!ec, message);
    return rs;
}

} // namespace

BOOST_AUTO_TEST_SUITE(calc_runner)

BOOST_FIXTURE_TEST_CASE(sql_cell_prints_like_show, runner_fixture) {
    auto r = run("%%sql\nselect 1 as a, 'xyz' as b union all select 22, null order by a");
    BOOST_TEST_REQUIRE((r.state == run_state::completed), r.stderr_text);
    BOOST_TEST(r.stdout_text == "+---+----+\n"
                                "|  a|   b|\n"
                                "+---+----+\n"
                                "|  1| xyz|\n"
                                "| 22|null|\n"
                                "+---+----+\n"
                                "\n");
    BOOST_TEST(r.stderr_text.empty());
}

BOOST_FIXTURE_TEST_CASE(spark_sql_statements_run_in_order, runner_fixture) {
    auto r = run("spark.sql(\"select 'it\\\\'s' as s\").show()\n"
                 "spark.sql('''select range as id from range(25)''').show(2)\n"
                 "spark.sql('select 1').collect()\n"
                 "spark.sql(r\"select repeat('x', 30) as long_text\").show(truncate=False)\n");
    BOOST_TEST_REQUIRE((r.state == run_state::completed), r.stderr_text);
    BOOST_TEST(r.stdout_text == "+----+\n|   s|\n+----+\n|it's|\n+----+\n\n"
                                "+---+\n| id|\n+---+\n|  0|\n|  1|\n+---+\nonly showing top 2 rows\n\n"
                                "+------------------------------+\n"
                                "|long_text                     |\n"
                                "+------------------------------+\n"
                                "|xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx|\n"
                                "+------------------------------+\n\n");
}

BOOST_FIXTURE_TEST_CASE(template_round_trip_with_hostile_sql, runner_fixture) {
    // Spark literal rules: \' and \\ are escapes, "..." is a string, adjacent literals concatenate.
    const std::string sql = "select 'a\"\"\"b' as q1, '\\'\\'\\'' as `q 2`, '\\\\' as bs, 'é😀中' as u, "
                            "'line\\nbreak' as nl, \"dq'\" as dq, 'x' 'y' as cat -- \") import os\n";
    auto rs = template_result(*this, sql);
    BOOST_TEST_REQUIRE(rs.columns.size() == 7u);
    BOOST_TEST(rs.columns[1].name == "q 2");
    BOOST_TEST(rs.columns[0].type == "string");
    BOOST_TEST_REQUIRE(rs.rows.size() == 1u);
    BOOST_TEST(*rs.rows[0][0] == "a\"\"\"b");
    BOOST_TEST(*rs.rows[0][1] == "'''");
    BOOST_TEST(*rs.rows[0][2] == "\\");
    BOOST_TEST(*rs.rows[0][3] == "é😀中");
    BOOST_TEST(*rs.rows[0][4] == "line\nbreak");
    BOOST_TEST(*rs.rows[0][5] == "dq'");
    BOOST_TEST(*rs.rows[0][6] == "xy");
}

BOOST_FIXTURE_TEST_CASE(template_values_render_as_python_str, runner_fixture) {
    auto rs = template_result(*this, "select cast(1e-5 as double) as d1, cast(1234567 as double) as d2, "
                                     "cast(12345678901234567 as double) as d3, date '1998-09-02' as dt, "
                                     "true as b, cast(null as int) as n, cast(1.5 as decimal(15,2)) as m, "
                                     "cast(0 as decimal(20,8)) as z, 42 as i, cast(7 as bigint) as l, "
                                     "timestamp '2020-01-02 03:04:05.5' as ts");
    BOOST_TEST_REQUIRE(rs.rows.size() == 1u);
    const auto& row = rs.rows[0];
    BOOST_TEST(*row[0] == "1e-05");
    BOOST_TEST(*row[1] == "1234567.0");
    BOOST_TEST(*row[2] == "1.2345678901234568e+16");
    BOOST_TEST(*row[3] == "1998-09-02");
    BOOST_TEST(*row[4] == "True");
    BOOST_TEST(!row[5].has_value());
    BOOST_TEST(*row[6] == "1.50");
    BOOST_TEST(*row[7] == "0E-8");
    BOOST_TEST(*row[8] == "42");
    BOOST_TEST(*row[10] == "2020-01-02 03:04:05.500000");
    BOOST_TEST(rs.columns[0].type == "double");
    BOOST_TEST(rs.columns[3].type == "date");
    BOOST_TEST(rs.columns[4].type == "boolean");
    BOOST_TEST(rs.columns[6].type == "decimal(15,2)");
    BOOST_TEST(rs.columns[8].type == "int");
    BOOST_TEST(rs.columns[9].type == "bigint");
    BOOST_TEST(rs.columns[10].type == "timestamp");
}

BOOST_FIXTURE_TEST_CASE(show_renders_spark_values, runner_fixture) {
    auto r = run("spark.sql('select cast(1e-5 as double) as d, cast(null as string) as s, true as b').show()");
    BOOST_TEST_REQUIRE((r.state == run_state::completed), r.stderr_text);
    BOOST_TEST(r.stdout_text == "+------+----+----+\n"
                                "|     d|   s|   b|\n"
                                "+------+----+----+\n"
                                "|1.0E-5|null|true|\n"
                                "+------+----+----+\n\n");
}

BOOST_FIXTURE_TEST_CASE(ddl_updates_the_catalog_and_tbl_files_are_read, runner_fixture) {
    store.put_object("data", "tpch/nation/nation.tbl",
                     "0|ALGERIA|0| haggle. carefully final deposits|\n1|ARGENTINA|1|al foxes promise slyly|\n");
    store.put_object("data", "tpch/nation/_SUCCESS", "");
    auto r = run("%%sql\nCREATE DATABASE IF NOT EXISTS tpch");
    BOOST_TEST_REQUIRE((r.state == run_state::completed), r.stderr_text);
    BOOST_TEST(r.stdout_text == "++\n||\n++\n++\n\n");
    BOOST_TEST(cat.database("tpch").has_value());
    r = run("spark.sql('''CREATE EXTERNAL TABLE tpch.nation (n_nationkey INT, n_name STRING, n_regionkey INT,\n"
            "  n_comment STRING) ROW FORMAT DELIMITED FIELDS TERMINATED BY '|' STORED AS TEXTFILE\n"
            "  LOCATION 's3://data/tpch/nation/' ''')\n"
            "spark.sql('USE tpch')\n"
            "spark.sql('select n_nationkey, n_name, n_comment from nation order by 1').show()\n");
    BOOST_TEST_REQUIRE((r.state == run_state::completed), r.stderr_text);
    BOOST_TEST(r.current_database == "tpch");
    auto t = cat.table("tpch", "nation");
    BOOST_TEST_REQUIRE(t.has_value());
    BOOST_TEST((t->format == athena_local::table_format::delimited_text));
    BOOST_TEST(t->delimiter == '|');
    BOOST_TEST(t->location == "s3://data/tpch/nation/");
    BOOST_TEST(t->columns.size() == 4u);
    BOOST_TEST(r.stdout_text == "+-----------+---------+--------------------+\n"
                                "|n_nationkey|   n_name|           n_comment|\n"
                                "+-----------+---------+--------------------+\n"
                                "|          0|  ALGERIA| haggle. carefull...|\n"
                                "|          1|ARGENTINA|al foxes promise ...|\n"
                                "+-----------+---------+--------------------+\n\n");
    // The current database carries over; qualified names work from anywhere.
    auto rs = template_result(*this, "select count(*) as n from tpch.nation");
    BOOST_TEST(*rs.rows[0][0] == "2");
    BOOST_TEST(rs.columns[0].type == "bigint");
    rs = template_result(*this, "show tables", "tpch");
    BOOST_TEST_REQUIRE(rs.rows.size() == 1u);
    BOOST_TEST(*rs.rows[0][1] == "nation");
    r = run("spark.sql('DROP TABLE tpch.nation')");
    BOOST_TEST_REQUIRE((r.state == run_state::completed), r.stderr_text);
    BOOST_TEST(!cat.table("tpch", "nation").has_value());
    r = run("spark.sql('select * from tpch.nation').show()");
    BOOST_TEST((r.state == run_state::failed));
    BOOST_TEST(r.stderr_text.find("[TABLE_OR_VIEW_NOT_FOUND]") != std::string::npos, r.stderr_text);
    r = run("spark.sql('DROP TABLE IF EXISTS tpch.nation')");
    BOOST_TEST((r.state == run_state::completed));
}

BOOST_FIXTURE_TEST_CASE(csv_with_header_and_parquet_tables, runner_fixture) {
    store.put_object("data", "csv/t/part-0.csv", "id,name,amount\n1,\"a, b\",1.25\n2,,3.50\n");
    auto r = run("%%sql\ncreate table default.c (id int, name string, amount decimal(10,2)) using csv "
                 "options (header 'true') location 's3://data/csv/t/'");
    BOOST_TEST_REQUIRE((r.state == run_state::completed), r.stderr_text);
    auto rs = template_result(*this, "select * from c order by id");
    BOOST_TEST_REQUIRE(rs.rows.size() == 2u);
    BOOST_TEST(*rs.rows[0][1] == "a, b");
    BOOST_TEST(*rs.rows[0][2] == "1.25");
    BOOST_TEST(!rs.rows[1][1].has_value());
    BOOST_TEST(rs.columns[2].type == "decimal(10,2)");
    // Hive text (ROW FORMAT DELIMITED) reads quotes literally and \N as NULL.
    store.put_object("data", "hive/t/0", "1,\"q\",\\N\n");
    r = run("%%sql\ncreate table h (a int, b string, c string) row format delimited fields terminated by ',' "
            "location 's3://data/hive/t/'");
    BOOST_TEST_REQUIRE((r.state == run_state::completed), r.stderr_text);
    rs = template_result(*this, "select * from h");
    BOOST_TEST_REQUIRE(rs.rows.size() == 1u);
    BOOST_TEST(*rs.rows[0][1] == "\"q\"");
    BOOST_TEST(!rs.rows[0][2].has_value());

    // A Parquet file written by DuckDB into the store.
    {
        auto db = bb::duckdb::database::open();
        auto con = db->connect();
        std::filesystem::create_directories(store.root() / "data" / "pq" / "t");
        auto st = con->execute("COPY (select range as k, range * 1.5 as v, 'n' || range as s from range(5)) TO " +
                               bb::duckdb::quote_literal((store.root() / "data/pq/t/part-0.parquet").string()) +
                               " (FORMAT parquet)");
        BOOST_TEST_REQUIRE(st.ok(), st.message());
    }
    r = run("%%sql\nCREATE TABLE p STORED AS PARQUET LOCATION 's3://data/pq/t/'");
    BOOST_TEST_REQUIRE((r.state == run_state::completed), r.stderr_text);
    rs = template_result(*this, "select k, v, s from p where k >= 3 order by k");
    BOOST_TEST_REQUIRE(rs.rows.size() == 2u);
    BOOST_TEST(*rs.rows[0][0] == "3");
    BOOST_TEST(*rs.rows[0][2] == "n3");
    // With declared columns, the declared types win.
    r = run("%%sql\nCREATE TABLE p2 (k int, s string) USING parquet LOCATION 's3://data/pq/t'");
    BOOST_TEST_REQUIRE((r.state == run_state::completed), r.stderr_text);
    rs = template_result(*this, "select * from p2 order by k limit 1");
    BOOST_TEST(rs.columns.size() == 2u);
    BOOST_TEST(rs.columns[0].type == "int");
}

BOOST_FIXTURE_TEST_CASE(glue_registered_and_partitioned_tables, runner_fixture) {
    // A table as the Glue service stores it after CreateTable (LazySimpleSerDe, field.delim '|'), over .tbl files
    // split in two objects.
    store.put_object("data", "r/region.tbl.1", "0|AFRICA|lar deposits|\n1|AMERICA|hs use ironic|\n");
    store.put_object("data", "r/region.tbl.2", "2|ASIA|ges. thinly even|\n");
    athena_local::database_def db;
    db.name = "glue";
    BOOST_TEST_REQUIRE((cat.create_database(db) == athena_local::catalog_status::ok));
    athena_local::table_def t;
    t.database = "glue";
    t.name = "region";
    t.location = "s3://data/r/";
    t.format = athena_local::table_format::delimited_text;
    t.delimiter = '|';
    t.columns = {{"r_regionkey", "int", ""}, {"r_name", "string", ""}, {"r_comment", "string", ""}};
    t.glue_json = R"({"StorageDescriptor":{"SerdeInfo":{"SerializationLibrary":)"
                  R"("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"}}})";
    BOOST_TEST_REQUIRE((cat.create_table(t) == athena_local::catalog_status::ok));
    auto rs = template_result(*this, "select r_regionkey, r_name from glue.region order by 1");
    BOOST_TEST_REQUIRE(rs.rows.size() == 3u);
    BOOST_TEST(rs.columns.size() == 2u);
    BOOST_TEST(*rs.rows[2][1] == "ASIA");
    rs = template_result(*this, "select * from region", "glue");
    BOOST_TEST(rs.columns.size() == 3u); // the trailing '|' is not a column

    // Hive-partitioned Parquet: key=value folders.
    {
        auto ddb = bb::duckdb::database::open();
        auto con = ddb->connect();
        for (int year : {2020, 2021}) {
            const auto folder = store.root() / "data" / "part" / ("year=" + std::to_string(year));
            std::filesystem::create_directories(folder);
            auto st = con->execute("COPY (select range as id from range(" + std::to_string(year - 2018) + ")) TO " +
                                   bb::duckdb::quote_literal((folder / "f.parquet").string()) + " (FORMAT parquet)");
            BOOST_TEST_REQUIRE(st.ok(), st.message());
        }
    }
    auto r = run("%%sql\ncreate table glue.p (id bigint) using parquet partitioned by (year int) "
                 "location 's3://data/part/'");
    BOOST_TEST_REQUIRE((r.state == run_state::completed), r.stderr_text);
    rs = template_result(*this, "select year, count(*) as n from glue.p group by year order by year");
    BOOST_TEST_REQUIRE(rs.rows.size() == 2u);
    BOOST_TEST(*rs.rows[0][0] == "2020");
    BOOST_TEST(*rs.rows[0][1] == "2");
    BOOST_TEST(*rs.rows[1][1] == "3");
    BOOST_TEST(rs.columns[0].type == "int");

    // A table whose location has no objects yet is empty; one whose bucket is missing fails with the reason.
    r = run("%%sql\ncreate table glue.e (a int) using parquet location 's3://data/empty/'");
    BOOST_TEST_REQUIRE((r.state == run_state::completed), r.stderr_text);
    rs = template_result(*this, "select count(*) as n from glue.e");
    BOOST_TEST(*rs.rows[0][0] == "0");
    r = run("%%sql\ncreate table glue.m (a int) using parquet location 's3://nosuchbucket/x/'");
    BOOST_TEST_REQUIRE((r.state == run_state::completed), r.stderr_text);
    r = run("%%sql\nselect * from glue.m");
    BOOST_TEST((r.state == run_state::failed));
    BOOST_TEST(r.stderr_text.find("bucket") != std::string::npos, r.stderr_text);
}

BOOST_FIXTURE_TEST_CASE(ddl_errors_are_spark_errors, runner_fixture) {
    auto r = run("spark.sql('create database d')\nspark.sql('create database d')");
    BOOST_TEST((r.state == run_state::failed));
    BOOST_TEST(r.stderr_text.find("AnalysisException: [SCHEMA_ALREADY_EXISTS]") != std::string::npos,
               r.stderr_text);
    BOOST_TEST(r.stderr_text.find("line 2") != std::string::npos);
    r = run("spark.sql('use nosuchdb')");
    BOOST_TEST((r.state == run_state::failed));
    BOOST_TEST(r.reason.find("SCHEMA_NOT_FOUND") != std::string::npos);
    r = run("spark.sql(\"create table nosuch.t (a int) using parquet location 's3://x/y/'\")");
    BOOST_TEST((r.state == run_state::failed));
    r = run("spark.sql(\"create table t as select 1\")");
    BOOST_TEST((r.state == run_state::failed));
    BOOST_TEST(r.stderr_text.find("docs/CALCULATIONS.md") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(errors_look_like_spark_driver_errors, runner_fixture) {
    auto r = run("spark.sql('select * from nosuchtable').show()");
    BOOST_TEST((r.state == run_state::failed));
    BOOST_TEST(r.stderr_text.find("Traceback (most recent call last):") == 0u);
    BOOST_TEST(r.stderr_text.find("pyspark.errors.exceptions.captured.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] "
                                  "The table or view `nosuchtable` cannot be found.") != std::string::npos,
               r.stderr_text);
    BOOST_TEST(r.reason.find('\n') == std::string::npos);
    BOOST_TEST(r.reason.find("AnalysisException: [TABLE_OR_VIEW_NOT_FOUND]") == 0u, r.reason);

    r = run("%%sql\nselect * from nosuchdb.t");
    BOOST_TEST(r.stderr_text.find("The table or view `nosuchdb`.`t` cannot be found") != std::string::npos,
               r.stderr_text);

    r = run("%%sql\nselect nosuchcolumn from range(3)");
    BOOST_TEST((r.state == run_state::failed));
    BOOST_TEST(r.stderr_text.find("[UNRESOLVED_COLUMN") != std::string::npos, r.stderr_text);

    r = run("spark.sql('selec 1').show()");
    BOOST_TEST((r.state == run_state::failed));
    BOOST_TEST(r.stderr_text.find("ParseException") != std::string::npos, r.stderr_text);
    BOOST_TEST(r.stderr_text.find("[PARSE_SYNTAX_ERROR]") != std::string::npos, r.stderr_text);

    r = run("spark.sql('select 1; select 2').show()");
    BOOST_TEST((r.state == run_state::failed));
    BOOST_TEST(r.stderr_text.find("ParseException") != std::string::npos, r.stderr_text);

    r = run("print('hello')");
    BOOST_TEST((r.state == run_state::failed));
    BOOST_TEST(r.stderr_text.find("docs/CALCULATIONS.md") != std::string::npos, r.stderr_text);
    BOOST_TEST(r.reason.find('\n') == std::string::npos);

    // Output printed before the failure stays.
    r = run("spark.sql('select 1 as a').show()\nspark.sql('select * from nope').show()");
    BOOST_TEST((r.state == run_state::failed));
    BOOST_TEST(r.stdout_text.find("|  a|") != std::string::npos);
    BOOST_TEST(r.stderr_text.find("line 2") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(spark_settings_and_maintenance_statements, runner_fixture) {
    auto r = run("spark.sql('SET spark.sql.shuffle.partitions = 8').show(truncate=False)\n"
                 "spark.sql('ANALYZE TABLE t COMPUTE STATISTICS')\n"
                 "spark.sql('CLEAR CACHE')\n");
    BOOST_TEST_REQUIRE((r.state == run_state::completed), r.stderr_text);
    BOOST_TEST(r.stdout_text == "+----------------------------+-----+\n"
                                "|key                         |value|\n"
                                "+----------------------------+-----+\n"
                                "|spark.sql.shuffle.partitions|8    |\n"
                                "+----------------------------+-----+\n\n");
}

BOOST_FIXTURE_TEST_CASE(cancel_before_start, runner_fixture) {
    athena_local::calc::cancel_token token;
    token.cancel();
    auto r = runner.run({"%%sql\nselect 1", "default"}, token);
    BOOST_TEST((r.state == run_state::canceled));
}

BOOST_FIXTURE_TEST_CASE(cancel_a_long_query_from_another_thread, runner_fixture) {
    athena_local::calc::cancel_token token;
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        token.cancel();
    });
    const auto start = std::chrono::steady_clock::now();
    auto r = runner.run({"%%sql\nselect count(*) from range(100000) a, range(1000000) b where a.range + b.range = 7",
                         "default"},
                        token);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    canceller.join();
    BOOST_TEST((r.state == run_state::canceled), r.reason << r.stderr_text);
    BOOST_TEST(seconds < 30.0);
    // The runner still works afterwards, and the canceled run's catalog was detached.
    auto again = run("%%sql\nselect count(*) as n from duckdb_databases() where database_name like 'bb_run_%'");
    BOOST_TEST((again.state == run_state::completed), again.stderr_text);
    BOOST_TEST(again.stdout_text.find("|  1|") != std::string::npos, again.stdout_text);
}

BOOST_FIXTURE_TEST_CASE(concurrent_runs_do_not_interfere, runner_fixture) {
    store.put_object("data", "t/a.csv", "1\n2\n3\n");
    BOOST_TEST_REQUIRE((run("%%sql\ncreate table t (x int) using csv location 's3://data/t/'").state ==
                        run_state::completed));
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&] {
            for (int k = 0; k < 5; ++k) {
                athena_local::calc::cancel_token token;
                auto r = runner.run({protocol::spark::make_code_block("select sum(x) as s from t"), "default"},
                                    token);
                if (r.state == run_state::completed && r.stdout_text.find("[[\"6\"]]") != std::string::npos)
                    ++ok;
            }
        });
    for (auto& t : threads)
        t.join();
    BOOST_TEST(ok.load() == 20);
}

BOOST_AUTO_TEST_SUITE_END()
