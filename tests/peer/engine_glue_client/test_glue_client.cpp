// engine::clients::glue_client end to end against a real athena-local process (started by each test
// on 127.0.0.1 with a fresh data directory and a known key pair): every Glue operation over signed
// HTTP, 250 tables paged through with get_all_tables (three pages of at most 100), UpdateTable,
// BatchDeleteTable in batches of 100, and Glue's errors (EntityNotFoundException,
// AlreadyExistsException) surfaced as service errors with code, message and a one-line message.
#include <engine/clients/glue_client.hpp>

#include "process.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace glue = protocol::glue;
using namespace std::chrono_literals;

constexpr const char* access_key = "AKIDGLUETEST";
constexpr const char* secret_key = "glue-client-test-secret/0123456789abcdef";

// One athena-local with its own data directory, removed afterwards.
struct athena_local {
    athena_local()
        : dir(fs::temp_directory_path() /
              ("bb-engine-glue-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}())))
        , proc(dir, {"--access-key", access_key, "--secret-key", secret_key, "--no-fsync", "--seed", "7"}) {}
    ~athena_local() {
        proc.stop();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    fs::path dir;
    peer::athena_local_process proc;
};

// Runs `body` with a glue_client on a fresh io_context; returns the HTTP client's pool statistics
// at the end.
engine::http::pool_stats with_glue(const athena_local& al,
                                   const std::function<asio::awaitable<void>(engine::clients::glue_client&)>& body) {
    asio::io_context ioc;
    engine::http::client http(ioc.get_executor());
    protocol::retry::config retry;
    retry.base = 10ms;
    engine::clients::caller c(http, engine::credentials::make_static_provider({access_key, secret_key, ""}), retry);
    protocol::endpoint ep;
    BOOST_REQUIRE_MESSAGE(!protocol::parse_endpoint_url(al.proc.url(), ep), al.proc.url());
    engine::clients::glue_client g(c, ep, "us-east-1");
    bool done = false;
    engine::http::pool_stats stats;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            co_await body(g);
            done = true;
        },
        [&](std::exception_ptr e) {
            stats = http.stats();
            http.close();
            if (e)
                std::rethrow_exception(e);
        });
    ioc.run();
    BOOST_TEST(done);
    return stats;
}

std::string table_name(int i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "t_%03d", i);
    return buf;
}

glue::table_input parquet_table(const std::string& name, const std::string& location) {
    glue::table_input t;
    t.name = name;
    t.description = "TPC-H style table " + name;
    t.table_type = "EXTERNAL_TABLE";
    t.parameters = {{"classification", "parquet"}};
    glue::storage_descriptor sd;
    sd.columns = {{"l_orderkey", "bigint", "order key", {}},
                  {"l_extendedprice", "decimal(15,2)", "", {}},
                  {"l_shipdate", "date", "", {}},
                  {"l_comment", "string", "", {}}};
    sd.location = location;
    sd.input_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
    sd.output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";
    sd.compressed = false;
    sd.serde = glue::serde_info{"", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                                {{"serialization.format", "1"}}};
    t.storage = sd;
    t.partition_keys = {{"l_returnflag", "string", "", {}}};
    return t;
}

} // namespace

BOOST_AUTO_TEST_SUITE(engine_glue_client)

BOOST_AUTO_TEST_CASE(databases_and_their_errors) {
    athena_local al;
    with_glue(al, [](engine::clients::glue_client& g) -> asio::awaitable<void> {
        glue::database_input db;
        db.name = "bench_glue";
        db.description = "bb-async glue_client test";
        db.location_uri = "s3://bench/bench_glue/";
        db.parameters = {{"owner", "bb-async"}};
        auto created = co_await g.create_database(db);
        BOOST_TEST(created.ok(), created.call.message);
        BOOST_TEST(created.value);
        BOOST_TEST(created.call.attempts == 1);

        auto again = co_await g.create_database(db);
        BOOST_TEST(!again.ok());
        BOOST_TEST(!again.call.ec);
        BOOST_REQUIRE(again.call.error.has_value());
        BOOST_TEST(again.call.error->status == 400);
        BOOST_TEST(again.call.error->code == "AlreadyExistsException");
        BOOST_TEST(again.call.error->message == "Database already exists.");
        BOOST_TEST(!again.call.error->request_id.empty());
        BOOST_TEST(again.call.attempts == 1); // a client error: never retried
        BOOST_TEST(again.call.message == "CreateDatabase bench_glue: AlreadyExistsException: Database already exists.");

        auto got = co_await g.get_database("bench_glue");
        BOOST_TEST(got.ok(), got.call.message);
        BOOST_TEST(got.value.name == "bench_glue");
        BOOST_TEST(got.value.description == "bb-async glue_client test");
        BOOST_TEST(got.value.location_uri == "s3://bench/bench_glue/");
        BOOST_TEST(got.value.parameters.at("owner") == "bb-async");
        BOOST_TEST(got.value.create_time.has_value());

        auto missing = co_await g.get_database("no_such_db");
        BOOST_TEST(!missing.ok());
        BOOST_REQUIRE(missing.call.error.has_value());
        BOOST_TEST(missing.call.error->code == "EntityNotFoundException");
        BOOST_TEST(missing.call.error->message == "Database no_such_db not found.");
        BOOST_TEST((missing.call.error->kind() == protocol::error_class::not_found));
        BOOST_TEST(missing.call.attempts == 1);
        BOOST_TEST(missing.call.message ==
                   "GetDatabase no_such_db: EntityNotFoundException: Database no_such_db not found.");

        // Five more databases, listed one per page: every page is followed.
        for (int i = 0; i < 5; ++i) {
            glue::database_input d;
            d.name = "extra_" + std::to_string(i);
            auto r = co_await g.create_database(d);
            BOOST_TEST(r.ok(), r.call.message);
        }
        glue::get_databases_input page1;
        page1.max_results = 1;
        auto first = co_await g.get_databases(page1);
        BOOST_TEST(first.ok(), first.call.message);
        BOOST_TEST(first.value.databases.size() == 1u);
        BOOST_TEST(!first.value.next_token.empty());
        glue::get_databases_input all_in;
        all_in.max_results = 1;
        auto all = co_await g.get_all_databases(all_in);
        BOOST_TEST(all.ok(), all.call.message);
        std::set<std::string> names;
        for (const auto& d : all.value)
            names.insert(d.name);
        BOOST_TEST(all.value.size() == 7u); // default, bench_glue, extra_0..4
        BOOST_TEST(names == (std::set<std::string>{"bench_glue", "default", "extra_0", "extra_1", "extra_2",
                                                   "extra_3", "extra_4"}));

        auto deleted = co_await g.delete_database("bench_glue");
        BOOST_TEST(deleted.ok(), deleted.call.message);
        auto gone = co_await g.get_database("bench_glue");
        BOOST_REQUIRE(gone.call.error.has_value());
        BOOST_TEST(gone.call.error->code == "EntityNotFoundException");
        auto delete_again = co_await g.delete_database("bench_glue");
        BOOST_REQUIRE(delete_again.call.error.has_value());
        BOOST_TEST(delete_again.call.error->code == "EntityNotFoundException");

        // Refused before sending: an empty name.
        auto refused = co_await g.get_database("");
        BOOST_TEST(static_cast<bool>(refused.call.ec));
        BOOST_TEST(!refused.call.error.has_value());
        BOOST_TEST(refused.call.message.starts_with("GetDatabase : invalid request"), refused.call.message);
    });
}

BOOST_AUTO_TEST_CASE(two_hundred_fifty_tables_paged_updated_and_batch_deleted) {
    athena_local al;
    const int n = 250;
    const auto stats = with_glue(al, [n](engine::clients::glue_client& g) -> asio::awaitable<void> {
        glue::database_input db;
        db.name = "tpch_sf1";
        auto created = co_await g.create_database(db);
        BOOST_REQUIRE_MESSAGE(created.ok(), created.call.message);

        for (int i = 0; i < n; ++i) {
            const std::string name = table_name(i);
            auto t = parquet_table(name, "s3://bench/tpch_sf1/" + name + "/");
            auto r = co_await g.create_table("tpch_sf1", t);
            BOOST_REQUIRE_MESSAGE(r.ok(), r.call.message);
        }

        // Errors: the table exists; the database does not; the table does not.
        // Named arguments only inside co_await (g++ 12 double-destroys temporaries there).
        auto t007 = parquet_table("t_007", "s3://bench/x/");
        auto dup = co_await g.create_table("tpch_sf1", t007);
        BOOST_REQUIRE(dup.call.error.has_value());
        BOOST_TEST(dup.call.error->code == "AlreadyExistsException");
        BOOST_TEST(dup.call.error->message == "Table already exists.");
        BOOST_TEST(dup.call.message ==
                   "CreateTable tpch_sf1.t_007: AlreadyExistsException: Table already exists.");
        auto orphan = parquet_table("t", "s3://bench/x/");
        auto no_db = co_await g.create_table("no_such_db", orphan);
        BOOST_REQUIRE(no_db.call.error.has_value());
        BOOST_TEST(no_db.call.error->code == "EntityNotFoundException");
        BOOST_TEST(no_db.call.error->message == "Database no_such_db not found.");
        auto no_table = co_await g.get_table("tpch_sf1", "t_999");
        BOOST_REQUIRE(no_table.call.error.has_value());
        BOOST_TEST(no_table.call.error->code == "EntityNotFoundException");
        BOOST_TEST(no_table.call.message.starts_with("GetTable tpch_sf1.t_999: EntityNotFoundException: "),
                   no_table.call.message);

        // One page by hand: at most 100 tables and a token.
        glue::get_tables_input page_in;
        page_in.database_name = "tpch_sf1";
        page_in.max_results = 100;
        auto page = co_await g.get_tables(page_in);
        BOOST_TEST(page.ok(), page.call.message);
        BOOST_TEST(page.value.tables.size() == 100u);
        BOOST_TEST(!page.value.next_token.empty());

        // Every table through the helper, each exactly once, with its definition intact.
        glue::get_tables_input all_in;
        all_in.database_name = "tpch_sf1";
        all_in.max_results = 100;
        auto all = co_await g.get_all_tables(all_in);
        BOOST_TEST(all.ok(), all.call.message);
        BOOST_REQUIRE(all.value.size() == static_cast<std::size_t>(n));
        std::set<std::string> names;
        for (const auto& t : all.value)
            names.insert(t.name);
        BOOST_TEST(names.size() == static_cast<std::size_t>(n));
        BOOST_TEST(*names.begin() == "t_000");
        BOOST_TEST(*names.rbegin() == "t_249");
        const auto& t42 = *std::find_if(all.value.begin(), all.value.end(),
                                        [](const glue::table& t) { return t.name == "t_042"; });
        BOOST_TEST(t42.database_name == "tpch_sf1");
        BOOST_TEST(t42.table_type == "EXTERNAL_TABLE");
        BOOST_REQUIRE(t42.storage.has_value());
        BOOST_TEST(t42.storage->location == "s3://bench/tpch_sf1/t_042/");
        BOOST_REQUIRE(t42.storage->columns.size() == 4u);
        BOOST_TEST(t42.storage->columns[1].name == "l_extendedprice");
        BOOST_TEST(t42.storage->columns[1].type == "decimal(15,2)");
        BOOST_TEST(t42.storage->columns[0].comment == "order key");
        BOOST_REQUIRE(t42.storage->serde.has_value());
        BOOST_TEST(t42.storage->serde->serialization_library ==
                   "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
        BOOST_REQUIRE(t42.partition_keys.size() == 1u);
        BOOST_TEST(t42.partition_keys[0].name == "l_returnflag");
        BOOST_TEST(t42.parameters.at("classification") == "parquet");

        // A filter: t_10x and t_1xx matching "t_1.*" -> 100 tables (t_100..t_199).
        glue::get_tables_input filtered_in;
        filtered_in.database_name = "tpch_sf1";
        filtered_in.expression = "t_1.*";
        filtered_in.max_results = 30;
        auto filtered = co_await g.get_all_tables(filtered_in);
        BOOST_TEST(filtered.ok(), filtered.call.message);
        BOOST_TEST(filtered.value.size() == 100u);

        // UpdateTable replaces the definition.
        auto changed = parquet_table("t_042", "s3://bench/tpch_sf1_v2/t_042/");
        changed.description = "rewritten";
        changed.storage->columns.push_back({"l_tax", "decimal(15,2)", "", {}});
        auto updated = co_await g.update_table("tpch_sf1", changed, true);
        BOOST_TEST(updated.ok(), updated.call.message);
        auto after = co_await g.get_table("tpch_sf1", "t_042");
        BOOST_TEST(after.ok(), after.call.message);
        BOOST_TEST(after.value.description == "rewritten");
        BOOST_REQUIRE(after.value.storage.has_value());
        BOOST_TEST(after.value.storage->location == "s3://bench/tpch_sf1_v2/t_042/");
        BOOST_TEST(after.value.storage->columns.size() == 5u);
        auto t999 = parquet_table("t_999", "s3://x/");
        auto update_missing = co_await g.update_table("tpch_sf1", t999, false);
        BOOST_REQUIRE(update_missing.call.error.has_value());
        BOOST_TEST(update_missing.call.error->code == "EntityNotFoundException");

        // DeleteTable of one, then BatchDeleteTable of the rest plus one that does not exist:
        // three requests (100 + 100 + 50), the missing name reported, not an error of the call.
        auto del = co_await g.delete_table("tpch_sf1", "t_000");
        BOOST_TEST(del.ok(), del.call.message);
        auto del_again = co_await g.delete_table("tpch_sf1", "t_000");
        BOOST_REQUIRE(del_again.call.error.has_value());
        BOOST_TEST(del_again.call.error->code == "EntityNotFoundException");
        std::vector<std::string> rest;
        for (int i = 1; i < n; ++i)
            rest.push_back(table_name(i));
        rest.push_back("t_000"); // already gone
        auto batch = co_await g.batch_delete_table("tpch_sf1", rest);
        BOOST_TEST(batch.ok(), batch.call.message);
        BOOST_REQUIRE(batch.value.size() == 1u);
        BOOST_TEST(batch.value[0].table_name == "t_000");
        BOOST_TEST(batch.value[0].error_code == "EntityNotFoundException");
        BOOST_TEST(!batch.value[0].error_message.empty());

        auto none = co_await g.get_all_tables(all_in);
        BOOST_TEST(none.ok(), none.call.message);
        BOOST_TEST(none.value.empty());
        std::vector<std::string> no_names;
        auto empty_batch = co_await g.batch_delete_table("tpch_sf1", no_names);
        BOOST_TEST(static_cast<bool>(empty_batch.call.ec)); // refused before sending

        glue::get_tables_input no_db_in;
        no_db_in.database_name = "no_such_db";
        auto no_db_tables = co_await g.get_all_tables(no_db_in);
        BOOST_REQUIRE(no_db_tables.call.error.has_value());
        BOOST_TEST(no_db_tables.call.error->code == "EntityNotFoundException");
        BOOST_TEST(no_db_tables.call.message.starts_with("GetTables no_such_db: EntityNotFoundException"),
                   no_db_tables.call.message);
    });
    // Sequential calls over keep-alive: one connection for everything.
    BOOST_TEST(stats.connects == 1u);
    BOOST_TEST(stats.open == stats.idle);
}

BOOST_AUTO_TEST_CASE(wrong_secret_is_an_access_error_not_retried) {
    athena_local al;
    asio::io_context ioc;
    engine::http::client http(ioc.get_executor());
    protocol::retry::config retry;
    engine::clients::caller c(http, engine::credentials::make_static_provider({access_key, "not-the-secret", ""}),
                              retry);
    protocol::endpoint ep;
    BOOST_REQUIRE(!protocol::parse_endpoint_url(al.proc.url(), ep));
    engine::clients::glue_client g(c, ep, "us-east-1");
    engine::clients::op_result<glue::database> r;
    asio::co_spawn(
        ioc, [&]() -> asio::awaitable<void> { r = co_await g.get_database("default"); },
        [&](std::exception_ptr e) {
            http.close();
            if (e)
                std::rethrow_exception(e);
        });
    ioc.run();
    BOOST_REQUIRE(r.call.error.has_value());
    BOOST_TEST(r.call.error->code == "InvalidSignatureException");
    BOOST_TEST((r.call.error->kind() == protocol::error_class::access_denied));
    BOOST_TEST(r.call.attempts == 1);
    BOOST_TEST(r.call.message.find("not-the-secret") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
