// The AmazonAthena.* service without HTTP: validation ranges, idempotency tokens, the session state machine,
// the DPU quota, the idle timeout, calculation states in simulation mode, paging.
#include "athena/athena_service.hpp"
#include "s3/store.hpp"

#include <athena_local/glue.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <random>

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace athena_local;

namespace {

struct fixture {
    boost::asio::io_context io;
    fs::path dir;
    std::unique_ptr<s3::disk_store> store;
    glue_catalog catalog{fs::path{}};
    std::unique_ptr<athena::athena_service> svc;

    explicit fixture(athena::athena_options o = sim()) {
        std::random_device rd;
        dir = fs::temp_directory_path() / ("al-athena-" + std::to_string(rd()));
        store = std::make_unique<s3::disk_store>(dir / "s3", false);
        std::string msg;
        store->open(msg);
        svc = std::make_unique<athena::athena_service>(service_env{io.get_executor(), store.get(), dir, 1}, catalog, o);
    }
    ~fixture() {
        svc->shutdown();
        svc.reset();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    static athena::athena_options sim() {
        athena::athena_options o;
        std::string why;
        parse_distribution("fixed:5ms", o.simulate, why);
        o.creating_ms = 5;
        o.created_ms = 1;
        return o;
    }
    json_reply call(std::string_view op, const json::object& body) {
        json_reply out;
        svc->handle(op, json::serialize(body), request_context{"r", "us-east-1", "AK"}, [&](json_reply r) { out = std::move(r); });
        return out;
    }
    json::object ok(std::string_view op, const json::object& body) {
        auto r = call(op, body);
        BOOST_REQUIRE_MESSAGE(r.status == 200, op << ": " << r.body);
        return json::parse(r.body).as_object();
    }
    std::string error_type(std::string_view op, const json::object& body) {
        auto r = call(op, body);
        if (r.status == 200)
            return "200";
        return std::string(json::parse(r.body).at("__type").as_string());
    }
    /// Runs the loop until `done()` holds (at most 10 s, so a slow sanitizer build is not a failure).
    template <class Pred>
    bool run_until(Pred done) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline)
                return false;
            io.run_for(std::chrono::milliseconds(1));
            io.restart();
        }
        return true;
    }
    std::string session_state(const std::string& id) {
        return std::string(ok("GetSessionStatus", {{"SessionId", id}}).at("Status").at("State").as_string());
    }
    std::string calc_state(const std::string& id) {
        return std::string(
            ok("GetCalculationExecutionStatus", {{"CalculationExecutionId", id}}).at("Status").at("State").as_string());
    }
    std::string start_idle_session(int dpus = 4) {
        auto s = ok("StartSession", {{"WorkGroup", "primary-spark"},
                                     {"EngineConfiguration", json::object{{"MaxConcurrentDpus", dpus}}}});
        std::string id(s.at("SessionId").as_string());
        BOOST_REQUIRE(run_until([&] { return session_state(id) == "IDLE"; }));
        return id;
    }
};

json::object engine(int dpus) { return {{"MaxConcurrentDpus", dpus}}; }

} // namespace

BOOST_AUTO_TEST_SUITE(athena_local_athena)

BOOST_AUTO_TEST_CASE(start_session_validation) {
    fixture f;
    BOOST_TEST(f.error_type("StartSession", {{"EngineConfiguration", engine(4)}}) == "InvalidRequestException");
    BOOST_TEST(f.error_type("StartSession", {{"WorkGroup", "primary-spark"}}) == "InvalidRequestException");
    BOOST_TEST(f.error_type("StartSession", {{"WorkGroup", "primary-spark"}, {"EngineConfiguration", engine(1)}}) ==
               "InvalidRequestException");
    BOOST_TEST(f.error_type("StartSession", {{"WorkGroup", "primary-spark"}, {"EngineConfiguration", engine(5001)}}) ==
               "InvalidRequestException");
    BOOST_TEST(f.error_type("StartSession", {{"WorkGroup", "primary-spark"},
                                             {"EngineConfiguration", engine(4)},
                                             {"SessionIdleTimeoutInMinutes", 481}}) == "InvalidRequestException");
    BOOST_TEST(f.error_type("StartSession", {{"WorkGroup", "nope"}, {"EngineConfiguration", engine(4)}}) ==
               "InvalidRequestException");
    auto sql = f.call("StartSession", {{"WorkGroup", "primary"}, {"EngineConfiguration", engine(4)}});
    BOOST_TEST(sql.status == 400u);
    BOOST_TEST(sql.body.find("Apache Spark") != std::string::npos);
    BOOST_TEST(f.error_type("Frobnicate", {}) == "UnknownOperationException");
    json_reply bad;
    f.svc->handle("ListSessions", "{not json", {}, [&](json_reply r) { bad = std::move(r); });
    BOOST_TEST(bad.status == 400u);
}

BOOST_AUTO_TEST_CASE(client_request_tokens_are_idempotent) {
    fixture f;
    json::object req{{"WorkGroup", "primary-spark"},
                     {"EngineConfiguration", engine(4)},
                     {"ClientRequestToken", "11111111-2222-3333-4444-555555555555"}};
    auto a = f.ok("StartSession", req);
    auto b = f.ok("StartSession", req);
    BOOST_TEST(a.at("SessionId") == b.at("SessionId"));
    auto list = f.ok("ListSessions", {{"WorkGroup", "primary-spark"}});
    BOOST_TEST(list.at("Sessions").as_array().size() == 1u);
    std::string sid(a.at("SessionId").as_string());
    BOOST_REQUIRE(f.run_until([&] { return f.session_state(sid) == "IDLE"; }));
    json::object c{{"SessionId", sid}, {"CodeBlock", "%%sql\nSELECT 1"}, {"ClientRequestToken", "calc-token-0123456789abcdef0123456789"}};
    auto c1 = f.ok("StartCalculationExecution", c);
    auto c2 = f.ok("StartCalculationExecution", c); // the session is BUSY, but the retry is the same calculation
    BOOST_TEST(c1.at("CalculationExecutionId") == c2.at("CalculationExecutionId"));
}

BOOST_AUTO_TEST_CASE(session_and_calculation_states) {
    fixture f;
    auto s = f.ok("StartSession", {{"WorkGroup", "primary-spark"}, {"EngineConfiguration", engine(4)}});
    std::string sid(s.at("SessionId").as_string());
    BOOST_TEST(std::string(s.at("State").as_string()) == "CREATING");
    BOOST_TEST(f.error_type("StartCalculationExecution", {{"SessionId", sid}, {"CodeBlock", "x"}}) ==
               "InvalidRequestException"); // not IDLE yet
    BOOST_REQUIRE(f.run_until([&] { return f.session_state(sid) == "IDLE"; }));
    auto c = f.ok("StartCalculationExecution", {{"SessionId", sid}, {"CodeBlock", "%%sql\nSELECT 1"}});
    std::string cid(c.at("CalculationExecutionId").as_string());
    BOOST_TEST(f.session_state(sid) == "BUSY");
    BOOST_REQUIRE(f.run_until([&] { return f.calc_state(cid) == "COMPLETED"; }));
    BOOST_TEST(f.session_state(sid) == "IDLE");
    auto full = f.ok("GetCalculationExecution", {{"CalculationExecutionId", cid}});
    BOOST_TEST(full.at("Result").at("StdOutS3Uri").as_string().starts_with(
        "s3://athena-local-results/primary-spark/" + sid + "/" + cid + "/"));
    BOOST_TEST(full.at("Statistics").at("DpuExecutionInMillis").to_number<std::int64_t>() >= 4 * 4); // 4 DPUs x the 5 ms simulated run
    auto code = f.ok("GetCalculationExecutionCode", {{"CalculationExecutionId", cid}});
    BOOST_TEST(code.at("CodeBlock").as_string() == "%%sql\nSELECT 1");
    BOOST_TEST(f.error_type("GetCalculationExecution", {{"CalculationExecutionId", "nope"}}) ==
               "ResourceNotFoundException");

    // stop a calculation in a simulated long run
    auto term = f.ok("TerminateSession", {{"SessionId", sid}});
    BOOST_TEST(std::string(term.at("State").as_string()) == "TERMINATING");
    BOOST_TEST(f.run_until([&] { return f.session_state(sid) == "TERMINATED"; }));
    auto st = f.ok("GetSession", {{"SessionId", sid}});
    BOOST_TEST(st.at("Status").as_object().contains("EndDateTime"));
    BOOST_TEST(st.at("Statistics").at("DpuExecutionInMillis").to_number<std::int64_t>() > 0);
}

BOOST_AUTO_TEST_CASE(stop_calculation_cancels) {
    auto o = fixture::sim();
    std::string why;
    parse_distribution("fixed:10s", o.simulate, why);
    fixture f(o);
    auto sid = f.start_idle_session();
    auto c = f.ok("StartCalculationExecution", {{"SessionId", sid}, {"CodeBlock", "%%sql\nSELECT 1"}});
    std::string cid(c.at("CalculationExecutionId").as_string());
    BOOST_REQUIRE(f.run_until([&] { return f.calc_state(cid) == "RUNNING"; }));
    auto stop = f.ok("StopCalculationExecution", {{"CalculationExecutionId", cid}});
    BOOST_TEST(std::string(stop.at("State").as_string()) == "CANCELED");
    BOOST_TEST(f.session_state(sid) == "IDLE");
}

BOOST_AUTO_TEST_CASE(dpu_quota_refuses_sessions_over_it) {
    auto o = fixture::sim();
    o.dpu_quota = 3;
    fixture f(o);
    f.start_idle_session();
    f.start_idle_session();
    f.start_idle_session(); // three coordinators: 3 DPUs
    auto r = f.call("StartSession", {{"WorkGroup", "primary-spark"}, {"EngineConfiguration", engine(4)}});
    BOOST_TEST(r.status == 400u);
    BOOST_TEST(r.body.find("TooManyRequestsException") != std::string::npos);
    BOOST_TEST(r.body.find("DPU") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(idle_timeout_terminates) {
    fixture f;
    auto s = f.ok("StartSession", {{"WorkGroup", "primary-spark"},
                                   {"EngineConfiguration", engine(4)},
                                   {"SessionIdleTimeoutInMinutes", 1}});
    std::string sid(s.at("SessionId").as_string());
    BOOST_REQUIRE(f.run_until([&] { return f.session_state(sid) == "IDLE"; }));
    // a minute is too long for a unit test: check the timer is armed by reading IdleSinceDateTime instead
    auto st = f.ok("GetSessionStatus", {{"SessionId", sid}});
    BOOST_TEST(st.at("Status").as_object().contains("IdleSinceDateTime"));
    auto full = f.ok("GetSession", {{"SessionId", sid}});
    BOOST_TEST(full.at("SessionConfiguration").at("IdleTimeoutSeconds").to_number<int>() == 60);
}

BOOST_AUTO_TEST_CASE(workgroups_and_paging) {
    fixture f;
    BOOST_TEST(f.error_type("CreateWorkGroup", {{"Name", "bad name!"}}) == "InvalidRequestException");
    f.ok("CreateWorkGroup",
         {{"Name", "bench"},
          {"Configuration", json::object{{"EngineVersion", json::object{{"SelectedEngineVersion", "PySpark engine version 3"}}},
                                         {"ExecutionRole", "arn:aws:iam::123456789012:role/x"},
                                         {"ResultConfiguration", json::object{{"OutputLocation", "s3://bench-results/out"}}}}}});
    BOOST_TEST(f.error_type("CreateWorkGroup", {{"Name", "bench"}}) == "InvalidRequestException");
    auto wg = f.ok("GetWorkGroup", {{"WorkGroup", "bench"}});
    BOOST_TEST(wg.at("WorkGroup").at("Configuration").at("ResultConfiguration").at("OutputLocation").as_string() ==
               "s3://bench-results/out/");
    BOOST_TEST(f.store->bucket_exists("bench-results"));
    {
        // a restart (a new service on the same data directory) keeps the workgroup
        athena::athena_service again(service_env{f.io.get_executor(), f.store.get(), f.dir, 1}, f.catalog, fixture::sim());
        json_reply r;
        again.handle("GetWorkGroup", R"({"WorkGroup":"bench"})", {}, [&](json_reply x) { r = std::move(x); });
        BOOST_TEST(r.status == 200u, r.body);
        BOOST_TEST(r.body.find("s3://bench-results/out/") != std::string::npos);
        again.shutdown();
    }
    auto p1 = f.ok("ListWorkGroups", {{"MaxResults", 2}});
    BOOST_TEST(p1.at("WorkGroups").as_array().size() == 2u);
    auto p2 = f.ok("ListWorkGroups", {{"MaxResults", 2}, {"NextToken", p1.at("NextToken")}});
    BOOST_TEST(p2.at("WorkGroups").as_array().size() == 1u);
    BOOST_TEST(!p2.contains("NextToken"));
    for (int i = 0; i < 5; ++i)
        f.ok("StartSession", {{"WorkGroup", "bench"}, {"EngineConfiguration", engine(2)}});
    auto s1 = f.ok("ListSessions", {{"WorkGroup", "bench"}, {"MaxResults", 3}});
    BOOST_TEST(s1.at("Sessions").as_array().size() == 3u);
    auto s2 = f.ok("ListSessions", {{"WorkGroup", "bench"}, {"MaxResults", 3}, {"NextToken", s1.at("NextToken")}});
    BOOST_TEST(s2.at("Sessions").as_array().size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
