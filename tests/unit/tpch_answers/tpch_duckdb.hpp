// Test helper: a TPC-H database in DuckDB, generated with our dbgen (tpch::run_datagen) into a
// temporary directory and loaded with read_csv using tpch::table_schema. The .tbl files are deleted
// once loaded.
#pragma once

#include <bb/duckdb/database.hpp>
#include <bb/duckdb/parquet.hpp>
#include <tpch/datagen.hpp>
#include <tpch/schema.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

namespace bb_test {

struct tpch_duckdb {
    explicit tpch_duckdb(double scale_factor, unsigned threads = 2) {
        namespace fs = std::filesystem;
        const auto start = std::chrono::steady_clock::now();
        const fs::path dir =
            fs::temp_directory_path() / ("bb_tpch_duckdb_" + std::to_string(::getpid()) + "_" +
                                         std::to_string(static_cast<int>(scale_factor * 1000)));
        tpch::datagen_options gen;
        gen.scale_factor = scale_factor;
        gen.output_dir = dir;
        gen.format = tpch::output_format::tbl;
        gen.threads = threads;
        gen.force = true;
        tpch::datagen_result generated;
        std::string message;
        const auto ec = tpch::run_datagen(gen, generated, message);
        BOOST_REQUIRE_MESSAGE(!ec, "datagen: " << ec.message() << ": " << message);
        const auto generated_at = std::chrono::steady_clock::now();

        bb::duckdb::database_options options;
        options.threads = threads;
        auto d = bb::duckdb::database::open(":memory:", options);
        BOOST_REQUIRE_MESSAGE(d, d.message());
        db.emplace(std::move(d).value());
        auto c = db->connect();
        BOOST_REQUIRE_MESSAGE(c, c.message());
        con.emplace(std::move(c).value());

        bb::duckdb::parquet_options read;
        read.trailing_delimiter = true; // dbgen ends every line with '|'
        for (const tpch::table t : tpch::all_tables) {
            std::vector<bb::duckdb::column_def> columns;
            for (const auto& col : tpch::table_schema(t)) {
                columns.push_back({std::string(col.name), std::string(col.sql_type)});
            }
            const std::string name(tpch::table_name(t));
            auto select = bb::duckdb::select_delimited_sql(
                dir / tpch::output_file_name(t, 0, tpch::output_format::tbl), '|', false, columns, read);
            BOOST_REQUIRE_MESSAGE(select, select.message());
            auto st = con->execute("CREATE TABLE " + name + " AS " + *select);
            BOOST_REQUIRE_MESSAGE(st, "loading " << name << ": " << st.message());
        }
        std::error_code rm;
        fs::remove_all(dir, rm);
        const auto loaded_at = std::chrono::steady_clock::now();
        BOOST_TEST_MESSAGE("TPC-H SF " << scale_factor << ": generated in "
                                       << std::chrono::duration<double>(generated_at - start).count()
                                       << " s, loaded into DuckDB in "
                                       << std::chrono::duration<double>(loaded_at - generated_at).count()
                                       << " s");
    }

    std::optional<bb::duckdb::database> db;
    std::optional<bb::duckdb::connection> con;
};

} // namespace bb_test
