// Glue (JSON 1.1): exact request bodies, decoders on realistic bodies.
#include <protocol/error.hpp>
#include <protocol/glue.hpp>

#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace protocol;
using namespace protocol::glue;

namespace {

const endpoint ep{"https", "glue.us-east-1.amazonaws.com", 443, "", false};

std::string target_of(const http_request& r) {
    return *r.find_header("X-Amz-Target");
}

table_input lineitem() {
    table_input t;
    t.name = "lineitem";
    t.table_type = "EXTERNAL_TABLE";
    t.parameters = {{"EXTERNAL", "TRUE"}, {"classification", "parquet"}};
    storage_descriptor& sd = t.storage.emplace();
    sd.columns = {{"l_orderkey", "bigint", "", {}}, {"l_extendedprice", "decimal(15,2)", "price", {}}};
    sd.location = "s3://tpch/sf1/lineitem/";
    sd.input_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
    sd.output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";
    sd.serde = serde_info{
        "", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", {{"serialization.format", "1"}}};
    t.partition_keys = {{"sf", "string", "", {}}};
    return t;
}

} // namespace

BOOST_AUTO_TEST_SUITE(protocol_glue)

BOOST_AUTO_TEST_CASE(database_requests) {
    http_request r;
    database_input db{"tpch_sf1", "TPC-H", "s3://tpch/sf1/", {{"owner", "bb"}}};
    BOOST_REQUIRE(!build_create_database(ep, db, r));
    BOOST_TEST(target_of(r) == "AWSGlue.CreateDatabase");
    BOOST_TEST(r.signing_name == "glue");
    BOOST_TEST(r.body ==
               R"({"DatabaseInput":{"Name":"tpch_sf1","Description":"TPC-H","LocationUri":"s3://tpch/sf1/",)"
               R"("Parameters":{"owner":"bb"}}})");
    BOOST_REQUIRE(!build_get_database(ep, "tpch_sf1", r, "123456789012"));
    BOOST_TEST(target_of(r) == "AWSGlue.GetDatabase");
    BOOST_TEST(r.body == R"({"CatalogId":"123456789012","Name":"tpch_sf1"})");
    BOOST_REQUIRE(!build_delete_database(ep, "tpch_sf1", r));
    BOOST_TEST(target_of(r) == "AWSGlue.DeleteDatabase");
    BOOST_TEST(r.body == R"({"Name":"tpch_sf1"})");
    BOOST_REQUIRE(!build_get_databases(ep, {"tok", 100, ""}, r));
    BOOST_TEST(target_of(r) == "AWSGlue.GetDatabases");
    BOOST_TEST(r.body == R"({"NextToken":"tok","MaxResults":100})");
    BOOST_TEST(build_get_databases(ep, {"", 101, ""}, r) == error::invalid_parameter);
    BOOST_TEST(build_create_database(ep, database_input{}, r) == error::missing_parameter);
    BOOST_TEST(build_get_database(ep, std::string(256, 'd'), r) == error::invalid_parameter);
}

BOOST_AUTO_TEST_CASE(create_table_request) {
    http_request r;
    BOOST_REQUIRE(!build_create_table(ep, "tpch_sf1", lineitem(), r));
    BOOST_TEST(target_of(r) == "AWSGlue.CreateTable");
    BOOST_TEST(
        r.body ==
        R"({"DatabaseName":"tpch_sf1","TableInput":{"Name":"lineitem","StorageDescriptor":{"Columns":[)"
        R"j({"Name":"l_orderkey","Type":"bigint"},{"Name":"l_extendedprice","Type":"decimal(15,2)",)j"
        R"("Comment":"price"}],"Location":"s3://tpch/sf1/lineitem/","InputFormat":)"
        R"("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat","OutputFormat":)"
        R"("org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat","SerdeInfo":{)"
        R"("SerializationLibrary":"org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",)"
        R"("Parameters":{"serialization.format":"1"}}},"PartitionKeys":[{"Name":"sf","Type":"string"}],)"
        R"("TableType":"EXTERNAL_TABLE","Parameters":{"EXTERNAL":"TRUE","classification":"parquet"}}})");
    table_input bad = lineitem();
    bad.storage->columns.push_back({});
    BOOST_TEST(build_create_table(ep, "tpch_sf1", bad, r) == error::missing_parameter);
    BOOST_TEST(build_create_table(ep, "", lineitem(), r) == error::missing_parameter);
}

BOOST_AUTO_TEST_CASE(other_table_requests) {
    http_request r;
    table_input t;
    t.name = "nation";
    BOOST_REQUIRE(!build_update_table(ep, "db", t, r, true));
    BOOST_TEST(target_of(r) == "AWSGlue.UpdateTable");
    BOOST_TEST(r.body == R"({"DatabaseName":"db","TableInput":{"Name":"nation"},"SkipArchive":true})");
    BOOST_REQUIRE(!build_get_table(ep, "db", "nation", r));
    BOOST_TEST(target_of(r) == "AWSGlue.GetTable");
    BOOST_TEST(r.body == R"({"DatabaseName":"db","Name":"nation"})");
    BOOST_REQUIRE(!build_delete_table(ep, "db", "nation", r));
    BOOST_TEST(target_of(r) == "AWSGlue.DeleteTable");
    BOOST_REQUIRE(!build_get_tables(ep, {"db", "line.*", "n1", 1000, ""}, r));
    BOOST_TEST(target_of(r) == "AWSGlue.GetTables");
    BOOST_TEST(r.body == R"({"DatabaseName":"db","Expression":"line.*","NextToken":"n1","MaxResults":1000})");
    BOOST_REQUIRE(!build_batch_delete_table(ep, "db", {"a", "b\"c"}, r));
    BOOST_TEST(target_of(r) == "AWSGlue.BatchDeleteTable");
    BOOST_TEST(r.body == R"({"DatabaseName":"db","TablesToDelete":["a","b\"c"]})");
    BOOST_TEST(build_batch_delete_table(ep, "db", {}, r) == error::missing_parameter);
    BOOST_TEST(build_batch_delete_table(ep, "db", std::vector<std::string>(101, "t"), r) ==
               error::invalid_parameter);
}

BOOST_AUTO_TEST_CASE(decode_tables) {
    table t;
    BOOST_REQUIRE(!decode_get_table(test::ok(test::fixture("glue/get_table.json")).view(), t));
    BOOST_TEST(t.name == "lineitem");
    BOOST_TEST(t.database_name == "tpch_sf1");
    BOOST_TEST(t.table_type == "EXTERNAL_TABLE");
    BOOST_TEST(t.parameters.at("classification") == "parquet");
    BOOST_TEST(t.catalog_id == "123456789012");
    BOOST_TEST(test::ms(t.create_time.value()) == 1709287200000LL);
    BOOST_REQUIRE(t.storage);
    BOOST_REQUIRE(t.storage->columns.size() == 3u);
    BOOST_TEST(t.storage->columns[1].type == "decimal(15,2)");
    BOOST_TEST(t.storage->columns[1].comment == "price");
    BOOST_TEST(t.storage->location == "s3://tpch/sf1/lineitem/");
    BOOST_TEST(!t.storage->compressed.value());
    BOOST_REQUIRE(t.storage->serde);
    BOOST_TEST(t.storage->serde->serialization_library ==
               "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
    BOOST_TEST(t.storage->serde->parameters.at("serialization.format") == "1");
    BOOST_TEST(t.partition_keys.empty());

    get_tables_output ts;
    BOOST_REQUIRE(!decode_get_tables(test::ok(test::fixture("glue/get_tables.json")).view(), ts));
    BOOST_REQUIRE(ts.tables.size() == 2u);
    BOOST_TEST(ts.next_token == "eyJsYXN0RXZhbHVhdGVkS2V5Ijp7fX0=");
    BOOST_TEST(ts.tables[0].partition_keys.at(0).name == "sf");
    BOOST_TEST(ts.tables[0].storage->columns.at(1).name == "n_name");
    BOOST_TEST(!ts.tables[1].storage);

    std::vector<table_error> errs;
    BOOST_REQUIRE(
        !decode_batch_delete_table(test::ok(test::fixture("glue/batch_delete_table.json")).view(), errs));
    BOOST_REQUIRE(errs.size() == 1u);
    BOOST_TEST(errs[0].table_name == "ghost");
    BOOST_TEST(errs[0].error_code == "EntityNotFoundException");
    errs.clear();
    BOOST_REQUIRE(!decode_batch_delete_table(test::ok("{\"Errors\":[]}").view(), errs));
    BOOST_TEST(errs.empty());
}

BOOST_AUTO_TEST_CASE(decode_databases) {
    database d;
    BOOST_REQUIRE(!decode_get_database(test::ok(test::fixture("glue/get_database.json")).view(), d));
    BOOST_TEST(d.name == "tpch_sf1");
    BOOST_TEST(d.location_uri == "s3://tpch/sf1/");
    BOOST_TEST(d.parameters.at("owner") == "bb");
    BOOST_TEST(d.catalog_id == "123456789012");
    get_databases_output ds;
    BOOST_REQUIRE(!decode_get_databases(test::ok(test::fixture("glue/get_databases.json")).view(), ds));
    BOOST_REQUIRE(ds.databases.size() == 2u);
    BOOST_TEST(ds.databases[0].name == "default");
    BOOST_TEST(ds.next_token.empty());
    BOOST_TEST(!decode_create_database(test::ok("{}").view()));
    BOOST_TEST(!decode_delete_table(test::ok("{}").view()));
    BOOST_TEST(decode_update_table(test::ok("{}", 400).view()) == error::not_success);
}

BOOST_AUTO_TEST_CASE(decode_errors) {
    table t;
    BOOST_TEST(decode_get_table(test::ok("{}").view(), t) == error::missing_field);
    BOOST_TEST(decode_get_table(test::ok(R"({"Table":{}})").view(), t) == error::missing_field);
    BOOST_TEST(decode_get_table(test::ok(R"({"Table":{"Name":"x","Parameters":{"a":1}}})").view(), t) ==
               error::wrong_type);
    BOOST_TEST(decode_get_table(test::ok(R"({"Table":{"Name":"x","PartitionKeys":[{"Type":"int"}]}})").view(),
                                t) == error::missing_field);
    BOOST_TEST(decode_get_table(test::ok("{\"Table\":").view(), t) == error::malformed_json);
}

BOOST_AUTO_TEST_SUITE_END()
