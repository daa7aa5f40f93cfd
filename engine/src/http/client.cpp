#include <engine/http/client.hpp>
#include <engine/http/detail/cancel.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "connector.hpp"
#include "pool.hpp"

namespace engine::http {

namespace asio = boost::asio;

namespace {

using detail::aborted_code;
using detail::cancelled;

struct outcome {
    std::error_code ec;
    response resp;
};

clock::time_point earliest(clock::time_point deadline, std::chrono::milliseconds budget) {
    auto now = clock::now();
    if (deadline <= now)
        return now;
    return (deadline - now) < budget ? deadline : now + budget;
}

bool stale_connection_error(const std::error_code& ec) {
    return ec == error::connection_closed || ec == std::errc::connection_reset ||
           ec == std::errc::broken_pipe || ec == std::errc::connection_aborted;
}

// A plain function, so that the temporary is not kept in the coroutine's frame.
void clear(response& r) {
    r = response{};
}

// The request itself, in the awaiting coroutine (no frame of its own beyond this one): `req` and
// `opt` are read in place, the answer goes to `out` (written only when a complete response arrived).
// `hook` (may be null) prepares `req` once a connection is in hand, before each exchange.
asio::awaitable<std::error_code> do_request(std::shared_ptr<detail::pool> p, request& req,
                                            const request_options& opt, response& out, send_hook* hook) {
    const auto deadline = opt.timeout.count() > 0 ? clock::now() + opt.timeout : clock::time_point::max();
    exchange_params params;
    params.max_body = opt.max_body;
    params.sink = opt.sink;
    params.expect_continue_from = opt.expect_continue_from;
    params.continue_timeout = opt.continue_timeout;
    params.stall_timeout = opt.stall_timeout;
    params.chunk_size = p->options().upload_chunk_size;

    for (int attempt = 0;; ++attempt) {
        detail::lease l;
        {
            // The wait for a connection, in this frame (no coroutine of its own): most requests
            // in flight are here when there are more of them than connections.
            std::optional<detail::pool_waiter> w;
            std::error_code ec;
            auto step = p->start_acquire(req.to, deadline, l, w, ec);
            while (step == detail::acquire_step::wait) {
                auto [wec] = co_await w->timer.async_wait(asio::as_tuple(asio::deferred));
                step = p->after_wait(w, cancelled(co_await asio::this_coro::cancellation_state), wec, deadline, l, ec);
            }
            if (step == detail::acquire_step::connect)
                ec = co_await p->connect(deadline, l);
            if (ec)
                co_return ec;
        }
        if (hook) {
            if (auto hec = hook->before_send(req)) {
                l.release(true); // nothing was written on it
                co_return hec;
            }
        }
        params.deadline = earliest(deadline, opt.request_timeout);
        auto r = co_await l.conn()->exchange(req, params, out);
        const bool was_cancelled = cancelled(co_await asio::this_coro::cancellation_state);
        if (!r.ec && !was_cancelled) {
            l.release(r.reusable && (!opt.reuse_connection || opt.reuse_connection(out)));
            co_return std::error_code{};
        }
        const bool reused = l.reused();
        l.release(false);
        clear(out); // no complete answer: nothing of it is reported
        if (was_cancelled)
            co_return aborted_code();
        // A reused connection that failed before any response byte: the server most likely closed
        // it while idle. Retry once on a fresh connection.
        if (attempt == 0 && reused && !r.response_started && opt.retry_stale_connection &&
            stale_connection_error(r.ec) && opt.sink == nullptr && (!req.provider || !req.provider->rewind()))
            continue;
        co_return r.ec;
    }
}

// async_request's operation: owns the request and options, on its own coroutine thread.
asio::awaitable<outcome> run_request(std::shared_ptr<detail::pool> p, request req, request_options opt) {
    co_await asio::this_coro::throw_if_cancelled(false);
    outcome o;
    send_hook* no_hook = nullptr;
    o.ec = co_await do_request(std::move(p), req, opt, o.resp, no_hook);
    co_return o;
}

} // namespace

client::client(executor_type ex, client_options options)
    : ex_(std::move(ex)) {
    std::error_code ec;
    auto conn = detail::make_tcp_tls_connector(options, ec);
    pool_ = std::make_shared<detail::pool>(ex_, std::move(options), std::move(conn), ec);
}

client::client(executor_type ex, client_options options, std::shared_ptr<connector> conn)
    : ex_(std::move(ex)) {
    pool_ = std::make_shared<detail::pool>(ex_, std::move(options), std::move(conn), std::error_code{});
}

client::~client() {
    pool_->close();
}

const client_options& client::options() const noexcept {
    return pool_->options();
}
std::error_code client::init_error() const noexcept {
    return pool_->init_error();
}
pool_stats client::stats() const noexcept {
    return pool_->stats();
}
pool_stats client::stats(const origin& to) const noexcept {
    return pool_->stats(to);
}
void client::close_idle() noexcept {
    pool_->close_idle();
}
void client::close() noexcept {
    pool_->close();
}

asio::awaitable<std::error_code> client::send(request& req, const request_options& opt, response& out,
                                              send_hook* hook) {
    return do_request(pool_, req, opt, out, hook);
}

void client::start_request(request req, const request_options& opt,
                           asio::any_completion_handler<void(std::error_code, response)> handler) {
    auto slot = asio::get_associated_cancellation_slot(handler);
    asio::co_spawn(
        ex_, run_request(pool_, std::move(req), opt),
        asio::bind_cancellation_slot(slot, [h = std::move(handler)](std::exception_ptr e, outcome o) mutable {
            if (e) // only std::bad_alloc can get here
                o.ec = std::make_error_code(std::errc::not_enough_memory);
            auto ex = asio::get_associated_executor(h);
            asio::dispatch(ex, [h = std::move(h), o = std::move(o)]() mutable {
                std::move(h)(o.ec, std::move(o.resp));
            });
        }));
}

} // namespace engine::http
