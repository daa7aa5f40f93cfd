#pragma once
// A tiny HTTP/1.1 server for the loopback tests, running on the test's io_context. Its sessions are
// compiled once, in server.cpp (engine_http_test_server), not in every test unit.
#include <engine/http/client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/test/unit_test.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>

namespace bbpeer {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bh = beast::http;
namespace eh = engine::http;
using tcp = asio::ip::tcp;
constexpr auto tok = asio::as_tuple(asio::use_awaitable);

enum class mode {
    echo,       ///< 200 with "<method> <target> <body bytes>"; /size/N answers N bytes
    silent,     ///< accepts and reads, never answers
    expect_100, ///< honours Expect: 100-continue, then answers 200 with the body size
    reject_417, ///< answers 417 to the header, then counts the bytes still sent by the client
    trickle,    ///< /trickle/N/MS: N body bytes, one every MS ms; /half/N: N/2 of N bytes, then nothing
    deaf,       ///< accepts and never reads (the client's writes stall once the socket buffers fill)
};

class test_server {
public:
    test_server(asio::io_context& ioc, mode m, asio::ssl::context* tls = nullptr);

    std::uint16_t port() const { return port_; }

    /// Stops accepting and closes every open session.
    void stop();

    int accepted = 0;
    int requests = 0;
    int expect_headers_seen = 0;
    std::size_t bytes_after_reject = 0;
    int sessions_done = 0;

private:
    asio::awaitable<void> accept_loop();
    asio::awaitable<void> session(tcp::socket sock);
    template <class Stream>
    asio::awaitable<void> serve(Stream& s);
    template <class Stream>
    asio::awaitable<void> trickle(Stream& s, const std::string& target);

    asio::io_context& ioc_;
    mode mode_;
    asio::ssl::context* tls_;
    tcp::acceptor acceptor_;
    std::map<int, std::function<void()>> closers_;
    int next_id_ = 0;
    std::uint16_t port_ = 0;
};

/// Runs `body` (a coroutine) to completion on `ioc`, then closes the client and stops the servers
/// so that run() returns.
template <class F>
void run(asio::io_context& ioc, eh::client& c, std::initializer_list<test_server*> servers, F body) {
    bool done = false;
    std::exception_ptr ex;
    asio::co_spawn(ioc, body(), [&](std::exception_ptr e) {
        done = true;
        ex = e;
        c.close();
        for (auto* s : servers)
            s->stop();
    });
    ioc.run();
    if (ex)
        std::rethrow_exception(ex);
    BOOST_TEST(done);
}

inline eh::request make_request(bool tls, std::string host, std::uint16_t port, std::string target = "/",
                                std::string method = "GET") {
    eh::request r;
    r.to = {tls, std::move(host), port};
    r.method = std::move(method);
    r.target = std::move(target);
    return r;
}

inline auto request(eh::client& c, eh::request r, eh::request_options o = {}) {
    return eh::async_request(c, std::move(r), o, asio::as_tuple(asio::use_awaitable));
}

} // namespace bbpeer
