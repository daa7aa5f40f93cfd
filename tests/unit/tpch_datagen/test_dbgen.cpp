// Row generation equals dbgen: whole files at SF 0.01 (MD5, sizes, the TPC's own output), first
// rows at SF 0.01, 1 and 30000, CSV rendering.
#include <tpch/dbgen.hpp>

#include <boost/test/unit_test.hpp>

#include "tpch_test_util.hpp"

using tpch::table;

namespace {

std::vector<std::string> split(std::string_view line, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        auto p = line.find(sep, start);
        if (p == std::string_view::npos) {
            out.emplace_back(line.substr(start));
            return out;
        }
        out.emplace_back(line.substr(start, p - start));
        start = p + 1;
    }
}

// RFC 4180 record parser (one line; values never contain newlines here).
std::vector<std::string> parse_csv(std::string_view line) {
    std::vector<std::string> out;
    std::size_t i = 0;
    for (;;) {
        std::string v;
        if (i < line.size() && line[i] == '"') {
            ++i;
            for (;;) {
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        v += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                v += line[i++];
            }
        } else {
            while (i < line.size() && line[i] != ',') {
                v += line[i++];
            }
        }
        out.push_back(v);
        if (i >= line.size()) {
            return out;
        }
        ++i; // ','
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(tpch_dbgen)

BOOST_AUTO_TEST_CASE(sf001_every_table_matches_the_md5_vectors) {
    const auto vectors = tpch_test::file_vectors();
    for (auto t : tpch::all_tables) {
        const std::string name = std::string(tpch::table_name(t)) + ".tbl";
        BOOST_TEST_CONTEXT(name) {
            const auto& v = vectors.at("0.01/" + name);
            const auto& text = tpch_test::table_text(t, 0.01);
            BOOST_TEST(text.size() == v.bytes);
            BOOST_TEST(tpch_test::count_lines(text) == v.lines);
            BOOST_TEST(tpch_test::md5_hex(text) == v.md5);
        }
    }
}

#if defined(BB_TEST_HAVE_ZLIB)
BOOST_AUTO_TEST_CASE(sf001_every_table_equals_the_tpc_reference_files) {
    for (auto t : tpch::all_tables) {
        const std::string name = std::string(tpch::table_name(t)) + ".tbl";
        BOOST_TEST_CONTEXT(name) {
            const std::string ref =
                tpch_test::read_gz(tpch_test::data_dir() + "/reference/sf0.01/" + name + ".gz");
            const auto& text = tpch_test::table_text(t, 0.01);
            BOOST_TEST(ref.size() == text.size());
            if (ref != text) { // name the first differing line
                std::size_t i = 0;
                while (i < ref.size() && i < text.size() && ref[i] == text[i]) {
                    ++i;
                }
                const auto line_start = ref.rfind('\n', i) == std::string::npos ? 0 : ref.rfind('\n', i) + 1;
                BOOST_TEST(tpch_test::first_line(std::string_view(text).substr(line_start)) ==
                           tpch_test::first_line(std::string_view(ref).substr(line_start)));
            }
        }
    }
}
#endif

BOOST_AUTO_TEST_CASE(sf001_first_rows_match_the_spec) {
    const auto rows = tpch_test::first_rows();
    for (auto t : tpch::all_tables) {
        const std::string name = std::string(tpch::table_name(t)) + ".tbl";
        BOOST_TEST_CONTEXT(name) {
            BOOST_TEST(tpch_test::first_line(tpch_test::table_text(t, 0.01)) == rows.at("0.01/" + name));
        }
    }
}

BOOST_AUTO_TEST_CASE(first_rows_at_sf1_and_at_the_64_bit_scale) {
    const auto rows = tpch_test::first_rows();
    for (double sf : {1.0, 30000.0}) {
        const auto sc = *tpch::scale_info::from_factor(sf);
        tpch::row_generator gen(tpch::table_group::orders_lineitem, sc, tpch::text_format::tbl,
                                tpch::text_pool::instance());
        tpch::out_buffer orders, lineitem;
        gen.generate(1, &orders, &lineitem);
        const std::string tag = sf == 1.0 ? "1/" : "30000/";
        BOOST_TEST(tpch_test::first_line(lineitem.view()) == rows.at(tag + "lineitem.tbl"));
        if (rows.count(tag + "orders.tbl")) {
            BOOST_TEST(tpch_test::first_line(orders.view()) == rows.at(tag + "orders.tbl"));
        }
    }
}

BOOST_AUTO_TEST_CASE(tiny_scale_factors_give_one_row_per_scaled_table) {
    for (auto g : {tpch::table_group::part_partsupp, tpch::table_group::supplier, tpch::table_group::customer,
                   tpch::table_group::orders_lineitem}) {
        auto [parent, child] = tpch_test::generate_group(g, 0.0001);
        BOOST_TEST(tpch_test::count_lines(parent) == 1);
        if (g == tpch::table_group::part_partsupp) {
            BOOST_TEST(tpch_test::count_lines(child) == 4);
            // SUP = 1: every partsupp row has supplier 1.
            for (auto& line : split(child, '\n')) {
                if (!line.empty()) {
                    BOOST_TEST(split(line, '|')[1] == "1");
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(fractional_scale_counts_rows_like_dbgen) {
    auto [orders, lineitem] = tpch_test::generate_group(tpch::table_group::orders_lineitem, 0.123);
    BOOST_TEST(tpch_test::count_lines(orders) == 184500);
    const auto n = tpch_test::count_lines(lineitem);
    BOOST_TEST(n > 184500 * 3);
    BOOST_TEST(n < 184500 * 5);
    auto [part, partsupp] = tpch_test::generate_group(tpch::table_group::part_partsupp, 0.123);
    BOOST_TEST(tpch_test::count_lines(part) == 24600);
    BOOST_TEST(tpch_test::count_lines(partsupp) == 4 * 24600);
}

BOOST_AUTO_TEST_CASE(csv_rows_carry_the_same_values_quoted_where_needed) {
    for (auto g : {tpch::table_group::customer, tpch::table_group::supplier, tpch::table_group::nation,
                   tpch::table_group::region, tpch::table_group::part_partsupp}) {
        auto [tp, tc] = tpch_test::generate_group(g, 0.01, tpch::text_format::tbl);
        auto [cp, cc] = tpch_test::generate_group(g, 0.01, tpch::text_format::csv);
        for (auto [tbl, csv] : {std::pair(&tp, &cp), std::pair(&tc, &cc)}) {
            const auto tl = split(*tbl, '\n');
            const auto cl = split(*csv, '\n');
            BOOST_REQUIRE(tl.size() == cl.size());
            std::size_t quoted = 0;
            for (std::size_t i = 0; i + 1 < tl.size(); ++i) {
                auto tf = split(tl[i], '|');
                tf.pop_back(); // after the trailing '|'
                const auto cf = parse_csv(cl[i]);
                BOOST_REQUIRE(tf == cf);
                quoted += cl[i].find('"') != std::string::npos;
            }
            if (!tbl->empty() && g == tpch::table_group::customer) {
                BOOST_TEST(quoted > 0u); // addresses and comments contain commas
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
