// The loopback test server's sessions (see server.hpp), compiled once for the engine_http tests.
#include "server.hpp"

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace bbpeer {

test_server::test_server(asio::io_context& ioc, mode m, asio::ssl::context* tls)
    : ioc_(ioc)
    , mode_(m)
    , tls_(tls)
    , acceptor_(ioc, {asio::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
}

void test_server::stop() {
    beast::error_code ec;
    acceptor_.close(ec);
    auto closers = closers_;
    for (auto& [id, close] : closers)
        close();
}

asio::awaitable<void> test_server::accept_loop() {
    for (;;) {
        auto [ec, sock] = co_await acceptor_.async_accept(tok);
        if (ec)
            co_return;
        ++accepted;
        asio::co_spawn(ioc_, session(std::move(sock)), asio::detached);
    }
}

asio::awaitable<void> test_server::session(tcp::socket sock) {
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
asio::awaitable<void> test_server::serve(Stream& s) {
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
asio::awaitable<void> test_server::trickle(Stream& s, const std::string& target) {
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

} // namespace bbpeer
