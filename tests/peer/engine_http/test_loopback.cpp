// engine/http against plain-HTTP servers on 127.0.0.1: keep-alive reuse, per-host cap, timeouts,
// cancellation, 100-continue, streaming up and down.
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "server.hpp"
#include <unistd.h>

using namespace bbpeer;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(engine_http_loopback)

BOOST_AUTO_TEST_CASE(keep_alive_reuses_one_connection) {
    asio::io_context ioc;
    test_server srv(ioc, mode::echo);
    eh::client c(ioc.get_executor());
    run(ioc, c, {&srv}, [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 20; ++i) {
            auto req = make_request(false, "127.0.0.1", srv.port(), "/q" + std::to_string(i), "POST");
            req.body = "hello";
            auto [ec, resp] = co_await request(c, std::move(req));
            BOOST_TEST(!ec, ec.message());
            BOOST_TEST(resp.status() == 200);
            BOOST_TEST(resp.body().view() == "POST /q" + std::to_string(i) + " 5");
        }
        BOOST_TEST(c.stats().connects == 1u);
        BOOST_TEST(c.stats().reuses == 19u);
    });
    BOOST_TEST(srv.accepted == 1);
    BOOST_TEST(srv.requests == 20);
}

BOOST_AUTO_TEST_CASE(concurrent_requests_respect_per_host_cap) {
    asio::io_context ioc;
    test_server srv(ioc, mode::echo);
    eh::client_options o;
    o.max_connections_per_host = 4;
    eh::client c(ioc.get_executor(), o);
    int ok = 0;
    std::size_t max_open = 0;
    std::size_t max_waiting = 0;
    for (int i = 0; i < 40; ++i)
        eh::async_request(c, make_request(false, "127.0.0.1", srv.port(), "/c"), {},
                          [&](std::error_code ec, eh::response r) {
                              max_open = std::max(max_open, c.stats().open);
                              max_waiting = std::max(max_waiting, c.stats().waiting);
                              if (!ec && r.status() == 200)
                                  ++ok;
                              if (ok == 40) {
                                  c.close();
                                  srv.stop();
                              }
                          });
    ioc.run();
    BOOST_TEST(max_waiting > 0u);
    BOOST_TEST(ok == 40);
    BOOST_TEST(srv.accepted <= 4);
    BOOST_TEST(max_open <= 4u);
}

BOOST_AUTO_TEST_CASE(connection_refused_is_reported) {
    asio::io_context ioc;
    std::uint16_t port;
    {
        tcp::acceptor a(ioc, {asio::ip::make_address("127.0.0.1"), 0});
        port = a.local_endpoint().port();
    }
    eh::client c(ioc.get_executor());
    std::error_code got;
    eh::async_request(c, make_request(false, "127.0.0.1", port), {},
                      [&](std::error_code ec, eh::response) { got = ec; });
    ioc.run();
    BOOST_TEST((got == std::errc::connection_refused), got.message());
    BOOST_TEST(engine::is_retryable(got));
    BOOST_TEST(c.stats().open == 0u);
}

BOOST_AUTO_TEST_CASE(request_timeout_against_silent_server) {
    asio::io_context ioc;
    test_server srv(ioc, mode::silent);
    eh::client c(ioc.get_executor());
    run(ioc, c, {&srv}, [&]() -> asio::awaitable<void> {
        eh::request_options o;
        o.request_timeout = 50ms;
        auto [ec, resp] = co_await request(c, make_request(false, "127.0.0.1", srv.port()), o);
        BOOST_TEST(ec == engine::error::request_timeout, ec.message());
        BOOST_TEST(c.stats().open == 0u);
        // The overall budget clips the request timeout; the phase is named.
        eh::request_options o2;
        o2.timeout = 50ms;
        auto [ec2, resp2] = co_await request(c, make_request(false, "127.0.0.1", srv.port()), o2);
        BOOST_TEST(ec2 == engine::error::request_timeout, ec2.message());
        BOOST_TEST(c.stats().open == 0u);
    });
}

// The stall timeout (each read or write must move bytes within it) under a long request timeout.
BOOST_AUTO_TEST_CASE(stall_timeout_catches_a_peer_that_stops) {
    asio::io_context ioc;
    test_server silent(ioc, mode::silent);
    test_server trickle(ioc, mode::trickle);
    test_server deaf(ioc, mode::deaf);
    eh::client c(ioc.get_executor());
    run(ioc, c, {&silent, &trickle, &deaf}, [&]() -> asio::awaitable<void> {
        eh::request_options o;
        o.request_timeout = 3600s;
        o.stall_timeout = 200ms;
        // No answer at all.
        auto [ec, resp] = co_await request(c, make_request(false, "127.0.0.1", silent.port()), o);
        BOOST_TEST(ec == engine::error::transfer_stalled, ec.message());
        BOOST_TEST(engine::is_retryable(ec));
        BOOST_TEST(c.stats().open == 0u);
        // Half of the body, then nothing.
        auto [ec2, resp2] = co_await request(c, make_request(false, "127.0.0.1", trickle.port(), "/half/100000"), o);
        BOOST_TEST(ec2 == engine::error::transfer_stalled, ec2.message());
        BOOST_TEST(c.stats().open == 0u);
        // A peer that never reads: the upload's writes stop once the socket buffers are full.
        auto up = make_request(false, "127.0.0.1", deaf.port(), "/up", "PUT");
        up.body.assign(64u << 20, 'u');
        eh::request_options no_expect = o;
        no_expect.expect_continue_from = std::uint64_t(1) << 40;
        auto [ec3, resp3] = co_await request(c, std::move(up), no_expect);
        BOOST_TEST(ec3 == engine::error::transfer_stalled, ec3.message());
        BOOST_TEST(c.stats().open == 0u);
    });
}

BOOST_AUTO_TEST_CASE(stall_timeout_restarts_with_every_byte) {
    asio::io_context ioc;
    test_server trickle(ioc, mode::trickle);
    eh::client c(ioc.get_executor());
    run(ioc, c, {&trickle}, [&]() -> asio::awaitable<void> {
        eh::request_options o;
        o.request_timeout = 3600s;
        o.stall_timeout = 1000ms;
        // 15 bytes, one per 100 ms: 1.5 s in all, longer than the stall timeout, never 1 s without a byte.
        const auto t0 = std::chrono::steady_clock::now();
        auto [ec, resp] = co_await request(c, make_request(false, "127.0.0.1", trickle.port(), "/trickle/15/100"), o);
        BOOST_TEST(!ec, ec.message());
        BOOST_TEST(resp.body().view() == std::string(15, 'x'));
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
        BOOST_TEST(took.count() >= 1400);
        // Off (zero): only the request timeout applies.
        eh::request_options off;
        off.request_timeout = 3600s;
        off.stall_timeout = 0ms;
        auto [ec2, resp2] = co_await request(c, make_request(false, "127.0.0.1", trickle.port(), "/trickle/3/50"), off);
        BOOST_TEST(!ec2, ec2.message());
        BOOST_TEST(resp2.body().view() == "xxx");
    });
}

BOOST_AUTO_TEST_CASE(tls_handshake_timeout_against_silent_server) {
    asio::io_context ioc;
    test_server srv(ioc, mode::silent);
    eh::client_options o;
    o.tls_handshake_timeout = 50ms;
    o.verify_peer = false;
    eh::client c(ioc.get_executor(), o);
    run(ioc, c, {&srv}, [&]() -> asio::awaitable<void> {
        auto [ec, resp] = co_await request(c, make_request(true, "127.0.0.1", srv.port()));
        BOOST_TEST(ec == engine::error::tls_handshake_timeout, ec.message());
        BOOST_TEST(c.stats().open == 0u);
    });
}

BOOST_AUTO_TEST_CASE(cancellation_of_pending_request_closes_its_connection) {
    asio::io_context ioc;
    test_server silent(ioc, mode::silent);
    test_server echo(ioc, mode::echo);
    eh::client c(ioc.get_executor());
    run(ioc, c, {&silent, &echo}, [&]() -> asio::awaitable<void> {
        using namespace asio::experimental::awaitable_operators;
        asio::steady_timer t(ioc, 20ms);
        // The timer wins the race: the request gets terminal cancellation.
        auto v = co_await (request(c, make_request(false, "127.0.0.1", silent.port())) ||
                           t.async_wait(asio::use_awaitable));
        BOOST_TEST(v.index() == 1u);
        BOOST_TEST(c.stats().open == 0u);
        BOOST_TEST(c.stats(make_request(false, "127.0.0.1", silent.port()).to).open == 0u);
        // And an explicit signal, completing with operation_aborted.
        asio::cancellation_signal sig;
        std::error_code got;
        bool done = false;
        eh::async_request(c, make_request(false, "127.0.0.1", silent.port()), {},
                          asio::bind_cancellation_slot(sig.slot(), [&](std::error_code ec, eh::response) {
                              got = ec;
                              done = true;
                          }));
        asio::steady_timer t2(ioc, 20ms);
        co_await t2.async_wait(asio::use_awaitable);
        BOOST_TEST(c.stats().open == 1u);
        sig.emit(asio::cancellation_type::terminal);
        while (!done) {
            asio::steady_timer t3(ioc, 1ms);
            co_await t3.async_wait(asio::use_awaitable);
        }
        BOOST_TEST((got == std::errc::operation_canceled), got.message());
        BOOST_TEST(c.stats().open == 0u);
        // The client still works.
        auto [ec, resp] = co_await request(c, make_request(false, "127.0.0.1", echo.port(), "/after"));
        BOOST_TEST(!ec);
        BOOST_TEST(resp.body().view() == "GET /after 0");
    });
}

BOOST_AUTO_TEST_CASE(expect_continue_sends_body_after_100) {
    asio::io_context ioc;
    test_server srv(ioc, mode::expect_100);
    eh::client c(ioc.get_executor());
    auto path = std::filesystem::temp_directory_path() / ("bb_http_up_" + std::to_string(::getpid()));
    {
        std::ofstream f(path, std::ios::binary);
        std::string block(1 << 20, 'u');
        for (int i = 0; i < 3; ++i)
            f << block;
    }
    run(ioc, c, {&srv}, [&]() -> asio::awaitable<void> {
        auto req = make_request(false, "127.0.0.1", srv.port(), "/upload", "PUT");
        auto [pec, provider] = eh::make_file_range_provider(path.string(), 1000, (2 << 20) + 5);
        BOOST_REQUIRE(!pec);
        req.provider = provider;
        auto [ec, resp] = co_await request(c, std::move(req)); // >= 1 MiB: Expect: 100-continue
        BOOST_TEST(!ec, ec.message());
        BOOST_TEST(resp.body().view() == "PUT /upload " + std::to_string((2 << 20) + 5));
        // A small body goes without Expect.
        auto small = make_request(false, "127.0.0.1", srv.port(), "/small", "PUT");
        small.body = "x";
        auto [ec2, resp2] = co_await request(c, std::move(small));
        BOOST_TEST(resp2.body().view() == "PUT /small 1");
    });
    std::filesystem::remove(path);
    BOOST_TEST(srv.expect_headers_seen == 1);
    BOOST_TEST(srv.accepted == 1);
}

BOOST_AUTO_TEST_CASE(expect_continue_without_100_sends_body_after_wait) {
    // A server that ignores Expect: the 100 wait ends on the timer, the body goes anyway, and the
    // connection (whose cancelled read is resumed) stays usable.
    asio::io_context ioc;
    test_server srv(ioc, mode::echo);
    eh::client c(ioc.get_executor());
    run(ioc, c, {&srv}, [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 2; ++i) {
            auto req = make_request(false, "127.0.0.1", srv.port(), "/late", "PUT");
            req.body = std::string(4096, 'l');
            eh::request_options o;
            o.expect_continue_from = 1024;
            o.continue_timeout = std::chrono::milliseconds(20);
            auto [ec, resp] = co_await request(c, std::move(req), o);
            BOOST_TEST(!ec, ec.message());
            BOOST_TEST(resp.body().view() == "PUT /late 4096");
        }
    });
    BOOST_TEST(srv.expect_headers_seen == 2);
    BOOST_TEST(srv.accepted == 1);
}

BOOST_AUTO_TEST_CASE(expect_continue_rejected_body_not_sent) {
    asio::io_context ioc;
    test_server srv(ioc, mode::reject_417);
    eh::client c(ioc.get_executor());
    run(ioc, c, {&srv}, [&]() -> asio::awaitable<void> {
        auto req = make_request(false, "127.0.0.1", srv.port(), "/big", "PUT");
        req.body = std::string(2 << 20, 'b');
        eh::request_options o;
        o.continue_timeout = 5s; // the server's answer, not the timer, must decide
        auto [ec, resp] = co_await request(c, std::move(req), o);
        BOOST_TEST(!ec, ec.message());
        BOOST_TEST(resp.status() == 417);
        BOOST_TEST(c.stats().open == 0u);
    });
    BOOST_TEST(srv.sessions_done == 1);
    BOOST_TEST(srv.bytes_after_reject == 0u);
}

namespace {
class counting_sink final : public eh::body_sink {
public:
    std::size_t bytes = 0;
    int chunks = 0;
    bool in_order = true;
    std::error_code on_body(std::string_view chunk) override {
        for (char ch : chunk) {
            if (ch != static_cast<char>('a' + bytes % 26))
                in_order = false;
            ++bytes;
        }
        ++chunks;
        return {};
    }
};
} // namespace

BOOST_AUTO_TEST_CASE(streaming_download_into_sink) {
    asio::io_context ioc;
    test_server srv(ioc, mode::echo);
    eh::client c(ioc.get_executor());
    counting_sink sink;
    run(ioc, c, {&srv}, [&]() -> asio::awaitable<void> {
        eh::request_options o;
        o.sink = &sink;
        o.max_body = 1024; // does not apply to sink bodies
        auto [ec, resp] =
            co_await request(c, make_request(false, "127.0.0.1", srv.port(), "/size/3000000"), o);
        BOOST_TEST(!ec, ec.message());
        BOOST_TEST(resp.body().size() == 0u);
        BOOST_TEST(resp.body_bytes() == 3000000u);
        // In memory, the limit applies.
        auto [ec2, resp2] = co_await request(c, make_request(false, "127.0.0.1", srv.port(), "/size/3000000"),
                                             {.max_body = 1000});
        BOOST_TEST(ec2 == engine::error::response_too_large);
        auto [ec3, resp3] = co_await request(c, make_request(false, "127.0.0.1", srv.port(), "/size/100000"));
        BOOST_TEST(resp3.body().size() == 100000u);
    });
    BOOST_TEST(sink.bytes == 3000000u);
    BOOST_TEST(sink.in_order);
    BOOST_TEST(sink.chunks > 1);
}

BOOST_AUTO_TEST_CASE(server_closing_idle_connection_is_retried) {
    asio::io_context ioc;
    test_server srv(ioc, mode::echo);
    eh::client c(ioc.get_executor());
    run(ioc, c, {&srv}, [&]() -> asio::awaitable<void> {
        auto [ec, resp] = co_await request(c, make_request(false, "127.0.0.1", srv.port(), "/1"));
        BOOST_TEST(!ec);
        srv.stop(); // closes the server side of the idle connection (and the acceptor)
        asio::steady_timer t(ioc, 10ms);
        co_await t.async_wait(asio::use_awaitable);
        auto [ec2, resp2] = co_await request(c, make_request(false, "127.0.0.1", srv.port(), "/2"));
        // The reused connection fails before any response byte; the retry cannot connect.
        BOOST_TEST((ec2 == std::errc::connection_refused), ec2.message());
        BOOST_TEST(c.stats().open == 0u);
    });
}

BOOST_AUTO_TEST_SUITE_END()
