#pragma once
// basic_connection<Stream>: one HTTP/1.1 exchange at a time over any Beast-compatible stream.
// Explicitly instantiated in engine/src/http/connection.cpp for beast::tcp_stream and
// beast::ssl_stream<beast::tcp_stream>; tests instantiate it for beast::test::stream.
// Not a public header (heavy includes): only .cpp files include it.
#include <engine/http/connection.hpp>
#include <engine/http/detail/cancel.hpp>
#include <engine/http/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include <array>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace engine::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;

/// Beast Body: the payload goes to a padded_buffer (with a size limit) or to a body_sink.
struct sink_body {
    struct value_type {
        padded_buffer buf;
        body_sink* sink = nullptr;
        std::uint64_t max = 0; ///< limit for the in-memory buffer
        std::uint64_t bytes = 0;
        bool sink_failed = false;
    };

    class reader {
    public:
        template <bool is_request, class Fields>
        reader(beast::http::header<is_request, Fields>&, value_type& body)
            : body_(body) {}

        void init(const boost::optional<std::uint64_t>& length, beast::error_code& ec) {
            ec = {};
            if (body_.sink || !length)
                return;
            if (*length > body_.max) {
                ec = beast::http::error::body_limit;
                return;
            }
            body_.buf.reserve(static_cast<std::size_t>(*length));
        }

        template <class Buffers>
        std::size_t put(const Buffers& buffers, beast::error_code& ec) {
            ec = {};
            std::size_t n = 0;
            for (auto b : beast::buffers_range_ref(buffers)) {
                const char* p = static_cast<const char*>(b.data());
                if (body_.sink) {
                    if (body_.sink->on_body({p, b.size()})) {
                        body_.sink_failed = true;
                        ec = asio::error::operation_aborted; // replaced by body_sink_failed
                        return n;
                    }
                } else {
                    if (body_.bytes + b.size() > body_.max) {
                        ec = beast::http::error::body_limit;
                        return n;
                    }
                    body_.buf.append(p, b.size());
                }
                body_.bytes += b.size();
                n += b.size();
            }
            return n;
        }

        void finish(beast::error_code& ec) { ec = {}; }

    private:
        value_type& body_;
    };
};

using response_parser = beast::http::response_parser<sink_body>;

/// Maps a Beast/Asio error of an exchange to the client's codes (`timeout` names the phase).
std::error_code translate(const beast::error_code& ec, error timeout) noexcept;
/// Appends the request line and header block of `req` to `out`; invalid_request if malformed.
std::error_code serialize_head(const request& req, bool expect_continue, std::string& out);
/// Copies status, reason and fields of a parsed header into `out`.
void copy_head(const beast::http::response_header<>& h, response& out);

template <class Stream>
void set_deadline(Stream& s, clock::time_point deadline) {
    auto& lowest = beast::get_lowest_layer(s);
    if constexpr (requires { lowest.expires_at(deadline); }) {
        if (deadline == clock::time_point::max())
            lowest.expires_never();
        else
            lowest.expires_at(deadline);
    }
}

template <class Stream>
class basic_connection final : public connection {
public:
    template <class... Args>
    explicit basic_connection(Args&&... args)
        : stream_(std::forward<Args>(args)...) {}

    Stream& stream() noexcept { return stream_; }

    asio::awaitable<exchange_result> exchange(const request& req, const exchange_params& params,
                                              response& out) override;

    void close() noexcept override {
        try {
            beast::get_lowest_layer(stream_).close();
        } catch (...) {
        }
    }

private:
    asio::awaitable<std::error_code> write_body(const request& req, const exchange_params& params);
    /// Before each read or write: with a stall timeout shorter than what is left of the request's
    /// budget (`stall_`, decided when the exchange starts), the stream's expiry moves to now + stall
    /// or the deadline, whichever is sooner. Returns the error a timeout of that operation means.
    error arm(const exchange_params& params) {
        if (!stall_)
            return error::request_timeout;
        const auto stall = clock::now() + params.stall_timeout;
        if (stall < params.deadline) {
            set_deadline(stream_, stall);
            return error::transfer_stalled;
        }
        set_deadline(stream_, params.deadline);
        return error::request_timeout;
    }

    Stream stream_;
    beast::flat_buffer buffer_;
    std::string head_;
    std::vector<char> chunk_;
    bool stall_ = false;
};

template <class Stream>
asio::awaitable<std::error_code> basic_connection<Stream>::write_body(const request& req,
                                                                      const exchange_params& params) {
    constexpr auto tok = asio::as_tuple(asio::use_awaitable);
    if (!req.provider) {
        const error t = arm(params);
        auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(req.body), tok);
        co_return translate(ec, t);
    }
    chunk_.resize(std::max<std::size_t>(params.chunk_size, 1));
    std::uint64_t left = req.provider->size();
    while (left > 0) {
        std::error_code pec;
        std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, chunk_.size()));
        std::size_t got = req.provider->read({chunk_.data(), want}, pec);
        if (pec || got == 0 || got > want)
            co_return error::body_provider_failed;
        const error t = arm(params);
        auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(chunk_.data(), got), tok);
        if (ec)
            co_return translate(ec, t);
        if (cancelled(co_await asio::this_coro::cancellation_state))
            co_return aborted_code();
        left -= got;
    }
    co_return std::error_code{};
}

template <class Stream>
asio::awaitable<exchange_result>
basic_connection<Stream>::exchange(const request& req, const exchange_params& params, response& out) {
    co_await asio::this_coro::throw_if_cancelled(false);
    constexpr auto tok = asio::as_tuple(asio::use_awaitable);
    exchange_result r;
    const auto aborted = [&r]() -> exchange_result {
        r.ec = aborted_code();
        r.reusable = false;
        return r;
    };

    const std::uint64_t body_size = req.body_size();
    const bool expect = body_size > 0 && body_size >= params.expect_continue_from;
    head_.clear();
    if (auto ec = serialize_head(req, expect, head_)) {
        r.ec = ec;
        co_return r;
    }
    set_deadline(stream_, params.deadline);
    stall_ = params.stall_timeout.count() > 0 && params.deadline - clock::now() > params.stall_timeout;

    std::optional<response_parser> p;
    auto new_parser = [&] {
        p.emplace();
        p->header_limit(64 * 1024);
        p->body_limit(boost::none); // enforced by sink_body (the limit depends on the status)
        p->get().body().max = params.max_body;
        if (req.method == "HEAD")
            p->skip(true);
    };
    new_parser();
    bool body_sent = true;
    bool have_final = false; // a final response arrived before the body was sent

    if (!expect) {
        if (!req.provider) {
            // One gather write: header block and body together.
            std::array<asio::const_buffer, 2> bufs{asio::buffer(head_), asio::buffer(req.body)};
            const error t = arm(params);
            auto [ec, n] = co_await asio::async_write(stream_, bufs, tok);
            if (cancelled(co_await asio::this_coro::cancellation_state))
                co_return aborted();
            if (ec) {
                r.ec = translate(ec, t);
                co_return r;
            }
        } else {
            const error t = arm(params);
            auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(head_), tok);
            if (cancelled(co_await asio::this_coro::cancellation_state))
                co_return aborted();
            if (ec) {
                r.ec = translate(ec, t);
                co_return r;
            }
            if (auto bec = co_await write_body(req, params)) {
                r.ec = bec;
                co_return r;
            }
        }
    } else {
        const error t = arm(params);
        auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(head_), tok);
        if (cancelled(co_await asio::this_coro::cancellation_state))
            co_return aborted();
        if (ec) {
            r.ec = translate(ec, t);
            co_return r;
        }
        // Wait for "100 Continue" or a final answer, at most continue_timeout.
        body_sent = false;
        for (;;) {
            asio::steady_timer timer(stream_.get_executor(), params.continue_timeout);
            const error t = arm(params);
            auto [order, rec, rn, tec] =
                co_await asio::experimental::make_parallel_group(
                    beast::http::async_read_header(stream_, buffer_, *p, asio::deferred),
                    timer.async_wait(asio::deferred))
                    .async_wait(asio::experimental::wait_for_one(), tok);
            if (cancelled(co_await asio::this_coro::cancellation_state))
                co_return aborted();
            if (order[0] == 1) {
                // The timer won (the read was cancelled): send the body anyway, keep the parser.
                break;
            }
            if (rec) {
                r.response_started = p->got_some() || buffer_.size() > 0;
                r.ec = translate(rec, t);
                co_return r;
            }
            const int status = p->get().result_int();
            if (status == 100) {
                new_parser();
                break;
            }
            if (status > 100 && status < 200) {
                new_parser();
                continue;
            }
            // A final answer before the body (417, 4xx...): the body is never sent.
            r.response_started = true;
            have_final = true;
            break;
        }
        if (!have_final) {
            if (auto bec = co_await write_body(req, params)) {
                r.ec = bec;
                co_return r;
            }
            body_sent = true;
        }
    }

    // Read the final response header, skipping interim 1xx responses.
    while (!have_final) {
        while (!p->is_header_done()) {
            // With a stall timeout, a piece at a time (each must arrive within it); else in one go.
            const error t = arm(params);
            beast::error_code ec;
            if (stall_)
                std::tie(ec, std::ignore) = co_await beast::http::async_read_some(stream_, buffer_, *p, tok);
            else
                std::tie(ec, std::ignore) = co_await beast::http::async_read_header(stream_, buffer_, *p, tok);
            if (cancelled(co_await asio::this_coro::cancellation_state))
                co_return aborted();
            if (ec) {
                r.response_started = p->got_some() || buffer_.size() > 0;
                r.ec = translate(ec, t);
                co_return r;
            }
        }
        r.response_started = true;
        const int status = p->get().result_int();
        if (status >= 100 && status < 200) {
            new_parser();
            continue;
        }
        break;
    }

    const int status = p->get().result_int();
    if (params.sink && status >= 200 && status <= 299) {
        if (params.sink->on_status(status)) {
            r.ec = error::body_sink_failed;
            co_return r;
        }
        p->get().body().sink = params.sink;
    }
    while (!p->is_done()) {
        const error t = arm(params);
        beast::error_code ec;
        if (stall_)
            std::tie(ec, std::ignore) = co_await beast::http::async_read_some(stream_, buffer_, *p, tok);
        else
            std::tie(ec, std::ignore) = co_await beast::http::async_read(stream_, buffer_, *p, tok);
        if (cancelled(co_await asio::this_coro::cancellation_state))
            co_return aborted();
        if (ec) {
            r.ec = p->get().body().sink_failed ? std::error_code(error::body_sink_failed)
                                               : translate(ec, t);
            co_return r;
        }
    }
    copy_head(p->get().base(), out);
    auto& b = p->get().body();
    out.set_body(std::move(b.buf), b.bytes);
    r.reusable = body_sent && p->keep_alive();
    set_deadline(stream_, clock::time_point::max());
    co_return r;
}

} // namespace engine::http::detail
