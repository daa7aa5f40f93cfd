// Athena (JSON 1.1): exact request bodies and targets, decoders on realistic bodies.
#include <protocol/athena.hpp>
#include <protocol/error.hpp>

#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace protocol;
using namespace protocol::athena;

namespace {

const endpoint ep{"https", "athena.eu-west-1.amazonaws.com", 443, "", false};
const std::string token = "0123456789abcdef0123456789abcdef"; // 32 chars

std::string target_of(const http_request& r) {
    return *r.find_header("X-Amz-Target");
}

} // namespace

BOOST_AUTO_TEST_SUITE(protocol_athena)

BOOST_AUTO_TEST_CASE(start_session_request) {
    start_session_input in;
    in.work_group = "spark-tpch";
    in.engine.max_concurrent_dpus = 20;
    in.engine.coordinator_dpu_size = 1;
    in.engine.spark_properties = {{"spark.sql.shuffle.partitions", "64"}};
    in.description = "tpch \"sf1\"";
    in.session_idle_timeout_minutes = 15;
    in.client_request_token = token;
    http_request r;
    BOOST_REQUIRE(!build_start_session(ep, in, r));
    BOOST_TEST(r.method == "POST");
    BOOST_TEST(r.host == "athena.eu-west-1.amazonaws.com");
    BOOST_TEST(r.path == "/");
    BOOST_TEST(target_of(r) == "AmazonAthena.StartSession");
    BOOST_TEST(*r.find_header("Content-Type") == "application/x-amz-json-1.1");
    BOOST_TEST(r.signing_name == "athena");
    BOOST_TEST(r.body == R"({"Description":"tpch \"sf1\"","WorkGroup":"spark-tpch","EngineConfiguration":{)"
                         R"("CoordinatorDpuSize":1,"MaxConcurrentDpus":20,"SparkProperties":{)"
                         R"("spark.sql.shuffle.partitions":"64"}},"SessionIdleTimeoutInMinutes":15,)"
                         R"("ClientRequestToken":"0123456789abcdef0123456789abcdef"})");
}

BOOST_AUTO_TEST_CASE(start_session_validation) {
    start_session_input in;
    in.work_group = "wg";
    in.engine.max_concurrent_dpus = 20;
    in.client_request_token = token;
    http_request r;
    BOOST_TEST(!build_start_session(ep, in, r));
    in.client_request_token = std::string(31, 'a');
    BOOST_TEST(build_start_session(ep, in, r) == error::invalid_client_token);
    in.client_request_token = std::string(129, 'a');
    BOOST_TEST(build_start_session(ep, in, r) == error::invalid_client_token);
    in.client_request_token = std::string(128, 'a');
    BOOST_TEST(!build_start_session(ep, in, r));
    in.engine.max_concurrent_dpus = 1;
    BOOST_TEST(build_start_session(ep, in, r) == error::invalid_parameter);
    in.engine.max_concurrent_dpus = 2;
    in.session_idle_timeout_minutes = 481;
    BOOST_TEST(build_start_session(ep, in, r) == error::invalid_parameter);
    in.session_idle_timeout_minutes.reset();
    in.work_group.clear();
    BOOST_TEST(build_start_session(ep, in, r) == error::missing_parameter);
}

BOOST_AUTO_TEST_CASE(single_id_requests) {
    http_request r;
    BOOST_REQUIRE(!build_get_session(ep, "s-1", r));
    BOOST_TEST(target_of(r) == "AmazonAthena.GetSession");
    BOOST_TEST(r.body == R"({"SessionId":"s-1"})");
    BOOST_REQUIRE(!build_get_session_status(ep, "s-1", r));
    BOOST_TEST(target_of(r) == "AmazonAthena.GetSessionStatus");
    BOOST_REQUIRE(!build_terminate_session(ep, "s-1", r));
    BOOST_TEST(target_of(r) == "AmazonAthena.TerminateSession");
    BOOST_REQUIRE(!build_get_calculation_execution(ep, "c-1", r));
    BOOST_TEST(target_of(r) == "AmazonAthena.GetCalculationExecution");
    BOOST_TEST(r.body == R"({"CalculationExecutionId":"c-1"})");
    BOOST_REQUIRE(!build_get_calculation_execution_status(ep, "c-1", r));
    BOOST_TEST(target_of(r) == "AmazonAthena.GetCalculationExecutionStatus");
    BOOST_REQUIRE(!build_get_calculation_execution_code(ep, "c-1", r));
    BOOST_TEST(target_of(r) == "AmazonAthena.GetCalculationExecutionCode");
    BOOST_REQUIRE(!build_stop_calculation_execution(ep, "c-1", r));
    BOOST_TEST(target_of(r) == "AmazonAthena.StopCalculationExecution");
    BOOST_REQUIRE(!build_get_work_group(ep, "primary", r));
    BOOST_TEST(r.body == R"({"WorkGroup":"primary"})");
    BOOST_TEST(build_get_session(ep, "", r) == error::missing_parameter);
    BOOST_TEST(build_get_calculation_execution(ep, std::string(37, 'c'), r) == error::invalid_parameter);
}

BOOST_AUTO_TEST_CASE(start_calculation_request) {
    start_calculation_input in{"s-1", "print(1)\n", "q01", token};
    http_request r;
    BOOST_REQUIRE(!build_start_calculation_execution(ep, in, r));
    BOOST_TEST(target_of(r) == "AmazonAthena.StartCalculationExecution");
    BOOST_TEST(r.body == R"({"SessionId":"s-1","Description":"q01","CodeBlock":"print(1)\n",)"
                         R"("ClientRequestToken":"0123456789abcdef0123456789abcdef"})");
    in.code_block = std::string(68001, 'x');
    BOOST_TEST(build_start_calculation_execution(ep, in, r) == error::invalid_parameter);
    in.code_block.clear();
    BOOST_TEST(build_start_calculation_execution(ep, in, r) == error::missing_parameter);
    in.code_block = "x";
    in.client_request_token = "short";
    BOOST_TEST(build_start_calculation_execution(ep, in, r) == error::invalid_client_token);
}

BOOST_AUTO_TEST_CASE(list_requests_with_paging) {
    http_request r;
    list_sessions_input ls{"spark-tpch", session_state::idle, 50, "tok"};
    BOOST_REQUIRE(!build_list_sessions(ep, ls, r));
    BOOST_TEST(r.body ==
               R"({"WorkGroup":"spark-tpch","StateFilter":"IDLE","MaxResults":50,"NextToken":"tok"})");
    ls.max_results = 101;
    BOOST_TEST(build_list_sessions(ep, ls, r) == error::invalid_parameter);
    list_calculations_input lc{"s-1", std::nullopt, std::nullopt, ""};
    BOOST_REQUIRE(!build_list_calculation_executions(ep, lc, r));
    BOOST_TEST(target_of(r) == "AmazonAthena.ListCalculationExecutions");
    BOOST_TEST(r.body == R"({"SessionId":"s-1"})");
    list_work_groups_input lw{50, "n"};
    BOOST_REQUIRE(!build_list_work_groups(ep, lw, r));
    BOOST_TEST(r.body == R"({"NextToken":"n","MaxResults":50})");
    lw = {};
    BOOST_REQUIRE(!build_list_work_groups(ep, lw, r));
    BOOST_TEST(r.body == "{}");
}

BOOST_AUTO_TEST_CASE(create_work_group_request) {
    create_work_group_input in;
    in.name = "spark-tpch";
    in.description = "TPC-H";
    in.configuration.output_location = "s3://results/spark-tpch/";
    in.configuration.engine.selected = "PySpark engine version 3";
    in.configuration.execution_role = "arn:aws:iam::123456789012:role/AthenaSparkRole";
    in.configuration.publish_cloudwatch_metrics_enabled = true;
    in.tags = {{"project", "bb-async"}};
    http_request r;
    BOOST_REQUIRE(!build_create_work_group(ep, in, r));
    BOOST_TEST(target_of(r) == "AmazonAthena.CreateWorkGroup");
    BOOST_TEST(r.body ==
               R"({"Name":"spark-tpch","Configuration":{"ResultConfiguration":{"OutputLocation":)"
               R"("s3://results/spark-tpch/"},"PublishCloudWatchMetricsEnabled":true,"EngineVersion":)"
               R"({"SelectedEngineVersion":"PySpark engine version 3"},"ExecutionRole":)"
               R"("arn:aws:iam::123456789012:role/AthenaSparkRole"},"Description":"TPC-H",)"
               R"("Tags":[{"Key":"project","Value":"bb-async"}]})");
    in.name = "bad name";
    BOOST_TEST(build_create_work_group(ep, in, r) == error::invalid_parameter);
    BOOST_TEST(!decode_create_work_group(test::ok("{}").view()));
}

BOOST_AUTO_TEST_CASE(decode_sessions) {
    start_session_output s;
    BOOST_REQUIRE(!decode_start_session(test::ok(test::fixture("athena/start_session.json")).view(), s));
    BOOST_TEST(s.session_id == "2ec5a2b1-7c3f-4d0e-9a51-3f6b8c1d2e4f");
    BOOST_TEST(to_string(s.state) == "CREATING");

    get_session_output g;
    BOOST_REQUIRE(!decode_get_session(test::ok(test::fixture("athena/get_session.json")).view(), g));
    BOOST_TEST(g.work_group == "spark-tpch");
    BOOST_TEST(g.engine_version == "PySpark engine version 3");
    BOOST_REQUIRE(g.engine);
    BOOST_TEST(g.engine->max_concurrent_dpus == 20);
    BOOST_TEST(g.engine->coordinator_dpu_size.value() == 1);
    BOOST_TEST(g.engine->spark_properties.at("spark.sql.shuffle.partitions") == "64");
    BOOST_TEST(g.engine->additional_configs.at("NotebookId") == "b6f1a9e0");
    BOOST_TEST(g.execution_role == "arn:aws:iam::123456789012:role/AthenaSparkRole");
    BOOST_TEST(g.idle_timeout_seconds.value() == 900);
    BOOST_TEST(to_string(g.status.state) == "IDLE");
    BOOST_TEST(test::ms(g.status.start_time.value()) == 1709287200123LL);
    BOOST_TEST(test::ms(g.status.idle_since_time.value()) == 1709287260500LL);
    BOOST_TEST(!g.status.end_time);
    BOOST_TEST(g.dpu_execution_millis.value() == 123456);

    get_session_status_output st;
    BOOST_REQUIRE(
        !decode_get_session_status(test::ok(test::fixture("athena/get_session_status.json")).view(), st));
    BOOST_TEST(to_string(st.status.state) == "TERMINATED");
    BOOST_TEST(is_final(st.status.state));
    BOOST_TEST(test::ms(st.status.end_time.value()) == 1709290800000LL);

    list_sessions_output ls;
    BOOST_REQUIRE(!decode_list_sessions(test::ok(test::fixture("athena/list_sessions.json")).view(), ls));
    BOOST_TEST(ls.next_token == "AQICAHhB2...page2");
    BOOST_REQUIRE(ls.sessions.size() == 2u);
    BOOST_TEST(ls.sessions[0].engine.effective == "PySpark engine version 3");
    BOOST_TEST(to_string(ls.sessions[0].status.state) == "BUSY");
    BOOST_TEST((ls.sessions[1].status.state == session_state::unknown)); // forward compatible
    BOOST_TEST(test::ms(ls.sessions[1].status.start_time.value()) == 1709287300250LL);

    terminate_session_output t;
    BOOST_REQUIRE(!decode_terminate_session(test::ok(R"({"State":"TERMINATING"})").view(), t));
    BOOST_TEST(to_string(t.state) == "TERMINATING");
    BOOST_TEST(!is_final(t.state));
}

BOOST_AUTO_TEST_CASE(decode_calculations) {
    start_calculation_output s;
    BOOST_REQUIRE(!decode_start_calculation_execution(
        test::ok(test::fixture("athena/start_calculation_execution.json")).view(), s));
    BOOST_TEST(s.calculation_execution_id == "c7e3a1d2-0b4f-4e6a-8d9c-1f2e3a4b5c6d");

    get_calculation_output g;
    BOOST_REQUIRE(!decode_get_calculation_execution(
        test::ok(test::fixture("athena/get_calculation_execution.json")).view(), g));
    BOOST_TEST(g.session_id == "2ec5a2b1-7c3f-4d0e-9a51-3f6b8c1d2e4f");
    BOOST_TEST(to_string(g.status.state) == "COMPLETED");
    BOOST_TEST(is_final(g.status.state));
    BOOST_TEST(g.status.state_change_reason.empty()); // null
    BOOST_TEST(test::ms(g.status.completion_time.value()) == 1709287342999LL);
    BOOST_TEST(g.statistics.dpu_execution_millis.value() == 41998);
    BOOST_TEST(g.statistics.progress == "100%");
    BOOST_TEST(g.result.result_s3_uri ==
               "s3://athena-spark-results/spark-tpch/2ec5a2b1/c7e3a1d2/result.json");
    BOOST_TEST(g.result.result_type == "application/vnd.jupyter.display-data+json");

    get_calculation_status_output st;
    BOOST_REQUIRE(!decode_get_calculation_execution_status(
        test::ok(test::fixture("athena/get_calculation_execution_status.json")).view(), st));
    BOOST_TEST(to_string(st.status.state) == "RUNNING");
    BOOST_TEST(st.statistics.progress == "Stage 3/7");

    std::string code;
    BOOST_REQUIRE(!decode_get_calculation_execution_code(
        test::ok(test::fixture("athena/get_calculation_execution_code.json")).view(), code));
    BOOST_TEST(code == "df = spark.read.parquet(\"s3://tpch/sf1/lineitem/\")\nprint(df.count())\n");

    stop_calculation_output stop;
    BOOST_REQUIRE(!decode_stop_calculation_execution(test::ok(R"({"State":"CANCELING"})").view(), stop));
    BOOST_TEST(to_string(stop.state) == "CANCELING");

    list_calculations_output lc;
    BOOST_REQUIRE(!decode_list_calculation_executions(
        test::ok(test::fixture("athena/list_calculation_executions.json")).view(), lc));
    BOOST_REQUIRE(lc.calculations.size() == 2u);
    BOOST_TEST(lc.next_token.empty());
    BOOST_TEST(to_string(lc.calculations[1].status.state) == "FAILED");
    BOOST_TEST(lc.calculations[1].status.state_change_reason.starts_with("Traceback"));
}

BOOST_AUTO_TEST_CASE(decode_work_groups) {
    work_group wg;
    BOOST_REQUIRE(!decode_get_work_group(test::ok(test::fixture("athena/get_work_group.json")).view(), wg));
    BOOST_TEST(wg.name == "spark-tpch");
    BOOST_TEST(wg.state == "ENABLED");
    BOOST_TEST(wg.configuration.output_location == "s3://athena-spark-results/spark-tpch/");
    BOOST_TEST(wg.configuration.encryption_option == "SSE_S3");
    BOOST_TEST(wg.configuration.enforce_work_group_configuration.value());
    BOOST_TEST(!wg.configuration.publish_cloudwatch_metrics_enabled.value());
    BOOST_TEST(wg.configuration.engine.selected == "PySpark engine version 3");
    BOOST_TEST(wg.configuration.execution_role == "arn:aws:iam::123456789012:role/AthenaSparkRole");
    BOOST_TEST(test::ms(wg.creation_time.value()) == 1709200000000LL);

    list_work_groups_output lw;
    BOOST_REQUIRE(
        !decode_list_work_groups(test::ok(test::fixture("athena/list_work_groups.json")).view(), lw));
    BOOST_REQUIRE(lw.work_groups.size() == 2u);
    BOOST_TEST(lw.work_groups[0].engine.effective == "Athena engine version 3");
    BOOST_TEST(lw.work_groups[1].state == "DISABLED");
}

BOOST_AUTO_TEST_CASE(decode_errors) {
    start_session_output s;
    BOOST_TEST(decode_start_session(test::ok("{}", 400).view(), s) == error::not_success);
    BOOST_TEST(decode_start_session(test::ok("{").view(), s) == error::malformed_json);
    BOOST_TEST(decode_start_session(test::ok("[1]").view(), s) == error::malformed_json);
    BOOST_TEST(decode_start_session(test::ok("{}").view(), s) == error::missing_field);
    BOOST_TEST(decode_start_session(test::ok(R"({"SessionId":5})").view(), s) == error::wrong_type);
    get_session_status_output st;
    BOOST_TEST(decode_get_session_status(test::ok(R"({"Status":{"StartDateTime":"yesterday"}})").view(),
                                         st) == error::wrong_type);
    BOOST_TEST(decode_get_session_status(test::ok(R"({"Status":{"StartDateTime":1e300}})").view(), st) ==
               error::bad_value);
    BOOST_TEST(decode_get_session_status(test::ok(R"({"Status":[]})").view(), st) == error::wrong_type);
    work_group wg;
    BOOST_TEST(decode_get_work_group(test::ok("{}").view(), wg) == error::missing_field);
    list_sessions_output ls;
    BOOST_TEST(decode_list_sessions(test::ok(R"({"Sessions":{}})").view(), ls) == error::wrong_type);
    BOOST_TEST(decode_list_sessions(test::ok(R"({"Sessions":[1]})").view(), ls) == error::wrong_type);
    // Empty body of a 200 reads as {}.
    terminate_session_output t;
    BOOST_TEST(!decode_terminate_session(test::ok("").view(), t));
}

BOOST_AUTO_TEST_SUITE_END()
