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

class pool : public std::enable_shared_from_this<pool> {
public:
    pool(boost::asio::any_io_executor ex, client_options options, std::shared_ptr<connector> conn,
         std::error_code init_error);
    ~pool();

    /// Waits for an idle connection or a free slot (FIFO), connecting when needed.
    /// Errors: init error, client_closed, pool_timeout (deadline), connector errors, operation_aborted.
    boost::asio::awaitable<std::error_code> acquire(const origin& to, clock::time_point deadline, lease& out);

    pool_stats stats() const noexcept;
    pool_stats stats(const origin& to) const noexcept;
    void close_idle() noexcept;
    void close() noexcept;
    const client_options& options() const noexcept { return options_; }
    std::error_code init_error() const noexcept { return init_error_; }

private:
    friend class lease;
    host_entry& host_for(const origin& to);
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
