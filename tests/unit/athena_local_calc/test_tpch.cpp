// TPC-H at SF 0.01 through the runner: dbgen's .tbl files in the local S3, tables created with Spark DDL, the 22
// queries (qgen's default-parameter SQL) run through the bb-async template and compared with the same queries
// run directly on DuckDB over the same files.
#include <protocol/spark_template.hpp>

#include <bb/duckdb/database.hpp>
#include <bb/duckdb/parquet.hpp>
#include <tpch/datagen.hpp>
#include <tpch/queries.hpp>
#include <tpch/schema.hpp>

#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"
#include "render.hpp"
#include "sql_text.hpp"

using athena_local::calc::run_state;

namespace {

std::string hive_type(const tpch::column& c) {
    switch (c.kind) {
    case tpch::column_kind::integer:
        return "int";
    case tpch::column_kind::bigint:
        return "bigint";
    case tpch::column_kind::decimal:
        return "decimal(15,2)";
    case tpch::column_kind::date:
        return "date";
    default:
        return "string";
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(calc_tpch)

BOOST_FIXTURE_TEST_CASE(tpch_queries_at_sf_0_01_match_duckdb, calc_test::runner_fixture) {
    namespace fs = std::filesystem;
    const fs::path gen = dir.path / "gen";
    tpch::datagen_options o;
    o.scale_factor = 0.01;
    o.output_dir = gen;
    o.format = tpch::output_format::tbl;
    o.threads = 2;
    o.chunks = 2; // several files per scaled table
    o.force = true;
    tpch::datagen_result generated;
    std::string message;
    auto ec = tpch::run_datagen(o, generated, message);
    BOOST_TEST_REQUIRE(!ec, message);

    // Upload: s3://tpch/sf0.01/<table>/<files>, and DDL for every table.
    std::string ddl = "%%sql\nCREATE DATABASE tpch;\n";
    auto ref_db = bb::duckdb::database::open();
    auto ref = ref_db->connect();
    BOOST_TEST_REQUIRE(ref.has_value());
    store.ensure_bucket("tpch");
    for (const tpch::table t : tpch::all_tables) {
        const std::string name(tpch::table_name(t));
        std::vector<std::string> files;
        for (const auto& e : fs::directory_iterator(gen)) {
            const std::string f = e.path().filename().string();
            if (f.rfind(name + ".tbl", 0) == 0)
                files.push_back(f);
        }
        BOOST_TEST_REQUIRE(!files.empty(), name);
        for (const auto& f : files) {
            fs::create_directories(store.root() / "tpch" / "sf0.01" / name);
            fs::copy_file(gen / f, store.root() / "tpch" / "sf0.01" / name / f);
        }
        std::string cols;
        std::vector<bb::duckdb::column_def> ref_cols;
        for (const auto& c : tpch::table_schema(t)) {
            cols += (cols.empty() ? "" : ", ") + std::string(c.name) + " " + hive_type(c);
            ref_cols.push_back({std::string(c.name), std::string(c.sql_type)});
        }
        ddl += "CREATE EXTERNAL TABLE tpch." + name + " (" + cols +
               ") ROW FORMAT DELIMITED FIELDS TERMINATED BY '|' STORED AS TEXTFILE LOCATION 's3://tpch/sf0.01/" +
               name + "/';\n";
        // The reference: the same files loaded straight into DuckDB.
        bb::duckdb::parquet_options read;
        read.trailing_delimiter = true;
        std::string union_sql;
        for (const auto& f : files) {
            auto select = bb::duckdb::select_delimited_sql(gen / f, '|', false, ref_cols, read);
            BOOST_TEST_REQUIRE(select.has_value(), select.message());
            union_sql += (union_sql.empty() ? "" : " UNION ALL ") + *select;
        }
        auto st = ref->execute("CREATE TABLE " + name + " AS " + union_sql);
        BOOST_TEST_REQUIRE(st.ok(), st.message());
    }
    auto r = run(ddl);
    BOOST_TEST_REQUIRE((r.state == run_state::completed), r.stderr_text);
    BOOST_TEST(cat.tables("tpch").size() == 8u);

    auto check = [&](int q, const std::string& code_sql, const std::string& ref_sql) {
        auto calc = run(protocol::spark::make_code_block(code_sql), "tpch");
        BOOST_TEST_REQUIRE((calc.state == run_state::completed), "Q" << q << ": " << calc.stderr_text);
        protocol::spark::result_set got;
        std::string why;
        BOOST_TEST_REQUIRE(!protocol::spark::parse_result(calc.stdout_text, got, why), why);
        auto expected_table = ref->query(ref_sql);
        BOOST_TEST_REQUIRE(expected_table.has_value(), "Q" << q << ": " << expected_table.message());
        const auto expected = athena_local::calc::detail::to_result_set(*expected_table);
        BOOST_TEST(got.columns.size() == expected.columns.size(), "Q" << q);
        BOOST_TEST(got.rows.size() == expected.rows.size(), "Q" << q);
        BOOST_TEST((got.rows == expected.rows), "Q" << q << " rows differ");
        return got;
    };
    // The validation parameters (qgen -d).
    for (int q = 1; q <= 22; ++q) {
        const std::string sql = tpch::default_query_sql(q);
        auto got = check(q, sql, sql);
        if (q == 1) {
            BOOST_TEST(got.rows.size() == 4u);
            BOOST_TEST(got.columns[0].name == "l_returnflag");
            BOOST_TEST(got.columns[2].type == "decimal(38,2)");
            BOOST_TEST(*got.rows[0][0] == "A");
        }
    }
    // A random stream, as `bb-async tpch qgen -r 7 -p 1` prints it (comments, trailing ';').
    std::vector<tpch::generated_query> stream;
    BOOST_TEST_REQUIRE(!tpch::generate_stream(7, 1, 0.01, stream));
    for (const auto& g : stream) {
        const std::string text = "\n-- TPC-H Q" + std::to_string(g.query) + ": x (stream 1)\n-- parameters: y\n" +
                                 g.sql + ";\n";
        check(g.query, text, g.sql);
    }
}

BOOST_AUTO_TEST_CASE(qgen_stream_as_a_sql_cell_parses) {
    // `bb-async tpch qgen` prints "-- TPC-H Qn: ...\n-- parameters: ...\n<sql>;\n" per query: every piece of a
    // stream splits into exactly one statement, none of them catalog DDL.
    std::vector<tpch::generated_query> stream;
    BOOST_TEST_REQUIRE(!tpch::generate_stream(7, 1, 0.01, stream));
    for (const auto& g : stream) {
        const std::string text = "\n-- TPC-H Q" + std::to_string(g.query) + ": x (stream 1)\n-- parameters: y\n" +
                                 g.sql + ";\n";
        auto statements = athena_local::calc::detail::split_statements(text);
        BOOST_TEST(statements.size() == 1u, "Q" << g.query);
    }
}

BOOST_AUTO_TEST_SUITE_END()
