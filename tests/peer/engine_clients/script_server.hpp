#pragma once
// A scripted HTTP/1.1 server on 127.0.0.1 (ephemeral port) in the test's io_context: each request
// gets the next scripted step (the last one repeats). Steps answer (status, body, Date, content
// type), hang (read the request, never answer), or close the connection before or in the middle of
// the answer. It records every request and counts accepted connections.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace test_peer {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bh = beast::http;

enum class step_kind {
    answer,         ///< a complete response, connection kept alive
    hang,           ///< read the request, never answer (until the client closes)
    close,          ///< close the connection without answering
    close_mid_body, ///< send the header and half the body, then close
};

struct scripted {
    scripted(unsigned st, std::string b, std::string d = {})
        : status(st)
        , body(std::move(b))
        , date(std::move(d)) {}
    static scripted of(step_kind k) {
        scripted s(500, R"({"__type":"InternalServerException","message":"cut"})");
        s.kind = k;
        return s;
    }
    unsigned status;
    std::string body;
    std::string date;                                      // Date header, if any
    std::string content_type = "application/x-amz-json-1.1"; // text/xml for STS
    step_kind kind = step_kind::answer;
};

struct seen {
    std::string amz_date, authorization, body, target, amz_target, content_type, security_token;
};

class script_server {
public:
    script_server(asio::io_context& ioc, std::deque<scripted> script)
        : ioc_(ioc)
        , script_(std::move(script))
        , acceptor_(ioc, {asio::ip::make_address("127.0.0.1"), 0}) {
        asio::co_spawn(ioc_, accept_loop(), asio::detached);
    }
    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
    void stop() {
        beast::error_code ec;
        acceptor_.close(ec);
        for (auto& s : streams_)
            s->close();
    }
    /// Called with the request's index once it was read, before it is answered.
    std::function<void(std::size_t)> on_request;
    std::vector<seen> requests;
    std::size_t accepted = 0; ///< connections accepted so far
    std::size_t closed_by_client = 0; ///< connections that ended with the client closing them

private:
    static constexpr auto tok = asio::as_tuple(asio::use_awaitable);

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, sock] = co_await acceptor_.async_accept(tok);
            if (ec)
                co_return;
            ++accepted;
            auto s = std::make_shared<beast::tcp_stream>(std::move(sock));
            streams_.push_back(s);
            asio::co_spawn(ioc_, serve(s), asio::detached);
        }
    }
    asio::awaitable<void> serve(std::shared_ptr<beast::tcp_stream> s) {
        beast::flat_buffer buf;
        for (;;) {
            bh::request<bh::string_body> req;
            auto [ec, n] = co_await bh::async_read(*s, buf, req, tok);
            if (ec) {
                if (ec == bh::error::end_of_stream || ec == asio::error::eof ||
                    ec == asio::error::connection_reset)
                    ++closed_by_client;
                co_return;
            }
            requests.push_back({std::string(req["X-Amz-Date"]), std::string(req[bh::field::authorization]),
                                req.body(), std::string(req.target()), std::string(req["X-Amz-Target"]),
                                std::string(req[bh::field::content_type]),
                                std::string(req["X-Amz-Security-Token"])});
            scripted r = script_.front();
            if (script_.size() > 1)
                script_.pop_front();
            if (on_request)
                on_request(requests.size() - 1);
            if (r.kind == step_kind::hang)
                continue; // the next read ends when the client closes the connection
            if (r.kind == step_kind::close) {
                s->close();
                co_return;
            }
            bh::response<bh::string_body> res{static_cast<bh::status>(r.status), 11};
            res.set(bh::field::content_type, r.content_type);
            res.set("x-amzn-RequestId", "req-" + std::to_string(requests.size()));
            if (!r.date.empty())
                res.set(bh::field::date, r.date);
            res.body() = r.body;
            res.keep_alive(true);
            res.prepare_payload();
            if (r.kind == step_kind::close_mid_body) {
                bh::response_serializer<bh::string_body> sr(res);
                sr.split(true);
                auto [hec, hn] = co_await bh::async_write_header(*s, sr, tok);
                if (!hec) {
                    const std::string half = r.body.substr(0, r.body.size() / 2);
                    auto [bec, bn] = co_await asio::async_write(s->socket(), asio::buffer(half), tok);
                    (void)bec;
                }
                s->close();
                co_return;
            }
            auto [wec, wn] = co_await bh::async_write(*s, res, tok);
            if (wec)
                co_return;
        }
    }
    asio::io_context& ioc_;
    std::deque<scripted> script_;
    asio::ip::tcp::acceptor acceptor_;
    std::vector<std::shared_ptr<beast::tcp_stream>> streams_;
};

} // namespace test_peer
