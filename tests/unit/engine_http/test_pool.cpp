// The pool over in-memory streams: reuse, caps and the wait queue, cancellation at every await
// point, pool timeout, close(), and the stale keep-alive retry.
#include <boost/asio/cancellation_signal.hpp>
#include <boost/test/unit_test.hpp>

#include "fake.hpp"

using namespace bbtest;

namespace {

struct fixture {
    asio::io_context ioc;
    std::shared_ptr<fake_connector> conn = std::make_shared<fake_connector>(ioc);
    std::optional<eh::client> c;

    explicit fixture(eh::client_options o = {}) { c.emplace(ioc.get_executor(), o, conn); }
};

eh::client_options capped(std::size_t per_host, std::size_t total = 512) {
    eh::client_options o;
    o.max_connections_per_host = per_host;
    o.max_connections = total;
    return o;
}

} // namespace

BOOST_AUTO_TEST_SUITE(engine_http_pool)

BOOST_AUTO_TEST_CASE(sequential_requests_reuse_one_connection) {
    fixture f;
    f.conn->scripts.push_back(ok_response("1") + ok_response("2") + ok_response("3"));
    for (const char* want : {"1", "2", "3"}) {
        result r;
        start(*f.c, get_request(), r);
        f.ioc.run();
        f.ioc.restart();
        BOOST_TEST(r.resp.body().view() == want);
    }
    auto s = f.c->stats();
    BOOST_TEST(f.conn->connects == 1);
    BOOST_TEST(s.connects == 1u);
    BOOST_TEST(s.reuses == 2u);
    BOOST_TEST(s.open == 1u);
    BOOST_TEST(s.idle == 1u);
    auto hs = f.c->stats(get_request().to);
    BOOST_TEST(hs.open == 1u);
    f.c->close_idle();
    BOOST_TEST(f.c->stats().open == 0u);
}

BOOST_AUTO_TEST_CASE(origins_are_pooled_separately) {
    fixture f;
    f.conn->scripts.push_back(ok_response("a"));
    f.conn->scripts.push_back(ok_response("b"));
    result r1, r2;
    auto other = get_request();
    other.to.port = 8080;
    start(*f.c, get_request(), r1);
    f.ioc.run();
    f.ioc.restart();
    start(*f.c, other, r2);
    f.ioc.run();
    BOOST_TEST(r1.resp.body().view() == "a");
    BOOST_TEST(r2.resp.body().view() == "b");
    BOOST_TEST(f.conn->connects == 2);
    BOOST_TEST(f.c->stats(other.to).open == 1u);
    BOOST_TEST(f.c->stats().open == 2u);
}

BOOST_AUTO_TEST_CASE(cap_queues_requests_and_hands_over_connections) {
    fixture f(capped(2));
    for (int i = 0; i < 2; ++i) {
        std::string script;
        for (int k = 0; k < 5; ++k)
            script += ok_response("r");
        f.conn->scripts.push_back(script);
    }
    std::vector<result> rs(10);
    for (auto& r : rs)
        start(*f.c, get_request(), r);
    f.ioc.poll();
    BOOST_TEST(f.c->stats().open <= 2u);
    f.ioc.run();
    for (auto& r : rs) {
        BOOST_TEST(r.done);
        BOOST_TEST(!r.ec);
        BOOST_TEST(r.resp.body().view() == "r");
    }
    BOOST_TEST(f.conn->connects == 2);
    BOOST_TEST(f.c->stats().waiting == 0u);
    BOOST_TEST(f.c->stats().idle == 2u);
}

BOOST_AUTO_TEST_CASE(total_cap_evicts_idle_connection_of_another_origin) {
    fixture f(capped(4, 1));
    f.conn->scripts.push_back(ok_response("a"));
    f.conn->scripts.push_back(ok_response("b"));
    result r1, r2;
    start(*f.c, get_request(), r1);
    f.ioc.run();
    f.ioc.restart();
    BOOST_TEST(f.c->stats().idle == 1u);
    auto other = get_request();
    other.to.host = "other.test";
    start(*f.c, other, r2);
    f.ioc.run();
    BOOST_TEST(r2.resp.body().view() == "b");
    BOOST_TEST(f.c->stats().open == 1u);
    BOOST_TEST(f.c->stats(get_request().to).open == 0u);
}

BOOST_AUTO_TEST_CASE(cancel_at_every_await_point_leaves_pool_consistent) {
    // Emit terminal cancellation after k handler invocations, for k = 0, 1, ... until the request
    // completes first. Every run ends with either success (connection idle) or operation_aborted
    // (connection closed); never a leased or leaked connection.
    int aborted = 0;
    for (int k = 0; k < 500; ++k) {
        fixture f;
        f.conn->read_size = 8;
        f.conn->scripts.push_back("HTTP/1.1 100 Continue\r\n\r\n" + ok_response(std::string(30, 'c')));
        asio::cancellation_signal sig;
        result r;
        auto req = get_request();
        req.method = "PUT";
        req.body = std::string(20, 'u');
        eh::request_options o;
        o.expect_continue_from = 1;
        start(*f.c, req, r, o, sig.slot());
        for (int i = 0; i < k && !r.done; ++i)
            f.ioc.run_one();
        if (r.done) {
            BOOST_TEST(!r.ec);
            BOOST_TEST(f.c->stats().idle == 1u);
            break;
        }
        sig.emit(asio::cancellation_type::terminal);
        f.ioc.run();
        BOOST_REQUIRE(r.done);
        auto s = f.c->stats();
        BOOST_TEST(s.open == s.idle, "k=" << k);
        if (r.ec) {
            ++aborted;
            BOOST_TEST((r.ec == std::errc::operation_canceled), "k=" << k << ": " << r.ec.message());
            BOOST_TEST(s.open == 0u, "k=" << k);
        }
    }
    BOOST_TEST(aborted >= 10);
}

BOOST_AUTO_TEST_CASE(cancel_queued_request_leaves_queue) {
    fixture f(capped(1));
    f.conn->scripts.push_back(""); // the server never answers
    result a, b;
    asio::cancellation_signal sa, sb;
    start(*f.c, get_request(), a, {}, sa.slot());
    start(*f.c, get_request(), b, {}, sb.slot());
    f.ioc.poll();
    BOOST_TEST(f.c->stats().waiting == 1u);
    BOOST_TEST(f.c->stats().open == 1u);
    sb.emit(asio::cancellation_type::terminal);
    f.ioc.poll();
    BOOST_TEST(b.done);
    BOOST_TEST((b.ec == std::errc::operation_canceled));
    BOOST_TEST(f.c->stats().waiting == 0u);
    BOOST_TEST(!a.done);
    sa.emit(asio::cancellation_type::terminal);
    f.ioc.run();
    BOOST_TEST(a.done);
    BOOST_TEST((a.ec == std::errc::operation_canceled));
    BOOST_TEST(f.c->stats().open == 0u);
}

BOOST_AUTO_TEST_CASE(queued_request_gets_connection_after_cancelled_holder) {
    fixture f(capped(1));
    f.conn->scripts.push_back("");               // first connection: never answers
    f.conn->scripts.push_back(ok_response("b")); // second: answers
    result a, b;
    asio::cancellation_signal sa;
    start(*f.c, get_request(), a, {}, sa.slot());
    start(*f.c, get_request(), b);
    f.ioc.poll();
    BOOST_TEST(f.c->stats().waiting == 1u);
    sa.emit(asio::cancellation_type::terminal); // closes a's connection: b gets the slot
    f.ioc.run();
    BOOST_TEST((a.ec == std::errc::operation_canceled));
    BOOST_TEST(!b.ec);
    BOOST_TEST(b.resp.body().view() == "b");
    BOOST_TEST(f.conn->connects == 2);
}

BOOST_AUTO_TEST_CASE(pool_timeout_when_no_connection_frees_up) {
    fixture f(capped(1));
    f.conn->scripts.push_back("");
    result a, b;
    asio::cancellation_signal sa;
    start(*f.c, get_request(), a, {}, sa.slot());
    eh::request_options o;
    o.timeout = std::chrono::milliseconds(20);
    start(*f.c, get_request(), b, o);
    while (!b.done)
        f.ioc.run_one();
    BOOST_TEST(b.ec == engine::error::pool_timeout);
    BOOST_TEST(f.c->stats().waiting == 0u);
    sa.emit(asio::cancellation_type::terminal);
    f.ioc.run();
    BOOST_TEST(f.c->stats().open == 0u);
}

BOOST_AUTO_TEST_CASE(close_fails_queued_and_future_requests) {
    fixture f(capped(1));
    f.conn->scripts.push_back("");
    result a, b, c;
    asio::cancellation_signal sa;
    start(*f.c, get_request(), a, {}, sa.slot());
    start(*f.c, get_request(), b);
    f.ioc.poll();
    f.c->close();
    f.ioc.poll();
    BOOST_TEST(b.done);
    BOOST_TEST(b.ec == engine::error::client_closed);
    start(*f.c, get_request(), c);
    f.ioc.poll();
    BOOST_TEST(c.ec == engine::error::client_closed);
    sa.emit(asio::cancellation_type::terminal);
    f.ioc.run();
    BOOST_TEST(a.done);
    BOOST_TEST(f.c->stats().open == 0u);
}

BOOST_AUTO_TEST_CASE(stale_keep_alive_connection_is_retried_once) {
    fixture f;
    f.conn->scripts.push_back(ok_response("first"));
    f.conn->scripts.push_back(ok_response("second"));
    result r1, r2;
    start(*f.c, get_request(), r1);
    f.ioc.run();
    f.ioc.restart();
    BOOST_TEST(r1.resp.body().view() == "first");
    f.conn->remotes.at(0)->close(); // the server closes the idle connection
    start(*f.c, get_request(), r2);
    f.ioc.run();
    BOOST_TEST(!r2.ec);
    BOOST_TEST(r2.resp.body().view() == "second");
    BOOST_TEST(f.conn->connects == 2);
    BOOST_TEST(f.c->stats().open == 1u);
}

BOOST_AUTO_TEST_CASE(connect_failure_frees_the_slot_for_waiters) {
    fixture f(capped(1));
    f.conn->fc.emplace(0); // the first connect fails
    f.conn->scripts.push_back(ok_response("x"));
    result a, b;
    start(*f.c, get_request(), a);
    start(*f.c, get_request(), b);
    f.ioc.run();
    BOOST_TEST(a.ec == test_failure());
    BOOST_TEST(b.ec == test_failure()); // same fail_count: the retry of b's connect fails too
    BOOST_TEST(f.c->stats().open == 0u);
    BOOST_TEST(f.c->stats().waiting == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
