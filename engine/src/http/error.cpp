#include <engine/http/error.hpp>

#include <boost/asio/error.hpp>

#include <string>

namespace engine {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "engine"; }
    std::string message(int ev) const override {
        switch (static_cast<error>(ev)) {
        case error::ok:
            return "success";
        case error::connect_timeout:
            return "connect timed out";
        case error::tls_handshake_timeout:
            return "TLS handshake timed out";
        case error::request_timeout:
            return "request timed out";
        case error::pool_timeout:
            return "timed out waiting for a pooled connection";
        case error::connection_closed:
            return "connection closed by peer";
        case error::response_too_large:
            return "response too large";
        case error::bad_response:
            return "malformed HTTP response";
        case error::tls_verify_failed:
            return "TLS certificate verification failed (untrusted chain)";
        case error::tls_hostname_mismatch:
            return "TLS certificate does not match the host name";
        case error::tls_handshake_failed:
            return "TLS handshake failed";
        case error::invalid_request:
            return "invalid request";
        case error::body_provider_failed:
            return "request body provider failed";
        case error::body_sink_failed:
            return "response body sink failed";
        case error::client_closed:
            return "HTTP client closed";
        case error::transfer_stalled:
            return "transfer stalled (no bytes sent or received within the stall timeout)";
        }
        return "unknown engine error";
    }
};

} // namespace

const std::error_category& engine_category() noexcept {
    static const category c;
    return c;
}

bool is_retryable(const std::error_code& ec) noexcept {
    if (ec.category() == engine_category()) {
        switch (static_cast<error>(ec.value())) {
        case error::connect_timeout:
        case error::tls_handshake_timeout:
        case error::request_timeout:
        case error::pool_timeout:
        case error::connection_closed:
        case error::transfer_stalled:
            return true;
        default:
            return false;
        }
    }
    const std::errc retryable[] = {
        std::errc::connection_refused,
        std::errc::connection_reset,
        std::errc::connection_aborted,
        std::errc::broken_pipe,
        std::errc::timed_out,
        std::errc::host_unreachable,
        std::errc::network_unreachable,
        std::errc::network_down,
        std::errc::resource_unavailable_try_again,
    };
    for (auto e : retryable)
        if (ec == e)
            return true;
    // Resolver: temporary failure in name resolution.
    if (ec == std::error_code(boost::system::error_code(boost::asio::error::host_not_found_try_again)))
        return true;
    return false;
}

} // namespace engine
