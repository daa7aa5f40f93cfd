#pragma once
// The per-origin connection pool. Private to engine/http.
//
// All state is touched only on the client's executor (no mutex). Invariants, checked by the tests
// through client::stats():
//   - total_open_ == sum of host.open; host.open counts connecting, leased and idle connections;
//   - a connection is either idle (in host.idle) or owned by exactly one lease;
//   - a lease that ends without release(true) closes its connection and frees its slot;
//   - waiters are woken in FIFO order, each with either an idle connection or a reserved slot.
#include <engine/http/client.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace engine::http::detail {

class pool;
struct pool_waiter;

struct host_entry {
    struct idle_connection {
        std::unique_ptr<connection> conn;
        clock::time_point since;
    };
    origin to;
    std::vector<idle_connection> idle; ///< oldest first; taken from the back (warmest)
    std::size_t open = 0;
    std::list<pool_waiter*> waiters; ///< FIFO
    std::uint64_t connects = 0;
    std::uint64_t reuses = 0;
};

/// A reserved slot in the pool, with the connection once there is one.
class lease {
public:
    lease() = default;
    lease(lease&& o) noexcept;
    lease& operator=(lease&& o) noexcept;
    ~lease();

    connection* conn() const noexcept { return conn_.get(); }
    bool reused() const noexcept { return reused_; }
    /// Returns the connection to the pool (reusable) or closes it, and frees the lease.
    void release(bool reusable) noexcept;

private:
    friend class pool;
    std::shared_ptr<pool> pool_;
    host_entry* host_ = nullptr;
    std::unique_ptr<connection> conn_;
    bool reused_ = false;
};

/// A request queued for a connection of one origin (lives in the requesting coroutine's frame while
/// it waits on `timer`: the pool cancels the timer when it hands over a connection or a slot, the
/// deadline fires it, and the requester's cancellation aborts the wait).
struct pool_waiter {
    host_entry* host;
    boost::asio::steady_timer timer;
    enum class grant { none, connection, slot, closed } granted = grant::none;
    std::unique_ptr<connection> conn;
    std::list<pool_waiter*>::iterator it{};
    bool queued = false;

    pool_waiter(host_entry* h, boost::asio::steady_timer t)
        : host(h)
        , timer(std::move(t)) {}
};

/// What a requester does next (see pool::start_acquire).
enum class acquire_step {
    ready,   ///< the lease holds a connection
    connect, ///< the lease holds a reserved slot: await pool::connect
    wait,    ///< queued: await the waiter's timer, then pool::after_wait
    fail,    ///< `ec` says why (the lease is empty)
};

class pool : public std::enable_shared_from_this<pool> {
public:
    pool(boost::asio::any_io_executor ex, client_options options, std::shared_ptr<connector> conn,
         std::error_code init_error);
    ~pool();

    /// Waits for an idle connection or a free slot (FIFO), connecting when needed.
    /// Errors: init error, client_closed, pool_timeout (deadline), connector errors, operation_aborted.
    /// (The steps below, as one coroutine.)
    boost::asio::awaitable<std::error_code> acquire(const origin& to, clock::time_point deadline, lease& out);

    /// The same in steps, so that a requester keeps the waiter in its own frame and no coroutine
    /// frame exists for the wait: an idle connection, a reserved slot, or a place in the queue
    /// (`w` emplaced and queued; await `w->timer.async_wait`, then call after_wait).
    acquire_step start_acquire(const origin& to, clock::time_point deadline, lease& out,
                               std::optional<pool_waiter>& w, std::error_code& ec);
    /// After the waiter's timer completed (`was_cancelled`: the requester's cancellation state).
    acquire_step after_wait(std::optional<pool_waiter>& w, bool was_cancelled, const std::error_code& wait_ec,
                            clock::time_point deadline, lease& out, std::error_code& ec);
    /// Opens the connection of a slot reserved by start_acquire/after_wait (step `connect`); the
    /// lease frees the slot on failure.
    boost::asio::awaitable<std::error_code> connect(clock::time_point deadline, lease& out);

    pool_stats stats() const noexcept;
    pool_stats stats(const origin& to) const noexcept;
    void close_idle() noexcept;
    void close() noexcept;
    const client_options& options() const noexcept { return options_; }
    std::error_code init_error() const noexcept { return init_error_; }

private:
    friend class lease;
    host_entry& host_for(const origin& to);
    /// The non-waiting part of acquire for host `h`.
    acquire_step look(host_entry& h, clock::time_point deadline, lease& out, std::optional<pool_waiter>& w,
                      std::error_code& ec);
    /// Takes the warmest idle connection that has not expired (expired ones are closed).
    std::unique_ptr<connection> take_idle(host_entry& h);
    /// Makes room under max_connections, closing the oldest idle connection of any origin.
    bool make_room();
    void reserve_slot(host_entry& h) noexcept;
    void free_slot(host_entry& h) noexcept;
    void release(host_entry* h, std::unique_ptr<connection> c, bool reusable) noexcept;
    /// Hands idle connections and free slots to the waiters of `h`, in order.
    void dispatch(host_entry& h) noexcept;
    /// Same for every origin (after a slot was freed: waiters may be blocked on max_connections).
    void dispatch_all() noexcept;

    boost::asio::any_io_executor ex_;
    client_options options_;
    std::shared_ptr<connector> connector_;
    std::error_code init_error_;
    std::unordered_map<std::string, std::unique_ptr<host_entry>> hosts_;
    std::size_t waiting_ = 0;
    std::size_t total_open_ = 0;
    bool closed_ = false;
};

} // namespace engine::http::detail
