// SF 1: every file through the parallel writer (2 threads) equals the MD5 vectors; lineitem in 3
// chunks concatenates to the same bytes. Label "long": release CI only.
#include <tpch/datagen.hpp>

#include <boost/test/unit_test.hpp>

#include <fstream>

#include "tpch_test_util.hpp"

namespace fs = std::filesystem;

namespace {

std::string file_md5(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    tpch_test::md5_stream md5;
    std::vector<char> buf(1 << 20);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        md5.update(std::string_view(buf.data(), static_cast<std::size_t>(in.gcount())));
    }
    return md5.hex();
}

} // namespace

BOOST_AUTO_TEST_SUITE(tpch_datagen_sf1)

BOOST_AUTO_TEST_CASE(sf1_every_file_matches_the_md5_vectors) {
    const auto vectors = tpch_test::file_vectors();
    tpch_test::temp_dir dir("sf1");
    tpch::datagen_options o;
    o.scale_factor = 1;
    o.output_dir = dir.path();
    o.threads = 2;
    tpch::datagen_result r;
    std::string msg;
    BOOST_TEST_REQUIRE(!tpch::run_datagen(o, r, msg), msg);
    for (auto t : tpch::all_tables) {
        const std::string name = std::string(tpch::table_name(t)) + ".tbl";
        const auto& v = vectors.at("1/" + name);
        BOOST_TEST(fs::file_size(dir.path() / name) == v.bytes, name);
        BOOST_TEST(file_md5(dir.path() / name) == v.md5, name);
    }
}

BOOST_AUTO_TEST_CASE(sf1_lineitem_chunks_concatenate_to_the_single_file) {
    const auto vectors = tpch_test::file_vectors();
    tpch_test::temp_dir dir("sf1c");
    tpch::datagen_options o;
    o.scale_factor = 1;
    o.output_dir = dir.path();
    o.threads = 2;
    o.chunks = 3;
    o.tables = {tpch::table::lineitem};
    tpch::datagen_result r;
    std::string msg;
    BOOST_TEST_REQUIRE(!tpch::run_datagen(o, r, msg), msg);
    tpch_test::md5_stream md5;
    std::vector<char> buf(1 << 20);
    for (int k = 1; k <= 3; ++k) {
        std::ifstream in(dir.path() / ("lineitem.tbl." + std::to_string(k)), std::ios::binary);
        while (in) {
            in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
            md5.update(std::string_view(buf.data(), static_cast<std::size_t>(in.gcount())));
        }
    }
    BOOST_TEST(md5.hex() == vectors.at("1/lineitem.tbl").md5);
}

BOOST_AUTO_TEST_SUITE_END()
