#pragma once
// One signed AWS call with the SDKs' retry behaviour, on the caller's executor:
//   credentials -> SigV4 -> engine::http -> decode the service error -> decide (protocol/retry.hpp)
//   -> back off on a timer -> re-sign and send again.
// A retried call is the same request (same body, hence the same ClientRequestToken), signed anew
// with a fresh X-Amz-Date; after a clock-skew error the signing clock is corrected from the
// server's Date header; after an expired-credentials error the credentials are fetched again.
// Errors: call_result::ec for transport failures and missing credentials (message says which),
// call_result::error for the service's answer (with status, code, message and request id).
// Cancellation: the awaitable follows the coroutine's cancellation state; a cancelled backoff or
// request ends the call with boost::asio::error::operation_aborted.
// Not thread-safe: use one caller per executor (it holds the signer's caches and the retry quota).
#include <aws_sigv4/settings.hpp>
#include <aws_sigv4/sign.hpp>
#include <engine/credentials/provider.hpp>
#include <engine/http/client.hpp>
#include <protocol/retry.hpp>
#include <protocol/service_error.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string_view>
#include <string>
#include <system_error>

namespace engine::clients {

/// How to sign and decode for one service endpoint.
struct service_target {
    std::string region;       ///< credential scope region
    std::string signing_name; ///< credential scope service: "athena", "glue", "s3", "sts"
    protocol::wire_protocol wire = protocol::wire_protocol::json;
    aws_sigv4::settings signing = aws_sigv4::settings::json_service();
};

struct call_result {
    std::error_code ec;                           ///< transport or credentials failure (no answer)
    std::string message;                          ///< what went wrong, for people (never a secret)
    http::response response;                      ///< the last answer (2xx when ok())
    std::optional<protocol::service_error> error; ///< the service's error, when it answered one
    int attempts = 0;
    bool ok() const noexcept { return !ec && !error; }
};

/// What a payload-streaming request needs from one signed attempt (aws-chunked bodies chain their
/// chunk signatures on the request's signature). Views are valid during the callback only.
struct signed_attempt {
    const aws_sigv4::credentials& creds;
    std::string_view region;
    std::string_view service;
    const aws_sigv4::signing_time& time;
    std::string_view seed_signature; ///< the request's signature (64 hex digits)
};

/// How the caller signs the payload. Defaults: the SHA-256 of `request::body` (a provider body must
/// then give `payload_hash`).
struct payload_options {
    /// Signed payload hash instead of SHA-256(body): 64 hex digits, or an aws_sigv4::payload literal
    /// (UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]).
    std::string payload_hash;
    /// Called after each attempt is signed, before it is sent; may attach a fresh body provider to
    /// the attempt's request (aws-chunked framing seeded with the signature). A returned error ends
    /// the call with that error.
    std::function<std::error_code(const signed_attempt&, http::request&)> on_signed;
};

/// An operation's call plus its decoded answer (value is meaningful when ok()).
template <class T>
struct op_result {
    call_result call;
    T value{};
    bool ok() const noexcept { return call.ok(); }
};

class caller {
public:
    caller(http::client& http, credentials::provider_ptr creds, protocol::retry::config retry = {},
           std::uint64_t seed = std::random_device{}());

    /// Sends `req` (method, target, headers incl. Host, body; no Authorization) until it succeeds,
    /// fails for good, or runs out of attempts or retry quota. Arguments are taken by value: the
    /// coroutine outlives the caller's temporaries. The caller object must outlive the call.
    /// A body provider in `req` is rewound before every retry; `payload` says how its payload is
    /// signed (see payload_options). Call it with every argument named: g++ 12 destroys the
    /// temporaries of defaulted class-type arguments of a coroutine call twice (free(): invalid pointer).
    boost::asio::awaitable<call_result> call(service_target target, http::request req,
                                             http::request_options options = {},
                                             payload_options payload = {});

    /// The signing clock (system_clock by default; tests inject one). The skew correction is added.
    std::function<std::chrono::system_clock::time_point()> now = [] {
        return std::chrono::system_clock::now();
    };
    std::chrono::milliseconds clock_offset() const noexcept { return offset_; }
    const protocol::retry::quota& quota() const noexcept { return quota_; }
    /// A fresh ClientRequestToken from this caller's random source.
    std::string new_client_request_token();

private:
    double monotonic_seconds() const;

    http::client& http_;
    credentials::provider_ptr creds_;
    protocol::retry::config config_;
    protocol::retry::quota quota_;
    std::optional<protocol::retry::rate_limiter> limiter_;
    std::mt19937_64 rng_;
    aws_sigv4::signer signer_;
    std::chrono::milliseconds offset_{0};
    std::optional<credentials::identity> identity_;
};

} // namespace engine::clients
