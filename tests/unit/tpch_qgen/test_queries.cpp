// The SQL of the 22 queries: parameter substitution, derived dates, limits, one statement each.
#include <tpch/qgen.hpp>
#include <tpch/queries.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace {

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

std::string sql_of(int q, std::vector<std::string> values, std::int64_t stream = 0) {
    tpch::query_parameters p;
    p.query = q;
    p.values = std::move(values);
    std::string sql;
    BOOST_TEST_REQUIRE(!tpch::query_sql(p, stream, sql));
    return sql;
}

} // namespace

BOOST_AUTO_TEST_SUITE(tpch_queries)

BOOST_AUTO_TEST_CASE(default_sql_contains_the_validation_parameters) {
    struct expectation {
        int q;
        std::vector<std::string> parts;
    };
    const std::vector<expectation> cases = {
        {1, {"l_shipdate <= date '1998-09-02'"}}, // 1998-12-01 - 90 days
        {2, {"p_size = 15", "p_type like '%BRASS'", "r_name = 'EUROPE'", "limit 100"}},
        {3,
         {"c_mktsegment = 'BUILDING'", "o_orderdate < date '1995-03-15'", "l_shipdate > date '1995-03-15'",
          "limit 10"}},
        {4, {"o_orderdate >= date '1993-07-01'", "o_orderdate < date '1993-10-01'"}},
        {5, {"r_name = 'ASIA'", "o_orderdate >= date '1994-01-01'", "o_orderdate < date '1995-01-01'"}},
        {6,
         {"l_shipdate >= date '1994-01-01'", "l_shipdate < date '1995-01-01'",
          "l_discount between .06 - 0.01 and .06 + 0.01", "l_quantity < 24"}},
        {7,
         {"(n1.n_name = 'FRANCE' and n2.n_name = 'GERMANY')",
          "(n1.n_name = 'GERMANY' and n2.n_name = 'FRANCE')"}},
        {8, {"when nation = 'BRAZIL'", "r_name = 'AMERICA'", "p_type = 'ECONOMY ANODIZED STEEL'"}},
        {9, {"p_name like '%green%'"}},
        {10, {"o_orderdate >= date '1993-10-01'", "o_orderdate < date '1994-01-01'", "limit 20"}},
        {11, {"n_name = 'GERMANY'", "* 0.0001000000"}},
        {12,
         {"l_shipmode in ('MAIL', 'SHIP')", "l_receiptdate >= date '1994-01-01'",
          "l_receiptdate < date '1995-01-01'"}},
        {13, {"o_comment not like '%special%requests%'"}},
        {14, {"l_shipdate >= date '1995-09-01'", "l_shipdate < date '1995-10-01'"}},
        {15,
         {"with revenue0 as", "from\n    supplier,\n    revenue0", "l_shipdate >= date '1996-01-01'",
          "l_shipdate < date '1996-04-01'"}},
        {16,
         {"p_brand <> 'Brand#45'", "p_type not like 'MEDIUM POLISHED%'",
          "p_size in (49, 14, 23, 45, 19, 3, 36, 9)"}},
        {17, {"p_brand = 'Brand#23'", "p_container = 'MED BOX'"}},
        {18, {"sum(l_quantity) > 300", "limit 100"}},
        {19,
         {"p_brand = 'Brand#12'", "p_brand = 'Brand#23'", "p_brand = 'Brand#34'",
          "l_quantity >= 1 and l_quantity <= 1 + 10", "l_quantity >= 10 and l_quantity <= 10 + 10",
          "l_quantity >= 20 and l_quantity <= 20 + 10"}},
        {20,
         {"p_name like 'forest%'", "l_shipdate >= date '1994-01-01'", "l_shipdate < date '1995-01-01'",
          "n_name = 'CANADA'"}},
        {21, {"n_name = 'SAUDI ARABIA'", "limit 100"}},
        {22, {"substring(c_phone, 1, 2) in ('13', '31', '23', '29', '30', '18', '17')"}},
    };
    for (const auto& c : cases) {
        const std::string sql = tpch::default_query_sql(c.q);
        BOOST_TEST_REQUIRE(!sql.empty(), "Q" << c.q);
        for (const auto& part : c.parts) {
            BOOST_TEST(contains(sql, part), "Q" << c.q << " lacks: " << part << "\n" << sql);
        }
    }
    BOOST_TEST(tpch::default_query_sql(0).empty());
    BOOST_TEST(tpch::default_query_sql(23).empty());
}

BOOST_AUTO_TEST_CASE(every_query_is_one_statement_without_leftover_directives) {
    for (const std::int64_t seed : {101000000LL, 5LL, 8204031LL, 1231235959LL}) {
        tpch::query_generator g;
        BOOST_TEST_REQUIRE(!tpch::query_generator::make_seeded(seed, 1.0, g));
        for (int q = 1; q <= 22; ++q) {
            tpch::query_parameters p;
            BOOST_TEST_REQUIRE(!g.next(q, p));
            std::string sql;
            BOOST_TEST_REQUIRE(!tpch::query_sql(p, 3, sql));
            BOOST_TEST(!contains(sql, ":"), "Q" << q << " has a ':' left:\n" << sql);
            BOOST_TEST(!contains(sql, ";"), "Q" << q);
            BOOST_TEST(!contains(sql, "interval"), "Q" << q);
            BOOST_TEST(std::count(sql.begin(), sql.end(), '(') == std::count(sql.begin(), sql.end(), ')'),
                       "Q" << q);
            BOOST_TEST(std::count(sql.begin(), sql.end(), '\'') % 2 == 0, "Q" << q);
            const int limit = tpch::query_row_limit(q);
            BOOST_TEST(contains(sql, "\nlimit ") == (limit > 0), "Q" << q);
            if (limit > 0) {
                BOOST_TEST(sql.ends_with("\nlimit " + std::to_string(limit)), "Q" << q);
            }
            for (const auto& v : p.values) {
                if (q != 1) { // Q1's DELTA becomes a date
                    BOOST_TEST(contains(sql, v), "Q" << q << " lacks parameter " << v);
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(derived_dates_cross_year_ends) {
    BOOST_TEST(contains(sql_of(4, {"1997-10-01"}), "o_orderdate < date '1998-01-01'"));
    BOOST_TEST(contains(sql_of(10, {"1994-11-01"}), "o_orderdate < date '1995-02-01'"));
    BOOST_TEST(contains(sql_of(14, {"1997-12-01"}), "l_shipdate < date '1998-01-01'"));
    BOOST_TEST(contains(sql_of(15, {"1995-07-01"}, 12), "l_shipdate < date '1995-10-01'"));
    BOOST_TEST(contains(sql_of(15, {"1995-07-01"}, 12), "with revenue12 as"));
    BOOST_TEST(contains(sql_of(1, {"60"}), "l_shipdate <= date '1998-10-02'"));
    BOOST_TEST(contains(sql_of(1, {"120"}), "l_shipdate <= date '1998-08-03'"));
    BOOST_TEST(contains(sql_of(5, {"MIDDLE EAST", "1997-01-01"}), "o_orderdate < date '1998-01-01'"));
    BOOST_TEST(contains(sql_of(12, {"SHIP", "AIR", "1993-01-01"}), "l_receiptdate < date '1994-01-01'"));
    BOOST_TEST(
        contains(sql_of(20, {"ivory", "1997-01-01", "UNITED KINGDOM"}), "l_shipdate < date '1998-01-01'"));
}

BOOST_AUTO_TEST_CASE(bad_parameters_are_rejected) {
    tpch::query_parameters p;
    std::string sql = "unchanged";
    p.query = 0;
    BOOST_TEST((tpch::query_sql(p, 0, sql) == tpch::qgen_error::invalid_query));
    p.query = 23;
    BOOST_TEST((tpch::query_sql(p, 0, sql) == tpch::qgen_error::invalid_query));
    p.query = 4;
    BOOST_TEST((tpch::query_sql(p, 0, sql) == tpch::qgen_error::invalid_parameters)); // no value
    p.values = {"1993-07-01", "extra"};
    BOOST_TEST((tpch::query_sql(p, 0, sql) == tpch::qgen_error::invalid_parameters));
    p.values = {"July 1993"};
    BOOST_TEST((tpch::query_sql(p, 0, sql) == tpch::qgen_error::invalid_parameters));
    p.query = 1;
    p.values = {"ninety"};
    BOOST_TEST((tpch::query_sql(p, 0, sql) == tpch::qgen_error::invalid_parameters));
    BOOST_TEST(sql == "unchanged");
}

BOOST_AUTO_TEST_CASE(names_limits_and_templates) {
    BOOST_TEST(tpch::query_name(1) == "Pricing Summary Report");
    BOOST_TEST(tpch::query_name(22) == "Global Sales Opportunity");
    BOOST_TEST(tpch::query_name(0).empty());
    const std::vector<int> limits = {-1, 100, 10, -1, -1, -1, -1,  -1, -1, 20,  -1,
                                     -1, -1,  -1, -1, -1, -1, 100, -1, -1, 100, -1};
    for (int q = 1; q <= 22; ++q) {
        BOOST_TEST(tpch::query_row_limit(q) == limits[static_cast<std::size_t>(q - 1)], "Q" << q);
        BOOST_TEST(tpch::query_template(q).starts_with(q == 15 ? "with " : "select"), "Q" << q);
    }
    BOOST_TEST(tpch::query_row_limit(23) == -1);
    BOOST_TEST(tpch::query_template(23).empty());
}

BOOST_AUTO_TEST_CASE(generate_stream_gives_the_stream_order_and_qgen_parameters) {
    std::vector<tpch::generated_query> qs;
    BOOST_TEST_REQUIRE(!tpch::generate_stream(101000000, 0, 1.0, qs));
    BOOST_TEST_REQUIRE(qs.size() == 22u);
    const auto order = tpch::stream_permutation(0);
    for (std::size_t i = 0; i < qs.size(); ++i) {
        BOOST_TEST(qs[i].query == order[i]);
        BOOST_TEST(qs[i].position == static_cast<int>(i) + 1);
        BOOST_TEST(!qs[i].sql.empty());
    }
    // Position 1 of the power test is Q14; its parameter is the reference log's (14 -> 1993-09-01).
    BOOST_TEST(qs[0].query == 14);
    BOOST_TEST(tpch::param_log_line(qs[0].parameters) == "14\t1993-09-01\n");
    BOOST_TEST(contains(qs[0].sql, "l_shipdate < date '1993-10-01'"));

    BOOST_TEST_REQUIRE(!tpch::generate_stream(std::nullopt, 7, 1.0, qs));
    BOOST_TEST(qs[0].query == 18);
    BOOST_TEST(qs[0].sql == sql_of(18, {"300"}, 7));
    for (const auto& g : qs) {
        if (g.query == 15) {
            BOOST_TEST(contains(g.sql, "with revenue7 as"));
        }
    }
    BOOST_TEST((tpch::generate_stream(5, -1, 1.0, qs) == tpch::qgen_error::invalid_stream));
    BOOST_TEST((tpch::generate_stream(0, 1, 1.0, qs) == tpch::qgen_error::invalid_seed));
    BOOST_TEST((tpch::generate_stream(5, 1, 0.0, qs) == tpch::qgen_error::invalid_scale));
}

BOOST_AUTO_TEST_SUITE_END()
