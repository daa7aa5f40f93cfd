#pragma once
// A connector that hands out basic_connection<beast::test::stream> whose other end is preloaded
// with a scripted response; fail_count makes the n-th I/O (or the connect) fail.
#include <engine/http/client.hpp>
#include <engine/http/detail/basic_connection.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/_experimental/test/stream.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bbtest {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace eh = engine::http;

/// beast::test::stream whose reads honour per-operation cancellation (test::stream exposes the
/// slot but never installs a handler): a terminal cancellation closes the stream, which ends the
/// pending read with operation_aborted. The client closes a cancelled connection anyway.
class cancellable_stream {
public:
    using executor_type = beast::test::stream::executor_type;

    template <class... Args>
    explicit cancellable_stream(Args&&... args)
        : s_(std::forward<Args>(args)...) {}

    beast::test::stream& inner() noexcept { return s_; }
    executor_type get_executor() noexcept { return s_.get_executor(); }
    void close() { s_.close(); }

    template <class Buffers, class Token>
    auto async_write_some(const Buffers& b, Token&& token) {
        return s_.async_write_some(b, std::forward<Token>(token));
    }

    template <class Buffers, class Token>
    auto async_read_some(const Buffers& b, Token&& token) {
        return asio::async_initiate<Token, void(beast::error_code, std::size_t)>(
            [this](auto handler, const Buffers& buffers) {
                auto slot = asio::get_associated_cancellation_slot(handler);
                if (slot.is_connected()) {
                    slot.assign([alive = std::weak_ptr<int>(alive_), s = &s_](asio::cancellation_type t) {
                        if (alive.lock() &&
                            (t & asio::cancellation_type::terminal) != asio::cancellation_type::none)
                            s->close();
                    });
                }
                s_.async_read_some(buffers, std::move(handler));
            },
            token, b);
    }

private:
    beast::test::stream s_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

using test_connection = eh::detail::basic_connection<cancellable_stream>;

class fake_connector final : public eh::connector {
public:
    explicit fake_connector(asio::io_context& ioc)
        : ioc_(ioc) {}

    /// Responses for the next connections, one string per connection (may hold several responses).
    std::deque<std::string> scripts;
    /// Fails the n-th operation (connect or stream I/O), when set.
    std::optional<beast::test::fail_count> fc;
    /// Bytes per read_some on the client side (0: everything available).
    std::size_t read_size = 0;
    /// The server ends, in connection order; str() is what the client wrote.
    std::vector<std::unique_ptr<beast::test::stream>> remotes;
    int connects = 0;

    asio::awaitable<std::error_code> connect(const eh::origin&, eh::clock::time_point,
                                             std::unique_ptr<eh::connection>& out) override {
        // A real suspension point, like a real connect.
        co_await asio::post(ioc_, asio::use_awaitable);
        if (fc) {
            beast::error_code ec;
            fc->fail(ec);
            if (ec)
                co_return std::error_code(ec);
        }
        auto conn = fc ? std::make_unique<test_connection>(ioc_, *fc)
                       : std::make_unique<test_connection>(ioc_.get_executor());
        auto remote = std::make_unique<beast::test::stream>(ioc_);
        conn->stream().inner().connect(*remote);
        if (read_size)
            conn->stream().inner().read_size(read_size);
        if (!scripts.empty()) {
            conn->stream().inner().append(scripts.front());
            scripts.pop_front();
        }
        remotes.push_back(std::move(remote));
        ++connects;
        out = std::move(conn);
        co_return std::error_code{};
    }

private:
    asio::io_context& ioc_;
};

inline eh::request get_request(std::string target = "/") {
    eh::request r;
    r.to = {false, "example.test", 80};
    r.method = "GET";
    r.target = std::move(target);
    return r;
}

inline std::string ok_response(std::string_view body, std::string_view extra = {}) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + std::string(extra) +
           "\r\n" + std::string(body);
}

struct result {
    bool done = false;
    std::error_code ec;
    eh::response resp;
};

/// Starts a request whose completion fills `out`.
inline void start(eh::client& c, eh::request req, result& out, eh::request_options opt = {},
                  asio::cancellation_slot slot = {}) {
    eh::async_request(c, std::move(req), opt,
                      asio::bind_cancellation_slot(slot, [&out](std::error_code ec, eh::response r) {
                          out.done = true;
                          out.ec = ec;
                          out.resp = std::move(r);
                      }));
}

inline std::error_code test_failure() {
    return beast::error_code(beast::test::error::test_failure);
}

} // namespace bbtest
