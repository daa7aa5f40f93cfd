// athena-local under the real AWS CLI v2 (/usr/bin/aws, Debian awscli; not the pyenv shim first on PATH) and
// curl. Every answer must parse in the CLI and hold the expected values; refusals carry AWS's error codes.
#include "process.hpp"

#include <aws_sigv4/settings.hpp>
#include <aws_sigv4/sign.hpp>
#include <protocol/spark_template.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <thread>

namespace fs = std::filesystem;
namespace json = boost::json;
using peer::quote;

namespace {

constexpr const char* aws_cli = "/usr/bin/aws";

fs::path fresh_dir(std::string_view name) {
    static std::random_device rd;
    auto d = fs::temp_directory_path() / ("athena-local-" + std::string(name) + "-" + std::to_string(rd()));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

std::string read_key(const fs::path& credentials, std::string_view name) {
    std::ifstream f(credentials);
    std::string line;
    while (std::getline(f, line))
        if (line.starts_with(std::string(name) + "="))
            return line.substr(name.size() + 1);
    return {};
}

struct cli_env {
    cli_env(const fs::path& data_dir) {
        setenv("AWS_SHARED_CREDENTIALS_FILE", (data_dir / "credentials").c_str(), 1);
        setenv("AWS_CONFIG_FILE", "/dev/null", 1);
        setenv("AWS_DEFAULT_REGION", "us-east-1", 1);
        setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
        setenv("AWS_PAGER", "", 1);
        setenv("AWS_MAX_ATTEMPTS", "1", 1);
        for (auto v : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION",
                       "AWS_CA_BUNDLE", "AWS_ENDPOINT_URL"})
            unsetenv(v);
    }
};

struct server_fixture {
    fs::path dir = fresh_dir("cli");
    peer::athena_local_process server{dir / "data"};
    cli_env env{dir / "data"};

    ~server_fixture() {
        server.stop();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }

    peer::command_result aws(const std::string& args) const {
        return peer::run(std::string(aws_cli) + " --endpoint-url " + server.url() + " --output json " + args);
    }
    json::value aws_json(const std::string& args) const {
        auto r = aws(args);
        BOOST_REQUIRE_MESSAGE(r.status == 0, "aws " << args << " failed: " << r.err);
        if (r.out.empty())
            return json::object{};
        return json::parse(r.out);
    }
    std::string s3_text(const std::string& uri) const {
        auto r = aws("s3 cp " + quote(uri) + " -");
        BOOST_REQUIRE_MESSAGE(r.status == 0, "download " << uri << ": " << r.err);
        return r.out;
    }

    std::string wait_session_idle(const std::string& id) const {
        std::string state;
        for (int i = 0; i < 200; ++i) {
            auto v = aws_json("athena get-session-status --session-id " + id);
            state = std::string(v.at("Status").at("State").as_string());
            if (state == "IDLE" || state == "FAILED" || state == "TERMINATED")
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        return state;
    }

    json::object wait_calculation(const std::string& id) const {
        json::object v;
        for (int i = 0; i < 1200; ++i) {
            v = aws_json("athena get-calculation-execution --calculation-execution-id " + id).as_object();
            auto st = std::string(v.at("Status").at("State").as_string());
            if (st == "COMPLETED" || st == "FAILED" || st == "CANCELED")
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return v;
    }

    std::string start_session() const {
        auto v = aws_json("athena start-session --work-group primary-spark --engine-configuration "
                          "CoordinatorDpuSize=1,MaxConcurrentDpus=4,DefaultExecutorDpuSize=1");
        std::string id(v.at("SessionId").as_string());
        BOOST_TEST(std::string(v.at("State").as_string()) == "CREATING");
        BOOST_REQUIRE_EQUAL(wait_session_idle(id), "IDLE");
        return id;
    }
};

std::string write_file(const fs::path& p, std::size_t size, unsigned seed) {
    std::mt19937_64 rng(seed);
    std::string data(size, '\0');
    for (auto& c : data)
        c = static_cast<char>(rng());
    std::ofstream(p, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
    return data;
}

std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), {}};
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(athena_local_awscli, server_fixture)

BOOST_AUTO_TEST_CASE(s3_mb_cp_multipart_ls_rm_presign) {
    BOOST_REQUIRE_EQUAL(aws("s3 mb s3://cli-bucket").status, 0);
    auto src = dir / "fifty.bin";
    auto data = write_file(src, 50 * 1024 * 1024 + 123, 1);
    auto up = aws("s3 cp --no-progress " + quote(src.string()) + " s3://cli-bucket/dir/fifty.bin");
    BOOST_REQUIRE_MESSAGE(up.status == 0, up.err);
    auto head = aws_json("s3api head-object --bucket cli-bucket --key dir/fifty.bin");
    BOOST_TEST(head.at("ContentLength").to_number<std::int64_t>() == static_cast<std::int64_t>(data.size()));
    BOOST_TEST(std::string(head.at("ETag").as_string()).ends_with("-7\"")); // 8 MiB parts: multipart upload
    auto ls = aws("s3 ls --recursive s3://cli-bucket");
    BOOST_TEST(ls.out.find(std::to_string(data.size()) + " dir/fifty.bin") != std::string::npos, ls.out);
    auto back = dir / "back.bin";
    BOOST_REQUIRE_EQUAL(aws("s3 cp --no-progress s3://cli-bucket/dir/fifty.bin " + quote(back.string())).status, 0);
    BOOST_TEST((slurp(back) == data));

    // presigned URL fetched with curl; a tampered one is refused
    std::ofstream(dir / "small.txt") << "presigned content\n";
    BOOST_REQUIRE_EQUAL(aws("s3 cp --no-progress " + quote((dir / "small.txt").string()) + " s3://cli-bucket/small.txt").status, 0);
    auto url = aws("s3 presign s3://cli-bucket/small.txt --expires-in 300").out;
    while (!url.empty() && url.back() == '\n')
        url.pop_back();
    auto got = peer::run("curl -s -w '\\n%{http_code}' " + quote(url));
    BOOST_TEST(got.out == "presigned content\n\n200");
    auto tampered = url;
    tampered.replace(tampered.find("small.txt"), 5, "smbll");
    got = peer::run("curl -s " + quote(tampered));
    BOOST_TEST(got.out.find("<Code>SignatureDoesNotMatch</Code>") != std::string::npos, got.out);

    BOOST_REQUIRE_EQUAL(aws("s3 rm --recursive s3://cli-bucket/").status, 0);
    BOOST_TEST(aws("s3 ls --recursive s3://cli-bucket").out.empty());
    BOOST_TEST(aws("s3 rb s3://cli-bucket").status == 0);
    auto gone = aws("s3api head-bucket --bucket cli-bucket");
    BOOST_TEST(gone.status != 0);
    BOOST_TEST(gone.err.find("404") != std::string::npos, gone.err);
}

BOOST_AUTO_TEST_CASE(s3api_list_objects_v2_paging) {
    BOOST_REQUIRE_EQUAL(aws("s3 mb s3://paging").status, 0);
    auto src = dir / "many";
    fs::create_directories(src / "sub");
    for (int i = 0; i < 23; ++i)
        std::ofstream(src / (i % 2 ? "sub" : ".") / ("f" + std::to_string(100 + i))) << i;
    BOOST_REQUIRE_EQUAL(aws("s3 cp --no-progress --recursive " + quote(src.string()) + " s3://paging/p/").status, 0);
    auto page = aws_json("s3api list-objects-v2 --bucket paging --max-items 10 --page-size 4");
    BOOST_TEST(page.at("Contents").as_array().size() == 10u);
    std::string token(page.at("NextToken").as_string());
    auto rest = aws_json("s3api list-objects-v2 --bucket paging --page-size 4 --starting-token " + quote(token));
    BOOST_TEST(rest.at("Contents").as_array().size() == 13u);
    std::vector<std::string> keys;
    for (auto& c : page.at("Contents").as_array())
        keys.emplace_back(c.at("Key").as_string());
    for (auto& c : rest.at("Contents").as_array())
        keys.emplace_back(c.at("Key").as_string());
    BOOST_TEST(std::is_sorted(keys.begin(), keys.end()));
    BOOST_TEST((std::adjacent_find(keys.begin(), keys.end()) == keys.end()));
    auto raw = aws_json("s3api list-objects-v2 --bucket paging --no-paginate --max-keys 5 --prefix p/ --delimiter /");
    BOOST_TEST(raw.at("IsTruncated").as_bool());
    BOOST_TEST(raw.at("KeyCount").to_number<int>() == 5);
    BOOST_TEST(raw.as_object().contains("NextContinuationToken"));
    auto dirs = aws_json("s3api list-objects-v2 --bucket paging --prefix p/ --delimiter / --no-paginate");
    BOOST_REQUIRE(dirs.as_object().contains("CommonPrefixes"));
    BOOST_TEST(std::string(dirs.at("CommonPrefixes").at(0).at("Prefix").as_string()) == "p/sub/");
    BOOST_TEST(dirs.at("Contents").as_array().size() == 12u);
}

BOOST_AUTO_TEST_CASE(glue_databases_and_tables) {
    BOOST_REQUIRE_EQUAL(aws("glue create-database --database-input Name=TPCH,Description=bench").status, 0);
    auto dbs = aws_json("glue get-databases");
    bool found = false;
    for (auto& d : dbs.at("DatabaseList").as_array())
        found |= d.at("Name").as_string() == "tpch";
    BOOST_TEST(found);
    std::string table = R"({"Name":"nation","TableType":"EXTERNAL_TABLE","Parameters":{"classification":"parquet"},)"
                        R"("StorageDescriptor":{"Columns":[{"Name":"n_nationkey","Type":"int"},{"Name":"n_name","Type":"string"}],)"
                        R"("Location":"s3://data/tpch/nation/",)"
                        R"("InputFormat":"org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",)"
                        R"("OutputFormat":"org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",)"
                        R"("SerdeInfo":{"SerializationLibrary":"org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}})";
    BOOST_REQUIRE_EQUAL(aws("glue create-table --database-name tpch --table-input " + quote(table)).status, 0);
    auto dup = aws("glue create-table --database-name tpch --table-input " + quote(table));
    BOOST_TEST(dup.status != 0);
    BOOST_TEST(dup.err.find("AlreadyExistsException") != std::string::npos, dup.err);
    auto tables = aws_json("glue get-tables --database-name tpch");
    BOOST_REQUIRE(tables.at("TableList").as_array().size() == 1u);
    auto& t = tables.at("TableList").at(0);
    BOOST_TEST(t.at("Name").as_string() == "nation");
    BOOST_TEST(t.at("StorageDescriptor").at("Location").as_string() == "s3://data/tpch/nation/");
    BOOST_TEST(t.at("StorageDescriptor").at("Columns").as_array().size() == 2u);
    BOOST_REQUIRE_EQUAL(aws("glue delete-table --database-name tpch --name nation").status, 0);
    auto missing = aws("glue get-table --database-name tpch --name nation");
    BOOST_TEST(missing.status != 0);
    BOOST_TEST(missing.err.find("EntityNotFoundException") != std::string::npos, missing.err);
}

BOOST_AUTO_TEST_CASE(athena_sessions_and_calculations) {
    auto sql_wg = aws("athena start-session --work-group primary --engine-configuration MaxConcurrentDpus=4");
    BOOST_TEST(sql_wg.status != 0);
    BOOST_TEST(sql_wg.err.find("InvalidRequestException") != std::string::npos, sql_wg.err);
    auto bad_dpus = aws("athena start-session --work-group primary-spark --engine-configuration MaxConcurrentDpus=6000");
    BOOST_TEST(bad_dpus.err.find("InvalidRequestException") != std::string::npos, bad_dpus.err);

    auto wg = aws_json("athena get-work-group --work-group primary-spark");
    BOOST_TEST(wg.at("WorkGroup").at("Configuration").at("EngineVersion").at("EffectiveEngineVersion").as_string() ==
               "PySpark engine version 3");

    auto session = start_session();
    // %%sql cell
    auto c1 = aws_json("athena start-calculation-execution --session-id " + session + " --code-block " +
                       quote("%%sql\nSELECT 1 AS x, 'a' AS y"));
    std::string id1(c1.at("CalculationExecutionId").as_string());
    auto done = wait_calculation(id1);
    BOOST_REQUIRE_EQUAL(std::string(done.at("Status").at("State").as_string()), "COMPLETED");
    BOOST_TEST(done.at("SessionId").as_string() == session);
    auto out = s3_text(std::string(done.at("Result").at("StdOutS3Uri").as_string()));
    BOOST_TEST(out.find("|  x|  y|") != std::string::npos, out);
    BOOST_TEST(out.find("|  1|  a|") != std::string::npos, out);
    auto code = aws_json("athena get-calculation-execution-code --calculation-execution-id " + id1);
    BOOST_TEST(code.at("CodeBlock").as_string() == "%%sql\nSELECT 1 AS x, 'a' AS y");

    // the bb-async template, with SQL that would break naive quoting
    // Spark SQL string literal rules: \' is a quote, \\ a backslash ('' would concatenate two literals)
    std::string sql = "SELECT 42 AS answer, 'it\\'s \"quoted\" \\\\ \"\"\"' AS s, CAST(1.50 AS DECIMAL(5,2)) AS d";
    auto block = protocol::spark::make_code_block(sql);
    auto block_file = dir / "block.py";
    std::ofstream(block_file) << block;
    auto c2 = aws_json("athena start-calculation-execution --session-id " + session + " --code-block " +
                       quote("file://" + block_file.string()));
    auto done2 = wait_calculation(std::string(c2.at("CalculationExecutionId").as_string()));
    BOOST_REQUIRE_EQUAL(std::string(done2.at("Status").at("State").as_string()), "COMPLETED");
    auto out2 = s3_text(std::string(done2.at("Result").at("StdOutS3Uri").as_string()));
    protocol::spark::result_set rs;
    std::string message;
    BOOST_REQUIRE_MESSAGE(!protocol::spark::parse_result(out2, rs, message), message << "\n" << out2);
    BOOST_REQUIRE(rs.rows.size() == 1u);
    BOOST_TEST(*rs.rows[0][0] == "42");
    BOOST_TEST(*rs.rows[0][1] == "it's \"quoted\" \\ \"\"\"");
    BOOST_TEST(*rs.rows[0][2] == "1.50");

    // a long calculation, stopped
    auto c3 = aws_json("athena start-calculation-execution --session-id " + session + " --code-block " +
                       quote("%%sql\nSELECT count(*) FROM range(100000000000) a(x) WHERE x % 7 = 3"));
    std::string id3(c3.at("CalculationExecutionId").as_string());
    auto busy = aws("athena start-calculation-execution --session-id " + session + " --code-block " +
                    quote("%%sql\nSELECT 1"));
    BOOST_TEST(busy.status != 0);
    BOOST_TEST(busy.err.find("InvalidRequestException") != std::string::npos, busy.err);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    BOOST_REQUIRE_EQUAL(aws("athena stop-calculation-execution --calculation-execution-id " + id3).status, 0);
    auto stopped = wait_calculation(id3);
    BOOST_TEST(std::string(stopped.at("Status").at("State").as_string()) == "CANCELED");
    BOOST_TEST(wait_session_idle(session) == "IDLE");

    auto calcs = aws_json("athena list-calculation-executions --session-id " + session);
    BOOST_TEST(calcs.at("Calculations").as_array().size() == 3u);
    auto term = aws_json("athena terminate-session --session-id " + session);
    BOOST_TEST((term.at("State").as_string() == "TERMINATING" || term.at("State").as_string() == "TERMINATED"));
    BOOST_TEST(wait_session_idle(session) == "TERMINATED");
    auto list = aws_json("athena list-sessions --work-group primary-spark");
    bool listed = false;
    for (auto& s : list.at("Sessions").as_array())
        listed |= s.at("SessionId").as_string() == session && s.at("Status").at("State").as_string() == "TERMINATED";
    BOOST_TEST(listed);
}

BOOST_AUTO_TEST_CASE(refusals_carry_aws_error_codes) {
    BOOST_REQUIRE_EQUAL(aws("s3 mb s3://guarded").status, 0);
    auto creds = dir / "data" / "credentials";
    std::string key = read_key(creds, "aws_access_key_id"), secret = read_key(creds, "aws_secret_access_key");
    BOOST_REQUIRE(!key.empty());
    std::string wrong = "AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_ACCESS_KEY_ID=" + key +
                        " AWS_SECRET_ACCESS_KEY=wrong-secret-key-0000000000000000000000 ";
    auto r = peer::run(wrong + aws_cli + " --endpoint-url " + server.url() + " s3 ls s3://guarded");
    BOOST_TEST(r.err.find("SignatureDoesNotMatch") != std::string::npos, r.err);
    r = peer::run(wrong + aws_cli + " --endpoint-url " + server.url() + " athena list-work-groups");
    BOOST_TEST(r.err.find("InvalidSignatureException") != std::string::npos, r.err);
    r = peer::run(wrong + aws_cli + " --endpoint-url " + server.url() + " glue get-databases");
    BOOST_TEST(r.err.find("InvalidSignatureException") != std::string::npos, r.err);
    r = aws("--no-sign-request s3 ls s3://guarded");
    BOOST_TEST(r.err.find("AccessDenied") != std::string::npos, r.err);
    BOOST_TEST(r.err.find(secret) == std::string::npos);

    // a request signed 20 minutes ago (its own clock is wrong): RequestTimeTooSkewed
    auto host = server.url().substr(7);
    std::error_code ec;
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    auto when = aws_sigv4::signing_time::from_unix(now - 20 * 60, ec);
    aws_sigv4::credentials c{key, secret, {}};
    auto cfg = aws_sigv4::settings::s3();
    aws_sigv4::signing_params p{c, "us-east-1", "s3", when, aws_sigv4::payload::empty_sha256, cfg};
    std::vector<aws_sigv4::header_view> hv{{"Host", host}};
    aws_sigv4::signing_result out;
    BOOST_REQUIRE(!aws_sigv4::sign({"GET", "/guarded?list-type=2", hv}, p, out));
    std::string curl = "curl -s ";
    for (auto& [n, v] : out.headers_to_add)
        curl += "-H " + quote(n + ": " + v) + " ";
    auto stale = peer::run(curl + quote(server.url() + "/guarded?list-type=2"));
    BOOST_TEST(stale.out.find("<Code>RequestTimeTooSkewed</Code>") != std::string::npos, stale.out);
    // the same request signed now is accepted
    p.time = aws_sigv4::signing_time::from_unix(now, ec);
    BOOST_REQUIRE(!aws_sigv4::sign({"GET", "/guarded?list-type=2", hv}, p, out));
    curl = "curl -s ";
    for (auto& [n, v] : out.headers_to_add)
        curl += "-H " + quote(n + ": " + v) + " ";
    auto fresh = peer::run(curl + quote(server.url() + "/guarded?list-type=2"));
    BOOST_TEST(fresh.out.find("<ListBucketResult") != std::string::npos, fresh.out);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(athena_local_crash)

// kill -9 while the AWS CLI uploads: after a restart every object that is listed is complete and intact, and
// no partial object is visible.
BOOST_AUTO_TEST_CASE(kill_during_uploads_keeps_completed_objects_only) {
    auto dir = fresh_dir("crash");
    auto src = dir / "src";
    fs::create_directories(src);
    std::map<std::string, std::string> files;
    for (int i = 0; i < 12; ++i) {
        auto name = "obj" + std::to_string(i);
        files[name] = write_file(src / name, (i % 3 == 0 ? 9 : 3) * 1024 * 1024 + static_cast<std::size_t>(i), 10 + i);
    }
    std::string url;
    {
        peer::athena_local_process server(dir / "data");
        cli_env env(dir / "data");
        url = server.url();
        BOOST_REQUIRE_EQUAL(peer::run(std::string(aws_cli) + " --endpoint-url " + url + " s3 mb s3://crash").status, 0);
        std::string cmd = std::string(aws_cli) + " --endpoint-url " + url +
                          " s3 cp --no-progress --recursive " + quote(src.string()) + " s3://crash/ >/dev/null 2>&1 &";
        std::system(cmd.c_str());
        // wait until at least one object has committed, then kill the server mid-stream
        auto meta = dir / "data" / "s3" / "crash" / "meta";
        for (int i = 0; i < 1000; ++i) {
            if (fs::exists(meta) && std::distance(fs::directory_iterator(meta), fs::directory_iterator{}) >= 2)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        server.kill9();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    peer::athena_local_process server(dir / "data");
    cli_env env(dir / "data");
    auto ls = peer::run(std::string(aws_cli) + " --endpoint-url " + server.url() +
                        " --output json s3api list-objects-v2 --bucket crash");
    BOOST_REQUIRE_MESSAGE(ls.status == 0, ls.err);
    auto v = json::parse(ls.out.empty() ? "{}" : ls.out);
    std::size_t listed = 0;
    if (v.as_object().contains("Contents"))
        for (auto& c : v.at("Contents").as_array()) {
            std::string key(c.at("Key").as_string());
            BOOST_REQUIRE(files.count(key));
            auto got = peer::run(std::string(aws_cli) + " --endpoint-url " + server.url() + " s3 cp s3://crash/" + key + " -");
            BOOST_TEST((got.out == files[key]), key << " is not intact after the crash");
            ++listed;
        }
    BOOST_TEST(listed >= 1u);
    BOOST_TEST_MESSAGE(listed << " of " << files.size() << " objects had committed before kill -9");
    server.stop();
    std::error_code ec;
    fs::remove_all(dir, ec);
}

BOOST_AUTO_TEST_SUITE_END()
