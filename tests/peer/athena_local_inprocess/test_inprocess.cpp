// The embedded default as the driver will use it: athena_local::server and the engine's clients share one
// io_context and one thread; calculations run on the server's worker threads. A calculation made with the
// bb-async template runs, its stdout is fetched from the local S3 with the engine's S3 client and parsed.
#include <athena_local/server.hpp>
#include <engine/clients/athena_client.hpp>
#include <engine/credentials/provider.hpp>
#include <engine/http/client.hpp>
#include <engine/s3/client.hpp>
#include <protocol/endpoint.hpp>
#include <protocol/spark_template.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <random>

namespace asio = boost::asio;
namespace athena = protocol::athena;

BOOST_AUTO_TEST_CASE(server_and_clients_on_one_loop) {
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() / ("athena-local-inproc-" + std::to_string(rd()));
    asio::io_context io(1);
    athena_local::server_options so;
    so.data_dir = dir;
    so.fsync = false;
    athena_local::server server(io.get_executor(), so);
    std::string message;
    BOOST_REQUIRE_MESSAGE(!server.start(message), message);

    protocol::endpoint ep;
    BOOST_REQUIRE(!protocol::parse_endpoint_url(server.url(), ep));
    engine::http::client http(io.get_executor());
    engine::clients::caller caller(http, engine::credentials::make_static_provider(server.credentials()), {});
    engine::clients::athena_client athena_client(caller, ep, "us-east-1");
    engine::s3::client s3(caller, protocol::s3::config{ep, protocol::s3::addressing_style::path}, "us-east-1");

    protocol::spark::result_set result;
    std::string failure;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        asio::steady_timer t(io);
        athena::start_session_input si;
        si.work_group = "primary-spark";
        si.engine.max_concurrent_dpus = 4;
        auto s = co_await athena_client.start_session(si);
        if (!s.ok()) { failure = "StartSession: " + s.call.message; co_return; }
        for (;;) {
            auto st = co_await athena_client.get_session_status(s.value.session_id);
            if (!st.ok()) { failure = "GetSessionStatus: " + st.call.message; co_return; }
            if (st.value.status.state == athena::session_state::idle) break;
            t.expires_after(std::chrono::milliseconds(5));
            co_await t.async_wait(asio::use_awaitable);
        }
        athena::start_calculation_input ci;
        ci.session_id = s.value.session_id;
        ci.code_block = protocol::spark::make_code_block(
            "SELECT n, n * 2.5 AS x, CAST(n AS STRING) || '\\'' AS s FROM range(3) t(n) ORDER BY n");
        auto c = co_await athena_client.start_calculation_execution(ci);
        if (!c.ok()) { failure = "StartCalculationExecution: " + c.call.message; co_return; }
        athena::get_calculation_output done;
        for (;;) {
            auto g = co_await athena_client.get_calculation_execution(c.value.calculation_execution_id);
            if (!g.ok()) { failure = "GetCalculationExecution: " + g.call.message; co_return; }
            if (athena::is_final(g.value.status.state)) { done = g.value; break; }
            t.expires_after(std::chrono::milliseconds(5));
            co_await t.async_wait(asio::use_awaitable);
        }
        if (done.status.state != athena::calculation_state::completed) {
            failure = "calculation " + std::string(athena::to_string(done.status.state)) + ": " +
                      done.status.state_change_reason;
            co_return;
        }
        auto uri = done.result.stdout_s3_uri.substr(5); // s3://bucket/key
        protocol::s3::get_object_input gi;
        gi.bucket = uri.substr(0, uri.find('/'));
        gi.key = uri.substr(uri.find('/') + 1);
        auto obj = co_await s3.get_object(gi);
        if (!obj.ok()) { failure = "GetObject: " + obj.call.message; co_return; }
        std::string msg;
        if (auto ec = protocol::spark::parse_result(obj.value.body, result, msg))
            failure = "parse_result: " + msg + "\n" + obj.value.body;
        co_await athena_client.terminate_session(s.value.session_id);
    }, [&](std::exception_ptr e) {
        if (e)
            failure = "exception";
        server.stop();
        http.close();
    });
    io.run();
    BOOST_REQUIRE_MESSAGE(failure.empty(), failure);
    BOOST_REQUIRE_EQUAL(result.rows.size(), 3u);
    BOOST_TEST(result.columns[0].name == "n");
    BOOST_TEST(*result.rows[2][0] == "2");
    BOOST_TEST(*result.rows[2][1] == "5.0");
    BOOST_TEST(*result.rows[1][2] == "1'");
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}
