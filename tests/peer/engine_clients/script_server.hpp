#pragma once
// A scripted HTTP/1.1 server on 127.0.0.1 (ephemeral port) in the test's io_context: each request
// gets the next scripted step (the last one repeats). Steps answer (status, body, Date, content
// type), hang (read the request, never answer), or close the connection before or in the middle of
// the answer. It records every request and counts accepted connections. Its coroutines are compiled
// once, in script_server.cpp (engine_clients_test_server), not in every test unit.
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

    asio::awaitable<void> accept_loop();
    asio::awaitable<void> serve(std::shared_ptr<beast::tcp_stream> s);

    asio::io_context& ioc_;
    std::deque<scripted> script_;
    asio::ip::tcp::acceptor acceptor_;
    std::vector<std::shared_ptr<beast::tcp_stream>> streams_;
};

} // namespace test_peer
