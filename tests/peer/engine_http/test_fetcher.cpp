// The credentials http_fetcher seam implemented on the client, against a loopback server.
#include <engine/credentials/error.hpp>
#include <engine/http/fetcher.hpp>

#include "server.hpp"

using namespace bbpeer;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(engine_http_fetcher)

BOOST_AUTO_TEST_CASE(fetch_returns_status_headers_body_and_maps_timeouts) {
    asio::io_context ioc;
    test_server echo(ioc, mode::echo);
    test_server silent(ioc, mode::silent);
    eh::client c(ioc.get_executor());
    auto fetcher = eh::make_client_fetcher(c);
    run(ioc, c, {&echo, &silent}, [&]() -> asio::awaitable<void> {
        protocol::http_request req;
        req.method = "PUT";
        req.scheme = "http";
        req.host = "127.0.0.1";
        req.port = echo.port();
        req.path = "/latest/api/token";
        req.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}};
        auto r = co_await fetcher->fetch(req, 2000ms);
        BOOST_TEST(!r.ec, r.ec.message());
        BOOST_TEST(r.response.status == 200);
        BOOST_TEST(r.response.body == "PUT /latest/api/token 0");
        BOOST_TEST(r.response.headers.size() >= 1u);

        req.port = silent.port();
        auto t = co_await fetcher->fetch(req, 50ms);
        BOOST_TEST(t.ec == engine::credentials::error::timeout, t.ec.message());

        req.scheme = "ftp";
        auto u = co_await fetcher->fetch(req, 50ms);
        BOOST_TEST(u.ec == engine::credentials::error::unsupported_scheme);
    });
}

BOOST_AUTO_TEST_SUITE_END()
