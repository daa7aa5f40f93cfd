#pragma once
// One signed AWS call with the SDKs' retry behaviour, on the caller's executor:
//   credentials -> SigV4 -> engine::http -> decode the service error -> decide (protocol/retry.hpp)
//   -> back off on a timer -> re-sign and send again.
// A retried call is the same request (same body, hence the same ClientRequestToken), signed anew
// with a fresh X-Amz-Date; after a clock-skew error the signing clock is corrected from the
// server's Date header; after an expired-credentials error the credentials are fetched again.
// Signing happens once the HTTP client has a connection for the attempt (http::send_hook), so a
// request that queued for a connection is signed with the time it is sent (a long queue cannot
// outlive the signature) and holds no signature while it waits. (A caller that does not run on the
// HTTP client's executor signs before handing the request over.)
// Errors: call_result::ec for transport failures and missing credentials (message says which),
// call_result::error for the service's answer (with status, code, message and request id).
// Cancellation: terminal, through the awaiting coroutine's cancellation slot (co_spawn with
// bind_cancellation_slot, awaitable operators, cancel_after on the outer operation). A cancelled
// backoff, rate-limiter wait or request ends the call promptly with ec = operation_aborted; a
// request in flight is abandoned and its connection closed (never returned to the pool).
// Connections: after an answer the caller will retry (5xx, throttling, ...) the connection is closed
// rather than reused, and a transport failure never returns its connection, so every retry goes out
// on a fresh connection.
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

namespace detail {
struct operation_call; // the service clients' operations (engine/src/clients/operation.hpp)
} // namespace detail

/// How to sign and decode for one service endpoint.
struct service_target {
    std::string region;       ///< credential scope region
    std::string signing_name; ///< credential scope service: "athena", "glue", "s3", "sts"
    protocol::wire_protocol wire = protocol::wire_protocol::json;
    aws_sigv4::settings signing = aws_sigv4::settings::json_service();
    /// Send unsigned and without fetching credentials (STS AssumeRoleWithWebIdentity: the token in
    /// the body is the credential).
    bool anonymous = false;
};

/// A wait the caller is about to make (see caller::on_wait).
struct wait_event {
    enum class reason {
        backoff,    ///< before retrying: full-jitter exponential backoff
        rate_limit, ///< adaptive mode: the client-side token bucket has no token yet
    };
    reason why = reason::backoff;
    int attempt = 0; ///< the attempt that waits to be sent (2 = the first retry)
    std::chrono::steady_clock::duration delay{};
};

/// An optional value kept on the heap: one pointer while empty (call_result::error, which a call that
/// succeeds never has; std::optional<service_error> would be 144 bytes in every result). Reads like
/// std::optional: has_value(), bool, *, ->, = value, reset().
template <class T>
class boxed_optional {
public:
    boxed_optional() = default;
    boxed_optional(std::nullopt_t) noexcept {}
    boxed_optional(T v)
        : p_(std::make_unique<T>(std::move(v))) {}
    boxed_optional(const boxed_optional& o)
        : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
    boxed_optional(boxed_optional&&) noexcept = default;
    boxed_optional& operator=(const boxed_optional& o) {
        if (this != &o)
            p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
        return *this;
    }
    boxed_optional& operator=(boxed_optional&&) noexcept = default;
    boxed_optional& operator=(T v) {
        if (p_)
            *p_ = std::move(v);
        else
            p_ = std::make_unique<T>(std::move(v));
        return *this;
    }
    boxed_optional& operator=(std::nullopt_t) noexcept {
        p_.reset();
        return *this;
    }

    bool has_value() const noexcept { return p_ != nullptr; }
    explicit operator bool() const noexcept { return p_ != nullptr; }
    T& operator*() noexcept { return *p_; }
    const T& operator*() const noexcept { return *p_; }
    T* operator->() noexcept { return p_.get(); }
    const T* operator->() const noexcept { return p_.get(); }
    T& value() {
        if (!p_)
            throw std::bad_optional_access();
        return *p_;
    }
    const T& value() const {
        if (!p_)
            throw std::bad_optional_access();
        return *p_;
    }
    void reset() noexcept { p_.reset(); }

private:
    std::unique_ptr<T> p_;
};

struct call_result {
    std::error_code ec;                             ///< transport or credentials failure (no answer)
    std::string message;                            ///< what went wrong, for people (never a secret)
    http::response response;                        ///< the last answer (2xx when ok())
    boxed_optional<protocol::service_error> error;  ///< the service's error, when it answered one
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
    /// Called after each attempt is signed, just before it is sent on its connection (again when the
    /// HTTP client resends it on a fresh connection after a stale one); may attach a fresh body
    /// provider to the attempt's request (aws-chunked framing seeded with the signature). The
    /// request's own provider is rewound before every send but the first. A returned error ends the
    /// call with that error.
    std::function<std::error_code(const signed_attempt&, http::request&)> on_signed;
};

/// An operation's call plus its decoded answer (value is meaningful when ok()).
template <class T>
struct op_result {
    call_result call;
    T value{};
    bool ok() const noexcept { return call.ok(); }
};

/// One call whose state lives with the awaiting coroutine (see caller::call_into); the service
/// clients' operations hold it in caller::run_operation's frame, so a call in flight holds one request.
struct call_request {
    const service_target* target = nullptr; ///< must stay alive until the call completes
    /// Sent as given (Host included, no Authorization); signed in place, so after the call it carries
    /// the last attempt's signing headers.
    http::request req;
    /// null: the defaults, with the connection dropped after an answer that will be retried.
    /// Given: used as is (install your own reuse_connection, or see call()).
    const http::request_options* options = nullptr;
    const payload_options* payload = nullptr; ///< null: sign the SHA-256 of req.body
};

class caller {
public:
    caller(http::client& http, credentials::provider_ptr creds, protocol::retry::config retry = {},
           std::uint64_t seed = std::random_device{}());

    /// Sends `req` (method, target, headers incl. Host, body; no Authorization) until it succeeds,
    /// fails for good, or runs out of attempts or retry quota. Arguments are taken by value: the
    /// coroutine outlives the caller's temporaries. The caller object must outlive the call.
    /// A body provider in `req` is rewound before every retry; `payload` says how its payload is
    /// signed (see payload_options). Not itself a coroutine: the arguments go to one heap state and
    /// the call runs call_into() on it; the service clients use run_operation().
    boost::asio::awaitable<call_result> call(service_target target, http::request req,
                                             http::request_options options = {},
                                             payload_options payload = {});

    /// What call() does, with the state held by the awaiting coroutine: `st` and `out` must stay alive
    /// until it completes (`out` is the call's result; the target, options and payload are read
    /// through their pointers). Retries, cancellation and errors exactly as call(). No defaulted
    /// arguments, no copies of the request.
    boost::asio::awaitable<void> call_into(call_request& st, call_result& out);

    /// For the service clients (engine/src/clients/operation.hpp): call_into for an operation, which
    /// is refused here when its request could not be built, and whose answer is decoded before this
    /// completes. By value, the operation lives in this coroutine's frame (an operation in flight is
    /// then one frame here); by pointer, it must stay alive until this completes.
    boost::asio::awaitable<void> run_operation(detail::operation_call op, call_result& out);
    boost::asio::awaitable<void> run_operation(detail::operation_call* op, call_result& out);

    /// The signing clock (system_clock by default; tests inject one). The skew correction is added.
    std::function<std::chrono::system_clock::time_point()> now = [] {
        return std::chrono::system_clock::now();
    };
    /// Monotonic time of the adaptive rate limiter (steady_clock by default). Set it before the
    /// first call; the limiter starts at that call.
    std::function<std::chrono::steady_clock::time_point()> steady_now = [] {
        return std::chrono::steady_clock::now();
    };
    /// How backoff and rate-limiter waits are made: empty = a steady_timer on the coroutine's
    /// executor. Tests inject a fake that moves their `steady_now` forward at once. It must complete
    /// with operation_aborted when the awaiting coroutine is cancelled.
    std::function<boost::asio::awaitable<std::error_code>(std::chrono::steady_clock::duration)> sleep;
    /// Told before every wait (logging, tests). Must not throw.
    std::function<void(const wait_event&)> on_wait;
    std::chrono::milliseconds clock_offset() const noexcept { return offset_; }
    const protocol::retry::quota& quota() const noexcept { return quota_; }
    /// Adaptive mode's rate limiter (null in standard mode and before the first call).
    const protocol::retry::rate_limiter* rate_limiter() const noexcept {
        return limiter_ ? &*limiter_ : nullptr;
    }
    /// A fresh ClientRequestToken from this caller's random source.
    std::string new_client_request_token();

private:
    double monotonic_seconds() const;
    /// The retry loop of call_into and run_operation (caller.cpp): `State` holds or points to the call.
    template <class State>
    boost::asio::awaitable<void> run(State state, call_result& out);
    struct progress; // one call's retry bookkeeping (caller.cpp)
    void begin_call(call_request& st, progress& pr);
    bool needs_credentials(const call_request& st, const progress& pr) const noexcept;
    boost::asio::awaitable<bool> fetch_credentials(call_result& out);
    boost::asio::awaitable<bool> wait_for_token(int attempt, call_result& out);
    void prepare_attempt(progress& pr, call_result& out);
    std::error_code ready_to_send(call_request& st, progress& pr, call_result& out);
    bool on_client_executor(const boost::asio::any_io_executor& ex) const;
    bool after_answer(const call_request& st, progress& pr, std::error_code ec, call_result& out,
                      std::chrono::steady_clock::duration& delay);
    const http::request_options& default_options(protocol::wire_protocol wire) const noexcept;
    std::error_code sign_attempt(const service_target& target, const payload_options* payload,
                                 http::request& req, std::string& message);
    boost::asio::awaitable<std::error_code> pause(wait_event::reason why, int attempt,
                                                  std::chrono::steady_clock::duration delay);

    http::client& http_;
    credentials::provider_ptr creds_;
    protocol::retry::config config_;
    protocol::retry::quota quota_;
    std::optional<protocol::retry::rate_limiter> limiter_;
    std::mt19937_64 rng_;
    aws_sigv4::signer signer_;
    std::chrono::milliseconds offset_{0};
    std::optional<credentials::identity> identity_;
    http::request_options default_options_[3]; ///< per protocol::wire_protocol
};

} // namespace engine::clients
