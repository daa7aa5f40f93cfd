// The TPC's SF 1 answer set (embedded and as files) and the checker's rules (clause 2.1.3.5).
#include <tpch/answers.hpp>

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
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

// The expected answer as a result set, values as they appear in the answer.
tpch::result_set as_result(int q) {
    const auto& a = tpch::expected_answer(q);
    return {a.columns.size(), a.rows};
}

// The answer set's row counts at SF 1 (QUERIES.md §5).
constexpr int sf1_rows[22] = {4, 100, 10, 5, 5,     1, 4,  2, 175, 20,  1048,
                              2, 42,  1,  1, 18314, 1, 57, 1, 186, 100, 7};

} // namespace

BOOST_AUTO_TEST_SUITE(tpch_answers)

BOOST_AUTO_TEST_CASE(embedded_answers_have_the_sf1_row_counts) {
    for (int q = 1; q <= 22; ++q) {
        const auto& a = tpch::expected_answer(q);
        BOOST_TEST(a.query == q);
        BOOST_TEST(a.rows.size() == static_cast<std::size_t>(sf1_rows[q - 1]), "Q" << q);
        BOOST_TEST(a.kinds.size() == a.columns.size(), "Q" << q);
        BOOST_TEST(!a.columns.empty(), "Q" << q);
        for (const auto k : a.order_keys) {
            BOOST_TEST(k < a.columns.size(), "Q" << q);
        }
    }
    BOOST_TEST(tpch::expected_answer(1).columns.size() == 10u);
    BOOST_TEST(tpch::expected_answer(1).rows[0][9] == "1478493");
    BOOST_TEST(tpch::expected_answer(6).rows[0][0] == "123141078.23");
    BOOST_TEST(tpch::expected_answer(0).columns.empty());
    BOOST_TEST(tpch::expected_answer(23).rows.empty());
}

BOOST_AUTO_TEST_CASE(embedded_answers_equal_the_tpc_files) {
    for (int q = 1; q <= 22; ++q) {
        const fs::path file =
            fs::path(BB_TEST_DATA_DIR) / "tpch" / "answers" / ("q" + std::to_string(q) + ".out");
        tpch::answer_table from_file;
        BOOST_TEST_REQUIRE(!tpch::parse_answer(q, slurp(file), from_file), "Q" << q);
        const auto& embedded = tpch::expected_answer(q);
        BOOST_TEST(from_file.columns == embedded.columns, "Q" << q);
        BOOST_TEST(from_file.rows == embedded.rows, "Q" << q);
        BOOST_TEST(from_file.rows.size() == static_cast<std::size_t>(sf1_rows[q - 1]), "Q" << q);
        // The padded file itself, as a result set, passes (blanks are not significant).
        BOOST_TEST(tpch::check_answer(q, {from_file.columns.size(), from_file.rows}).ok, "Q" << q);
    }
}

BOOST_AUTO_TEST_CASE(every_answer_matches_itself_under_both_tolerances) {
    for (int q = 1; q <= 22; ++q) {
        for (const auto t : {tpch::tolerance::tpc, tpch::tolerance::strict}) {
            const auto r = tpch::check_answer(q, as_result(q), t);
            BOOST_TEST(r.ok, "Q" << q << ": " << r.message());
            BOOST_TEST(r.message().empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(parse_errors) {
    tpch::answer_table t;
    BOOST_TEST((tpch::parse_answer(4, "", t) == std::errc::invalid_argument));
    BOOST_TEST((tpch::parse_answer(4, "a|b\n1|2|3\n", t) == std::errc::invalid_argument)); // row too wide
    BOOST_TEST(
        (tpch::parse_answer(4, "a|b|c\n1|2|3\n", t) == std::errc::invalid_argument)); // Q4 has 2 columns
    BOOST_TEST(!tpch::parse_answer(0, "x | y  \n 1 |two  \n\n", t));
    BOOST_TEST(t.query == 0);
    BOOST_TEST(t.columns == (std::vector<std::string>{"x", "y"}));
    BOOST_TEST(t.rows == (std::vector<std::vector<std::string>>{{"1", "two"}}));
    BOOST_TEST(t.kinds == (std::vector<tpch::value_kind>{tpch::value_kind::text, tpch::value_kind::text}));
}

BOOST_AUTO_TEST_CASE(money_sums_to_the_cent_when_strict_and_within_100_by_the_tpc_rule) {
    auto got = as_result(6); // revenue 123141078.23 (a SUM)
    got.rows[0][0] = "123141078.235";
    BOOST_TEST(tpch::check_answer(6, got, tpch::tolerance::strict).ok);
    got.rows[0][0] = "123141078.225";
    BOOST_TEST(tpch::check_answer(6, got, tpch::tolerance::strict).ok);
    got.rows[0][0] = "123141078.25";
    const auto off = tpch::check_answer(6, got, tpch::tolerance::strict);
    BOOST_TEST(!off.ok);
    BOOST_TEST((off.mismatch.what == tpch::answer_mismatch::kind::value));
    BOOST_TEST(off.mismatch.row == 0u);
    BOOST_TEST(off.mismatch.column == 0u);
    BOOST_TEST(off.mismatch.column_name == "revenue");
    BOOST_TEST(off.mismatch.expected == "123141078.23");
    BOOST_TEST(off.mismatch.got == "123141078.25");
    BOOST_TEST(
        off.message() ==
        "row 0, column 0 (revenue): expected 123141078.23, got 123141078.25 (sum: |got - expected| <= 0.01)");
    BOOST_TEST(tpch::check_answer(6, got).ok); // TPC: within $100
    got.rows[0][0] = "123141177.23";           // +99
    BOOST_TEST(tpch::check_answer(6, got).ok);
    got.rows[0][0] = "123140977.23"; // -101
    BOOST_TEST(!tpch::check_answer(6, got).ok);
    got.rows[0][0] = "1.2314107823E8"; // scientific notation, as Spark prints doubles
    BOOST_TEST(tpch::check_answer(6, got, tpch::tolerance::strict).ok);
    got.rows[0][0] = "NULL";
    BOOST_TEST(!tpch::check_answer(6, got).ok);
}

BOOST_AUTO_TEST_CASE(averages_within_one_percent_after_rounding) {
    auto got = as_result(1); // row 0: avg_qty 25.52 (column 6)
    got.rows[0][6] = "25.522005853257337";
    BOOST_TEST(tpch::check_answer(1, got).ok);
    BOOST_TEST(tpch::check_answer(1, got, tpch::tolerance::strict).ok);
    got.rows[0][6] = "25.7"; // +0.7%
    BOOST_TEST(tpch::check_answer(1, got).ok);
    BOOST_TEST(!tpch::check_answer(1, got, tpch::tolerance::strict).ok);
    got.rows[0][6] = "25.8"; // +1.1%
    const auto r = tpch::check_answer(1, got);
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.mismatch.column == 6u);
    BOOST_TEST(r.mismatch.column_name == "avg_qty");
    BOOST_TEST(r.mismatch.rule == "average: 0.99 v <= round(got, 2) <= 1.01 v");
    // Ratios: Q8's mkt_share 0.03 is printed rounded; the exact 0.0344 rounds to 0.03.
    auto q8 = as_result(8);
    q8.rows[0][1] = "0.03443589040665479";
    BOOST_TEST(tpch::check_answer(8, q8).ok);
    q8.rows[0][1] = "0.0451";
    BOOST_TEST(!tpch::check_answer(8, q8).ok);
    // A value rule on its own.
    BOOST_TEST(tpch::value_matches(tpch::value_kind::ratio, "0.00", "0.004"));
    BOOST_TEST(!tpch::value_matches(tpch::value_kind::ratio, "0.00", "0.006"));
    BOOST_TEST(tpch::value_matches(tpch::value_kind::average, "-10.00", "-10.05"));
    BOOST_TEST(!tpch::value_matches(tpch::value_kind::average, "-10.00", "-10.2"));
}

BOOST_AUTO_TEST_CASE(integers_decimals_text_and_dates_are_exact) {
    auto got = as_result(4); // 1-URGENT | 10594
    got.rows[0][1] = "10594.0";
    BOOST_TEST(tpch::check_answer(4, got).ok);
    got.rows[0][1] = "10595";
    BOOST_TEST(!tpch::check_answer(4, got).ok);
    got = as_result(4);
    got.rows[0][0] = "1-URGENT       "; // CHAR(15) padding
    BOOST_TEST(tpch::check_answer(4, got).ok);
    got.rows[0][0] = "1-urgent";
    BOOST_TEST(!tpch::check_answer(4, got).ok);

    auto q2 = as_result(2); // s_acctbal 9938.53, a singleton money value
    q2.rows[0][0] = "9938.530000000001";
    BOOST_TEST(tpch::check_answer(2, q2).ok);
    q2.rows[0][0] = "9938.54";
    BOOST_TEST(!tpch::check_answer(2, q2).ok);

    auto q3 = as_result(3); // o_orderdate
    q3.rows[0][2] = "1995-03-06";
    const auto r = tpch::check_answer(3, q3);
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.mismatch.column_name == "o_orderdat");
}

BOOST_AUTO_TEST_CASE(wrong_row_order_is_reported) {
    auto got = as_result(4);
    std::swap(got.rows[0], got.rows[1]);
    const auto r = tpch::check_answer(4, got);
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.mismatch.row == 0u);
    BOOST_TEST(r.mismatch.column == 0u);
    BOOST_TEST(r.mismatch.expected == "1-URGENT");
    BOOST_TEST(r.mismatch.got == "2-HIGH");
}

BOOST_AUTO_TEST_CASE(rows_with_equal_order_keys_may_come_in_any_order) {
    tpch::answer_table t;
    BOOST_TEST_REQUIRE(!tpch::parse_answer(0, "k|v\n1|a\n2|b\n2|c\n2|d\n3|e\n", t));
    t.order_keys = {0};
    tpch::result_set got(2, {{"1", "a"}, {"2", "d"}, {"2", "b"}, {"2", "c"}, {"3", "e"}});
    BOOST_TEST(tpch::check_answer(t, got).ok);
    std::swap(got.rows[0], got.rows[1]); // across different keys: wrong
    BOOST_TEST(!tpch::check_answer(t, got).ok);
    tpch::result_set dup(2, {{"1", "a"}, {"2", "b"}, {"2", "b"}, {"2", "c"}, {"3", "e"}});
    const auto r = tpch::check_answer(t, dup);
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.mismatch.row == 2u);
}

BOOST_AUTO_TEST_CASE(missing_and_extra_rows_are_reported) {
    auto got = as_result(2);
    got.rows.pop_back();
    auto r = tpch::check_answer(2, got);
    BOOST_TEST(!r.ok);
    BOOST_TEST((r.mismatch.what == tpch::answer_mismatch::kind::missing_row));
    BOOST_TEST(r.mismatch.row == 99u);
    BOOST_TEST(r.message().starts_with("row 99 missing (result has 99 rows): expected "));

    got = as_result(2);
    got.rows.push_back(got.rows.back());
    r = tpch::check_answer(2, got);
    BOOST_TEST(!r.ok);
    BOOST_TEST((r.mismatch.what == tpch::answer_mismatch::kind::extra_row));
    BOOST_TEST(r.mismatch.row == 100u);

    got = as_result(6);
    got.rows.clear();
    r = tpch::check_answer(6, got);
    BOOST_TEST((r.mismatch.what == tpch::answer_mismatch::kind::missing_row));
    BOOST_TEST(r.mismatch.row == 0u);
}

BOOST_AUTO_TEST_CASE(extra_column_and_short_rows_are_reported) {
    auto got = as_result(4);
    got.column_count = 3;
    for (auto& row : got.rows) {
        row.push_back("x");
    }
    auto r = tpch::check_answer(4, got);
    BOOST_TEST(!r.ok);
    BOOST_TEST((r.mismatch.what == tpch::answer_mismatch::kind::column_count));
    BOOST_TEST(r.message() == "column count: expected 2, got 3");

    got = as_result(4);
    got.rows[3].pop_back();
    r = tpch::check_answer(4, got);
    BOOST_TEST((r.mismatch.what == tpch::answer_mismatch::kind::row_width));
    BOOST_TEST(r.mismatch.row == 3u);

    r = tpch::check_answer(23, as_result(4));
    BOOST_TEST((r.mismatch.what == tpch::answer_mismatch::kind::column_count));
}

BOOST_AUTO_TEST_CASE(rows_only_interface_for_drivers) {
    // The shape a driver has: rows of text; the column count comes from the first row, and the
    // outcome converts to the message (empty when the result matches).
    const std::vector<std::vector<std::string>> rows = tpch::expected_answer(22).rows;
    std::string diff = tpch::check_answer(22, rows);
    BOOST_TEST(diff.empty());
    auto bad = rows;
    bad[1][1] = "860";
    diff = tpch::check_answer(22, bad);
    BOOST_TEST(diff == "row 1, column 1 (numcust): expected 861, got 860 (integer: exact)");
    BOOST_TEST(!tpch::check_answer(22, bad));
}

BOOST_AUTO_TEST_SUITE_END()
