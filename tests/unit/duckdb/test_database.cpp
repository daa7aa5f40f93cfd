#include <bb/duckdb/database.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <future>
#include <string>

#include <unistd.h>

namespace db = bb::duckdb;

namespace {

db::database_options with_threads(unsigned n) {
    db::database_options o;
    o.threads = n;
    return o;
}

db::database_options with_memory_limit(std::string limit) {
    db::database_options o;
    o.memory_limit = std::move(limit);
    return o;
}

db::connection connect_memory(db::database& d) {
    auto c = d.connect();
    BOOST_REQUIRE_MESSAGE(c, c.message());
    return std::move(c).value();
}

std::string scalar(db::connection& con, const std::string& sql) {
    auto t = con.query(sql);
    BOOST_REQUIRE_MESSAGE(t, sql << ": " << t.message());
    BOOST_REQUIRE_EQUAL(t->rows.size(), 1u);
    BOOST_REQUIRE_EQUAL(t->rows[0].size(), 1u);
    return db::table::display(t->rows[0][0]);
}

} // namespace

BOOST_AUTO_TEST_SUITE(bb_duckdb_database)

BOOST_AUTO_TEST_CASE(library_is_version_1_4_4) {
    BOOST_TEST(db::library_version() == "v1.4.4");
    auto d = db::database::open();
    BOOST_REQUIRE_MESSAGE(d, d.message());
    auto con = connect_memory(*d);
    BOOST_TEST(scalar(con, "SELECT version()") == "v1.4.4");
}

BOOST_AUTO_TEST_CASE(network_is_off_and_builtin_extensions_work) {
    auto d = db::database::open();
    BOOST_REQUIRE(d);
    auto con = connect_memory(*d);
    BOOST_TEST(scalar(con, "SELECT current_setting('autoinstall_known_extensions')") == "false");
    BOOST_TEST(scalar(con, "SELECT current_setting('autoload_known_extensions')") == "false");
    // httpfs is not built in: the statement fails at once instead of downloading it.
    auto r = con.query("SELECT * FROM read_csv('https://example.invalid/x.csv')");
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.code() == db::make_error_code(db::error::missing_extension));
    BOOST_TEST(r.message().find("httpfs") != std::string::npos, r.message());
    // Built-in extensions: json, icu, parquet, core_functions.
    BOOST_TEST(scalar(con, "SELECT json_extract('{\"a\": 7}', '$.a')::INTEGER") == "7");
    BOOST_TEST(scalar(con, "SELECT count(*) FROM duckdb_extensions() WHERE loaded AND extension_name IN "
                           "('parquet', 'json', 'icu', 'core_functions')") == "4");
}

BOOST_AUTO_TEST_CASE(execute_and_query_basics) {
    auto d = db::database::open(":memory:", with_threads(1));
    BOOST_REQUIRE(d);
    auto con = connect_memory(*d);
    BOOST_TEST(scalar(con, "SELECT current_setting('threads')") == "1");
    auto st = con.execute("CREATE TABLE t (id INTEGER, name VARCHAR, price DECIMAL(15,2), day DATE);"
                          "INSERT INTO t VALUES (1, 'a', 1.5, DATE '1998-09-02'), (2, NULL, NULL, NULL)");
    BOOST_REQUIRE_MESSAGE(st, st.message());
    BOOST_TEST(st.message().empty());
    auto t = con.query("SELECT id, name, price, day FROM t ORDER BY id");
    BOOST_REQUIRE_MESSAGE(t, t.message());
    BOOST_TEST(t->statement == DUCKDB_STATEMENT_TYPE_SELECT);
    BOOST_REQUIRE_EQUAL(t->columns.size(), 4u);
    BOOST_TEST(t->columns[0].name == "id");
    BOOST_TEST(t->columns[0].type == DUCKDB_TYPE_INTEGER);
    BOOST_TEST(t->columns[0].sql_type == "INTEGER");
    BOOST_TEST(t->columns[1].sql_type == "VARCHAR");
    BOOST_TEST(t->columns[2].type == DUCKDB_TYPE_DECIMAL);
    BOOST_TEST(t->columns[2].sql_type == "DECIMAL(15,2)");
    BOOST_TEST(t->columns[2].decimal_width == 15);
    BOOST_TEST(t->columns[2].decimal_scale == 2);
    BOOST_TEST(t->columns[3].sql_type == "DATE");
    BOOST_REQUIRE_EQUAL(t->rows.size(), 2u);
    BOOST_TEST(*t->rows[0][0] == "1");
    BOOST_TEST(*t->rows[0][1] == "a");
    BOOST_TEST(*t->rows[0][2] == "1.50");
    BOOST_TEST(*t->rows[0][3] == "1998-09-02");
    BOOST_TEST(*t->rows[1][0] == "2");
    BOOST_TEST(!t->rows[1][1].has_value());
    BOOST_TEST(!t->rows[1][2].has_value());
    BOOST_TEST(db::table::display(t->rows[1][3]) == "NULL");
    // An empty string is not NULL.
    auto e = con.query("SELECT '' AS s");
    BOOST_REQUIRE(e);
    BOOST_TEST((e->rows[0][0].has_value() && e->rows[0][0]->empty()));
    auto created = con.query("CREATE VIEW v AS SELECT 1 AS one");
    BOOST_REQUIRE_MESSAGE(created, created.message());
    BOOST_TEST(created->statement == DUCKDB_STATEMENT_TYPE_CREATE);
    auto last = con.query("SELECT 1; SELECT 2 AS two");
    BOOST_REQUIRE(last);
    BOOST_TEST(*last->rows[0][0] == "2"); // the last statement's result
    BOOST_TEST(last->columns[0].name == "two");
    auto view_then_select =
        con.query("CREATE VIEW w AS SELECT 5 AS five; SELECT five + 1 FROM w; DROP VIEW w");
    BOOST_REQUIRE_MESSAGE(view_then_select, view_then_select.message());
    BOOST_TEST(view_then_select->statement == DUCKDB_STATEMENT_TYPE_DROP);
    auto all = con.query_all("CREATE VIEW w AS SELECT 5 AS five; SELECT five + 1 AS six FROM w; DROP VIEW w");
    BOOST_REQUIRE_MESSAGE(all, all.message());
    BOOST_REQUIRE_EQUAL(all->size(), 3u);
    BOOST_TEST((*all)[0].statement == DUCKDB_STATEMENT_TYPE_CREATE);
    BOOST_TEST((*all)[1].statement == DUCKDB_STATEMENT_TYPE_SELECT);
    BOOST_TEST(*(*all)[1].rows[0][0] == "6");
    BOOST_TEST((*all)[2].statement == DUCKDB_STATEMENT_TYPE_DROP);
    auto later_fails = con.query("CREATE TABLE u (a INTEGER); SELECT * FROM no_such_table; DROP TABLE u");
    BOOST_REQUIRE(!later_fails);
    BOOST_TEST(later_fails.code() == db::make_error_code(db::error::catalog_error), later_fails.message());
    BOOST_TEST(scalar(con, "SELECT count(*) FROM u") == "0"); // the first statement ran, the third did not
    auto later_syntax = con.query("SELECT 1; SELEC 2");
    BOOST_TEST(later_syntax.code() == db::make_error_code(db::error::syntax_error), later_syntax.message());
    auto empty = con.query("  ;  ");
    BOOST_TEST(empty.code() == db::make_error_code(db::error::invalid_argument), empty.message());
    // Zero rows keep their columns.
    auto z = con.query("SELECT * FROM t WHERE false");
    BOOST_REQUIRE(z);
    BOOST_TEST(z->columns.size() == 4u);
    BOOST_TEST(z->rows.empty());
}

BOOST_AUTO_TEST_CASE(many_chunks) {
    auto d = db::database::open();
    BOOST_REQUIRE(d);
    auto con = connect_memory(*d);
    auto t = con.query("SELECT i, i % 3 = 0 AS b FROM range(10000) t(i) ORDER BY i");
    BOOST_REQUIRE(t);
    BOOST_REQUIRE_EQUAL(t->rows.size(), 10000u);
    BOOST_TEST(*t->rows[9999][0] == "9999");
    BOOST_TEST(*t->rows[2048][0] == "2048");
    BOOST_TEST(*t->rows[2048][1] == "false");
    BOOST_TEST(*t->rows[2049][1] == "true");
}

BOOST_AUTO_TEST_CASE(errors_carry_duckdb_messages) {
    auto d = db::database::open();
    BOOST_REQUIRE(d);
    auto con = connect_memory(*d);
    auto syntax = con.execute("SELEC 1");
    BOOST_TEST(!syntax);
    BOOST_TEST(syntax.code() == db::make_error_code(db::error::syntax_error));
    BOOST_TEST(syntax.message().find("syntax error") != std::string::npos, syntax.message());
    BOOST_TEST(syntax.code().category().name() == std::string("bb.duckdb"));

    auto missing = con.query("SELECT * FROM no_such_table");
    BOOST_REQUIRE(!missing);
    BOOST_TEST(missing.code() == db::make_error_code(db::error::catalog_error));
    BOOST_TEST(missing.message().find("no_such_table") != std::string::npos, missing.message());
    BOOST_CHECK_THROW(missing.value(), std::logic_error);

    auto conv = con.query("SELECT 'abc'::INTEGER");
    BOOST_REQUIRE(!conv);
    BOOST_TEST(conv.code() == db::make_error_code(db::error::conversion_error));
    BOOST_TEST(conv.message().find("abc") != std::string::npos, conv.message());

    auto io = con.query("SELECT * FROM read_csv('/nonexistent/dir/x.csv')");
    BOOST_REQUIRE(!io);
    BOOST_TEST(io.code() == db::make_error_code(db::error::io_error), io.message());

    // The connection is usable after an error.
    BOOST_TEST(scalar(con, "SELECT 42") == "42");

    auto nested = con.query("SELECT [1, 2] AS l");
    BOOST_REQUIRE(!nested);
    BOOST_TEST(nested.code() == db::make_error_code(db::error::invalid_argument));
    BOOST_TEST(nested.message().find("LIST") != std::string::npos, nested.message());
    BOOST_TEST(scalar(con, "SELECT [1, 2]::VARCHAR") == "[1, 2]");
}

BOOST_AUTO_TEST_CASE(open_failure_and_moved_from_objects) {
    auto bad = db::database::open("/nonexistent/dir/x.duckdb");
    BOOST_REQUIRE(!bad);
    BOOST_TEST(bad.code() == db::make_error_code(db::error::open_failed));
    BOOST_TEST(!bad.message().empty());

    auto setting = db::database::open(":memory:", with_memory_limit("lots"));
    BOOST_REQUIRE(!setting);
    BOOST_TEST((setting.code() == db::make_error_code(db::error::invalid_argument) ||
                setting.code() == db::make_error_code(db::error::open_failed)));

    auto d = db::database::open();
    BOOST_REQUIRE(d);
    auto con = connect_memory(*d);
    db::connection other = std::move(con);
    BOOST_TEST(scalar(other, "SELECT 1") == "1");
    auto r = con.execute("SELECT 1"); // NOLINT(bugprone-use-after-move): tests the moved-from state
    BOOST_TEST(r.code() == db::make_error_code(db::error::invalid_argument));
    con.interrupt(); // harmless
    db::database moved = std::move(*d);
    BOOST_TEST(!d->connect());
    BOOST_TEST(moved.connect().has_value());
}

BOOST_AUTO_TEST_CASE(file_database_persists) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("bb_duckdb_file_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = (dir / "x.duckdb").string();
    {
        auto d = db::database::open(path);
        BOOST_REQUIRE_MESSAGE(d, d.message());
        auto con = connect_memory(*d);
        BOOST_REQUIRE(con.execute("CREATE TABLE t AS SELECT 7 AS v"));
    }
    {
        auto d = db::database::open(path);
        BOOST_REQUIRE_MESSAGE(d, d.message());
        auto con = connect_memory(*d);
        BOOST_TEST(scalar(con, "SELECT v FROM t") == "7");
    }
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(interrupt_from_another_thread) {
    auto d = db::database::open(":memory:", with_threads(2));
    BOOST_REQUIRE(d);
    auto con = connect_memory(*d);
    // Minutes of work if nothing stops it.
    auto running = std::async(std::launch::async, [&con] {
        return con.query("SELECT sum(hash(i) % 7) FROM range(1000000000000) t(i)");
    });
    // An interrupt that comes before the statement starts is forgotten: repeat until it returns.
    while (running.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
        con.interrupt();
    }
    auto r = running.get();
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.code() == db::make_error_code(db::error::interrupted), r.message());
    BOOST_TEST(r.message().find("Interrupt") != std::string::npos, r.message());
    // The connection runs the next statement normally.
    BOOST_TEST(scalar(con, "SELECT 'after'") == "after");
}

BOOST_AUTO_TEST_CASE(quoting) {
    BOOST_TEST(db::quote_literal("it's") == "'it''s'");
    BOOST_TEST(db::quote_literal("") == "''");
    BOOST_TEST(db::quote_identifier("a\"b") == "\"a\"\"b\"");
    auto d = db::database::open();
    BOOST_REQUIRE(d);
    auto con = connect_memory(*d);
    const std::string nasty = "x'); DROP TABLE t; --'\"";
    BOOST_TEST(scalar(con, "SELECT " + db::quote_literal(nasty) + " AS " + db::quote_identifier(nasty)) ==
               nasty);
    auto t = con.query("SELECT 1 AS " + db::quote_identifier(nasty));
    BOOST_REQUIRE(t);
    BOOST_TEST(t->columns[0].name == nasty);
}

BOOST_AUTO_TEST_SUITE_END()
