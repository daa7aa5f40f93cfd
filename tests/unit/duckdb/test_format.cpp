// Values come back as text the way DuckDB's own CLI prints them: every case compares the wrapper's
// text with DuckDB's cast of the same value to VARCHAR.
#include <bb/duckdb/database.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <string>

namespace db = bb::duckdb;

namespace {

struct fixture {
    fixture() {
        auto d = db::database::open();
        BOOST_REQUIRE_MESSAGE(d, d.message());
        database.emplace(std::move(d).value());
        auto c = database->connect();
        BOOST_REQUIRE_MESSAGE(c, c.message());
        con.emplace(std::move(c).value());
    }

    // `sql` yields columns (x, x::VARCHAR); returns how many rows were compared.
    std::size_t compare_with_cast(const std::string& sql) {
        auto t = con->query(sql);
        BOOST_REQUIRE_MESSAGE(t, sql << ": " << t.message());
        BOOST_REQUIRE_EQUAL(t->columns.size(), 2u);
        for (const auto& row : t->rows) {
            BOOST_TEST(db::table::display(row[0]) == db::table::display(row[1]),
                       "type " << t->columns[0].sql_type);
        }
        return t->rows.size();
    }

    std::optional<db::database> database;
    std::optional<db::connection> con;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(bb_duckdb_format, fixture)

BOOST_AUTO_TEST_CASE(doubles_shortest_round_trip) {
    BOOST_TEST(db::format_double(0.1) == "0.1");
    BOOST_TEST(db::format_double(1.0) == "1.0");
    BOOST_TEST(db::format_double(-2.5) == "-2.5");
    BOOST_TEST(db::format_double(1e15) == "1000000000000000.0");
    BOOST_TEST(db::format_double(1e16) == "1e+16");
    BOOST_TEST(db::format_double(1e-4) == "0.0001");
    BOOST_TEST(db::format_double(1e-5) == "1e-05");
    BOOST_TEST(db::format_double(5e-324) == "5e-324");
    BOOST_TEST(db::format_double(-0.0) == "-0.0");
    BOOST_TEST(db::format_double(std::numeric_limits<double>::infinity()) == "inf");
    BOOST_TEST(db::format_double(-std::numeric_limits<double>::infinity()) == "-inf");
    BOOST_TEST(db::format_double(std::nan("")) == "nan");
    BOOST_TEST(db::format_double(0.1 + 0.2) == "0.30000000000000004");
    BOOST_TEST(std::stod(db::format_double(1.0 / 3)) == 1.0 / 3);
}

BOOST_AUTO_TEST_CASE(doubles_match_duckdb_cast) {
    compare_with_cast(
        "SELECT x, x::VARCHAR FROM (VALUES (1.0::DOUBLE), (0.1), (1e15), (1e16), (9999999999999998.0), "
        "(123456789012345678.0), (1e-4), (1e-5), (0.00012345), (1.5e-7), (1e20), (-2.5), (1e300), "
        "(5e-324), ('inf'::DOUBLE), ('-inf'::DOUBLE), ('nan'::DOUBLE), (-0.0::DOUBLE), (1e6)) t(x)");
    // Thousands of values across the whole exponent range, with many significant digits.
    const auto n = compare_with_cast("SELECT x, x::VARCHAR FROM (SELECT (i * 0.7310585786300049 - 1500) * "
                                     "pow(10, (i % 61) - 30) AS x FROM range(3000) t(i)) s");
    BOOST_TEST(n == 3000u);
    compare_with_cast(
        "SELECT x, x::VARCHAR FROM (SELECT exp(i / 3.7 - 700) AS x FROM range(0, 1400, 7) t(i)) s");
    compare_with_cast(
        "SELECT x, x::VARCHAR FROM (SELECT (i / 7.0)::FLOAT AS x FROM range(-500, 500) t(i)) s");
    compare_with_cast(
        "SELECT x, x::VARCHAR FROM (VALUES (0.1::FLOAT), (1e20::FLOAT), (3.4e38::FLOAT), (1e-7::FLOAT), "
        "(16777216::FLOAT)) t(x)");
}

BOOST_AUTO_TEST_CASE(decimals_are_exact) {
    auto t = con->query("SELECT 0.5::DECIMAL(15,2), -0.05::DECIMAL(4,2), 12::DECIMAL(38,10), "
                        "-12345678901234567890123456.789::DECIMAL(38,3), 7::DECIMAL(5,0), "
                        "sum(x) FROM (VALUES (0.01::DECIMAL(15,2)), (0.02)) t(x)");
    BOOST_REQUIRE_MESSAGE(t, t.message());
    BOOST_TEST(*t->rows[0][0] == "0.50");
    BOOST_TEST(*t->rows[0][1] == "-0.05");
    BOOST_TEST(*t->rows[0][2] == "12.0000000000");
    BOOST_TEST(*t->rows[0][3] == "-12345678901234567890123456.789");
    BOOST_TEST(*t->rows[0][4] == "7");
    BOOST_TEST(t->columns[5].sql_type == "DECIMAL(38,2)"); // SUM widens to 38 digits (a HUGEINT inside)
    BOOST_TEST(*t->rows[0][5] == "0.03");
    // Every storage width (2, 4, 8 and 16 bytes), negative and positive, against DuckDB's cast.
    for (const char* type :
         {"DECIMAL(4,1)", "DECIMAL(9,4)", "DECIMAL(18,6)", "DECIMAL(38,12)", "DECIMAL(18,0)"}) {
        compare_with_cast(
            std::string("SELECT x, x::VARCHAR FROM (SELECT (((i * 37) % 1999 - 999) / 13.0)::") + type +
            " AS x FROM range(2000) t(i)) s");
    }
}

BOOST_AUTO_TEST_CASE(integers_and_booleans) {
    compare_with_cast("SELECT x, x::VARCHAR FROM (VALUES ((-128)::TINYINT), (127::TINYINT)) t(x)");
    compare_with_cast(
        "SELECT x, x::VARCHAR FROM (VALUES ((-9223372036854775808)::BIGINT), (9223372036854775807)) t(x)");
    compare_with_cast(
        "SELECT x, x::VARCHAR FROM (VALUES (18446744073709551615::UBIGINT), (0::UBIGINT)) t(x)");
    compare_with_cast(
        "SELECT x, x::VARCHAR FROM (VALUES (170141183460469231731687303715884105727::HUGEINT), "
        "(-170141183460469231731687303715884105727::HUGEINT), (0::HUGEINT), (-1::HUGEINT)) t(x)");
    compare_with_cast("SELECT x, x::VARCHAR FROM (VALUES "
                      "(340282366920938463463374607431768211455::UHUGEINT), (5::UHUGEINT)) t(x)");
    compare_with_cast("SELECT x, x::VARCHAR FROM (VALUES (true), (false), (NULL)) t(x)");
    compare_with_cast(
        "SELECT x, x::VARCHAR FROM (VALUES (1::SMALLINT), (-300::SMALLINT), (65535::USMALLINT)) t(x)");
}

BOOST_AUTO_TEST_CASE(dates_times_timestamps) {
    auto t = con->query("SELECT DATE '1998-09-02', DATE '1992-01-01' + 1, DATE '0044-03-15'");
    BOOST_REQUIRE(t);
    BOOST_TEST(*t->rows[0][0] == "1998-09-02");
    BOOST_TEST(*t->rows[0][1] == "1992-01-02");
    BOOST_TEST(*t->rows[0][2] == "0044-03-15");
    compare_with_cast(
        "SELECT x, x::VARCHAR FROM (SELECT DATE '1970-01-01' + (i * 997 - 800000)::INTEGER AS x "
        "FROM range(2000) t(i)) s");
    compare_with_cast("SELECT x, x::VARCHAR FROM (VALUES (DATE '0001-01-01'), (DATE '0001-12-31' - 400), "
                      "(DATE '9999-12-31'), ('infinity'::DATE), ('-infinity'::DATE)) t(x)");
    compare_with_cast(
        "SELECT x, x::VARCHAR FROM (VALUES (TIMESTAMP '1992-01-01 01:02:03.12'), "
        "(TIMESTAMP '1969-12-31 23:59:59.999999'), (TIMESTAMP '-0044-03-15 12:00:00'), "
        "(TIMESTAMP '2020-02-29 00:00:00'), ('infinity'::TIMESTAMP), ('-infinity'::TIMESTAMP)) t(x)");
    compare_with_cast(
        "SELECT x, x::VARCHAR FROM (SELECT TIMESTAMP '2000-01-01' + to_microseconds(i * 7777777777) "
        "AS x FROM range(-1000, 1000) t(i)) s");
    compare_with_cast(
        "SELECT x, x::VARCHAR FROM (VALUES (TIMESTAMP_NS '2020-01-01 00:00:00.123456789')) t(x)");
    compare_with_cast("SELECT x, x::VARCHAR FROM (VALUES (TIMESTAMP_MS '2020-01-01 00:00:00.120')) t(x)");
    compare_with_cast("SELECT x, x::VARCHAR FROM (VALUES (TIMESTAMP_S '1900-01-01 10:00:00')) t(x)");
    compare_with_cast("SELECT x, x::VARCHAR FROM (VALUES (TIME '01:02:03.5'), (TIME '00:00:00'), "
                      "(TIME '23:59:59.999999')) t(x)");
}

BOOST_AUTO_TEST_CASE(strings_and_nulls) {
    auto t =
        con->query("SELECT * FROM (VALUES ('short'), ('a string longer than twelve bytes'), ('ünï©ødé'), "
                   "(NULL), ('')) t(s)");
    BOOST_REQUIRE(t);
    BOOST_REQUIRE_EQUAL(t->rows.size(), 5u);
    BOOST_TEST(*t->rows[0][0] == "short");
    BOOST_TEST(*t->rows[1][0] == "a string longer than twelve bytes");
    BOOST_TEST(*t->rows[2][0] == "ünï©ødé");
    BOOST_TEST(!t->rows[3][0]);
    BOOST_TEST(t->rows[4][0].has_value());
    auto n = con->query("SELECT NULL AS n, NULL::DECIMAL(15,2) AS d, NULL::DATE AS day");
    BOOST_REQUIRE(n);
    for (const auto& c : n->rows[0]) {
        BOOST_TEST(!c.has_value());
    }
    BOOST_TEST(n->columns[1].sql_type == "DECIMAL(15,2)");
}

BOOST_AUTO_TEST_SUITE_END()
