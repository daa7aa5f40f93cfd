// engine::clients::caller: signing on every attempt, standard-mode retries of transient and
// throttling errors, no retry of client errors, the attempt limit, clock-skew correction from Date,
// the same body (ClientRequestToken) on every retry, and missing credentials as a clear error.
#include <engine/clients/athena_client.hpp>
#include <engine/clients/caller.hpp>

#include "script_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/test/unit_test.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bh = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
constexpr auto tok = asio::as_tuple(asio::use_awaitable);

using test_peer::scripted;
using test_peer::script_server;
using test_peer::seen;

engine::credentials::provider_ptr test_credentials() {
    return engine::credentials::make_static_provider(
        {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""});
}

protocol::retry::config fast_retries(int attempts = 3) {
    protocol::retry::config c;
    c.max_attempts = attempts;
    c.base = 1ms;
    c.max_backoff = 5ms;
    return c;
}

engine::http::request athena_request(std::uint16_t port, const std::string& body) {
    engine::http::request r;
    r.to = {false, "127.0.0.1", port};
    r.method = "POST";
    r.target = "/";
    r.headers = {{"Host", "127.0.0.1:" + std::to_string(port)},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "AmazonAthena.StartCalculationExecution"}};
    r.body = body;
    return r;
}

engine::clients::service_target athena() {
    return {"us-east-1", "athena", protocol::wire_protocol::json, aws_sigv4::settings::json_service()};
}

// Runs one call against a server with the given script.
engine::clients::call_result run_call(std::deque<scripted> script, protocol::retry::config cfg,
                                      std::vector<seen>& seen_out,
                                      engine::credentials::provider_ptr creds = test_credentials()) {
    asio::io_context ioc;
    script_server server(ioc, std::move(script));
    engine::http::client http(ioc.get_executor());
    engine::clients::caller c(http, std::move(creds), cfg, 42);
    c.now = [] { return std::chrono::system_clock::time_point(std::chrono::seconds(1440938160)); };
    engine::clients::call_result result;
    const std::string body = R"J({"SessionId":"s","CodeBlock":"print(1)","ClientRequestToken":")J" +
                             c.new_client_request_token() + "\"}";
    // Every argument named (g++ 12 and defaulted coroutine arguments, see caller.hpp).
    engine::clients::service_target target = athena();
    engine::http::request req = athena_request(server.port(), body);
    engine::http::request_options options;
    engine::clients::payload_options payload;
    asio::co_spawn(ioc, c.call(std::move(target), std::move(req), std::move(options), std::move(payload)),
                   [&](std::exception_ptr e, auto r) {
                       if (e)
                           std::rethrow_exception(e);
                       result = std::move(r);
                       http.close();
                       server.stop();
                   });
    ioc.run();
    seen_out = server.requests;
    return result;
}

} // namespace

BOOST_AUTO_TEST_SUITE(engine_clients_caller)

BOOST_AUTO_TEST_CASE(success_first_time_is_signed) {
    std::vector<seen> reqs;
    auto r = run_call({{200, R"({"CalculationExecutionId":"c1","State":"CREATING"})"}}, fast_retries(), reqs);
    BOOST_TEST(r.ok(), r.message);
    BOOST_TEST(r.attempts == 1);
    BOOST_REQUIRE(reqs.size() == 1u);
    BOOST_TEST(reqs[0].amz_date == "20150830T123600Z");
    BOOST_TEST(reqs[0].authorization.starts_with(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/athena/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature="));
}

BOOST_AUTO_TEST_CASE(transient_and_throttling_errors_are_retried_with_the_same_body) {
    std::vector<seen> reqs;
    auto r = run_call({{503, R"({"__type":"ServiceUnavailableException","message":"busy"})"},
                       {400, R"({"__type":"ThrottlingException","message":"Rate exceeded"})"},
                       {200, "{}"}},
                      fast_retries(), reqs);
    BOOST_TEST(r.ok(), r.message);
    BOOST_TEST(r.attempts == 3);
    BOOST_REQUIRE(reqs.size() == 3u);
    BOOST_TEST(reqs[0].body == reqs[2].body); // the ClientRequestToken is the same on every attempt
    BOOST_TEST(reqs[0].body.find("ClientRequestToken") != std::string::npos);
    BOOST_TEST(!reqs[2].authorization.empty());
}

BOOST_AUTO_TEST_CASE(attempts_are_limited) {
    std::vector<seen> reqs;
    auto r =
        run_call({{500, R"({"__type":"InternalServerException","message":"boom"})"}}, fast_retries(2), reqs);
    BOOST_TEST(!r.ok());
    BOOST_TEST(r.attempts == 2);
    BOOST_TEST(reqs.size() == 2u);
    BOOST_REQUIRE(r.error.has_value());
    BOOST_TEST(r.error->code == "InternalServerException");
    BOOST_TEST(r.error->request_id == "req-2");
    BOOST_TEST(r.message == "InternalServerException: boom");
}

BOOST_AUTO_TEST_CASE(client_errors_are_not_retried) {
    std::vector<seen> reqs;
    auto r = run_call({{400, R"({"__type":"InvalidRequestException","message":"Session is busy"})"}},
                      fast_retries(5), reqs);
    BOOST_TEST(r.attempts == 1);
    BOOST_TEST(reqs.size() == 1u);
    BOOST_REQUIRE(r.error.has_value());
    BOOST_TEST(r.error->code == "InvalidRequestException");
}

BOOST_AUTO_TEST_CASE(clock_skew_is_corrected_from_date) {
    std::vector<seen> reqs;
    // The server's clock is 20 minutes ahead of the (injected) local one.
    auto r = run_call(
        {{400,
          R"J({"__type":"InvalidSignatureException","message":"Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T125600Z - 15 min.)"})J",
          "Sun, 30 Aug 2015 12:56:00 GMT"},
         {200, "{}"}},
        fast_retries(), reqs);
    BOOST_TEST(r.ok(), r.message);
    BOOST_REQUIRE(reqs.size() == 2u);
    BOOST_TEST(reqs[0].amz_date == "20150830T123600Z");
    BOOST_TEST(reqs[1].amz_date == "20150830T125600Z"); // re-signed with the server's time
}

BOOST_AUTO_TEST_CASE(missing_credentials_are_a_clear_error) {
    std::vector<seen> reqs;
    auto none =
        engine::credentials::make_environment_provider(engine::credentials::environment::from_map({}));
    auto r = run_call({{200, "{}"}}, fast_retries(), reqs, none);
    BOOST_TEST(!r.ok());
    BOOST_TEST(static_cast<bool>(r.ec));
    BOOST_TEST(r.message.starts_with("no AWS credentials"), r.message);
    BOOST_TEST(reqs.empty());
}

BOOST_AUTO_TEST_CASE(athena_client_typed_calls) {
    asio::io_context ioc;
    script_server server(
        ioc, {{503, R"({"__type":"ServiceUnavailableException","message":"busy"})"},
              {200, R"({"SessionId":"sess-1","State":"CREATING"})"},
              {200, R"J({"Status":{"State":"COMPLETED","SubmissionDateTime":1.7E9,)J"
                    R"J("CompletionDateTime":1700000012.5},"Statistics":{"DpuExecutionInMillis":4200}})J"},
              {200, "not json"},
              {503, R"({"__type":"ServiceUnavailableException","message":"busy"})"},
              {200, R"J({"Status":{"State":"RUNNING","SubmissionDateTime":1.7E9}})J"},
              {200, "not json"}});
    engine::http::client http(ioc.get_executor());
    engine::clients::caller c(http, test_credentials(), fast_retries(), 7);
    protocol::endpoint ep;
    BOOST_REQUIRE(!protocol::parse_endpoint_url("http://127.0.0.1:" + std::to_string(server.port()), ep));
    engine::clients::athena_client athena(c, ep, "us-east-1");
    bool done = false;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            protocol::athena::start_session_input in;
            in.work_group = "primary-spark";
            in.engine.max_concurrent_dpus = 20;
            auto s = co_await athena.start_session(in);
            BOOST_TEST(s.ok(), s.call.message);
            BOOST_TEST(s.call.attempts == 2);
            BOOST_TEST(s.value.session_id == "sess-1");
            BOOST_TEST((s.value.state == protocol::athena::session_state::creating));
            auto st = co_await athena.get_calculation_execution_status("calc-1");
            BOOST_TEST(st.ok(), st.call.message);
            BOOST_TEST((st.value.status.state == protocol::athena::calculation_state::completed));
            BOOST_TEST(st.value.statistics.dpu_execution_millis.value_or(0) == 4200);
            auto bad = co_await athena.get_session_status("sess-1");
            BOOST_TEST(!bad.ok());
            BOOST_TEST(bad.call.message.starts_with("malformed Athena response"), bad.call.message);
            // The same call written into caller-owned storage: retried, then reset for the next call.
            engine::clients::op_result<protocol::athena::get_calculation_status_output> into;
            const std::string calc_id = "calc-2";
            co_await athena.get_calculation_execution_status_into(calc_id, into);
            BOOST_TEST(into.ok(), into.call.message);
            BOOST_TEST(into.call.attempts == 2);
            BOOST_TEST((into.value.status.state == protocol::athena::calculation_state::running));
            co_await athena.get_calculation_execution_status_into(calc_id, into);
            BOOST_TEST(!into.ok());
            BOOST_TEST(into.call.attempts == 1);
            BOOST_TEST(into.call.message.starts_with("malformed Athena response"), into.call.message);
            BOOST_TEST(!into.value.statistics.dpu_execution_millis);
            done = true;
        },
        [&](std::exception_ptr e) {
            http.close();
            server.stop();
            if (e)
                std::rethrow_exception(e);
        });
    ioc.run();
    BOOST_TEST(done);
    BOOST_REQUIRE(server.requests.size() == 7u);
    BOOST_TEST(server.requests[5].body.find("calc-2") != std::string::npos);
    // The token was generated once and resent unchanged with the retry.
    const auto& b0 = server.requests[0].body;
    const auto at = b0.find("\"ClientRequestToken\":\"");
    BOOST_REQUIRE(at != std::string::npos);
    BOOST_REQUIRE(b0.size() > at + 22 + 36);
    BOOST_TEST(b0[at + 22 + 8] == '-'); // a UUID: 8-4-4-4-12
    BOOST_TEST(b0[at + 22 + 14] == '4');
    BOOST_TEST(b0[at + 22 + 36] == '"');
    BOOST_TEST(server.requests[1].body == b0);
    BOOST_TEST(server.requests[2].body.find("calc-1") != std::string::npos);
}

// Signing happens once the request has a connection (client::send's hook), not before it queues for
// one: a request that waited for a connection carries the time it was sent, not the time it was made.
namespace {

struct signing_world {
    explicit signing_world(std::deque<scripted> script, std::size_t connections)
        : server(ioc, std::move(script))
        , http(ioc.get_executor(), client_options(connections))
        , caller(http, test_credentials(), fast_retries(), 42) {
        caller.now = [this] { return std::chrono::system_clock::time_point(std::chrono::seconds(1440938160)) + clock; };
    }
    static engine::http::client_options client_options(std::size_t connections) {
        engine::http::client_options o;
        o.max_connections_per_host = connections;
        return o;
    }
    asio::awaitable<engine::clients::call_result> call() {
        // Every argument named (g++ 12 and defaulted coroutine arguments, see caller.hpp).
        engine::clients::service_target target = athena();
        engine::http::request req = athena_request(server.port(), "{}");
        engine::http::request_options options;
        engine::clients::payload_options payload;
        auto r = co_await caller.call(std::move(target), std::move(req), std::move(options), std::move(payload));
        co_return r;
    }
    void finish() {
        http.close();
        server.stop();
    }

    asio::io_context ioc;
    script_server server;
    engine::http::client http;
    engine::clients::caller caller;
    std::chrono::seconds clock{0}; // added to the signing clock's start
};

} // namespace

BOOST_AUTO_TEST_CASE(a_request_queued_for_a_connection_is_signed_when_it_gets_one) {
    signing_world w({{200, "{}"}}, 1); // one connection: the second call queues behind the first
    // Ten minutes pass while the first request is served (and the second waits for its connection).
    w.server.on_request = [&](std::size_t i) {
        if (i == 0)
            w.clock = std::chrono::minutes(10);
    };
    std::vector<engine::clients::call_result> results;
    for (int i = 0; i < 2; ++i)
        asio::co_spawn(w.ioc, w.call(), [&](std::exception_ptr e, engine::clients::call_result r) {
            if (e)
                std::rethrow_exception(e);
            results.push_back(std::move(r));
            if (results.size() == 2)
                w.finish();
        });
    w.ioc.run();
    BOOST_REQUIRE(results.size() == 2u);
    BOOST_TEST(results[0].ok(), results[0].message);
    BOOST_TEST(results[1].ok(), results[1].message);
    BOOST_REQUIRE(w.server.requests.size() == 2u);
    BOOST_TEST(w.server.requests[0].amz_date == "20150830T123600Z");
    BOOST_TEST(w.server.requests[1].amz_date == "20150830T124600Z"); // signed when it was sent
    BOOST_TEST(w.server.requests[1].authorization.find("Credential=AKIDEXAMPLE/20150830/") != std::string::npos);
    BOOST_TEST(w.server.requests[0].authorization != w.server.requests[1].authorization);
    BOOST_TEST(w.http.stats().connects == 1u);
}

BOOST_AUTO_TEST_CASE(a_retry_is_signed_anew_with_the_time_it_is_sent) {
    signing_world w({{503, R"({"__type":"ServiceUnavailableException","message":"busy"})"}, {200, "{}"}}, 4);
    w.server.on_request = [&](std::size_t i) { w.clock = std::chrono::minutes(i + 1); };
    std::optional<engine::clients::call_result> out;
    asio::co_spawn(w.ioc, w.call(), [&](std::exception_ptr e, engine::clients::call_result r) {
        if (e)
            std::rethrow_exception(e);
        out = std::move(r);
        w.finish();
    });
    w.ioc.run();
    BOOST_REQUIRE(out.has_value());
    BOOST_TEST(out->ok(), out->message);
    BOOST_TEST(out->attempts == 2);
    BOOST_REQUIRE(w.server.requests.size() == 2u);
    BOOST_TEST(w.server.requests[0].amz_date == "20150830T123600Z");
    BOOST_TEST(w.server.requests[1].amz_date == "20150830T123700Z");
}

BOOST_AUTO_TEST_CASE(a_stale_connection_retry_is_signed_anew) {
    // The second call reuses the first one's connection, which the server closes on reading the
    // request (before any answer): the HTTP client resends it once on a fresh connection, re-signed.
    signing_world w({{200, "{}"}, scripted::of(test_peer::step_kind::close), {200, "{}"}}, 4);
    w.server.on_request = [&](std::size_t i) {
        if (i == 1)
            w.clock = std::chrono::minutes(3);
    };
    std::vector<engine::clients::call_result> results;
    asio::co_spawn(
        w.ioc,
        [&]() -> asio::awaitable<void> {
            results.push_back(co_await w.call());
            results.push_back(co_await w.call());
        },
        [&](std::exception_ptr e) {
            w.finish();
            if (e)
                std::rethrow_exception(e);
        });
    w.ioc.run();
    BOOST_REQUIRE(results.size() == 2u);
    BOOST_TEST(results[1].ok(), results[1].message);
    BOOST_TEST(results[1].attempts == 1); // the HTTP client's own resend, not a caller retry
    BOOST_REQUIRE(w.server.requests.size() == 3u);
    BOOST_TEST(w.server.requests[1].amz_date == "20150830T123600Z");
    BOOST_TEST(w.server.requests[2].amz_date == "20150830T123900Z");
    BOOST_TEST(w.server.accepted == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
