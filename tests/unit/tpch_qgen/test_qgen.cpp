// qgen-identical parameters: the test vectors of QUERIES.md (tests/data/tpch/qgen/), the
// validation parameters, the stream permutations and qgen's selection rules.
#include <tpch/qgen.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    BOOST_TEST_REQUIRE(in.good(), "cannot read " << p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

fs::path data(const std::string& name) {
    return fs::path(BB_TEST_DATA_DIR) / "tpch" / "qgen" / name;
}

tpch::query_generator seeded(std::int64_t seed, double scale = 1.0) {
    tpch::query_generator g;
    BOOST_TEST_REQUIRE(!tpch::query_generator::make_seeded(seed, scale, g));
    return g;
}

std::string log_of(tpch::query_generator& g, const std::vector<int>& queries) {
    std::string log;
    for (const int q : queries) {
        tpch::query_parameters p;
        BOOST_TEST_REQUIRE(!g.next(q, p));
        log += tpch::param_log_line(p);
    }
    return log;
}

std::vector<int> all_queries() {
    std::vector<int> v;
    for (int q = 1; q <= 22; ++q) {
        v.push_back(q);
    }
    return v;
}

} // namespace

BOOST_AUTO_TEST_SUITE(tpch_qgen)

BOOST_AUTO_TEST_CASE(seed_0101000000_reproduces_the_tpc_reference_parameter_log) {
    auto g = seeded(101000000); // qgen -r 0101000000
    BOOST_TEST(g.banner() == "-- using 101000000 as a seed to the RNG");
    BOOST_TEST(log_of(g, all_queries()) == slurp(data("param_log_seed_0101000000_sf1.txt")));
}

BOOST_AUTO_TEST_CASE(seed_5_repeated_queries_continue_their_streams_and_permutations) {
    auto g = seeded(5);
    BOOST_TEST(log_of(g, {16, 16, 22, 22}) == slurp(data("param_log_seed_5_16_16_22_22.txt")));
}

BOOST_AUTO_TEST_CASE(parameters_do_not_depend_on_other_queries_or_their_order) {
    auto full = seeded(5);
    std::vector<std::string> lines;
    for (int q = 1; q <= 22; ++q) {
        lines.push_back(log_of(full, {q}));
    }
    // Reverse order, separate generator: the same line for every query.
    auto rev = seeded(5);
    for (int q = 22; q >= 1; --q) {
        BOOST_TEST(log_of(rev, {q}) == lines[static_cast<std::size_t>(q - 1)], "Q" << q);
    }
    BOOST_TEST(lines[15] == "16\tBrand#21\tPROMO PLATED\t17\t6\t23\t48\t35\t16\t34\t27\n");
    BOOST_TEST(lines[21] == "22\t33\t26\t17\t11\t23\t20\t12\n");
}

BOOST_AUTO_TEST_CASE(negative_seed_is_adjusted_like_qgen) {
    auto g = seeded(-7);
    BOOST_TEST(g.seed() == 2147483640);
    BOOST_TEST(g.banner() == "-- using 2147483640 as a seed to the RNG");
    auto h = seeded(2147483640);
    BOOST_TEST(log_of(g, all_queries()) == log_of(h, all_queries()));
}

BOOST_AUTO_TEST_CASE(invalid_seeds_and_scales_are_rejected) {
    tpch::query_generator g;
    for (const std::int64_t bad : {0LL, 2147483647LL, -2147483647LL, 4294967294LL, -9000000000LL}) {
        BOOST_TEST((tpch::query_generator::make_seeded(bad, 1.0, g) == tpch::qgen_error::invalid_seed), bad);
    }
    for (const std::int64_t good : {1LL, 2147483646LL, -2147483646LL, -1LL}) {
        BOOST_TEST(!tpch::query_generator::make_seeded(good, 1.0, g), good);
    }
    for (const double bad : {0.0, -1.0, 100001.0, std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity()}) {
        BOOST_TEST((tpch::query_generator::make_seeded(5, bad, g) == tpch::qgen_error::invalid_scale));
        BOOST_TEST((tpch::query_generator::make_default(bad, g) == tpch::qgen_error::invalid_scale));
    }
    tpch::query_parameters p;
    BOOST_TEST((g.next(0, p) == tpch::qgen_error::invalid_query));
    BOOST_TEST((g.next(23, p) == tpch::qgen_error::invalid_query));
    BOOST_TEST((tpch::default_parameters(0, 1.0, p) == tpch::qgen_error::invalid_query));
    BOOST_TEST(tpch::make_error_code(tpch::qgen_error::invalid_seed).message().find("seed") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(default_parameters_are_the_validation_values) {
    // Spec clause 2.4.x.4 (QUERIES.md §3, column "validation").
    const std::vector<std::vector<std::string>> expected = {
        {"90"},
        {"15", "BRASS", "EUROPE"},
        {"BUILDING", "1995-03-15"},
        {"1993-07-01"},
        {"ASIA", "1994-01-01"},
        {"1994-01-01", ".06", "24"},
        {"FRANCE", "GERMANY"},
        {"BRAZIL", "AMERICA", "ECONOMY ANODIZED STEEL"},
        {"green"},
        {"1993-10-01"},
        {"GERMANY", "0.0001000000"},
        {"MAIL", "SHIP", "1994-01-01"},
        {"special", "requests"},
        {"1995-09-01"},
        {"1996-01-01"},
        {"Brand#45", "MEDIUM POLISHED", "49", "14", "23", "45", "19", "3", "36", "9"},
        {"Brand#23", "MED BOX"},
        {"300"},
        {"Brand#12", "Brand#23", "Brand#34", "1", "10", "20"},
        {"forest", "1994-01-01", "CANADA"},
        {"SAUDI ARABIA"},
        {"13", "31", "23", "29", "30", "18", "17"},
    };
    tpch::query_generator g; // defaults at SF 1
    BOOST_TEST(g.uses_defaults());
    BOOST_TEST(g.banner() == "-- using default substitutions");
    std::string log;
    for (int q = 1; q <= 22; ++q) {
        for (int rep = 0; rep < 2; ++rep) { // no random draws: a repeat gives the same values
            tpch::query_parameters p;
            BOOST_TEST_REQUIRE(!g.next(q, p));
            BOOST_TEST(p.query == q);
            BOOST_TEST(p.values == expected[static_cast<std::size_t>(q - 1)], "Q" << q);
            if (rep == 0) {
                log += tpch::param_log_line(p);
            }
        }
    }
    // The log shows the literal defaults: Q11 logs 0.0001, Q6 .06.
    BOOST_TEST(log.find("\n11\tGERMANY\t0.0001\n") != std::string::npos);
    BOOST_TEST(log.find("\n6\t1994-01-01\t.06\t24\n") != std::string::npos);
    BOOST_TEST(log.find("\n16\tBrand#45\tMEDIUM POLISHED\t49\t14\t23\t45\t19\t3\t36\t9\n") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(q11_fraction_depends_on_the_scale_factor) {
    BOOST_TEST(tpch::q11_fraction(1) == "0.0001000000");
    BOOST_TEST(tpch::q11_fraction(100) == "0.0000010000");
    BOOST_TEST(tpch::q11_fraction(0.01) == "0.0100000000");
    BOOST_TEST(tpch::q11_fraction(30000) == "0.0000000033");
    tpch::query_parameters p;
    BOOST_TEST_REQUIRE(!tpch::default_parameters(11, 100, p));
    BOOST_TEST(p.values[1] == "0.0000010000");
    BOOST_TEST(p.logged[1] == "0.0001");
    auto g = seeded(101000000, 1000);
    tpch::query_parameters r;
    BOOST_TEST_REQUIRE(!g.next(11, r));
    BOOST_TEST(tpch::param_log_line(r) == "11\tKENYA\t0.0000001000\n"); // the nation does not depend on SF
}

BOOST_AUTO_TEST_CASE(stream_permutations_are_the_specification_table) {
    std::istringstream in(slurp(data("stream_permutations.tsv")));
    std::string line;
    int rows = 0;
    while (std::getline(in, line)) {
        std::istringstream f(line);
        int stream = -1;
        f >> stream;
        BOOST_TEST_REQUIRE(stream == rows);
        std::vector<int> want(22);
        for (auto& q : want) {
            f >> q;
        }
        const auto got = tpch::stream_permutation(static_cast<std::uint64_t>(stream));
        BOOST_TEST(std::vector<int>(got.begin(), got.end()) == want, "stream " << stream);
        std::vector<int> sorted = want;
        std::sort(sorted.begin(), sorted.end());
        BOOST_TEST(sorted == all_queries(), "stream " << stream << " is a permutation of 1..22");
        ++rows;
    }
    BOOST_TEST(rows == tpch::permutation_rows);
    // Stream 41 wraps to row 0, 83 to row 1.
    BOOST_TEST(tpch::stream_permutation(41)[0] == 14);
    BOOST_TEST(tpch::stream_permutation(83)[0] == 21);
}

BOOST_AUTO_TEST_CASE(query_selection_follows_qgen) {
    std::vector<int> out;
    BOOST_TEST(!tpch::select_queries(-1, {}, out));
    BOOST_TEST(out == all_queries());
    const std::vector<int> listed = {5, 5, 1};
    BOOST_TEST(!tpch::select_queries(-1, listed, out));
    BOOST_TEST(out == listed);
    BOOST_TEST(!tpch::select_queries(0, {}, out));
    BOOST_TEST(out.front() == 14);
    BOOST_TEST(out.back() == 12);
    const std::vector<int> positions = {1, 22};
    BOOST_TEST(!tpch::select_queries(1, positions, out)); // positions of row 1
    BOOST_TEST(out == (std::vector<int>{21, 4}));
    const std::vector<int> bad = {0};
    BOOST_TEST((tpch::select_queries(-1, bad, out) == tpch::qgen_error::invalid_query));
    const std::vector<int> bad2 = {23};
    BOOST_TEST((tpch::select_queries(3, bad2, out) == tpch::qgen_error::invalid_position));
}

BOOST_AUTO_TEST_CASE(param_log_is_appended) {
    std::random_device rd;
    const fs::path dir = fs::path(BB_BINARY_DIR) / "tmp" / ("qgen-log-" + std::to_string(rd()));
    fs::create_directories(dir);
    const fs::path file = dir / "params.log";
    auto g = seeded(101000000);
    std::vector<tpch::query_parameters> ps(22);
    for (int q = 1; q <= 22; ++q) {
        BOOST_TEST_REQUIRE(!g.next(q, ps[static_cast<std::size_t>(q - 1)]));
    }
    BOOST_TEST(!tpch::append_param_log(file, ps));
    BOOST_TEST(!tpch::append_param_log(file, std::span(ps).first(1)));
    const std::string want = slurp(data("param_log_seed_0101000000_sf1.txt"));
    BOOST_TEST(slurp(file) == want + "1\t96\n");
    BOOST_TEST((tpch::append_param_log(dir / "missing" / "x.log", ps).category() == std::system_category()));
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(kit_reference_seeds_give_parameters_in_their_domains) {
    // The kit's reference parameter sets use seeds 8204031 * (n - 1) for n = 2..150.
    std::set<std::string> q9_colors;
    for (std::int64_t n = 2; n <= 150; ++n) {
        auto g = seeded(8204031 * (n - 1));
        for (int q = 1; q <= 22; ++q) {
            tpch::query_parameters p;
            BOOST_TEST_REQUIRE(!g.next(q, p));
            const auto& v = p.values;
            switch (q) {
            case 1:
                BOOST_TEST((std::stoi(v[0]) >= 60 && std::stoi(v[0]) <= 120));
                break;
            case 3:
                BOOST_TEST((v[1] >= "1995-03-01" && v[1] <= "1995-03-31"));
                break;
            case 4:
            case 15:
                BOOST_TEST((v[0] >= "1993-01-01" && v[0] <= "1997-10-01" && v[0].ends_with("-01")));
                break;
            case 6:
                BOOST_TEST((v[1] >= "0.02" && v[1] <= "0.09" && v[1].size() == 4));
                break;
            case 7:
                BOOST_TEST(v[0] != v[1]);
                break;
            case 9:
                q9_colors.insert(v[0]);
                break;
            case 10:
                BOOST_TEST((v[0] >= "1993-02-01" && v[0] <= "1995-01-01"));
                break;
            case 12:
                BOOST_TEST(v[0] != v[1]);
                break;
            case 14:
                BOOST_TEST((v[0] >= "1993-01-01" && v[0] <= "1997-12-01"));
                break;
            case 16: {
                BOOST_TEST(std::count(v[1].begin(), v[1].end(), ' ') == 1);
                std::set<std::string> sizes(v.begin() + 2, v.end());
                BOOST_TEST(sizes.size() == 8u);
                break;
            }
            case 18:
                BOOST_TEST((std::stoi(v[0]) >= 312 && std::stoi(v[0]) <= 315));
                break;
            case 22: {
                std::set<std::string> codes(v.begin(), v.end());
                BOOST_TEST(codes.size() == 7u);
                for (const auto& c : v) {
                    BOOST_TEST((std::stoi(c) >= 10 && std::stoi(c) <= 34));
                }
                break;
            }
            default:
                break;
            }
        }
    }
    BOOST_TEST(q9_colors.size() > 50u); // 149 draws from 92 colors
}

BOOST_AUTO_TEST_CASE(q8_region_is_the_nations_region) {
    for (std::int64_t seed = 1; seed <= 200; ++seed) {
        auto g = seeded(seed * 7919);
        tpch::query_parameters p;
        BOOST_TEST_REQUIRE(!g.next(8, p));
        if (p.values[0] == "BRAZIL" || p.values[0] == "UNITED STATES") {
            BOOST_TEST(p.values[1] == "AMERICA");
        } else if (p.values[0] == "GERMANY" || p.values[0] == "FRANCE") {
            BOOST_TEST(p.values[1] == "EUROPE");
        } else if (p.values[0] == "KENYA" || p.values[0] == "ALGERIA") {
            BOOST_TEST(p.values[1] == "AFRICA");
        } else if (p.values[0] == "IRAN" || p.values[0] == "SAUDI ARABIA") {
            BOOST_TEST(p.values[1] == "MIDDLE EAST");
        } else if (p.values[0] == "CHINA" || p.values[0] == "JAPAN") {
            BOOST_TEST(p.values[1] == "ASIA");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
