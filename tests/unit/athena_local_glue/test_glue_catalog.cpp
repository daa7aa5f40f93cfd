// glue_catalog: persistence across a reload, corrupt files, case-insensitive names, concurrent access.
#include <athena_local/glue.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace json = boost::json;
using namespace athena_local;
namespace fs = std::filesystem;

namespace {

/// A fresh data directory, removed afterwards.
struct temp_dir {
    fs::path path;
    temp_dir() {
        std::random_device rd;
        path =
            fs::temp_directory_path() / ("bb-glue-test-" + std::to_string(rd()) + std::to_string(::getpid()));
        fs::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write(const fs::path& p, std::string_view data) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << data;
}

std::string error_of(const fs::path& dir) {
    try {
        glue_catalog c{dir};
    } catch (const glue_catalog_error& e) {
        return e.what();
    }
    return {};
}

} // namespace

BOOST_AUTO_TEST_SUITE(athena_local_glue_catalog)

BOOST_AUTO_TEST_CASE(persists_across_a_reload) {
    temp_dir dir;
    const fs::path file = dir.path / "glue" / "catalog.json";
    {
        glue_catalog c{dir.path};
        BOOST_TEST(c.file() == file);
        BOOST_TEST(fs::exists(file)); // written at first start, with the default database
        glue_service glue{c};
        BOOST_TEST(glue.call("CreateDatabase", R"({"DatabaseInput":{"Name":"TPCH","Description":"d",)"
                                               R"("LocationUri":"s3://tpch/","Parameters":{"a":"b"}}})")
                       .status == 200u);
        BOOST_TEST(glue.call("CreateTable",
                             R"({"DatabaseName":"tpch","TableInput":{"Name":"Lineitem","Owner":"me",)"
                             R"("StorageDescriptor":{"Location":"s3://tpch/lineitem/","SerdeInfo":{)"
                             R"("SerializationLibrary":"org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",)"
                             R"("Parameters":{"field.delim":"|"}}}}})")
                       .status == 200u);
        table_def sql;
        sql.database = "tpch";
        sql.name = "nation";
        sql.location = "s3://tpch/nation/";
        sql.columns = {{"n_nationkey", "bigint", "key"}};
        sql.partition_keys = {{"sf", "string", ""}};
        sql.parameters = {{"x", "y"}};
        sql.description = "by SQL";
        BOOST_REQUIRE((c.create_table(sql) == catalog_status::ok));
    }
    BOOST_TEST(!fs::exists(file.string() + ".tmp"));
    const std::string before = read(file);
    const std::string get_table = R"({"DatabaseName":"tpch","Name":"lineitem"})";
    std::string table_answer, db_answer;
    glue_catalog c{dir.path};
    {
        const auto db = c.database("TPCH");
        BOOST_REQUIRE(db);
        BOOST_TEST(db->description == "d");
        BOOST_TEST(db->location_uri == "s3://tpch/");
        BOOST_TEST(db->parameters.at("a") == "b");
        BOOST_TEST(db->create_time > 0);
        BOOST_TEST(!db->glue_json.empty());
        const auto t = c.table("tpch", "LINEITEM");
        BOOST_REQUIRE(t);
        BOOST_TEST((t->format == table_format::delimited_text));
        BOOST_TEST(t->delimiter == '|');
        BOOST_TEST(t->glue_json.find("\"Owner\":\"me\"") != std::string::npos);
        const auto n = c.table("tpch", "nation");
        BOOST_REQUIRE(n);
        BOOST_TEST(n->glue_json.empty());
        BOOST_TEST(n->columns.at(0).comment == "key");
        BOOST_TEST(n->partition_keys.at(0).name == "sf");
        BOOST_TEST(n->parameters.at("x") == "y");
        BOOST_TEST(n->description == "by SQL");
        BOOST_TEST(n->create_time > 0);
        BOOST_TEST(n->update_time == n->create_time);
        BOOST_TEST(c.databases().size() == 2u);
    }
    // Reading does not rewrite; a change does, and survives another reload.
    BOOST_TEST(read(file) == before);
    BOOST_TEST((c.delete_table("tpch", "Nation") == catalog_status::ok));
    BOOST_TEST(glue_catalog{dir.path}.tables("tpch").size() == 1u);
    BOOST_TEST((c.delete_database("tpch") == catalog_status::ok));
    glue_catalog again{dir.path};
    BOOST_TEST(again.databases().size() == 1u);
    BOOST_TEST(!again.table("tpch", "lineitem"));
}

BOOST_AUTO_TEST_CASE(corrupt_file_is_a_clear_startup_error) {
    temp_dir dir;
    fs::create_directories(dir.path / "glue");
    const fs::path file = dir.path / "glue" / "catalog.json";
    write(file, "{\"version\":1,\"databases\":[{\"name\":\"x\"");
    std::string e = error_of(dir.path);
    BOOST_TEST_INFO(e);
    BOOST_TEST(e.find(file.string()) != std::string::npos);
    BOOST_TEST(e.find("corrupt") != std::string::npos);
    BOOST_TEST(e.find("not JSON") != std::string::npos);
    BOOST_TEST(read(file) == "{\"version\":1,\"databases\":[{\"name\":\"x\""); // untouched

    write(file,
          R"({"version":1,"databases":[{"name":"d","tables":[{"name":"t","columns":[{"type":"int"}]}]}]})");
    e = error_of(dir.path);
    BOOST_TEST_INFO(e);
    BOOST_TEST(e.find("databases[0].tables[0].columns[0].name: missing") != std::string::npos);

    write(file, R"({"version":1,"databases":[{"name":"d"},{"name":"D"}]})");
    BOOST_TEST(error_of(dir.path).find("a second database") != std::string::npos);
    write(file, R"({"version":2,"databases":[]})");
    BOOST_TEST(error_of(dir.path).find("version: expected 1") != std::string::npos);
    write(file, "");
    BOOST_TEST(!error_of(dir.path).empty());
    write(file, R"({"version":1,"databases":[{"name":"d","tables":[{"name":"t","format":"orc"}]}]})");
    BOOST_TEST(error_of(dir.path).find("unknown format") != std::string::npos);

    write(file, R"({"version":1,"databases":[{"name":"d","tables":[{"name":"t"}]}]})");
    BOOST_TEST(error_of(dir.path).empty());
}

BOOST_AUTO_TEST_CASE(catalog_statuses) {
    glue_catalog c{fs::path{}};
    BOOST_TEST(c.file().empty());
    BOOST_TEST(c.databases().size() == 1u);
    BOOST_TEST(c.database("DEFAULT")->description == "Default Hive database");
    database_def d;
    d.name = "X";
    BOOST_TEST((c.create_database(d) == catalog_status::ok));
    BOOST_TEST((c.create_database(d) == catalog_status::already_exists));
    BOOST_TEST((c.create_database(database_def{}) == catalog_status::invalid_input));
    BOOST_TEST(c.database("x")->name == "x");
    table_def t;
    t.database = "nope";
    t.name = "t";
    BOOST_TEST((c.create_table(t) == catalog_status::not_found));
    BOOST_TEST((c.update_table(t) == catalog_status::not_found));
    t.database = "x";
    BOOST_TEST((c.update_table(t) == catalog_status::not_found));
    BOOST_TEST((c.create_table(t) == catalog_status::ok));
    BOOST_TEST((c.create_table(t) == catalog_status::already_exists));
    const double created = c.table("x", "t")->create_time;
    t.location = "s3://b/";
    t.create_time = 0;
    t.update_time = 0;
    BOOST_TEST((c.update_table(t) == catalog_status::ok));
    BOOST_TEST(c.table("X", "T")->location == "s3://b/");
    BOOST_TEST(c.table("x", "t")->create_time == created);
    t.name.clear();
    BOOST_TEST((c.create_table(t) == catalog_status::invalid_input));
    BOOST_TEST((c.delete_table("x", "missing") == catalog_status::not_found));
    BOOST_TEST((c.delete_table("missing", "t") == catalog_status::not_found));
    BOOST_TEST(c.tables("missing").empty());
    BOOST_TEST((c.delete_database("missing") == catalog_status::not_found));
}

BOOST_AUTO_TEST_CASE(write_failure_changes_nothing) {
    temp_dir dir;
    glue_catalog c{dir.path};
    BOOST_REQUIRE((c.create_database(database_def{"kept", "", "", {}, 0, ""}) == catalog_status::ok));
    // A directory where the catalog file should be: the rename fails (even for root), the change is refused
    // and not kept in memory.
    fs::remove(c.file());
    fs::create_directories(c.file() / "blocker");
    database_def d;
    d.name = "x";
    BOOST_TEST((c.create_database(d) == catalog_status::io_error));
    BOOST_TEST(!c.database("x"));
    BOOST_TEST((c.delete_database("kept") == catalog_status::io_error));
    BOOST_TEST(c.database("kept").has_value());
    table_def t;
    t.database = "kept";
    t.name = "t";
    BOOST_TEST((c.create_table(t) == catalog_status::io_error));
    BOOST_TEST(!c.table("kept", "t"));
    const json_reply r = glue_service{c}.call("CreateDatabase", R"({"DatabaseInput":{"Name":"y"}})");
    BOOST_TEST(r.status == 500u);
    BOOST_TEST(r.body.find("InternalServiceException") != std::string::npos);
    BOOST_TEST(!fs::exists(c.file().string() + ".tmp"));
    // Once the file can be written again, so can changes.
    fs::remove_all(c.file());
    BOOST_TEST((c.create_table(t) == catalog_status::ok));
    BOOST_TEST(glue_catalog{dir.path}.table("kept", "t").has_value());
}

BOOST_AUTO_TEST_CASE(concurrent_access_from_threads) {
    for (bool persisted : {false, true}) {
        temp_dir dir;
        glue_catalog c{persisted ? dir.path : fs::path{}};
        glue_service glue{c};
        const int threads = 4;
        const int per_thread = persisted ? 10 : 100;
        std::atomic<int> failures{0};
        std::vector<std::thread> pool;
        for (int i = 0; i < threads; ++i)
            pool.emplace_back([&, i] {
                const std::string db = "db" + std::to_string(i);
                if (glue.call("CreateDatabase", R"({"DatabaseInput":{"Name":")" + db + R"("}})").status !=
                    200)
                    ++failures;
                for (int j = 0; j < per_thread; ++j) {
                    const std::string t = "t" + std::to_string(j);
                    if (glue.call("CreateTable",
                                  R"({"DatabaseName":")" + db + R"(","TableInput":{"Name":")" + t + R"("}})")
                            .status != 200)
                        ++failures;
                    // Readers of every database run alongside the writers.
                    const std::string other = "db" + std::to_string((i + 1) % threads);
                    const unsigned s =
                        glue.call("GetTables", R"({"DatabaseName":")" + other + R"("})").status;
                    if (s != 200 && s != 400)
                        ++failures;
                    if (glue.call("GetDatabases", "{}").status != 200)
                        ++failures;
                    if (j % 3 == 0 &&
                        glue.call("DeleteTable", R"({"DatabaseName":")" + db + R"(","Name":")" + t + R"("})")
                                .status != 200)
                        ++failures;
                }
            });
        for (auto& t : pool)
            t.join();
        BOOST_TEST(failures.load() == 0);
        const std::size_t left = static_cast<std::size_t>(per_thread - (per_thread + 2) / 3);
        for (int i = 0; i < threads; ++i)
            BOOST_TEST(c.tables("db" + std::to_string(i)).size() == left);
        if (persisted) {
            glue_catalog reloaded{dir.path};
            for (int i = 0; i < threads; ++i)
                BOOST_TEST(reloaded.tables("db" + std::to_string(i)).size() == left);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
