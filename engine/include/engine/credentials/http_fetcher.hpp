#pragma once
// The HTTP seam of the credential providers (IMDS, ECS container endpoint, STS). Providers never
// open sockets themselves: they hand a protocol::http_request to an http_fetcher. Tests plug in
// fakes; production plugs in the engine's HTTP client (engine/http), which must implement this
// interface; make_plain_http_fetcher() is a small built-in one for http:// URLs (enough for IMDS
// and ECS, which are plain HTTP on link-local or loopback addresses).
#include <protocol/http.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace engine::credentials {

/// A complete response.
struct fetch_response {
    int status = 0;
    std::vector<protocol::name_value> headers; ///< in received order
    std::string body;

    /// The first header with this name (ASCII case-insensitive), or nullptr.
    const std::string* header(std::string_view name) const noexcept;
};

struct fetch_result {
    std::error_code ec; ///< transport error; a non-2xx status is NOT an error here
    fetch_response response;
};

/// Contract for implementations:
///  - Send `req` to req.scheme://req.host:req.port with request target req.target(), method
///    req.method, the headers req.headers in order, plus "Host: <req.authority()>" (exactly that
///    value: STS requests are signed over it) and Content-Length when the body is not empty (or
///    the method is PUT/POST). Do not add other headers that change the request's meaning.
///  - Read the whole response (bodies here are small; an implementation may cap them at 1 MiB).
///  - The whole exchange (DNS, connect, TLS, write, read) must finish within `timeout`, else
///    complete with error::timeout. Connection errors complete with their system error code.
///  - Honour per-operation cancellation (terminal) of the awaiting coroutine: complete promptly
///    with boost::asio::error::operation_aborted.
///  - Connections need not be reused; IMDS/ECS/STS calls are rare (the cached provider in front).
///  - Never log request headers or bodies: they carry tokens and signatures.
/// `req` must stay alive until the returned awaitable completes (co_await it at once).
class http_fetcher {
public:
    virtual ~http_fetcher() = default;
    virtual boost::asio::awaitable<fetch_result> fetch(const protocol::http_request& req,
                                                       std::chrono::milliseconds timeout) = 0;
};

/// A minimal Beast-based fetcher: plain http:// only (https completes with
/// error::unsupported_scheme), one connection per request, IP literals connect directly, other
/// host names go through an asynchronous resolver (which, in Asio, uses an internal thread).
/// Response bodies are capped at 1 MiB. Stateless; safe to share between coroutines.
std::shared_ptr<http_fetcher> make_plain_http_fetcher();

} // namespace engine::credentials
