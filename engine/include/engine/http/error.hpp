#pragma once
// Errors of the engine's HTTP client (category "engine").
//
// Transport failures that have a precise system meaning (connection_refused, host_not_found,
// network_unreachable, ...) are passed through as their Asio/system codes; everything the client
// itself decides, and every timeout, is one of these codes. A timer that cancels an operation is
// never reported as operation_aborted: operation_aborted means the caller cancelled.
#include <system_error>

namespace engine {

enum class error {
    ok = 0,
    /// Resolving the host name and connecting (all endpoints) did not finish within connect_timeout.
    connect_timeout,
    /// The TLS handshake did not finish within tls_handshake_timeout.
    tls_handshake_timeout,
    /// Writing the request and reading the whole response did not finish within request_timeout.
    request_timeout,
    /// No connection became available in the pool before the operation's overall timeout.
    pool_timeout,
    /// The peer closed the connection (or reset it) before the response was complete.
    connection_closed,
    /// The response body exceeded the request's max_body (in-memory responses only), or the
    /// response header exceeded the header limit.
    response_too_large,
    /// The response is not valid HTTP/1.1 (bad status line, bad header, bad chunk framing...).
    bad_response,
    /// The server's certificate chain is not trusted (unknown CA, expired, self-signed...).
    tls_verify_failed,
    /// The server's certificate is trusted but names another host (neither SAN nor CN match).
    tls_hostname_mismatch,
    /// The TLS handshake failed for another reason (protocol version, alert from the peer...).
    tls_handshake_failed,
    /// The request is malformed: empty method, CR/LF or NUL in a header, unknown scheme, empty host.
    invalid_request,
    /// The request body provider failed to produce its bytes (I/O error reading the file), or
    /// produced fewer bytes than it announced.
    body_provider_failed,
    /// The response body sink reported an error (the sink's own code is not kept).
    body_sink_failed,
    /// The client was closed (client::close()) before or while the operation ran.
    client_closed,
    /// No byte of the request could be written, nor of the response read, for stall_timeout (the
    /// peer stopped reading or answering in the middle of an exchange).
    transfer_stalled,
};

/// The category named "engine".
const std::error_category& engine_category() noexcept;

inline std::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), engine_category()};
}

/// True for failures where a retry on a fresh connection may succeed: timeouts (connect, TLS
/// handshake, request, pool, transfer_stalled), connection_closed, and the system errors connection_refused,
/// connection_reset, connection_aborted, broken_pipe, timed_out, host_unreachable,
/// network_unreachable, network_down, try_again. False for operation_aborted (the caller cancelled),
/// TLS verification failures, bad requests and everything else. Whether the *request* may be
/// retried (idempotency, a replayable body) is the caller's decision.
bool is_retryable(const std::error_code& ec) noexcept;

} // namespace engine

template <>
struct std::is_error_code_enum<engine::error> : std::true_type {};
