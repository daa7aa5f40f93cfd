// The scripted server's coroutines (see script_server.hpp), compiled once for engine_clients_peer_test.
#include "script_server.hpp"

namespace test_peer {

asio::awaitable<void> script_server::accept_loop() {
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
asio::awaitable<void> script_server::serve(std::shared_ptr<beast::tcp_stream> s) {
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

} // namespace test_peer
