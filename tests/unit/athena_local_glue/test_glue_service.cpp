// athena-local's Glue service: every operation's answer field by field, every error code, paging,
// Expression, the AWS CLI's example requests, and the project's own Glue client against it.
#include <athena_local/glue.hpp>
#include <protocol/glue.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>

namespace json = boost::json;
using namespace athena_local;

namespace {

constexpr double t0 = 1700000000.5;

struct fixture {
    glue_catalog cat{std::filesystem::path{}}; // in memory
    double clock = t0;
    glue_service glue{cat, glue_options{std::string(default_account_id), [this] { return clock; }}};

    json::object ok(std::string_view op, std::string_view body) {
        const json_reply r = glue.call(op, body);
        BOOST_TEST_INFO(op << " " << body << " -> " << r.body);
        BOOST_REQUIRE_EQUAL(r.status, 200u);
        return json::parse(r.body).as_object();
    }
    // Checks the error type and returns the message.
    std::string fails(std::string_view op, std::string_view body, std::string_view type,
                      unsigned status = 400) {
        const json_reply r = glue.call(op, body);
        BOOST_TEST_INFO(op << " " << body << " -> " << r.body);
        BOOST_TEST(r.status == status);
        const json::object o = json::parse(r.body).as_object();
        BOOST_TEST(o.at("__type").as_string() == type);
        return std::string(o.at("message").as_string());
    }
    void create_db(std::string_view name) {
        ok("CreateDatabase", R"({"DatabaseInput":{"Name":")" + std::string(name) + R"("}})");
    }
    void create_table(std::string_view db, std::string_view name) {
        ok("CreateTable", R"({"DatabaseName":")" + std::string(db) + R"(","TableInput":{"Name":")" +
                              std::string(name) + R"(","StorageDescriptor":{"Location":"s3://b/)" +
                              std::string(name) + R"(/"}}})");
    }
};

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

std::vector<std::string> names(const json::array& a) {
    std::vector<std::string> out;
    for (const auto& v : a)
        out.push_back(str(v.at("Name")));
    return out;
}

const char* lineitem_input = R"J({
  "Name": "LineItem", "Description": "TPC-H lineitem", "Owner": "bb",
  "StorageDescriptor": {
    "Columns": [{"Name": "l_orderkey", "Type": "bigint"},
                {"Name": "l_extendedprice", "Type": "decimal(15,2)", "Comment": "price"}],
    "Location": "s3://tpch/sf1/lineitem/",
    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                  "Parameters": {"serialization.format": "1"}}},
  "PartitionKeys": [{"Name": "sf", "Type": "string"}],
  "TableType": "EXTERNAL_TABLE",
  "Parameters": {"EXTERNAL": "TRUE", "classification": "parquet"}
})J";

} // namespace

BOOST_FIXTURE_TEST_SUITE(athena_local_glue_service, fixture)

BOOST_AUTO_TEST_CASE(database_operations) {
    BOOST_TEST(ok("CreateDatabase", R"({"CatalogId":"123456789012","DatabaseInput":{"Name":"TPCH_SF1",)"
                                    R"("Description":"TPC-H SF 1","LocationUri":"s3://tpch/sf1/",)"
                                    R"("Parameters":{"owner":"bb"}},"Tags":{"team":"x"}})")
                   .empty());
    const json::object d = ok("GetDatabase", R"({"Name":"tpch_SF1"})").at("Database").as_object();
    BOOST_TEST(str(d.at("Name")) == "tpch_sf1");
    BOOST_TEST(str(d.at("Description")) == "TPC-H SF 1");
    BOOST_TEST(str(d.at("LocationUri")) == "s3://tpch/sf1/");
    BOOST_TEST(str(d.at("Parameters").at("owner")) == "bb");
    BOOST_TEST(d.at("CreateTime").to_number<double>() == t0);
    BOOST_TEST(str(d.at("CatalogId")) == "123456789012");
    const json::value& perm = d.at("CreateTableDefaultPermissions").at(0);
    BOOST_TEST(str(perm.at("Principal").at("DataLakePrincipalIdentifier")) == "IAM_ALLOWED_PRINCIPALS");
    BOOST_TEST(str(perm.at("Permissions").at(0)) == "ALL");
    BOOST_TEST(d.size() == 7u);

    const json::object all = ok("GetDatabases", "{}");
    BOOST_TEST(!all.contains("NextToken"));
    BOOST_TEST(names(all.at("DatabaseList").as_array()) == (std::vector<std::string>{"default", "tpch_sf1"}),
               boost::test_tools::per_element());
    BOOST_TEST(str(all.at("DatabaseList").at(0).at("Description")) == "Default Hive database");
    BOOST_TEST(ok("GetDatabases", "").at("DatabaseList").as_array().size() == 2u); // botocore's empty body
    BOOST_TEST(ok("GetDatabases", R"({"ResourceShareType":"ALL"})").at("DatabaseList").as_array().size() ==
               2u);

    BOOST_TEST(ok("DeleteDatabase", R"({"Name":"Tpch_Sf1"})").empty());
    BOOST_TEST(fails("GetDatabase", R"({"Name":"tpch_sf1"})", "EntityNotFoundException") ==
               "Database tpch_sf1 not found.");
    BOOST_TEST(fails("DeleteDatabase", R"({"Name":"tpch_sf1"})", "EntityNotFoundException") ==
               "Database tpch_sf1 not found.");
}

BOOST_AUTO_TEST_CASE(table_operations) {
    create_db("tpch");
    BOOST_TEST(
        ok("CreateTable", std::string(R"({"DatabaseName":"TPCH","TableInput":)") + lineitem_input + "}")
            .empty());
    const json::object t =
        ok("GetTable", R"({"DatabaseName":"tpch","Name":"LINEITEM"})").at("Table").as_object();
    BOOST_TEST(str(t.at("Name")) == "lineitem");
    BOOST_TEST(str(t.at("DatabaseName")) == "tpch");
    BOOST_TEST(str(t.at("Description")) == "TPC-H lineitem");
    BOOST_TEST(str(t.at("Owner")) == "bb");
    BOOST_TEST(t.at("CreateTime").to_number<double>() == t0);
    BOOST_TEST(t.at("UpdateTime").to_number<double>() == t0);
    BOOST_TEST(t.at("Retention").to_number<int>() == 0);
    BOOST_TEST(str(t.at("TableType")) == "EXTERNAL_TABLE");
    BOOST_TEST(str(t.at("Parameters").at("classification")) == "parquet");
    BOOST_TEST(t.at("IsRegisteredWithLakeFormation").as_bool() == false);
    BOOST_TEST(str(t.at("CatalogId")) == "123456789012");
    BOOST_TEST(str(t.at("PartitionKeys").at(0).at("Name")) == "sf");
    const json::object& sd = t.at("StorageDescriptor").as_object();
    BOOST_TEST(sd.at("Columns").as_array().size() == 2u);
    BOOST_TEST(str(sd.at("Columns").at(1).at("Type")) == "decimal(15,2)");
    BOOST_TEST(str(sd.at("Columns").at(1).at("Comment")) == "price");
    BOOST_TEST(str(sd.at("Location")) == "s3://tpch/sf1/lineitem/");
    BOOST_TEST(str(sd.at("SerdeInfo").at("Parameters").at("serialization.format")) == "1");
    BOOST_TEST(sd.at("Compressed").as_bool() == false);
    BOOST_TEST(sd.at("NumberOfBuckets").to_number<int>() == 0);
    BOOST_TEST(sd.at("SortColumns").as_array().empty());
    BOOST_TEST(sd.at("StoredAsSubDirectories").as_bool() == false);

    // The catalog sees it as a Parquet table.
    const auto def = cat.table("TPCH", "lineitem");
    BOOST_REQUIRE(def);
    BOOST_TEST((def->format == table_format::parquet));
    BOOST_TEST(def->location == "s3://tpch/sf1/lineitem/");
    BOOST_TEST(def->columns.size() == 2u);
    BOOST_TEST(def->partition_keys.size() == 1u);

    create_table("tpch", "orders");
    const json::object list = ok("GetTables", R"({"DatabaseName":"tpch"})");
    BOOST_TEST(names(list.at("TableList").as_array()) == (std::vector<std::string>{"lineitem", "orders"}),
               boost::test_tools::per_element());
    BOOST_TEST(!list.contains("NextToken"));

    // UpdateTable replaces the definition, keeps CreateTime, moves UpdateTime.
    clock = t0 + 60;
    BOOST_TEST(ok("UpdateTable", R"({"DatabaseName":"tpch","SkipArchive":true,"TableInput":{"Name":"Orders",)"
                                 R"("StorageDescriptor":{"Location":"s3://b/orders2/",)"
                                 R"("SerdeInfo":{"SerializationLibrary":)"
                                 R"("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",)"
                                 R"("Parameters":{"field.delim":"|"}}}}})")
                   .empty());
    const json::object u =
        ok("GetTable", R"({"DatabaseName":"tpch","Name":"orders"})").at("Table").as_object();
    BOOST_TEST(str(u.at("StorageDescriptor").at("Location")) == "s3://b/orders2/");
    BOOST_TEST(u.at("CreateTime").to_number<double>() == t0);
    BOOST_TEST(u.at("UpdateTime").to_number<double>() == t0 + 60);
    BOOST_TEST((cat.table("tpch", "orders")->format == table_format::delimited_text));
    BOOST_TEST(cat.table("tpch", "orders")->delimiter == '|');

    BOOST_TEST(ok("DeleteTable", R"({"DatabaseName":"tpch","Name":"ORDERS"})").empty());
    BOOST_TEST(fails("GetTable", R"({"DatabaseName":"tpch","Name":"orders"})", "EntityNotFoundException") ==
               "Table orders not found.");

    create_table("tpch", "part");
    const json::object b =
        ok("BatchDeleteTable", R"({"DatabaseName":"tpch","TablesToDelete":["lineitem","NOPE","Part"]})");
    const json::array& errors = b.at("Errors").as_array();
    BOOST_REQUIRE_EQUAL(errors.size(), 1u);
    BOOST_TEST(str(errors[0].at("TableName")) == "nope");
    BOOST_TEST(str(errors[0].at("ErrorDetail").at("ErrorCode")) == "EntityNotFoundException");
    BOOST_TEST(str(errors[0].at("ErrorDetail").at("ErrorMessage")) == "Table nope not found.");
    BOOST_TEST(ok("GetTables", R"({"DatabaseName":"tpch"})").at("TableList").as_array().empty());
    BOOST_TEST(ok("BatchDeleteTable", R"({"DatabaseName":"tpch","TablesToDelete":[]})")
                   .at("Errors")
                   .as_array()
                   .empty());

    // DeleteDatabase takes its tables with it.
    create_table("tpch", "nation");
    ok("DeleteDatabase", R"({"Name":"tpch"})");
    BOOST_TEST(!cat.table("tpch", "nation"));
    create_db("tpch");
    BOOST_TEST(ok("GetTables", R"({"DatabaseName":"tpch"})").at("TableList").as_array().empty());
}

BOOST_AUTO_TEST_CASE(not_found_and_already_exists) {
    create_db("d");
    create_table("d", "t");
    BOOST_TEST(fails("CreateDatabase", R"({"DatabaseInput":{"Name":"D"}})", "AlreadyExistsException") ==
               "Database already exists.");
    BOOST_TEST(fails("CreateTable", R"({"DatabaseName":"d","TableInput":{"Name":"T"}})",
                     "AlreadyExistsException") == "Table already exists.");
    const std::string missing_db = "Database x not found.";
    BOOST_TEST(fails("CreateTable", R"({"DatabaseName":"x","TableInput":{"Name":"t"}})",
                     "EntityNotFoundException") == missing_db);
    BOOST_TEST(fails("GetTable", R"({"DatabaseName":"x","Name":"t"})", "EntityNotFoundException") ==
               missing_db);
    BOOST_TEST(fails("GetTables", R"({"DatabaseName":"X"})", "EntityNotFoundException") == missing_db);
    BOOST_TEST(fails("UpdateTable", R"({"DatabaseName":"x","TableInput":{"Name":"t"}})",
                     "EntityNotFoundException") == missing_db);
    BOOST_TEST(fails("UpdateTable", R"({"DatabaseName":"d","TableInput":{"Name":"u"}})",
                     "EntityNotFoundException") == "Table u not found.");
    BOOST_TEST(fails("DeleteTable", R"({"DatabaseName":"x","Name":"t"})", "EntityNotFoundException") ==
               missing_db);
    BOOST_TEST(fails("DeleteTable", R"({"DatabaseName":"d","Name":"u"})", "EntityNotFoundException") ==
               "Table u not found.");
    BOOST_TEST(fails("BatchDeleteTable", R"({"DatabaseName":"x","TablesToDelete":["t"]})",
                     "EntityNotFoundException") == missing_db);
}

BOOST_AUTO_TEST_CASE(invalid_input) {
    create_db("d");
    BOOST_TEST(fails("CreateDatabase", "{}", "InvalidInputException") ==
               "1 validation error detected: Value null at 'databaseInput' failed to satisfy constraint: "
               "Member must not be null");
    BOOST_TEST(
        fails("CreateDatabase", R"({"DatabaseInput":{}})", "InvalidInputException") ==
        "1 validation error detected: Value null at 'databaseInput.name' failed to satisfy constraint: "
        "Member must not be null");
    const std::string long_name(256, 'a');
    BOOST_TEST(
        fails("CreateDatabase", R"({"DatabaseInput":{"Name":")" + long_name + R"("}})",
              "InvalidInputException") ==
        "1 validation error detected: Value '" + long_name +
            "' at 'databaseInput.name' failed to satisfy constraint: Member must have length less than "
            "or equal to 255");
    ok("CreateDatabase", R"({"DatabaseInput":{"Name":")" + std::string(255, 'a') + R"("}})");
    // 255 characters, 510 bytes: the limit counts characters.
    std::string wide;
    for (int i = 0; i < 255; ++i)
        wide += "\xc3\xa9";
    ok("CreateDatabase", R"({"DatabaseInput":{"Name":")" + wide + R"("}})");
    BOOST_TEST(fails("CreateDatabase", R"({"DatabaseInput":{"Name":""}})", "InvalidInputException")
                   .find("greater than or equal to 1") != std::string::npos);
    BOOST_TEST(fails("CreateDatabase", R"({"DatabaseInput":{"Name":"a\nb"}})", "InvalidInputException")
                   .find("regular expression pattern") != std::string::npos);
    BOOST_TEST(fails("CreateDatabase", R"({"DatabaseInput":{"Name":17}})", "InvalidInputException") ==
               "Invalid value at 'databaseInput.name': expected a string");
    BOOST_TEST(fails("CreateDatabase", R"({"DatabaseInput":{"Name":"x")", "InvalidInputException")
                   .starts_with("The request body is not valid JSON"));
    BOOST_TEST(fails("GetDatabases", "[]", "InvalidInputException") ==
               "The request body is not a JSON object.");
    fails("GetDatabase", "{}", "InvalidInputException");
    fails("GetTable", R"({"DatabaseName":"d"})", "InvalidInputException");
    fails("GetTables", "{}", "InvalidInputException");
    fails("CreateTable", R"({"DatabaseName":"d"})", "InvalidInputException");
    fails("CreateTable", R"({"TableInput":{"Name":"t"}})", "InvalidInputException");
    BOOST_TEST(
        fails(
            "CreateTable",
            R"({"DatabaseName":"d","TableInput":{"Name":"t","StorageDescriptor":{"Columns":[{"Type":"int"}]}}})",
            "InvalidInputException") ==
        "1 validation error detected: Value null at 'tableInput.storageDescriptor.columns.1.member.name' "
        "failed to satisfy constraint: Member must not be null");
    fails("CreateTable", R"({"DatabaseName":"d","TableInput":{"Name":"t","Parameters":{"k":1}}})",
          "InvalidInputException");
    fails("CreateTable", R"({"DatabaseName":"d","TableInput":{"Name":"t","StorageDescriptor":"s3://x"}})",
          "InvalidInputException");
    fails("UpdateTable", R"({"DatabaseName":"d"})", "InvalidInputException");
    fails("DeleteTable", R"({"DatabaseName":"d"})", "InvalidInputException");
    fails("DeleteDatabase", R"({"Name":""})", "InvalidInputException");
    fails("BatchDeleteTable", R"({"DatabaseName":"d"})", "InvalidInputException");
    fails("BatchDeleteTable", R"({"DatabaseName":"d","TablesToDelete":[1]})", "InvalidInputException");
    std::string many = R"({"DatabaseName":"d","TablesToDelete":[)";
    for (int i = 0; i < 101; ++i)
        many += (i ? ",\"t" : "\"t") + std::to_string(i) + "\"";
    fails("BatchDeleteTable", many + "]}", "InvalidInputException");
    BOOST_TEST(fails("GetDatabases", R"({"MaxResults":0})", "InvalidInputException")
                   .find("greater than or equal to 1") != std::string::npos);
    fails("GetDatabases", R"({"MaxResults":101})", "InvalidInputException");
    fails("GetTables", R"({"DatabaseName":"d","MaxResults":"5"})", "InvalidInputException");
    fails("GetDatabases", R"({"ResourceShareType":"MINE"})", "InvalidInputException");
    fails("GetDatabases", R"({"NextToken":"not a token"})", "InvalidInputException");
    fails("GetTables", R"({"DatabaseName":"d","Expression":"(unclosed"})", "InvalidInputException");
}

BOOST_AUTO_TEST_CASE(unknown_operation_and_catalog_id) {
    const json_reply r = glue.call("GetPartitions", "{}");
    BOOST_TEST(r.status == 400u);
    BOOST_TEST(json::parse(r.body).at("__type").as_string() == "UnknownOperationException");
    fails("getdatabases", "{}", "UnknownOperationException");
    fails("", "{}", "UnknownOperationException");
    ok("GetDatabase", R"({"CatalogId":"123456789012","Name":"default"})");
    BOOST_TEST(
        fails("GetDatabase", R"({"CatalogId":"210987654321","Name":"default"})", "AccessDeniedException")
            .find("arn:aws:glue:us-east-1:210987654321:catalog") != std::string::npos);

    // handle() answers through `done` before it returns, with the request's region in messages.
    std::optional<json_reply> got;
    glue.handle("GetDatabase", R"({"CatalogId":"210987654321","Name":"default"})",
                request_context{"rid", "eu-west-1", "AKID"}, [&](json_reply rep) { got = std::move(rep); });
    BOOST_REQUIRE(got);
    BOOST_TEST(got->body.find("arn:aws:glue:eu-west-1:") != std::string::npos);

    // Another account id is configurable.
    glue_service other{cat, glue_options{"111122223333", {}}};
    BOOST_TEST(other.call("GetDatabase", R"({"CatalogId":"111122223333","Name":"default"})").status == 200u);
    auto made = make_glue_service(cat);
    made->handle("GetDatabases", "{}", {}, [&](json_reply rep) { got = std::move(rep); });
    BOOST_TEST(got->status == 200u);
}

BOOST_AUTO_TEST_CASE(paging_three_pages) {
    create_db("tpch");
    for (const char* t : {"customer", "lineitem", "nation", "orders", "part", "partsupp", "region"})
        create_table("tpch", t);
    std::vector<std::string> seen;
    std::string token;
    int pages = 0;
    do {
        std::string body = R"({"DatabaseName":"tpch","MaxResults":3)";
        if (!token.empty())
            body += R"(,"NextToken":")" + token + "\"";
        const json::object page = ok("GetTables", body + "}");
        const auto got = names(page.at("TableList").as_array());
        BOOST_TEST(got.size() == (pages < 2 ? 3u : 1u));
        seen.insert(seen.end(), got.begin(), got.end());
        token = page.contains("NextToken") ? str(page.at("NextToken")) : "";
        if (pages == 1) // a table added behind the cursor while paging does not disturb it
            create_table("tpch", "aaa");
        ++pages;
    } while (!token.empty() && pages < 10);
    BOOST_TEST(pages == 3);
    BOOST_TEST(seen == (std::vector<std::string>{"customer", "lineitem", "nation", "orders", "part",
                                                 "partsupp", "region"}),
               boost::test_tools::per_element());
    // The token is opaque and bound to its database.
    create_db("other");
    const std::string t1 = str(ok("GetTables", R"({"DatabaseName":"tpch","MaxResults":3})").at("NextToken"));
    fails("GetTables", R"({"DatabaseName":"other","NextToken":")" + t1 + "\"}", "InvalidInputException");
    fails("GetDatabases", R"({"NextToken":")" + t1 + "\"}", "InvalidInputException");

    // Databases page the same way: default, other, tpch, d1..d4 = 7 over 3 pages.
    for (const char* d : {"d1", "d2", "d3", "d4"})
        create_db(d);
    std::vector<std::string> dbs;
    token.clear();
    pages = 0;
    do {
        std::string body = R"({"MaxResults":3)";
        if (!token.empty())
            body += R"(,"NextToken":")" + token + "\"";
        const json::object page = ok("GetDatabases", body + "}");
        const auto got = names(page.at("DatabaseList").as_array());
        dbs.insert(dbs.end(), got.begin(), got.end());
        token = page.contains("NextToken") ? str(page.at("NextToken")) : "";
        ++pages;
    } while (!token.empty() && pages < 10);
    BOOST_TEST(pages == 3);
    BOOST_TEST(dbs == (std::vector<std::string>{"d1", "d2", "d3", "d4", "default", "other", "tpch"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(get_tables_expression) {
    create_db("tpch");
    for (const char* t : {"customer", "lineitem", "nation", "orders", "part", "partsupp", "region"})
        create_table("tpch", t);
    auto match = [&](std::string_view expr) {
        return names(ok("GetTables", R"({"DatabaseName":"tpch","Expression":")" + std::string(expr) + "\"}")
                         .at("TableList")
                         .as_array());
    };
    using v = std::vector<std::string>;
    BOOST_TEST(match("part*") == (v{"part", "partsupp"}), boost::test_tools::per_element());
    BOOST_TEST(match("*item*") == (v{"lineitem"}), boost::test_tools::per_element());
    BOOST_TEST(match("ORDERS") == (v{"orders"}), boost::test_tools::per_element());
    BOOST_TEST(match("orders|nation") == (v{"nation", "orders"}), boost::test_tools::per_element());
    BOOST_TEST(match("part") == (v{"part"}), boost::test_tools::per_element());
    BOOST_TEST(match("p.*") == (v{"part", "partsupp"}), boost::test_tools::per_element());
    BOOST_TEST(match("*").size() == 7u);
    BOOST_TEST(match("").size() == 7u);
    BOOST_TEST(match("nothing*").empty());
    // Paging applies after the filter.
    const json::object page = ok("GetTables", R"({"DatabaseName":"tpch","Expression":"*r*","MaxResults":2})");
    BOOST_TEST(names(page.at("TableList").as_array()) == (v{"customer", "orders"}),
               boost::test_tools::per_element());
    const json::object rest = ok("GetTables", R"({"DatabaseName":"tpch","Expression":"*r*","NextToken":")" +
                                                  str(page.at("NextToken")) + "\"}");
    BOOST_TEST(names(rest.at("TableList").as_array()) == (v{"part", "partsupp", "region"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(table_made_by_sql_is_described_as_glue_would) {
    create_db("tpch");
    table_def t;
    t.database = "TPCH";
    t.name = "Region";
    t.location = "s3://tpch/sf1/region/";
    t.format = table_format::delimited_text;
    t.delimiter = '|';
    t.header = true;
    t.columns = {{"r_regionkey", "bigint", ""}, {"r_name", "string", "name"}};
    BOOST_REQUIRE((cat.create_table(t) == catalog_status::ok));
    const json::object g =
        ok("GetTable", R"({"DatabaseName":"tpch","Name":"region"})").at("Table").as_object();
    BOOST_TEST(str(g.at("Name")) == "region");
    BOOST_TEST(str(g.at("DatabaseName")) == "tpch");
    BOOST_TEST(str(g.at("TableType")) == "EXTERNAL_TABLE");
    BOOST_TEST(str(g.at("Parameters").at("classification")) == "csv");
    BOOST_TEST(str(g.at("Parameters").at("skip.header.line.count")) == "1");
    BOOST_TEST(str(g.at("Parameters").at("EXTERNAL")) == "TRUE");
    BOOST_TEST(g.at("PartitionKeys").as_array().empty());
    const json::object& sd = g.at("StorageDescriptor").as_object();
    BOOST_TEST(str(sd.at("Location")) == "s3://tpch/sf1/region/");
    BOOST_TEST(str(sd.at("InputFormat")) == "org.apache.hadoop.mapred.TextInputFormat");
    BOOST_TEST(str(sd.at("OutputFormat")) == "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat");
    BOOST_TEST(str(sd.at("SerdeInfo").at("SerializationLibrary")) ==
               "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe");
    BOOST_TEST(str(sd.at("SerdeInfo").at("Parameters").at("field.delim")) == "|");
    BOOST_TEST(str(sd.at("Columns").at(1).at("Name")) == "r_name");
    BOOST_TEST(str(sd.at("Columns").at(1).at("Comment")) == "name");
    // Reading the synthesised Table back as a TableInput gives the same definition.
    json::object as_input = g;
    for (const char* k :
         {"DatabaseName", "CreateTime", "UpdateTime", "IsRegisteredWithLakeFormation", "CatalogId"})
        as_input.erase(k);
    const auto back = table_def_from_glue("tpch", json::serialize(as_input));
    BOOST_REQUIRE(back);
    BOOST_TEST((back->format == table_format::delimited_text));
    BOOST_TEST(back->delimiter == '|');
    BOOST_TEST(back->header);
    BOOST_TEST(back->location == t.location);

    table_def p;
    p.database = "tpch";
    p.name = "nation";
    p.location = "s3://tpch/sf1/nation/";
    BOOST_REQUIRE((cat.create_table(p) == catalog_status::ok));
    const json::object pj = json::parse(glue_table_json(*cat.table("tpch", "nation"))).as_object();
    BOOST_TEST(str(pj.at("StorageDescriptor").at("SerdeInfo").at("SerializationLibrary")) ==
               "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
    BOOST_TEST(str(pj.at("Parameters").at("classification")) == "parquet");
    BOOST_TEST((table_def_from_glue("tpch", json::serialize(pj))->format == table_format::parquet));
}

BOOST_AUTO_TEST_CASE(storage_descriptor_mapping) {
    auto map = [](std::string_view input) {
        auto t = table_def_from_glue("DB", input);
        BOOST_REQUIRE(t);
        return *t;
    };
    table_def t = map(R"({"Name":"T","Parameters":{"classification":"parquet"}})");
    BOOST_TEST((t.format == table_format::parquet));
    BOOST_TEST(t.database == "db");
    BOOST_TEST(t.name == "t");
    t = map(R"({"Name":"t","StorageDescriptor":{"InputFormat":"org.apache.hadoop.mapred.TextInputFormat",)"
            R"("SerdeInfo":{"SerializationLibrary":"org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",)"
            R"("Parameters":{"field.delim":"|"}}},"Parameters":{"skip.header.line.count":"1"}})");
    BOOST_TEST((t.format == table_format::delimited_text));
    BOOST_TEST(t.delimiter == '|');
    BOOST_TEST(t.header);
    // serialization.format "1" is Hive's \001; a LazySimpleSerDe without delimiters too.
    t = map(
        R"({"Name":"t","StorageDescriptor":{"SerdeInfo":{"SerializationLibrary":)"
        R"("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe","Parameters":{"serialization.format":"1"}}}})");
    BOOST_TEST(t.delimiter == '\001');
    BOOST_TEST(!t.header);
    t = map(
        R"({"Name":"t","StorageDescriptor":{"SerdeInfo":{"SerializationLibrary":)"
        R"("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe","Parameters":{"serialization.format":","}}}})");
    BOOST_TEST(t.delimiter == ',');
    t = map(R"({"Name":"t","StorageDescriptor":{"SerdeInfo":{"SerializationLibrary":)"
            R"("org.apache.hadoop.hive.serde2.OpenCSVSerde","Parameters":{"separatorChar":";"}}}})");
    BOOST_TEST((t.format == table_format::delimited_text));
    BOOST_TEST(t.delimiter == ';');
    t = map(R"({"Name":"t","StorageDescriptor":{"SerdeInfo":{"SerializationLibrary":)"
            R"("org.apache.hadoop.hive.serde2.OpenCSVSerde","Parameters":{"skip.header.line.count":"2"}}}})");
    BOOST_TEST(t.delimiter == ',');
    BOOST_TEST(t.header);
    t = map(R"({"Name":"t","Parameters":{"classification":"csv"}})");
    BOOST_TEST((t.format == table_format::delimited_text));
    BOOST_TEST(t.delimiter == ',');
    t = map(R"({"Name":"t","StorageDescriptor":{"SerdeInfo":{"SerializationLibrary":)"
            R"("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}})");
    BOOST_TEST((t.format == table_format::parquet));
    BOOST_TEST(t.glue_json.find("ParquetHiveSerDe") != std::string::npos);
    BOOST_TEST(!table_def_from_glue("db", "{}"));
    BOOST_TEST(!table_def_from_glue("db", "[1]"));
    BOOST_TEST(!table_def_from_glue("db", "{"));
}

// The Glue examples of the AWS CLI, as the CLI sends them; GetTables answers with the same members as
// the example output shows (CreatedBy aside: athena-local does not know the caller's IAM user).
BOOST_AUTO_TEST_CASE(aws_cli_examples) {
    std::ifstream in(BB_TEST_DATA_DIR "/athena_local_glue/awscli-examples.json");
    BOOST_REQUIRE(in);
    std::stringstream buf;
    buf << in.rdbuf();
    const json::object ex = json::parse(buf.str()).as_object();
    for (const auto& r : ex.at("requests").as_array()) {
        const std::string op = str(r.at("operation"));
        ok(op, json::serialize(r.at("body")));
    }
    const json::object ours = ok("GetTables", R"({"DatabaseName":"tempdb"})");
    const json::array& expected = ex.at("outputs").at("GetTables").at("TableList").as_array();
    const json::value* want = nullptr;
    for (const auto& t : expected)
        if (t.at("Name").as_string() == "test-kinesis-input")
            want = &t;
    BOOST_REQUIRE(want);
    const json::value* got = nullptr;
    for (const auto& t : ours.at("TableList").as_array())
        if (t.at("Name").as_string() == "test-kinesis-input")
            got = &t;
    BOOST_REQUIRE(got);
    auto keys = [](const json::object& o) {
        std::set<std::string> k;
        for (const auto& kv : o)
            if (kv.key() != "CreatedBy")
                k.emplace(kv.key());
        return k;
    };
    BOOST_TEST(keys(got->as_object()) == keys(want->as_object()), boost::test_tools::per_element());
    BOOST_TEST(keys(got->at("StorageDescriptor").as_object()) ==
                   keys(want->at("StorageDescriptor").as_object()),
               boost::test_tools::per_element());
    BOOST_TEST(got->at("StorageDescriptor") == want->at("StorageDescriptor"));
    BOOST_TEST(got->at("Parameters") == want->at("Parameters"));

    const json::object dbs = ok("GetDatabases", "{}");
    const json::value& exdb = ex.at("outputs").at("GetDatabases").at("DatabaseList").at(3); // tempdb
    const json::value& db = dbs.at("DatabaseList").at(1);
    BOOST_TEST(db.at("Name") == exdb.at("Name"));
    BOOST_TEST(keys(db.as_object()) == keys(exdb.as_object()), boost::test_tools::per_element());
    BOOST_TEST(db.at("CreateTableDefaultPermissions") == exdb.at("CreateTableDefaultPermissions"));
}

// The engine's own Glue client (protocol::glue) builds requests this service accepts and decodes its answers.
BOOST_AUTO_TEST_CASE(project_glue_client_round_trip) {
    namespace pg = protocol::glue;
    const protocol::endpoint ep{"http", "127.0.0.1", 8080, "", true};
    auto send = [&](const protocol::http_request& req) {
        const std::string target = *req.find_header("X-Amz-Target");
        BOOST_REQUIRE(target.starts_with("AWSGlue."));
        return glue.call(target.substr(8), req.body);
    };
    auto view = [](const json_reply& r) {
        protocol::http_response_view v;
        v.status = static_cast<int>(r.status);
        v.body = r.body;
        return v;
    };
    protocol::http_request req;
    BOOST_REQUIRE(!pg::build_create_database(ep, {"TPCH", "TPC-H", "s3://tpch/", {{"k", "v"}}}, req));
    BOOST_TEST(!pg::decode_create_database(view(send(req))));
    pg::table_input t;
    t.name = "lineitem";
    t.table_type = "EXTERNAL_TABLE";
    t.parameters = {{"classification", "parquet"}};
    auto& sd = t.storage.emplace();
    sd.columns = {{"l_orderkey", "bigint", "", {}}};
    sd.location = "s3://tpch/lineitem/";
    sd.serde = pg::serde_info{"", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", {}};
    BOOST_REQUIRE(!pg::build_create_table(ep, "tpch", t, req, "123456789012"));
    BOOST_TEST(!pg::decode_create_table(view(send(req))));
    BOOST_REQUIRE(!pg::build_get_table(ep, "tpch", "lineitem", req));
    pg::table got;
    const json_reply r = send(req);
    BOOST_REQUIRE(!pg::decode_get_table(view(r), got));
    BOOST_TEST(got.name == "lineitem");
    BOOST_TEST(got.database_name == "tpch");
    BOOST_TEST(got.catalog_id == "123456789012");
    BOOST_REQUIRE(got.storage);
    BOOST_TEST(got.storage->location == "s3://tpch/lineitem/");
    BOOST_TEST(got.storage->columns.at(0).type == "bigint");
    BOOST_REQUIRE(got.create_time);
    pg::get_tables_output tables;
    BOOST_REQUIRE(!pg::build_get_tables(ep, {"tpch", "line*", "", 1, ""}, req));
    BOOST_REQUIRE(!pg::decode_get_tables(view(send(req)), tables));
    BOOST_TEST(tables.tables.size() == 1u);
    pg::get_databases_output dbs;
    BOOST_REQUIRE(!pg::build_get_databases(ep, {"", 1, ""}, req));
    BOOST_REQUIRE(!pg::decode_get_databases(view(send(req)), dbs));
    BOOST_TEST(dbs.databases.size() == 1u);
    BOOST_TEST(!dbs.next_token.empty());
    std::vector<pg::table_error> errors;
    BOOST_REQUIRE(!pg::build_batch_delete_table(ep, "tpch", {"lineitem", "gone"}, req));
    BOOST_REQUIRE(!pg::decode_batch_delete_table(view(send(req)), errors));
    BOOST_REQUIRE_EQUAL(errors.size(), 1u);
    BOOST_TEST(errors[0].error_code == "EntityNotFoundException");
}

BOOST_AUTO_TEST_SUITE_END()
