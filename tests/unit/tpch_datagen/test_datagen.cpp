// The parallel file writer: byte identity with any thread count, dbgen-named chunk files, the
// manifest (checksums, skipping complete files, regenerating missing or damaged ones), CSV, Parquet,
// and invalid options.
#include <aws_sigv4/crc32c.hpp>
#include <tpch/datagen.hpp>

#include <boost/test/unit_test.hpp>

#include "tpch_test_util.hpp"

#if defined(BB_TEST_HAVE_DUCKDB)
#include <bb/duckdb/database.hpp>
#include <bb/duckdb/parquet.hpp>
#endif

#include <cstdio>
#include <fstream>

namespace fs = std::filesystem;
using tpch::table;

namespace {

tpch::datagen_result run(const tpch::datagen_options& o) {
    tpch::datagen_result r;
    std::string msg;
    const auto ec = tpch::run_datagen(o, r, msg);
    BOOST_TEST_REQUIRE(!ec, ec.message() << ": " << msg);
    return r;
}

const tpch::datagen_file* find(const tpch::datagen_result& r, const std::string& name) {
    for (const auto& f : r.files) {
        if (f.name == name) {
            return &f;
        }
    }
    return nullptr;
}

std::string crc_hex(const std::string& data) {
    char b[9];
    std::snprintf(b, sizeof b, "%08x", aws_sigv4::crc32c(0, data.data(), data.size()));
    return b;
}

} // namespace

BOOST_AUTO_TEST_SUITE(tpch_datagen)

BOOST_AUTO_TEST_CASE(sf001_files_are_identical_with_one_or_many_threads) {
    const auto vectors = tpch_test::file_vectors();
    for (unsigned threads : {1u, 3u}) {
        BOOST_TEST_CONTEXT(threads << " threads") {
            tpch_test::temp_dir dir("datagen");
            tpch::datagen_options o;
            o.scale_factor = 0.01;
            o.output_dir = dir.path();
            o.threads = threads;
            std::uint64_t calls = 0;
            o.on_progress = [&](const tpch::datagen_progress& p) {
                ++calls;
                BOOST_TEST(p.work_done <= p.work_total);
            };
            const auto r = run(o);
            BOOST_TEST(r.files.size() == 8u);
            BOOST_TEST(calls > 8u);
            for (auto t : tpch::all_tables) {
                const std::string name = std::string(tpch::table_name(t)) + ".tbl";
                const auto& v = vectors.at("0.01/" + name);
                const std::string text = tpch_test::read_file(dir.path() / name);
                BOOST_TEST(tpch_test::md5_hex(text) == v.md5, name);
                const auto* f = find(r, name);
                BOOST_REQUIRE(f != nullptr);
                BOOST_TEST(f->bytes == v.bytes);
                BOOST_TEST(f->rows == v.lines);
                BOOST_TEST(f->crc32c == crc_hex(text));
                BOOST_TEST(f->generated);
            }
            BOOST_TEST(fs::exists(dir.path() / tpch::manifest_name));
            // No temporary file is left behind.
            for (const auto& e : fs::directory_iterator(dir.path())) {
                BOOST_TEST(e.path().extension() != ".tmp");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(chunk_files_equal_dbgen_parts_and_concatenate_to_the_whole) {
    tpch_test::temp_dir dir("chunks");
    tpch::datagen_options o;
    o.scale_factor = 0.01;
    o.output_dir = dir.path();
    o.threads = 2;
    o.chunks = 4;
    o.tables = {table::lineitem, table::orders, table::supplier, table::nation};
    const auto r = run(o);
    BOOST_TEST(r.files.size() == 13u); // 3 tables x 4 parts + nation
    BOOST_TEST(fs::exists(dir.path() / "nation.tbl"));
    BOOST_TEST(!fs::exists(dir.path() / "nation.tbl.1"));
    BOOST_TEST(!fs::exists(dir.path() / "part.tbl.1"));
    for (auto t : {table::lineitem, table::orders, table::supplier}) {
        std::string all;
        const auto sc = *tpch::scale_info::from_factor(0.01);
        const auto g = tpch::group_of(t);
        for (int k = 1; k <= 4; ++k) {
            const std::string name = std::string(tpch::table_name(t)) + ".tbl." + std::to_string(k);
            const std::string text = tpch_test::read_file(dir.path() / name);
            // Equal to dbgen's part k: positioned by the chunk jump.
            const auto range = tpch::chunk_range(tpch::group_rows(g, sc), 4, k);
            tpch::row_generator gen(g, sc, tpch::text_format::tbl, tpch::text_pool::instance());
            gen.seek(range.first);
            tpch::out_buffer parent, child;
            gen.generate(range.count, &parent, &child);
            const auto expect = tpch::group_parent(g) == t ? parent.view() : child.view();
            BOOST_TEST((text == expect), name);
            all += text;
        }
        BOOST_TEST((all == tpch_test::table_text(t, 0.01)));
    }
}

BOOST_AUTO_TEST_CASE(rerun_keeps_complete_files_and_regenerates_damaged_ones) {
    tpch_test::temp_dir dir("rerun");
    tpch::datagen_options o;
    o.scale_factor = 0.01;
    o.output_dir = dir.path();
    o.threads = 2;
    o.chunks = 2;
    o.tables = {table::orders, table::customer, table::region};
    auto r1 = run(o);
    BOOST_TEST(r1.files.size() == 5u);

    auto r2 = run(o);
    for (const auto& f : r2.files) {
        BOOST_TEST(!f.generated, f.name);
    }
    BOOST_TEST(r2.bytes_written == 0u);

    // Remove one file, truncate another: only those two are generated again.
    const std::string orders2 = tpch_test::read_file(dir.path() / "orders.tbl.2");
    fs::remove(dir.path() / "orders.tbl.2");
    fs::resize_file(dir.path() / "customer.tbl.1", 1000);
    auto r3 = run(o);
    BOOST_TEST(find(r3, "orders.tbl.2")->generated);
    BOOST_TEST(find(r3, "customer.tbl.1")->generated);
    BOOST_TEST(!find(r3, "orders.tbl.1")->generated);
    BOOST_TEST(!find(r3, "region.tbl")->generated);
    BOOST_TEST((tpch_test::read_file(dir.path() / "orders.tbl.2") == orders2));
    std::string customers = tpch_test::read_file(dir.path() / "customer.tbl.1") +
                            tpch_test::read_file(dir.path() / "customer.tbl.2");
    BOOST_TEST((customers == tpch_test::table_text(table::customer, 0.01)));

    // Other parameters (here: no chunks) invalidate the manifest; force regenerates everything.
    o.chunks = 1;
    auto r4 = run(o);
    for (const auto& f : r4.files) {
        BOOST_TEST(f.generated, f.name);
    }
    o.force = true;
    auto r5 = run(o);
    BOOST_TEST(find(r5, "region.tbl")->generated);
}

BOOST_AUTO_TEST_CASE(csv_files_have_a_header_and_the_same_rows) {
    tpch_test::temp_dir dir("csv");
    tpch::datagen_options o;
    o.scale_factor = 0.01;
    o.output_dir = dir.path();
    o.format = tpch::output_format::csv;
    o.tables = {table::supplier, table::region};
    o.chunks = 2;
    const auto r = run(o);
    BOOST_TEST(r.files.size() == 3u);
    const std::string s1 = tpch_test::read_file(dir.path() / "supplier.1.csv");
    const std::string s2 = tpch_test::read_file(dir.path() / "supplier.2.csv");
    BOOST_TEST(tpch_test::first_line(s1) + "\n" == tpch::csv_header(table::supplier));
    BOOST_TEST(tpch_test::first_line(s2) + "\n" == tpch::csv_header(table::supplier));
    BOOST_TEST(tpch_test::count_lines(s1) + tpch_test::count_lines(s2) == 100 + 2);
    const std::string region = tpch_test::read_file(dir.path() / "region.csv");
    BOOST_TEST(tpch_test::count_lines(region) == 6);
    BOOST_TEST(find(r, "supplier.1.csv")->rows == 50);
    BOOST_TEST(find(r, "supplier.1.csv")->crc32c == crc_hex(s1));
}

#if defined(BB_TEST_HAVE_DUCKDB)
BOOST_AUTO_TEST_CASE(parquet_files_through_duckdb) {
    BOOST_REQUIRE(tpch::parquet_supported());
    tpch_test::temp_dir dir("parquet");
    tpch::datagen_options o;
    o.scale_factor = 0.01;
    o.output_dir = dir.path();
    o.format = tpch::output_format::parquet;
    o.threads = 2;
    o.tables = {table::nation, table::supplier};
    o.chunks = 2;
    const auto r = run(o);
    BOOST_TEST(r.files.size() == 3u);
    auto db = bb::duckdb::database::open();
    BOOST_REQUIRE(db);
    auto con = db->connect();
    BOOST_REQUIRE(con);
    auto n = bb::duckdb::parquet_row_count(*con, dir.path() / "nation.parquet");
    BOOST_REQUIRE(n);
    BOOST_TEST(*n == 25u);
    auto s2 = bb::duckdb::parquet_row_count(*con, dir.path() / "supplier.2.parquet");
    BOOST_REQUIRE(s2);
    BOOST_TEST(*s2 == 50u);
    BOOST_TEST(find(r, "supplier.2.parquet")->rows == 50);
    auto q = con->query("SELECT s_name, s_acctbal FROM '" + (dir.path() / "supplier.1.parquet").string() +
                        "' ORDER BY s_suppkey LIMIT 1");
    BOOST_REQUIRE(q);
    BOOST_TEST(*q->rows[0][0] == "Supplier#000000001");
    BOOST_TEST(*q->rows[0][1] == "5755.94");
    for (const auto& e : fs::directory_iterator(dir.path())) {
        BOOST_TEST(e.path().extension() != ".tmp", e.path());
        BOOST_TEST(e.path().filename() != ".duckdb-tmp", e.path()); // spill directory removed
    }
}
#endif

BOOST_AUTO_TEST_CASE(invalid_options_are_rejected) {
    tpch_test::temp_dir dir("bad");
    tpch::datagen_result r;
    std::string msg;
    tpch::datagen_options o;
    o.output_dir = dir.path();
    for (double sf : {0.0, -1.0, 100001.0}) {
        o.scale_factor = sf;
        BOOST_TEST((tpch::run_datagen(o, r, msg) == tpch::datagen_error::invalid_scale));
        BOOST_TEST(!msg.empty());
    }
    o.scale_factor = 0.01;
    o.chunks = -1;
    BOOST_TEST((tpch::run_datagen(o, r, msg) == tpch::datagen_error::invalid_chunks));
    o.chunks = 1000001;
    BOOST_TEST((tpch::run_datagen(o, r, msg) == tpch::datagen_error::invalid_chunks));
    o.chunks = 1;
    // An output "directory" below a regular file cannot be created.
    std::ofstream(dir.path() / "file") << "x";
    o.output_dir = dir.path() / "file" / "sub";
    o.tables = {table::region};
    BOOST_TEST((tpch::run_datagen(o, r, msg) == tpch::datagen_error::output_dir_unusable));
    BOOST_TEST(msg.find("file") != std::string::npos);

    std::vector<table> tables;
    std::string bad;
    BOOST_TEST(
        (tpch::parse_table_list("orders,lineitems", tables, bad) == tpch::datagen_error::unknown_table));
    BOOST_TEST(bad == "lineitems");
    BOOST_TEST((tpch::parse_table_list(",", tables, bad) == tpch::datagen_error::no_tables));
    BOOST_TEST(!tpch::parse_table_list("orders, lineitem,orders", tables, bad));
    BOOST_TEST(tables.size() == 2u);
    BOOST_TEST(!tpch::parse_table_list("all", tables, bad));
    BOOST_TEST(tables.size() == 8u);
    tpch::output_format f;
    BOOST_TEST(!tpch::parse_format("xml", f));
    BOOST_TEST(tpch::parse_format("csv", f));
    BOOST_TEST(tpch::output_file_name(table::lineitem, 3, tpch::output_format::tbl) == "lineitem.tbl.3");
    BOOST_TEST(tpch::output_file_name(table::lineitem, 0, tpch::output_format::parquet) ==
               "lineitem.parquet");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(default_chunks_keep_parquet_files_small) {
    using tpch::output_format;
    // tbl and csv: dbgen's one file per table at any scale factor.
    BOOST_TEST(tpch::default_chunks(1000, output_format::tbl) == 1);
    BOOST_TEST(tpch::default_chunks(1000, output_format::csv) == 1);
    // parquet: LINEITEM (about 150 MB per SF) in parts of at most 200 MiB.
    BOOST_TEST(tpch::default_chunks(0.01, output_format::parquet) == 1);
    BOOST_TEST(tpch::default_chunks(1, output_format::parquet) == 1);
    BOOST_TEST(tpch::default_chunks(2, output_format::parquet) == 2);
    BOOST_TEST(tpch::default_chunks(10, output_format::parquet) == 8);
    BOOST_TEST(tpch::default_chunks(100, output_format::parquet) == 72);
    for (double sf : {0.5, 1.0, 3.0, 30.0, 1000.0, 30000.0}) {
        const auto k = tpch::default_chunks(sf, output_format::parquet);
        BOOST_TEST(sf * tpch::parquet_lineitem_bytes_per_sf / static_cast<double>(k) <=
                   static_cast<double>(tpch::parquet_target_file_bytes));
        if (k > 1) { // and no more parts than needed
            BOOST_TEST(sf * tpch::parquet_lineitem_bytes_per_sf / static_cast<double>(k - 1) >
                       static_cast<double>(tpch::parquet_target_file_bytes));
        }
    }
    // A smaller target (as a test would use) splits a small scale factor.
    BOOST_TEST(tpch::default_chunks(0.01, output_format::parquet, 1u << 20) == 2);
}
