#pragma once
// The transport seam of the HTTP client: a connection carries exchanges (one request, one
// response) and a connector opens connections. The client's pool only sees these two interfaces,
// so tests plug in connections over in-memory streams (basic_connection<beast::test::stream>) and a
// fake connector, the way aws-c-auth's "system vtable" allows for simple mocking.
//
// Both run on the client's executor; neither is thread-safe.
#include <engine/http/message.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <system_error>

namespace engine::http {

using clock = std::chrono::steady_clock;

/// What an exchange needs beyond the request.
struct exchange_params {
    /// The exchange (write request, read whole response) must end by then: error::request_timeout.
    clock::time_point deadline = clock::time_point::max();
    /// When non-zero, every write of the request and read of the response must move bytes within this
    /// long (each one restarts the clock): error::transfer_stalled. Bounds a hung peer quickly while
    /// `deadline` stays long enough for a large body.
    std::chrono::milliseconds stall_timeout{0};
    /// In-memory bodies larger than this fail with error::response_too_large.
    std::uint64_t max_body = 64ull << 20;
    /// When set, 2xx response bodies stream into it (others stay in memory, for error decoding).
    body_sink* sink = nullptr;
    /// Bodies of at least this many bytes are sent with "Expect: 100-continue".
    std::uint64_t expect_continue_from = 1ull << 20;
    /// How long to wait for "100 Continue" (or a final answer) before sending the body anyway.
    std::chrono::milliseconds continue_timeout{1000};
    /// Size of the buffer a body_provider is read into (bounded memory per upload).
    std::size_t chunk_size = 64 * 1024;
};

struct exchange_result {
    std::error_code ec;
    /// The connection may carry another exchange (keep-alive, response fully read, no error).
    bool reusable = false;
    /// At least one byte of the response arrived (if not, a failed exchange on a reused connection
    /// is the classic "server closed the idle connection" race and may be retried).
    bool response_started = false;
};

/// One HTTP/1.1 connection.
class connection {
public:
    virtual ~connection() = default;
    /// Sends `req` and reads the response into `out`. Never throws; completes with
    /// operation_aborted when the awaiting coroutine is cancelled (terminal); the connection is
    /// then unusable (the caller closes it).
    virtual boost::asio::awaitable<exchange_result>
    exchange(const request& req, const exchange_params& params, response& out) = 0;
    /// Closes the transport at once (no TLS close_notify); idempotent.
    virtual void close() noexcept = 0;
};

/// Opens connections.
class connector {
public:
    virtual ~connector() = default;
    /// Opens a connection to `to`; the connector's own connect / handshake timeouts apply, but
    /// nothing may run past `deadline` (then the phase's timeout error is returned).
    virtual boost::asio::awaitable<std::error_code> connect(const origin& to, clock::time_point deadline,
                                                            std::unique_ptr<connection>& out) = 0;
};

} // namespace engine::http
