// One exchange over in-memory streams: framing, limits, sinks, providers, 100-continue, and a
// failure injected at every I/O step (connect, write, read header, read body).
#include <boost/test/unit_test.hpp>

#include "fake.hpp"

using namespace bbtest;

namespace {

struct fixture {
    asio::io_context ioc;
    std::shared_ptr<fake_connector> conn = std::make_shared<fake_connector>(ioc);
    std::optional<eh::client> c;

    explicit fixture(eh::client_options o = {}) { c.emplace(ioc.get_executor(), o, conn); }

    result run(eh::request req, eh::request_options opt = {}) {
        result r;
        start(*c, std::move(req), r, opt);
        ioc.run();
        ioc.restart();
        BOOST_REQUIRE(r.done);
        return r;
    }
};

class collect_sink final : public eh::body_sink {
public:
    std::string data;
    int chunks = 0;
    int status = 0;
    std::size_t fail_after = SIZE_MAX;
    std::error_code on_status(int s) override {
        status = s;
        return {};
    }
    std::error_code on_body(std::string_view chunk) override {
        ++chunks;
        data.append(chunk);
        if (data.size() > fail_after)
            return std::make_error_code(std::errc::no_space_on_device);
        return {};
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(engine_http_exchange)

BOOST_AUTO_TEST_CASE(get_returns_status_headers_and_padded_body) {
    fixture f;
    f.conn->scripts.push_back(
        ok_response("{\"a\":1}", "Content-Type: application/json\r\nX-Amzn-RequestId: r1\r\n"));
    auto r = f.run(get_request("/x?y=1"));
    BOOST_TEST(!r.ec);
    BOOST_TEST(r.resp.status() == 200);
    BOOST_TEST(r.resp.reason() == "OK");
    BOOST_TEST(r.resp.body().view() == "{\"a\":1}");
    BOOST_TEST(r.resp.header("x-amzn-requestid").value_or("") == "r1");
    auto v = r.resp.view();
    BOOST_TEST(v.body_padded);
    BOOST_TEST(v.header("content-type").value_or("") == "application/json");
    BOOST_TEST(v.body.data()[v.body.size()] == '\0');
    BOOST_TEST(f.conn->remotes.at(0)->str() == "GET /x?y=1 HTTP/1.1\r\nHost: example.test\r\n\r\n");
    BOOST_TEST(f.c->stats().idle == 1u); // kept alive
}

BOOST_AUTO_TEST_CASE(chunked_response_and_non_2xx_is_not_an_error) {
    fixture f;
    f.conn->scripts.push_back("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    auto r = f.run(get_request());
    BOOST_TEST(!r.ec);
    BOOST_TEST(r.resp.status() == 404);
    BOOST_TEST(r.resp.body().view() == "hello world");
}

BOOST_AUTO_TEST_CASE(head_response_has_no_body) {
    fixture f;
    f.conn->scripts.push_back("HTTP/1.1 200 OK\r\nContent-Length: 12345\r\n\r\n" + ok_response("next"));
    auto req = get_request();
    req.method = "HEAD";
    auto r = f.run(req);
    BOOST_TEST(!r.ec);
    BOOST_TEST(r.resp.header("content-length").value_or("") == "12345");
    BOOST_TEST(r.resp.body().size() == 0u);
    auto r2 = f.run(get_request());
    BOOST_TEST(r2.resp.body().view() == "next");
    BOOST_TEST(f.conn->connects == 1);
}

BOOST_AUTO_TEST_CASE(body_limit_gives_response_too_large_and_drops_connection) {
    fixture f;
    f.conn->scripts.push_back(ok_response(std::string(100, 'x')));
    eh::request_options o;
    o.max_body = 99;
    auto r = f.run(get_request(), o);
    BOOST_TEST(r.ec == engine::error::response_too_large);
    BOOST_TEST(f.c->stats().open == 0u);
    // Without Content-Length (chunked) the limit applies while reading.
    f.conn->scripts.push_back("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "40\r\n" +
                              std::string(64, 'y') + "\r\n40\r\n" + std::string(64, 'y') + "\r\n0\r\n\r\n");
    o.max_body = 100;
    auto r2 = f.run(get_request(), o);
    BOOST_TEST(r2.ec == engine::error::response_too_large);
    BOOST_TEST(f.c->stats().open == 0u);
}

BOOST_AUTO_TEST_CASE(malformed_response_is_bad_response) {
    fixture f;
    f.conn->scripts.push_back("HTTP/1.1 2OO OK\r\n\r\n");
    auto r = f.run(get_request());
    BOOST_TEST(r.ec == engine::error::bad_response);
    BOOST_TEST(f.c->stats().open == 0u);
}

BOOST_AUTO_TEST_CASE(truncated_response_is_connection_closed) {
    fixture f;
    f.conn->scripts.push_back("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    result r;
    start(*f.c, get_request(), r);
    f.ioc.poll();
    f.conn->remotes.at(0)->close(); // the server goes away mid-body
    f.ioc.run();
    BOOST_REQUIRE(r.done);
    BOOST_TEST(r.ec == engine::error::connection_closed);
    BOOST_TEST(f.c->stats().open == 0u);
}

BOOST_AUTO_TEST_CASE(connection_close_is_not_reused) {
    fixture f;
    f.conn->scripts.push_back(ok_response("a", "Connection: close\r\n"));
    f.conn->scripts.push_back(ok_response("b"));
    BOOST_TEST(f.run(get_request()).resp.body().view() == "a");
    BOOST_TEST(f.c->stats().open == 0u);
    BOOST_TEST(f.run(get_request()).resp.body().view() == "b");
    BOOST_TEST(f.conn->connects == 2);
}

BOOST_AUTO_TEST_CASE(sink_receives_2xx_bodies_in_chunks) {
    fixture f;
    f.conn->read_size = 10;
    std::string body(100, 'z');
    f.conn->scripts.push_back(ok_response(body) +
                              "HTTP/1.1 403 Forbidden\r\nContent-Length: 7\r\n\r\n<Error>");
    collect_sink sink;
    eh::request_options o;
    o.sink = &sink;
    o.max_body = 10; // applies to in-memory bodies only
    auto r = f.run(get_request(), o);
    BOOST_TEST(!r.ec);
    BOOST_TEST(sink.status == 200);
    BOOST_TEST(sink.data == body);
    BOOST_TEST(sink.chunks > 1);
    BOOST_TEST(r.resp.body().size() == 0u);
    BOOST_TEST(r.resp.body_bytes() == 100u);
    // An error status keeps its (small) body in memory for decoding.
    auto r2 = f.run(get_request(), o);
    BOOST_TEST(!r2.ec);
    BOOST_TEST(r2.resp.status() == 403);
    BOOST_TEST(r2.resp.body().view() == "<Error>");
    BOOST_TEST(sink.data.size() == 100u);
}

BOOST_AUTO_TEST_CASE(sink_error_aborts_and_closes) {
    fixture f;
    f.conn->read_size = 10;
    f.conn->scripts.push_back(ok_response(std::string(100, 'z')));
    collect_sink sink;
    sink.fail_after = 30;
    eh::request_options o;
    o.sink = &sink;
    auto r = f.run(get_request(), o);
    BOOST_TEST(r.ec == engine::error::body_sink_failed);
    BOOST_TEST(f.c->stats().open == 0u);
}

BOOST_AUTO_TEST_CASE(provider_body_is_sent_in_bounded_chunks) {
    eh::client_options co;
    co.upload_chunk_size = 7;
    fixture f(co);
    f.conn->scripts.push_back(ok_response("ok"));
    auto req = get_request("/up");
    req.method = "PUT";
    std::string payload;
    for (int i = 0; i < 100; ++i)
        payload += static_cast<char>('A' + i % 26);
    req.provider = eh::make_string_provider(payload);
    auto r = f.run(req);
    BOOST_TEST(!r.ec);
    BOOST_TEST(f.conn->remotes.at(0)->str() ==
               "PUT /up HTTP/1.1\r\nHost: example.test\r\nContent-Length: 100\r\n\r\n" + payload);
}

BOOST_AUTO_TEST_CASE(expect_continue_then_body) {
    fixture f;
    f.conn->scripts.push_back("HTTP/1.1 100 Continue\r\n\r\n" + ok_response("stored"));
    auto req = get_request("/k");
    req.method = "PUT";
    req.body = std::string(50, 'p');
    eh::request_options o;
    o.expect_continue_from = 10;
    auto r = f.run(req, o);
    BOOST_TEST(!r.ec);
    BOOST_TEST(r.resp.status() == 200);
    BOOST_TEST(r.resp.body().view() == "stored");
    const auto sent = f.conn->remotes.at(0)->str();
    BOOST_TEST(sent.find("Expect: 100-continue\r\n") != std::string::npos);
    BOOST_TEST(sent.ends_with("\r\n\r\n" + std::string(50, 'p')));
    BOOST_TEST(f.c->stats().idle == 1u);
}

BOOST_AUTO_TEST_CASE(expect_continue_refused_body_not_sent) {
    fixture f;
    f.conn->scripts.push_back("HTTP/1.1 417 Expectation Failed\r\nContent-Length: 4\r\n\r\nnope");
    auto req = get_request("/k");
    req.method = "PUT";
    req.body = std::string(50, 'p');
    eh::request_options o;
    o.expect_continue_from = 10;
    auto r = f.run(req, o);
    BOOST_TEST(!r.ec);
    BOOST_TEST(r.resp.status() == 417);
    BOOST_TEST(r.resp.body().view() == "nope");
    const auto sent = f.conn->remotes.at(0)->str();
    BOOST_TEST(sent.ends_with("Expect: 100-continue\r\n\r\n")); // headers only
    BOOST_TEST(f.c->stats().open == 0u);                        // body owed: the connection cannot be reused
}

BOOST_AUTO_TEST_CASE(fail_at_every_step_until_success) {
    // Fail the n-th operation (the connect, then each write and read_some) for n = 0, 1, ... until
    // the request succeeds; every failure must surface as the injected error and leave no
    // connection behind.
    const std::string body(40, 'b');
    int failures = 0;
    for (std::size_t n = 0; n < 200; ++n) {
        fixture f;
        f.conn->fc.emplace(n);
        f.conn->read_size = 16; // header and body take several reads
        f.conn->scripts.push_back(ok_response(body));
        auto req = get_request();
        req.method = "POST";
        req.body = "payload";
        auto r = f.run(req);
        if (!r.ec) {
            BOOST_TEST(r.resp.body().view() == body);
            BOOST_TEST(f.c->stats().open == 1u);
            BOOST_TEST(f.c->stats().idle == 1u);
            break;
        }
        ++failures;
        BOOST_TEST(r.ec == test_failure(), "n=" << n << ": " << r.ec.message());
        BOOST_TEST(f.c->stats().open == 0u);
        BOOST_TEST(f.c->stats().idle == 0u);
    }
    // connect + write + several header reads + several body reads
    BOOST_TEST(failures >= 5);
}

BOOST_AUTO_TEST_CASE(fail_at_every_step_with_expect_continue_and_provider) {
    eh::client_options co;
    co.upload_chunk_size = 8;
    int failures = 0;
    for (std::size_t n = 0; n < 200; ++n) {
        fixture f(co);
        f.conn->fc.emplace(n);
        f.conn->read_size = 8;
        f.conn->scripts.push_back("HTTP/1.1 100 Continue\r\n\r\n" + ok_response("done"));
        auto req = get_request();
        req.method = "PUT";
        req.provider = eh::make_string_provider(std::string(30, 'q'));
        eh::request_options o;
        o.expect_continue_from = 1;
        auto r = f.run(req, o);
        if (!r.ec) {
            BOOST_TEST(r.resp.body().view() == "done");
            BOOST_TEST(f.conn->remotes.at(0)->str().ends_with(std::string(30, 'q')));
            break;
        }
        ++failures;
        BOOST_TEST(r.ec == test_failure(), "n=" << n << ": " << r.ec.message());
        BOOST_TEST(f.c->stats().open == 0u);
    }
    BOOST_TEST(failures >= 8);
}

BOOST_AUTO_TEST_SUITE_END()
