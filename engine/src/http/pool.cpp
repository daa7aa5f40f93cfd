#include "pool.hpp"

#include <engine/http/detail/cancel.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace engine::http::detail {

namespace asio = boost::asio;

// ---------------------------------------------------------------------------------------------
// lease

lease::lease(lease&& o) noexcept
    : pool_(std::move(o.pool_))
    , host_(std::exchange(o.host_, nullptr))
    , conn_(std::move(o.conn_))
    , reused_(o.reused_) {}

lease& lease::operator=(lease&& o) noexcept {
    if (this != &o) {
        release(false);
        pool_ = std::move(o.pool_);
        host_ = std::exchange(o.host_, nullptr);
        conn_ = std::move(o.conn_);
        reused_ = o.reused_;
    }
    return *this;
}

lease::~lease() {
    release(false);
}

void lease::release(bool reusable) noexcept {
    if (!host_)
        return;
    auto p = std::move(pool_);
    auto* h = std::exchange(host_, nullptr);
    p->release(h, std::move(conn_), reusable);
}

// ---------------------------------------------------------------------------------------------
// pool

pool::pool(asio::any_io_executor ex, client_options options, std::shared_ptr<connector> conn,
           std::error_code init_error)
    : ex_(std::move(ex))
    , options_(std::move(options))
    , connector_(std::move(conn))
    , init_error_(init_error) {
    if (options_.max_connections_per_host == 0)
        options_.max_connections_per_host = 1;
    if (options_.max_connections == 0)
        options_.max_connections = 1;
}

pool::~pool() = default;

host_entry& pool::host_for(const origin& to) {
    auto key = to.key();
    auto it = hosts_.find(key);
    if (it == hosts_.end()) {
        auto h = std::make_unique<host_entry>();
        h->to = to;
        it = hosts_.emplace(std::move(key), std::move(h)).first;
    }
    return *it->second;
}

std::unique_ptr<connection> pool::take_idle(host_entry& h) {
    while (!h.idle.empty()) {
        auto c = std::move(h.idle.back());
        h.idle.pop_back();
        if (clock::now() - c.since < options_.idle_timeout) {
            ++h.reuses;
            return std::move(c.conn);
        }
        // Expired; every older one too.
        c.conn->close();
        free_slot(h);
        for (auto& o : h.idle) {
            o.conn->close();
            free_slot(h);
        }
        h.idle.clear();
    }
    return nullptr;
}

bool pool::make_room() {
    if (total_open_ < options_.max_connections)
        return true;
    host_entry* victim = nullptr;
    for (auto& [key, h] : hosts_)
        if (!h->idle.empty() && (!victim || h->idle.front().since < victim->idle.front().since))
            victim = h.get();
    if (!victim)
        return false;
    victim->idle.front().conn->close();
    victim->idle.erase(victim->idle.begin());
    free_slot(*victim);
    return true;
}

void pool::reserve_slot(host_entry& h) noexcept {
    ++h.open;
    ++total_open_;
}

void pool::free_slot(host_entry& h) noexcept {
    --h.open;
    --total_open_;
}

void pool::release(host_entry* h, std::unique_ptr<connection> c, bool reusable) noexcept {
    if (c && reusable && !closed_) {
        h->idle.push_back({std::move(c), clock::now()});
        dispatch(*h);
        return;
    }
    if (c)
        c->close();
    free_slot(*h);
    dispatch_all();
}

void pool::dispatch(host_entry& h) noexcept {
    while (!h.waiters.empty()) {
        pool_waiter* w = h.waiters.front();
        if (auto c = take_idle(h)) {
            w->conn = std::move(c);
            w->granted = pool_waiter::grant::connection;
        } else if (h.open < options_.max_connections_per_host && make_room()) {
            reserve_slot(h);
            w->granted = pool_waiter::grant::slot;
        } else {
            return;
        }
        h.waiters.pop_front();
        w->queued = false;
        --waiting_;
        w->timer.cancel();
    }
}

void pool::dispatch_all() noexcept {
    if (waiting_ == 0)
        return;
    for (auto& [key, h] : hosts_)
        if (!h->waiters.empty())
            dispatch(*h);
}

acquire_step pool::start_acquire(const origin& to, clock::time_point deadline, lease& out,
                                 std::optional<pool_waiter>& w, std::error_code& ec) {
    if (init_error_) {
        ec = init_error_;
        return acquire_step::fail;
    }
    host_entry& h = host_for(to);
    out.release(false);
    return look(h, deadline, out, w, ec);
}

acquire_step pool::look(host_entry& h, clock::time_point deadline, lease& out, std::optional<pool_waiter>& w,
                        std::error_code& ec) {
    if (closed_) {
        ec = error::client_closed;
        return acquire_step::fail;
    }
    // Idle connection first (waiters only exist while there is none), else a new slot unless
    // earlier requests are queued for this origin.
    if (auto c = take_idle(h)) {
        out.pool_ = shared_from_this();
        out.host_ = &h;
        out.conn_ = std::move(c);
        out.reused_ = true;
        return acquire_step::ready;
    }
    if (h.waiters.empty() && h.open < options_.max_connections_per_host && make_room()) {
        reserve_slot(h);
        // The slot is ours: the lease frees it on every failure path of connect().
        out.pool_ = shared_from_this();
        out.host_ = &h;
        out.reused_ = false;
        return acquire_step::connect;
    }
    if (clock::now() >= deadline) {
        ec = error::pool_timeout;
        return acquire_step::fail;
    }
    w.emplace(&h, asio::steady_timer(ex_, deadline));
    w->it = h.waiters.insert(h.waiters.end(), &*w);
    w->queued = true;
    ++waiting_;
    return acquire_step::wait;
}

acquire_step pool::after_wait(std::optional<pool_waiter>& w, bool was_cancelled, const std::error_code& wait_ec,
                              clock::time_point deadline, lease& out, std::error_code& ec) {
    host_entry& h = *w->host;
    if (w->queued) {
        h.waiters.erase(w->it);
        w->queued = false;
        --waiting_;
    }
    const auto granted = w->granted;
    std::unique_ptr<connection> conn = std::move(w->conn);
    w.reset();
    switch (granted) {
    case pool_waiter::grant::connection:
        out.pool_ = shared_from_this();
        out.host_ = &h;
        out.conn_ = std::move(conn);
        out.reused_ = true;
        if (was_cancelled) {
            out.release(true); // unused: back to the pool (and the next waiter)
            ec = aborted_code();
            return acquire_step::fail;
        }
        return acquire_step::ready;
    case pool_waiter::grant::slot:
        if (was_cancelled) {
            free_slot(h);
            dispatch_all();
            ec = aborted_code();
            return acquire_step::fail;
        }
        out.pool_ = shared_from_this();
        out.host_ = &h;
        out.reused_ = false;
        return acquire_step::connect;
    case pool_waiter::grant::closed:
        ec = error::client_closed;
        return acquire_step::fail;
    case pool_waiter::grant::none:
        break;
    }
    if (was_cancelled) {
        ec = aborted_code();
        return acquire_step::fail;
    }
    if (!wait_ec && clock::now() >= deadline) {
        ec = error::pool_timeout;
        return acquire_step::fail;
    }
    // Otherwise: woken without a grant (should not happen); look again.
    return look(h, deadline, out, w, ec);
}

asio::awaitable<std::error_code> pool::connect(clock::time_point deadline, lease& out) {
    auto self = shared_from_this();
    std::unique_ptr<connection> c;
    auto ec = co_await connector_->connect(out.host_->to, deadline, c);
    if (cancelled(co_await asio::this_coro::cancellation_state)) {
        out.release(false);
        co_return aborted_code();
    }
    if (ec) {
        out.release(false);
        co_return ec;
    }
    ++out.host_->connects;
    out.conn_ = std::move(c);
    co_return std::error_code{};
}

asio::awaitable<std::error_code> pool::acquire(const origin& to, clock::time_point deadline, lease& out) {
    co_await asio::this_coro::throw_if_cancelled(false);
    std::optional<pool_waiter> w;
    std::error_code ec;
    auto step = start_acquire(to, deadline, out, w, ec);
    while (step == acquire_step::wait) {
        auto [wec] = co_await w->timer.async_wait(asio::as_tuple(asio::deferred));
        step = after_wait(w, cancelled(co_await asio::this_coro::cancellation_state), wec, deadline, out, ec);
    }
    if (step == acquire_step::connect)
        ec = co_await connect(deadline, out);
    co_return ec;
}

pool_stats pool::stats() const noexcept {
    pool_stats s;
    s.open = total_open_;
    s.waiting = waiting_;
    for (const auto& [key, h] : hosts_) {
        s.idle += h->idle.size();
        s.connects += h->connects;
        s.reuses += h->reuses;
    }
    return s;
}

pool_stats pool::stats(const origin& to) const noexcept {
    pool_stats s;
    auto it = hosts_.find(to.key());
    if (it == hosts_.end())
        return s;
    const auto& h = *it->second;
    s.open = h.open;
    s.idle = h.idle.size();
    s.waiting = h.waiters.size();
    s.connects = h.connects;
    s.reuses = h.reuses;
    return s;
}

void pool::close_idle() noexcept {
    for (auto& [key, h] : hosts_) {
        for (auto& c : h->idle) {
            c.conn->close();
            free_slot(*h);
        }
        h->idle.clear();
    }
    dispatch_all();
}

void pool::close() noexcept {
    closed_ = true;
    for (auto& [key, h] : hosts_) {
        for (auto& c : h->idle) {
            c.conn->close();
            free_slot(*h);
        }
        h->idle.clear();
        while (!h->waiters.empty()) {
            pool_waiter* w = h->waiters.front();
            h->waiters.pop_front();
            w->queued = false;
            --waiting_;
            w->granted = pool_waiter::grant::closed;
            w->timer.cancel();
        }
    }
}

} // namespace engine::http::detail
