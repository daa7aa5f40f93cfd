#include "pool.hpp"

#include <engine/http/detail/cancel.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace engine::http::detail {

namespace asio = boost::asio;

struct pool_waiter {
    host_entry* host;
    asio::steady_timer timer;
    enum class grant { none, connection, slot, closed } granted = grant::none;
    std::unique_ptr<connection> conn;
    std::list<pool_waiter*>::iterator it{};
    bool queued = false;

    pool_waiter(host_entry* h, asio::steady_timer t)
        : host(h)
        , timer(std::move(t)) {}
};

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

asio::awaitable<std::error_code> pool::acquire(const origin& to, clock::time_point deadline, lease& out) {
    co_await asio::this_coro::throw_if_cancelled(false);
    if (init_error_)
        co_return init_error_;
    auto self = shared_from_this();
    host_entry& h = host_for(to);
    out.release(false);

    for (;;) {
        if (closed_)
            co_return error::client_closed;
        // Idle connection first (waiters only exist while there is none), else a new slot unless
        // earlier requests are queued for this origin.
        if (auto c = take_idle(h)) {
            out.pool_ = self;
            out.host_ = &h;
            out.conn_ = std::move(c);
            out.reused_ = true;
            co_return std::error_code{};
        }
        if (h.waiters.empty() && h.open < options_.max_connections_per_host && make_room()) {
            reserve_slot(h);
            break;
        }
        if (clock::now() >= deadline)
            co_return error::pool_timeout;

        pool_waiter w(&h, asio::steady_timer(ex_, deadline));
        w.it = h.waiters.insert(h.waiters.end(), &w);
        w.queued = true;
        ++waiting_;
        auto [ec] = co_await w.timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (w.queued) {
            h.waiters.erase(w.it);
            w.queued = false;
            --waiting_;
        }
        const bool cancelled = co_await is_cancelled();
        switch (w.granted) {
        case pool_waiter::grant::connection:
            out.pool_ = self;
            out.host_ = &h;
            out.conn_ = std::move(w.conn);
            out.reused_ = true;
            if (cancelled) {
                out.release(true); // unused: back to the pool (and the next waiter)
                co_return aborted_code();
            }
            co_return std::error_code{};
        case pool_waiter::grant::slot:
            if (cancelled) {
                free_slot(h);
                dispatch_all();
                co_return aborted_code();
            }
            goto connect;
        case pool_waiter::grant::closed:
            co_return error::client_closed;
        case pool_waiter::grant::none:
            break;
        }
        if (cancelled)
            co_return aborted_code();
        if (!ec && clock::now() >= deadline)
            co_return error::pool_timeout;
        // Otherwise: woken without a grant (should not happen); look again.
    }

connect:
    // The slot is ours: the lease frees it on every failure path below.
    out.pool_ = self;
    out.host_ = &h;
    out.reused_ = false;
    {
        std::unique_ptr<connection> c;
        auto ec = co_await connector_->connect(h.to, deadline, c);
        if (co_await is_cancelled()) {
            out.release(false);
            co_return aborted_code();
        }
        if (ec) {
            out.release(false);
            co_return ec;
        }
        ++h.connects;
        out.conn_ = std::move(c);
    }
    co_return std::error_code{};
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
