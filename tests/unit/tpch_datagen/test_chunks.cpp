// dbgen's chunked generation (-C n -S k, GENERATION.md §8): chunk positioning by jump-ahead, chunks
// concatenate to the single-run file below scale 30000, the 64-bit streams at scale >= 30000.
#include <tpch/dbgen.hpp>

#include <boost/test/unit_test.hpp>

#include "tpch_test_util.hpp"

using tpch::table_group;

namespace {

std::pair<std::string, std::string> chunk(table_group g, double sf, std::int64_t n, std::int64_t k) {
    const auto sc = *tpch::scale_info::from_factor(sf);
    const auto r = tpch::chunk_range(tpch::group_rows(g, sc), n, k);
    tpch::row_generator gen(g, sc, tpch::text_format::tbl, tpch::text_pool::instance());
    gen.seek(r.first);
    tpch::out_buffer parent, child;
    gen.generate(r.count, &parent, &child);
    return {std::string(parent.view()), std::string(child.view())};
}

} // namespace

BOOST_AUTO_TEST_SUITE(tpch_chunks)

BOOST_AUTO_TEST_CASE(chunks_concatenate_to_the_single_run_file) {
    for (auto g : {table_group::orders_lineitem, table_group::part_partsupp, table_group::customer,
                   table_group::supplier}) {
        const auto parent_t = tpch::group_parent(g);
        const auto child_t = tpch::group_child(g);
        for (std::int64_t n : {2, 3, 7}) {
            BOOST_TEST_CONTEXT(tpch::table_name(parent_t) << " in " << n << " chunks") {
                std::string parent, child;
                for (std::int64_t k = 1; k <= n; ++k) {
                    auto [p, c] = chunk(g, 0.01, n, k);
                    parent += p;
                    child += c;
                }
                BOOST_TEST((parent == tpch_test::table_text(parent_t, 0.01)));
                if (child_t) {
                    BOOST_TEST((child == tpch_test::table_text(*child_t, 0.01)));
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(advance_equals_seek_below_the_64_bit_scale) {
    const auto sc = *tpch::scale_info::from_factor(1);
    const auto& pool = tpch::text_pool::instance();
    tpch::row_generator a(table_group::orders_lineitem, sc, tpch::text_format::tbl, pool);
    tpch::row_generator b = a;
    a.seek(123457);
    b.advance(123456);
    BOOST_TEST(a.position() == b.position());
    tpch::out_buffer oa, la, ob, lb;
    a.generate(50, &oa, &la);
    b.generate(50, &ob, &lb);
    BOOST_TEST((oa.view() == ob.view()));
    BOOST_TEST((la.view() == lb.view()));
}

BOOST_AUTO_TEST_CASE(blocks_reproduce_a_sequential_run_at_the_64_bit_scale) {
    // S >= 30000: o_custkey and l_partkey come from the 64-bit LCG, which the chunk jump does not
    // follow; advance() must simulate it so block boundaries do not show in the output.
    const auto sc = *tpch::scale_info::from_factor(30000);
    const auto& pool = tpch::text_pool::instance();
    tpch::row_generator seq(table_group::orders_lineitem, sc, tpch::text_format::tbl, pool);
    tpch::out_buffer orders, lineitem;
    seq.generate(3000, &orders, &lineitem);

    tpch::row_generator cursor(table_group::orders_lineitem, sc, tpch::text_format::tbl, pool);
    tpch::out_buffer bo, bl;
    for (std::int64_t done = 0; done < 3000;) {
        const std::int64_t n = std::min<std::int64_t>(700, 3000 - done);
        tpch::row_generator worker = cursor;
        cursor.advance(n);
        worker.generate(n, &bo, &bl);
        done += n;
    }
    BOOST_TEST((orders.view() == bo.view()));
    BOOST_TEST((lineitem.view() == bl.view()));

    // dbgen's chunk start (seek) is a different state for those two streams: a chunked run differs.
    tpch::row_generator jumped(table_group::orders_lineitem, sc, tpch::text_format::tbl, pool);
    jumped.seek(2001);
    tpch::row_generator walked(table_group::orders_lineitem, sc, tpch::text_format::tbl, pool);
    walked.advance(2000);
    tpch::out_buffer jo, jl, wo, wl;
    jumped.generate(10, &jo, &jl);
    walked.generate(10, &wo, &wl);
    BOOST_TEST((jo.view() != wo.view()));
    BOOST_TEST((jl.view() != wl.view()));
    // The other streams agree: the order dates (column 5) are the same.
    auto dates = [](std::string_view text) {
        std::vector<std::string> out;
        std::size_t pos = 0;
        while (pos < text.size()) {
            const auto eol = text.find('\n', pos);
            std::string_view line = text.substr(pos, eol - pos);
            for (int f = 0; f < 4; ++f) {
                line.remove_prefix(line.find('|') + 1);
            }
            out.emplace_back(line.substr(0, 10));
            pos = eol + 1;
        }
        return out;
    };
    BOOST_TEST(dates(jo.view()).size() == 10u);
    BOOST_TEST((dates(jo.view()) == dates(wo.view())));
}

BOOST_AUTO_TEST_CASE(partial_generation_skips_text_but_not_random_numbers) {
    // Generating only the child (like dbgen -T L) gives the same lineitems.
    const auto sc = *tpch::scale_info::from_factor(0.01);
    tpch::row_generator gen(table_group::orders_lineitem, sc, tpch::text_format::tbl,
                            tpch::text_pool::instance());
    tpch::out_buffer lineitem;
    gen.generate(tpch::group_rows(table_group::orders_lineitem, sc), nullptr, &lineitem);
    BOOST_TEST((lineitem.view() == tpch_test::table_text(tpch::table::lineitem, 0.01)));
}

BOOST_AUTO_TEST_SUITE_END()
