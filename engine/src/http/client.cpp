#include <engine/http/client.hpp>
#include <engine/http/detail/cancel.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "connector.hpp"
#include "pool.hpp"

namespace engine::http {

namespace asio = boost::asio;

namespace {

using detail::aborted_code;
using detail::is_cancelled;

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

asio::awaitable<outcome> run_request(std::shared_ptr<detail::pool> p, request req, request_options opt) {
    co_await asio::this_coro::throw_if_cancelled(false);
    outcome o;
    const auto deadline = opt.timeout.count() > 0 ? clock::now() + opt.timeout : clock::time_point::max();
    exchange_params params;
    params.max_body = opt.max_body;
    params.sink = opt.sink;
    params.expect_continue_from = opt.expect_continue_from;
    params.continue_timeout = opt.continue_timeout;
    params.chunk_size = p->options().upload_chunk_size;

    for (int attempt = 0;; ++attempt) {
        detail::lease l;
        if (auto ec = co_await p->acquire(req.to, deadline, l)) {
            o.ec = ec;
            co_return o;
        }
        params.deadline = earliest(deadline, opt.request_timeout);
        response resp;
        auto r = co_await l.conn()->exchange(req, params, resp);
        if (!r.ec && !(co_await is_cancelled())) {
            l.release(r.reusable && (!opt.reuse_connection || opt.reuse_connection(resp)));
            o.resp = std::move(resp);
            co_return o;
        }
        const bool reused = l.reused();
        l.release(false);
        if (co_await is_cancelled()) {
            o.ec = aborted_code();
            co_return o;
        }
        // A reused connection that failed before any response byte: the server most likely closed
        // it while idle. Retry once on a fresh connection.
        if (attempt == 0 && reused && !r.response_started && opt.retry_stale_connection &&
            stale_connection_error(r.ec) && opt.sink == nullptr && (!req.provider || !req.provider->rewind()))
            continue;
        o.ec = r.ec;
        co_return o;
    }
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
