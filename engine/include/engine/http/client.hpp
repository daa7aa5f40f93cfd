#pragma once
// The engine's HTTP/1.1 client: a per-host keep-alive connection pool over TCP or TLS, and one
// asynchronous operation, async_request.
//
//   engine::http::client c{ex, {.ca_file = "/etc/ssl/certs/ca-certificates.crt"}};
//   auto [ec, resp] = co_await engine::http::async_request(c, std::move(req), {},
//                                                           asio::as_tuple(asio::use_awaitable));
//
// Embeddable: everything runs on the executor given to the client; the client has no threads of
// its own (except Asio's internal resolver thread, used only for host names that are not IP
// literals), no global state and no background timers (idle connections expire lazily, so an
// io_context with only idle connections left returns from run()).
//
// Thread-safety: a client and its operations must be used from one thread at a time: run the
// io_context on one thread, or give the client a strand. Distinct clients are independent.
#include <engine/http/connection.hpp>
#include <engine/http/error.hpp>
#include <engine/http/message.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/deferred.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace engine::http {

struct client_options {
    /// Connections to one origin (scheme, host, port) open at once; further requests queue.
    std::size_t max_connections_per_host = 64;
    /// Connections open at once over all origins (idle ones of other origins are closed to make
    /// room when a request is waiting).
    std::size_t max_connections = 512;
    /// An idle connection older than this is closed instead of reused (checked when taken).
    std::chrono::milliseconds idle_timeout{20000};
    /// Resolve + TCP connect (all endpoints), and the TLS handshake, each within these.
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds tls_handshake_timeout{10000};
    /// PEM file of trusted CAs (e.g. AWS_CA_BUNDLE, read by whoever builds the options). Empty:
    /// the system store (OpenSSL's default verify paths).
    std::string ca_file;
    /// Verify the server's certificate chain and host name. Only tests turn this off.
    bool verify_peer = true;
    /// Dial these addresses instead of resolving these host names (like curl --resolve); SNI,
    /// certificate verification and Host still use the origin's host name.
    std::vector<std::pair<std::string, std::string>> host_overrides;
    /// Upload buffer: request bodies from a body_provider are sent in chunks of this size.
    std::size_t upload_chunk_size = 64 * 1024;
};

struct request_options {
    /// Overall budget for the whole operation (waiting for a connection, connecting, exchange);
    /// zero means none. When it is the tighter limit, the error names the phase that ran out
    /// (pool_timeout, connect_timeout, tls_handshake_timeout, request_timeout).
    std::chrono::milliseconds timeout{0};
    /// Budget for writing the request and reading the whole response.
    std::chrono::milliseconds request_timeout{60000};
    /// Each write of the request and each read of the response must move bytes within this long
    /// (botocore's read_timeout, for both directions): error::transfer_stalled, retryable. Only
    /// takes effect when shorter than the request's remaining budget, i.e. for long transfers
    /// (S3 parts and downloads, with a long request_timeout); zero turns it off.
    std::chrono::milliseconds stall_timeout{60000};
    /// Limit for bodies kept in memory (error::response_too_large above it).
    std::uint64_t max_body = 64ull << 20;
    /// Streams 2xx response bodies here instead of memory (non-2xx bodies stay in memory, so
    /// error documents can be decoded). Must outlive the operation.
    body_sink* sink = nullptr;
    /// Request bodies of at least this size are sent with "Expect: 100-continue".
    std::uint64_t expect_continue_from = 1ull << 20;
    /// Wait this long for "100 Continue" before sending the body anyway.
    std::chrono::milliseconds continue_timeout{1000};
    /// Retry once on a fresh connection when a reused keep-alive connection fails before any
    /// response byte arrived (the server closed it while idle). Needs a rewindable body.
    bool retry_stale_connection = true;
    /// Asked once a complete response arrived on a connection that could stay open: false closes
    /// the connection instead of returning it to the pool (engine::clients::caller drops the
    /// connection after an answer it will retry, so the retry goes out on a fresh one). Empty:
    /// keep-alive as the server allows. Runs on the client's executor; must not throw.
    std::function<bool(const response&)> reuse_connection = nullptr;
};

/// Counters of the pool, overall or for one origin.
struct pool_stats {
    std::size_t open = 0;       ///< connections that exist (connecting, in use or idle)
    std::size_t idle = 0;       ///< of which idle, ready for reuse
    std::size_t waiting = 0;    ///< requests queued for a connection
    std::uint64_t connects = 0; ///< connections opened successfully so far
    std::uint64_t reuses = 0;   ///< requests served by a reused idle connection
};

namespace detail {
class pool;
} // namespace detail

/// The last step before client::send writes a request: called once a connection has been obtained
/// (after any wait for one), and again before a stale-connection retry on a fresh connection. It may
/// change the request (engine::clients::caller signs it here, so a request that queued for a
/// connection is signed with the time it is sent, and holds no signature while it waits). An error
/// ends the request with that error; the connection goes back to the pool unused. Runs on the
/// client's executor; must not throw.
class send_hook {
public:
    virtual std::error_code before_send(request& req) = 0;

protected:
    ~send_hook() = default;
};

class client {
public:
    using executor_type = boost::asio::any_io_executor;

    /// Uses the TCP/TLS connector built from `options`. Never throws except std::bad_alloc; an
    /// unreadable ca_file makes every request complete with the loading error (see init_error()).
    explicit client(executor_type ex, client_options options = {});
    /// Uses a custom connector (tests: in-memory streams).
    client(executor_type ex, client_options options, std::shared_ptr<connector> conn);
    /// Closes idle connections. Operations still running keep the pool alive until they complete;
    /// their connections are closed instead of reused.
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    executor_type get_executor() const noexcept { return ex_; }
    const client_options& options() const noexcept;
    /// Error of loading ca_file / creating the TLS context; requests fail with it when set.
    std::error_code init_error() const noexcept;

    pool_stats stats() const noexcept;
    pool_stats stats(const origin& to) const noexcept;
    /// Closes every idle connection now.
    void close_idle() noexcept;
    /// Closes idle connections and fails queued and future requests with error::client_closed;
    /// requests in progress finish and close their connections.
    void close() noexcept;

    /// async_request for a coroutine that already runs on this client's executor (what
    /// engine::clients::caller uses): the request runs inside the awaiting coroutine, without
    /// co_spawn, a type-erased handler or copies, so an operation in flight costs only its own
    /// frames. `req` and `opt` are read in place and must stay alive and unchanged until it completes;
    /// the answer is written to `out` only when a complete response arrived (any status). Errors,
    /// pooling, timeouts and stale-connection retry as async_request. Cancellation: terminal, through
    /// the awaiting coroutine's cancellation slot (completes with operation_aborted). The awaiting
    /// coroutine must have `this_coro::throw_if_cancelled(false)` while it awaits this (the connection
    /// code sets it too; restore it afterwards if you rely on it). `hook` (may be null) runs between
    /// obtaining a connection and writing the request, and may change `req` (see send_hook).
    boost::asio::awaitable<std::error_code> send(request& req, const request_options& opt, response& out,
                                                 send_hook* hook);

    /// Type-erased start of a request (what async_request calls).
    void start_request(request req, const request_options& opt,
                       boost::asio::any_completion_handler<void(std::error_code, response)> handler);

private:
    executor_type ex_;
    std::shared_ptr<detail::pool> pool_;
};

/// Sends `req` and reads the response.
///
/// Completion signature: void(std::error_code, response). A non-2xx status is not an error: ec is
/// only set when no complete response arrived (the response is then empty).
///
/// Errors: engine::error (connect_timeout, tls_handshake_timeout, request_timeout, pool_timeout,
/// connection_closed, response_too_large, bad_response, tls_verify_failed, tls_hostname_mismatch,
/// tls_handshake_failed, invalid_request, body_provider_failed, body_sink_failed, client_closed),
/// system errors from resolve and connect (host_not_found, connection_refused, ...), and
/// boost::asio::error::operation_aborted when cancelled.
///
/// Per-operation cancellation: terminal (and total, treated as terminal). The connection in use is
/// closed, a queued request leaves the queue; the pool stays consistent.
///
/// Thread-safety: initiate on the client's executor (see client). The handler is invoked through
/// its associated executor. `req` is moved into the operation.
template <class Token = boost::asio::deferred_t>
auto async_request(client& c, request req, request_options opt = {}, Token&& token = {}) {
    return boost::asio::async_initiate<Token, void(std::error_code, response)>(
        [](auto handler, client* cl, request r, request_options o) {
            cl->start_request(std::move(r), o, std::move(handler));
        },
        token, &c, std::move(req), std::move(opt));
}

} // namespace engine::http
