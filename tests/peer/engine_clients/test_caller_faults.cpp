// engine::clients::caller under faults, against the scripted server: cancellation during the
// backoff sleep and during a request in flight (operation_aborted at once, no connection leaked),
// connections dropped after retryable answers and transport failures (the retry opens a new one),
// and adaptive mode's client-side rate limiter on an injected clock (throttling slows later calls).
// No assertion depends on how long anything takes: waits are observed through caller::on_wait, and
// the adaptive test moves a fake clock instead of sleeping; a watchdog only bounds a hang.
#include <engine/clients/caller.hpp>

#include "script_server.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test_peer::script_server;
using test_peer::scripted;
using test_peer::step_kind;

const std::string busy = R"({"__type":"ServiceUnavailableException","message":"busy"})";
const std::string throttled = R"({"__type":"ThrottlingException","message":"Rate exceeded"})";

engine::credentials::provider_ptr test_credentials() {
    return engine::credentials::make_static_provider(
        {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""});
}

protocol::retry::config retries(int attempts, std::chrono::milliseconds backoff,
                                protocol::retry::mode m = protocol::retry::mode::standard) {
    protocol::retry::config c;
    c.mode = m;
    c.max_attempts = attempts;
    c.base = backoff;
    c.max_backoff = backoff;
    return c;
}

engine::http::request glue_request(std::uint16_t port) {
    engine::http::request r;
    r.to = {false, "127.0.0.1", port};
    r.method = "POST";
    r.target = "/";
    r.headers = {{"Host", "127.0.0.1:" + std::to_string(port)},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "AWSGlue.GetDatabase"}};
    r.body = R"({"Name":"tpch"})";
    return r;
}

// One test's world: server, HTTP client, caller, a cancellation signal and a watchdog that ends a
// hanging test (failing it) instead of letting CTest time out.
struct world {
    explicit world(std::deque<scripted> script, protocol::retry::config cfg)
        : server(ioc, std::move(script))
        , http(ioc.get_executor())
        , caller(http, test_credentials(), cfg, 42)
        , watchdog(ioc) {
        watchdog.expires_after(30s);
        watchdog.async_wait([this](boost::system::error_code ec) {
            if (ec)
                return;
            BOOST_ERROR("the test hung: no completion within 30 s");
            ioc.stop();
        });
    }

    // Starts one call; `done` runs with its result.
    void start_call(std::function<void(engine::clients::call_result)> done) {
        // Every argument named (g++ 12 and defaulted coroutine arguments, see caller.hpp).
        engine::clients::service_target target{"us-east-1", "glue", protocol::wire_protocol::json,
                                               aws_sigv4::settings::json_service()};
        engine::http::request req = glue_request(server.port());
        engine::http::request_options options;
        engine::clients::payload_options payload;
        asio::co_spawn(ioc, caller.call(std::move(target), std::move(req), std::move(options), std::move(payload)),
                       asio::bind_cancellation_slot(signal.slot(), [done = std::move(done)](
                                                                       std::exception_ptr e, auto r) {
                           if (e)
                               std::rethrow_exception(e);
                           done(std::move(r));
                       }));
    }
    void cancel_soon() {
        asio::post(ioc, [this] { signal.emit(asio::cancellation_type::terminal); });
    }
    void finish() {
        watchdog.cancel();
        http.close();
        server.stop();
    }

    asio::io_context ioc;
    script_server server;
    engine::http::client http;
    engine::clients::caller caller;
    asio::cancellation_signal signal;
    asio::steady_timer watchdog;
};

// Runs one call to completion (no cancellation) and returns its result.
engine::clients::call_result one_call(world& w) {
    std::optional<engine::clients::call_result> out;
    w.start_call([&](engine::clients::call_result r) {
        out = std::move(r);
        w.finish();
    });
    w.ioc.run();
    BOOST_REQUIRE(out.has_value());
    return std::move(*out);
}

bool is_aborted(const std::error_code& ec) {
    return ec == std::errc::operation_canceled;
}

} // namespace

BOOST_AUTO_TEST_SUITE(engine_clients_caller_faults)

BOOST_AUTO_TEST_CASE(cancel_during_backoff_ends_promptly_without_leaking_the_connection) {
    // 503, then an hour of backoff: only the cancellation can end the call before the watchdog.
    world w({{503, busy}}, retries(5, std::chrono::hours(1)));
    std::vector<engine::clients::wait_event> waits;
    w.caller.on_wait = [&](const engine::clients::wait_event& e) {
        waits.push_back(e);
        w.cancel_soon(); // delivered once the backoff timer is waiting
    };
    std::optional<engine::clients::call_result> out;
    w.start_call([&](engine::clients::call_result r) {
        out = std::move(r);
        w.finish();
    });
    w.ioc.run();
    BOOST_REQUIRE(out.has_value());
    BOOST_TEST(is_aborted(out->ec), out->ec.message());
    BOOST_TEST(out->message == "cancelled");
    BOOST_TEST(out->attempts == 1);
    BOOST_REQUIRE(out->error.has_value()); // the last answer is kept for diagnostics
    BOOST_TEST(out->error->code == "ServiceUnavailableException");
    BOOST_REQUIRE(waits.size() == 1u);
    BOOST_TEST((waits[0].why == engine::clients::wait_event::reason::backoff));
    BOOST_TEST(waits[0].attempt == 2);
    BOOST_TEST(waits[0].delay > std::chrono::steady_clock::duration(1s)); // a real, long backoff
    BOOST_TEST(w.server.requests.size() == 1u);
    const auto st = w.http.stats();
    BOOST_TEST(st.open == 0u); // the 503's connection was dropped, nothing leased or idle
    BOOST_TEST(st.idle == 0u);
    BOOST_TEST(st.waiting == 0u);
}

BOOST_AUTO_TEST_CASE(cancel_during_request_in_flight_closes_its_connection) {
    world w({scripted::of(step_kind::hang)}, retries(3, 1ms));
    w.server.on_request = [&](std::size_t) { w.cancel_soon(); }; // the request arrived; no answer
    std::optional<engine::clients::call_result> out;
    std::optional<engine::http::pool_stats> stats_at_completion;
    w.start_call([&](engine::clients::call_result r) {
        out = std::move(r);
        stats_at_completion = w.http.stats();
        // Wait for the server to see the client close the socket, then end the test.
        asio::co_spawn(
            w.ioc,
            [&]() -> asio::awaitable<void> {
                asio::steady_timer t(w.ioc);
                while (w.server.closed_by_client == 0) {
                    t.expires_after(1ms);
                    co_await t.async_wait(asio::use_awaitable);
                }
                w.finish();
            },
            asio::detached);
    });
    w.ioc.run();
    BOOST_REQUIRE(out.has_value());
    BOOST_TEST(is_aborted(out->ec), out->ec.message());
    BOOST_TEST(out->attempts == 1);
    BOOST_TEST(!out->error.has_value());
    BOOST_TEST(w.server.requests.size() == 1u);
    BOOST_TEST(w.server.closed_by_client == 1u);
    BOOST_REQUIRE(stats_at_completion.has_value());
    BOOST_TEST(stats_at_completion->open == 0u); // closed, never returned to the pool
    BOOST_TEST(stats_at_completion->idle == 0u);
    BOOST_TEST(stats_at_completion->waiting == 0u);
    BOOST_TEST(stats_at_completion->connects == 1u);
}

BOOST_AUTO_TEST_CASE(cancel_while_waiting_on_the_rate_limiter) {
    // Adaptive mode, real timers: a throttling answer turns the limiter on at 0.5 requests/s, so the
    // retry must wait about 2 s for a token; it is cancelled during that wait.
    world w({{400, throttled}}, retries(3, 1ms, protocol::retry::mode::adaptive));
    std::vector<engine::clients::wait_event> waits;
    w.caller.on_wait = [&](const engine::clients::wait_event& e) {
        waits.push_back(e);
        if (e.why == engine::clients::wait_event::reason::rate_limit)
            w.cancel_soon();
    };
    auto r = one_call(w);
    BOOST_TEST(is_aborted(r.ec), r.ec.message());
    BOOST_TEST(r.attempts == 2);
    BOOST_TEST(w.server.requests.size() == 1u); // the retry was never sent
    BOOST_REQUIRE(waits.size() == 2u);
    BOOST_TEST((waits[0].why == engine::clients::wait_event::reason::backoff));
    BOOST_TEST((waits[1].why == engine::clients::wait_event::reason::rate_limit));
    BOOST_TEST(w.http.stats().open == 0u);
}

BOOST_AUTO_TEST_CASE(retryable_answer_drops_the_pooled_connection) {
    world w({{503, busy}, {400, throttled}, {200, "{}"}}, retries(3, 1ms));
    auto r = one_call(w);
    BOOST_TEST(r.ok(), r.message);
    BOOST_TEST(r.attempts == 3);
    BOOST_TEST(w.server.accepted == 3u); // each retry on a new connection
    const auto st = w.http.stats();
    BOOST_TEST(st.connects == 3u);
    BOOST_TEST(st.reuses == 0u);
}

BOOST_AUTO_TEST_CASE(successful_and_client_error_answers_keep_the_connection) {
    world w({{200, "{}"}, {400, R"({"__type":"EntityNotFoundException","message":"Database tpch not found."})"},
             {200, "{}"}},
            retries(3, 1ms));
    std::vector<engine::clients::call_result> results;
    // Three calls one after another on one connection.
    std::function<void(engine::clients::call_result)> next = [&](engine::clients::call_result r) {
        results.push_back(std::move(r));
        if (results.size() < 3)
            w.start_call(next);
        else
            w.finish();
    };
    w.start_call(next);
    w.ioc.run();
    BOOST_REQUIRE(results.size() == 3u);
    BOOST_TEST(results[0].ok());
    BOOST_REQUIRE(results[1].error.has_value());
    BOOST_TEST(results[1].error->code == "EntityNotFoundException");
    BOOST_TEST(results[1].attempts == 1);
    BOOST_TEST(results[2].ok());
    BOOST_TEST(w.server.accepted == 1u);
    BOOST_TEST(w.http.stats().reuses == 2u);
}

BOOST_AUTO_TEST_CASE(connection_failures_are_retried_on_new_connections) {
    // Closed before any byte, then in the middle of the body, then a good answer.
    world w({scripted::of(step_kind::close), scripted::of(step_kind::close_mid_body), {200, "{}"}},
            retries(3, 1ms));
    auto r = one_call(w);
    BOOST_TEST(r.ok(), r.message);
    BOOST_TEST(r.attempts == 3);
    BOOST_TEST(w.server.requests.size() == 3u);
    BOOST_TEST(w.server.accepted == 3u);
    BOOST_TEST(w.http.stats().connects == 3u);
}

BOOST_AUTO_TEST_CASE(connection_failure_after_the_last_attempt_is_reported) {
    world w({scripted::of(step_kind::close_mid_body)}, retries(2, 1ms));
    auto r = one_call(w);
    BOOST_TEST(!r.ok());
    BOOST_TEST(r.attempts == 2);
    BOOST_TEST(r.ec == engine::error::connection_closed, r.ec.message());
    BOOST_TEST(w.server.accepted == 2u);
    BOOST_TEST(w.http.stats().open == 0u);
}

namespace {

// A fake monotonic clock and a sleep that moves it instead of waiting.
struct fake_time {
    std::chrono::steady_clock::time_point now{std::chrono::seconds(1000)};
    std::vector<engine::clients::wait_event> waits;

    void install(engine::clients::caller& c) {
        c.steady_now = [this] { return now; };
        c.sleep = [this](std::chrono::steady_clock::duration d) -> asio::awaitable<std::error_code> {
            now += d;
            co_return std::error_code{};
        };
        c.on_wait = [this](const engine::clients::wait_event& e) { waits.push_back(e); };
    }
    std::size_t rate_limit_waits() const {
        std::size_t n = 0;
        for (const auto& w : waits)
            n += w.why == engine::clients::wait_event::reason::rate_limit;
        return n;
    }
};

// Runs `calls` calls one after another; returns their results.
std::vector<engine::clients::call_result> sequential_calls(world& w, std::size_t calls,
                                                           std::function<void(std::size_t)> before_each = {}) {
    std::vector<engine::clients::call_result> results;
    std::function<void(engine::clients::call_result)> next = [&](engine::clients::call_result r) {
        results.push_back(std::move(r));
        if (results.size() < calls) {
            if (before_each)
                before_each(results.size());
            w.start_call(next);
        } else {
            w.finish();
        }
    };
    if (before_each)
        before_each(0);
    w.start_call(next);
    w.ioc.run();
    return results;
}

double seconds(std::chrono::steady_clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

} // namespace

BOOST_AUTO_TEST_CASE(adaptive_mode_throttling_slows_later_calls) {
    // Call 1 succeeds (the limiter stays off), call 2 is throttled once then succeeds, calls 3..6
    // succeed. The fake clock moves only when the caller sleeps.
    world w({{200, "{}"}, {400, throttled}, {200, "{}"}}, retries(3, 1ms, protocol::retry::mode::adaptive));
    fake_time clock;
    clock.install(w.caller);
    std::vector<std::size_t> waits_before;   // rate-limit waits seen before call i
    std::vector<double> time_before;         // fake time before call i
    auto results = sequential_calls(w, 6, [&](std::size_t i) {
        if (i == 1)
            BOOST_TEST(!w.caller.rate_limiter()->enabled()); // no throttling yet: no limiting
        waits_before.push_back(clock.rate_limit_waits());
        time_before.push_back(seconds(clock.now.time_since_epoch()));
    });
    BOOST_REQUIRE(results.size() == 6u);
    for (const auto& r : results)
        BOOST_TEST(r.ok(), r.message);
    BOOST_TEST(results[1].attempts == 2);
    BOOST_TEST(w.server.requests.size() == 7u);
    const auto* limiter = w.caller.rate_limiter();
    BOOST_REQUIRE(limiter != nullptr);
    BOOST_TEST(limiter->enabled());

    // Call 1: no waits at all; the fake clock did not move.
    BOOST_TEST(waits_before[1] == 0u);
    BOOST_TEST(time_before[1] == 1000.0);
    // Call 2: a backoff (<= 1 ms), then the retry waits for a token: the throttle cut the fill rate
    // to the minimum of 0.5 tokens/s with an empty bucket, so about 2 s.
    BOOST_REQUIRE(clock.waits.size() >= 2u);
    BOOST_TEST((clock.waits[0].why == engine::clients::wait_event::reason::backoff));
    BOOST_TEST((clock.waits[1].why == engine::clients::wait_event::reason::rate_limit));
    BOOST_TEST(clock.waits[1].attempt == 2);
    BOOST_TEST(seconds(clock.waits[1].delay) > 1.99);
    BOOST_TEST(seconds(clock.waits[1].delay) <= 2.0);
    // Calls 3..6 are sent back to back by the test, yet each first waits for a token: the client
    // sends slower than it is asked to.
    for (std::size_t i = 2; i < 5; ++i) {
        BOOST_TEST(waits_before[i + 1] > waits_before[i], "call " << i + 1 << " waited");
        BOOST_TEST(time_before[i + 1] > time_before[i], "call " << i + 1 << " was delayed");
    }
    BOOST_TEST(clock.rate_limit_waits() > waits_before[5]); // call 6 too
    // The fake time spent is the sum of the waits the caller announced (it never slept otherwise).
    std::chrono::steady_clock::duration total{};
    for (const auto& e : clock.waits)
        total += e.delay;
    BOOST_TEST(seconds(clock.now.time_since_epoch()) == 1000.0 + seconds(total), boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(standard_mode_never_rate_limits) {
    world w({{200, "{}"}, {400, throttled}, {200, "{}"}}, retries(3, 1ms));
    fake_time clock;
    clock.install(w.caller);
    auto results = sequential_calls(w, 6);
    BOOST_REQUIRE(results.size() == 6u);
    for (const auto& r : results)
        BOOST_TEST(r.ok(), r.message);
    BOOST_TEST(w.caller.rate_limiter() == nullptr);
    BOOST_TEST(clock.rate_limit_waits() == 0u);
    BOOST_TEST(clock.waits.size() == 1u); // the one backoff
}

BOOST_AUTO_TEST_SUITE_END()
