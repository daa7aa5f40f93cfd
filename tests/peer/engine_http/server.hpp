#pragma once
// A tiny HTTP/1.1 server for the loopback tests, running on the test's io_context.
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
    test_server(asio::io_context& ioc, mode m, asio::ssl::context* tls = nullptr)
        : ioc_(ioc)
        , mode_(m)
        , tls_(tls)
        , acceptor_(ioc, {asio::ip::make_address("127.0.0.1"), 0}) {
        port_ = acceptor_.local_endpoint().port();
        asio::co_spawn(ioc_, accept_loop(), asio::detached);
    }

    std::uint16_t port() const { return port_; }

    /// Stops accepting and closes every open session.
    void stop() {
        beast::error_code ec;
        acceptor_.close(ec);
        auto closers = closers_;
        for (auto& [id, close] : closers)
            close();
    }

    int accepted = 0;
    int requests = 0;
    int expect_headers_seen = 0;
    std::size_t bytes_after_reject = 0;
    int sessions_done = 0;

private:
    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, sock] = co_await acceptor_.async_accept(tok);
            if (ec)
                co_return;
            ++accepted;
            asio::co_spawn(ioc_, session(std::move(sock)), asio::detached);
        }
    }

    asio::awaitable<void> session(tcp::socket sock) {
        const int id = next_id_++;
        if (tls_) {
            auto s = std::make_shared<beast::ssl_stream<beast::tcp_stream>>(std::move(sock), *tls_);
            closers_[id] = [s] { beast::get_lowest_layer(*s).close(); };
            auto [ec] = co_await s->async_handshake(asio::ssl::stream_base::server, tok);
            if (!ec)
                co_await serve(*s);
        } else {
            auto s = std::make_shared<beast::tcp_stream>(std::move(sock));
            closers_[id] = [s] { s->close(); };
            co_await serve(*s);
        }
        closers_.erase(id);
        ++sessions_done;
    }

    template <class Stream>
    asio::awaitable<void> serve(Stream& s) {
        beast::flat_buffer buf;
        if (mode_ == mode::deaf) {
            co_await beast::get_lowest_layer(s).socket().async_wait(tcp::socket::wait_error, tok);
            co_return;
        }
        for (;;) {
            if (mode_ == mode::silent) {
                char tmp[4096];
                auto [ec, n] = co_await s.async_read_some(asio::buffer(tmp), tok);
                if (ec)
                    co_return;
                continue;
            }
            bh::request_parser<bh::string_body> p;
            p.body_limit(64u << 20);
            auto [ec, n] = co_await bh::async_read_header(s, buf, p, tok);
            if (ec)
                co_return;
            ++requests;
            const bool expect = p.get()[bh::field::expect] == "100-continue";
            if (expect)
                ++expect_headers_seen;
            if (mode_ == mode::reject_417) {
                bh::response<bh::string_body> res{bh::status::expectation_failed, 11};
                res.set(bh::field::connection, "close");
                res.body() = "no";
                res.prepare_payload();
                co_await bh::async_write(s, res, tok);
                bytes_after_reject += buf.size();
                for (;;) {
                    char tmp[4096];
                    auto [rec, rn] = co_await s.async_read_some(asio::buffer(tmp), tok);
                    if (rec)
                        co_return;
                    bytes_after_reject += rn;
                }
            }
            if (mode_ == mode::expect_100 && expect) {
                static const std::string cont = "HTTP/1.1 100 Continue\r\n\r\n";
                co_await asio::async_write(s, asio::buffer(cont), tok);
            }
            auto [rec, rn] = co_await bh::async_read(s, buf, p, tok);
            if (rec)
                co_return;
            auto& req = p.get();
            bh::response<bh::string_body> res{bh::status::ok, 11};
            const std::string target(req.target());
            if (mode_ == mode::trickle) {
                co_await trickle(s, target);
                co_return;
            }
            if (target.starts_with("/size/")) {
                std::size_t size = std::stoul(target.substr(6));
                res.body().resize(size);
                for (std::size_t i = 0; i < size; ++i)
                    res.body()[i] = static_cast<char>('a' + i % 26);
            } else {
                res.body() =
                    std::string(req.method_string()) + " " + target + " " + std::to_string(req.body().size());
            }
            res.keep_alive(req.keep_alive());
            res.prepare_payload();
            auto [wec, wn] = co_await bh::async_write(s, res, tok);
            if (wec || !req.keep_alive())
                co_return;
        }
    }

    template <class Stream>
    asio::awaitable<void> trickle(Stream& s, const std::string& target) {
        std::size_t n = 0, every_ms = 0, send = 0;
        if (target.starts_with("/trickle/")) {
            const auto slash = target.find('/', 9);
            n = std::stoul(target.substr(9, slash - 9));
            every_ms = std::stoul(target.substr(slash + 1));
            send = n;
        } else if (target.starts_with("/half/")) {
            n = std::stoul(target.substr(6));
            send = n / 2;
        }
        const std::string head =
            "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: " + std::to_string(n) + "\r\n\r\n";
        if (std::get<0>(co_await asio::async_write(s, asio::buffer(head), tok)))
            co_return;
        if (every_ms == 0) {
            const std::string body(send, 'x');
            if (std::get<0>(co_await asio::async_write(s, asio::buffer(body), tok)))
                co_return;
        }
        for (std::size_t i = 0; every_ms != 0 && i < send; ++i) {
            asio::steady_timer t(s.get_executor(), std::chrono::milliseconds(every_ms));
            co_await t.async_wait(tok);
            if (std::get<0>(co_await asio::async_write(s, asio::buffer("x", 1), tok)))
                co_return;
        }
        if (send == n)
            co_return; // all sent: the session ends and closes the connection
        char tmp[4096]; // a partial body: wait for the client to give up
        while (!std::get<0>(co_await s.async_read_some(asio::buffer(tmp), tok))) {
        }
    }

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
